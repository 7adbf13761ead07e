// Proves the runner and the network namespace let two peer connections in one page talk. If this fails,
// every other WebRTC test fails for environmental reasons: look here first.
import { expect } from '@open-wc/testing';

function once<T>(target: EventTarget, type: string, ms: number, pick: (e: Event) => T): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} within ${ms} ms`)), ms);
    target.addEventListener(
      type,
      (e) => {
        clearTimeout(timer);
        resolve(pick(e));
      },
      { once: true },
    );
  });
}

describe('WebRTC in the test browser', () => {
  let a: RTCPeerConnection;
  let b: RTCPeerConnection;

  beforeEach(() => {
    a = new RTCPeerConnection();
    b = new RTCPeerConnection();
    a.onicecandidate = (e) => void (e.candidate && b.addIceCandidate(e.candidate));
    b.onicecandidate = (e) => void (e.candidate && a.addIceCandidate(e.candidate));
  });

  afterEach(() => {
    a.close();
    b.close();
  });

  it('opens a data channel between two peer connections and delivers a message', async () => {
    const sent = a.createDataChannel('sanity');
    const incoming = once(b, 'datachannel', 10_000, (e) => (e as RTCDataChannelEvent).channel);

    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);

    const received = await incoming;
    const message = once(received, 'message', 10_000, (e) => (e as MessageEvent<string>).data);
    if (sent.readyState !== 'open') await once(sent, 'open', 10_000, () => undefined);
    sent.send('hello across the namespace');

    expect(await message).to.equal('hello across the namespace');
    expect(received.label).to.equal('sanity');
  });
});
