// The textbook minimum: one RTCPeerConnection, getUserMedia, trickle ICE over the bench relay.
// The newcomer (B) offers as soon as it knows someone is there; the one waiting (A) answers.
//
// Query flags switch on one structural choice of our app at a time, to find what costs time
// (contender "raw-like-ours" sets them all): offerer=waiting (A offers when told B joined),
// transceivers=1 (addTransceiver + replaceTrack instead of addTrack), dc=1 (a negotiated data channel),
// stream=own (the tile shows a page-made MediaStream that each track event adds to, so the video element
// may first get it with audio only, instead of the event's e.streams[0]).
import { CONSTRAINTS, RTC_CONFIG, Relay, joinClicked, params, showVideo } from './common.ts';

type Signal = { description: RTCSessionDescriptionInit } | { candidate: RTCIceCandidateInit };

await joinClicked();
const relay = new Relay(params.get('room') ?? 'bench');
const [stream, peers] = await Promise.all([navigator.mediaDevices.getUserMedia(CONSTRAINTS), relay.welcome]);
showVideo('me', stream, true);

const waitingOffers = params.get('offerer') === 'waiting';
const transceivers = params.get('transceivers') === '1';
const pc = new RTCPeerConnection(RTC_CONFIG);
// With transceivers the offerer creates them and the answerer attaches its tracks to the offered ones.
if (!transceivers) for (const track of stream.getTracks()) pc.addTrack(track, stream);
if (params.get('dc') === '1') pc.createDataChannel('control', { negotiated: true, id: 0 });
pc.onicecandidate = (e) => {
  if (e.candidate) relay.send({ candidate: e.candidate.toJSON() });
};
const own = params.get('stream') === 'own' ? new MediaStream() : null;
let shown = false;
pc.ontrack = (e) => {
  own?.addTrack(e.track);
  if (shown) return;
  shown = true;
  showVideo('peer', own ?? e.streams[0] ?? new MediaStream([e.track]), false);
};

async function offer(): Promise<void> {
  if (transceivers) {
    for (const track of stream.getTracks()) void pc.addTransceiver(track.kind, { direction: 'sendrecv' }).sender.replaceTrack(track);
  }
  await pc.setLocalDescription();
  relay.send({ description: pc.localDescription?.toJSON() });
}

// Signals are handled one at a time so a candidate never overtakes the description before it.
let chain = Promise.resolve();
relay.listen((data) => {
  chain = chain.then(async () => {
    const s = data as Signal;
    if ('candidate' in s) return pc.addIceCandidate(s.candidate);
    await pc.setRemoteDescription(s.description);
    if (s.description.type === 'offer') {
      if (transceivers) {
        for (const track of stream.getTracks()) {
          const t = pc.getTransceivers().find((x) => x.receiver.track.kind === track.kind);
          if (!t) continue;
          t.direction = 'sendrecv';
          void t.sender.replaceTrack(track);
        }
      }
      await pc.setLocalDescription();
      relay.send({ description: pc.localDescription?.toJSON() });
    }
  });
});

if (waitingOffers) relay.onPeerJoined = () => void offer();
else if (peers > 0) await offer();
