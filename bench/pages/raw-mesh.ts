// The textbook full mesh: one raw RTCPeerConnection per other participant, addTrack, trickle ICE over the
// bench relay. The newcomer offers to everyone the relay's welcome lists; the others answer. No encryption,
// no budget, no recovery: the floor our mesh is measured against.
import { CONSTRAINTS, RTC_CONFIG, Relay, joinClicked, params, showVideo } from './common.ts';

type MeshSignal = { from: string; to: string } & ({ description: RTCSessionDescriptionInit } | { candidate: RTCIceCandidateInit });

await joinClicked();
const relay = new Relay(params.get('room') ?? 'bench');
const [stream, { self, others }] = await Promise.all([navigator.mediaDevices.getUserMedia(CONSTRAINTS), relay.members]);
showVideo('me (you)', stream, true);

const links = new Map<string, RTCPeerConnection>();
const chains = new Map<string, Promise<void>>();

function link(peer: string): RTCPeerConnection {
  const known = links.get(peer);
  if (known) return known;
  const pc = new RTCPeerConnection(RTC_CONFIG);
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  pc.onicecandidate = (e) => {
    if (e.candidate) relay.send({ from: self, to: peer, candidate: e.candidate.toJSON() } satisfies MeshSignal);
  };
  let shown = false;
  pc.ontrack = (e) => {
    if (shown) return;
    shown = true;
    showVideo(peer, e.streams[0] ?? new MediaStream([e.track]), false);
  };
  links.set(peer, pc);
  return pc;
}

async function describe(peer: string, pc: RTCPeerConnection): Promise<void> {
  await pc.setLocalDescription();
  const description = pc.localDescription?.toJSON() as RTCSessionDescriptionInit;
  relay.send({ from: self, to: peer, description } satisfies MeshSignal);
}

// Per peer, signals are handled one at a time so a candidate never overtakes the description before it.
relay.listen((data) => {
  const s = data as MeshSignal;
  if (s.to !== self) return;
  const pc = link(s.from);
  const next = (chains.get(s.from) ?? Promise.resolve()).then(async () => {
    if ('candidate' in s) return pc.addIceCandidate(s.candidate);
    await pc.setRemoteDescription(s.description);
    if (s.description.type === 'offer') await describe(s.from, pc);
  });
  chains.set(s.from, next);
});

await Promise.all(others.map((peer) => describe(peer, link(peer))));
