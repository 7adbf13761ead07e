// The textbook minimum: one RTCPeerConnection, getUserMedia, trickle ICE over the bench relay.
// The newcomer (B) offers as soon as it knows someone is there; the one waiting (A) answers.
import { CONSTRAINTS, RTC_CONFIG, Relay, joinClicked, params, showVideo } from './common.ts';

type Signal = { description: RTCSessionDescriptionInit } | { candidate: RTCIceCandidateInit };

await joinClicked();
const relay = new Relay(params.get('room') ?? 'bench');
const [stream, peers] = await Promise.all([navigator.mediaDevices.getUserMedia(CONSTRAINTS), relay.welcome]);
showVideo('me', stream, true);

const pc = new RTCPeerConnection(RTC_CONFIG);
for (const track of stream.getTracks()) pc.addTrack(track, stream);
pc.onicecandidate = (e) => { if (e.candidate) relay.send({ candidate: e.candidate.toJSON() }); };
let shown = false;
pc.ontrack = (e) => {
  if (shown) return;
  shown = true;
  showVideo('peer', e.streams[0] ?? new MediaStream([e.track]), false);
};

// Signals are handled one at a time so a candidate never overtakes the description before it.
let chain = Promise.resolve();
relay.listen((data) => {
  chain = chain.then(async () => {
    const s = data as Signal;
    if ('candidate' in s) return pc.addIceCandidate(s.candidate);
    await pc.setRemoteDescription(s.description);
    if (s.description.type === 'offer') {
      await pc.setLocalDescription();
      relay.send({ description: pc.localDescription?.toJSON() });
    }
  });
});

if (peers > 0) {
  await pc.setLocalDescription();
  relay.send({ description: pc.localDescription?.toJSON() });
}
