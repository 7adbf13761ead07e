// simple-peer 9 over the bench relay: the newcomer (B) is the initiator, the one waiting (A) answers.
import SimplePeer from 'simple-peer';
import { CONSTRAINTS, RTC_CONFIG, Relay, joinClicked, params, showVideo } from './common.ts';

await joinClicked();
const relay = new Relay(params.get('room') ?? 'bench');
const [stream, peers] = await Promise.all([navigator.mediaDevices.getUserMedia(CONSTRAINTS), relay.welcome]);
showVideo('me', stream, true);

function connect(initiator: boolean): SimplePeer.Instance {
  const peer = new SimplePeer({ initiator, stream, trickle: true, config: RTC_CONFIG });
  peer.on('signal', (data) => relay.send(data));
  peer.on('stream', (remote: MediaStream) => showVideo('peer', remote, false));
  peer.on('error', (err) => console.error('simple-peer', err));
  return peer;
}

let peer: SimplePeer.Instance | null = peers > 0 ? connect(true) : null;
relay.listen((data) => {
  peer ??= connect(false);
  peer.signal(data as SimplePeer.SignalData);
});
