// PeerJS 1.5 against a local PeerServer: the newcomer (B) calls the one waiting (A), whose id it is given.
import { Peer } from 'peerjs';
import { CONSTRAINTS, RTC_CONFIG, joinClicked, params, showVideo } from './common.ts';

await joinClicked();
const id = params.get('id') ?? undefined;
const callee = params.get('callee');
const server = { host: location.hostname, port: Number(params.get('peerPort')), path: '/', secure: false };
const peer = id ? new Peer(id, { ...server, config: RTC_CONFIG }) : new Peer({ ...server, config: RTC_CONFIG });
peer.on('error', (err) => console.error('peerjs', err));
const opened = new Promise<void>((resolve) => peer.on('open', () => resolve()));
const [stream] = await Promise.all([navigator.mediaDevices.getUserMedia(CONSTRAINTS), opened]);
showVideo('me', stream, true);

let shown = false;
function show(remote: MediaStream): void {
  if (shown) return;
  shown = true;
  showVideo('peer', remote, false);
}

if (callee) {
  peer.call(callee, stream).on('stream', show);
} else {
  peer.on('call', (call) => {
    call.answer(stream);
    call.on('stream', show);
  });
}
