import { expect } from '@open-wc/testing';
import { PeerLink, type PeerLinkEvents } from '../../src/core/peer-link';
import type { PeerMessage, SignalPayload } from '../../src/core/peer-protocol';
import { canvasTrack, framesDecoded, until } from './webrtc-helpers';

interface Side {
  link: PeerLink;
  streams: MediaStream[];
  messages: PeerMessage[];
  opened: number;
}

/** Two links wired back to back through an async "signaling" hop, as the real mesh does. */
function pair(opts: { aInitiator: boolean; bInitiator: boolean }, tracks: { a: MediaStreamTrack | null; b: MediaStreamTrack | null }) {
  const sides: Partial<Record<'a' | 'b', Side>> = {};
  const make = (me: 'a' | 'b', other: 'a' | 'b', initiator: boolean, video: MediaStreamTrack | null): Side => {
    const side: Side = { link: null as unknown as PeerLink, streams: [], messages: [], opened: 0 };
    const events: PeerLinkEvents = {
      signal: (p: SignalPayload) =>
        void setTimeout(() => void sides[other]?.link.receive(JSON.parse(JSON.stringify(p)) as SignalPayload), 1),
      stream: (s) => side.streams.push(s),
      message: (m) => side.messages.push(m),
      state: () => undefined,
      channelOpen: () => side.opened++,
    };
    side.link = new PeerLink({ polite: me === 'a', initiator, iceServers: [] }, events, { audio: null, video });
    return side;
  };
  sides.a = make('a', 'b', opts.aInitiator, tracks.a);
  sides.b = make('b', 'a', opts.bInitiator, tracks.b);
  return sides as Record<'a' | 'b', Side>;
}

describe('PeerLink', () => {
  const links: PeerLink[] = [];
  afterEach(() => links.splice(0).forEach((l) => l.close()));

  it('connects initiator to answerer: video both ways and the control channel', async () => {
    const s = pair({ aInitiator: true, bInitiator: false }, { a: canvasTrack(), b: canvasTrack() });
    links.push(s.a.link, s.b.link);
    await until(() => s.a.opened > 0 && s.b.opened > 0);
    expect(s.a.link.send({ type: 'state', name: 'Ann', mic: true, camera: false })).to.equal(true);
    await until(() => s.b.messages.length > 0);
    expect(s.b.messages[0]).to.deep.equal({ type: 'state', name: 'Ann', mic: true, camera: false });
    await until(() => s.a.streams.length > 0 && s.b.streams.length > 0);
    expect(await framesDecoded(s.b.streams[0])).to.be.at.least(4);
    expect(await framesDecoded(s.a.streams[0])).to.be.at.least(4);
  });

  it('says when it first connected, and settles on close', async () => {
    const s = pair({ aInitiator: true, bInitiator: false }, { a: canvasTrack(), b: null });
    links.push(s.a.link, s.b.link);
    await s.a.link.settled();
    expect(s.a.link.pc.connectionState).to.equal('connected');

    const quiet = {
      signal: () => undefined,
      stream: () => undefined,
      message: () => undefined,
      state: () => undefined,
      channelOpen: () => undefined,
    };
    const lonely = new PeerLink({ polite: false, initiator: true, iceServers: [] }, quiet, { audio: null, video: null });
    const settled = lonely.settled();
    lonely.close();
    await settled;
  });

  it('survives glare: both sides offer at once and still connect', async () => {
    const s = pair({ aInitiator: true, bInitiator: true }, { a: canvasTrack(), b: canvasTrack() });
    links.push(s.a.link, s.b.link);
    await until(() => s.a.link.pc.connectionState === 'connected' && s.b.link.pc.connectionState === 'connected');
    await until(() => s.a.link.pc.signalingState === 'stable' && s.b.link.pc.signalingState === 'stable');
    await until(() => s.b.streams.length > 0);
    expect(await framesDecoded(s.b.streams[0])).to.be.at.least(4);
  });

  it('restarts ICE and stays connected, with media still flowing', async () => {
    const s = pair({ aInitiator: true, bInitiator: false }, { a: canvasTrack(), b: null });
    links.push(s.a.link, s.b.link);
    await until(() => s.b.link.pc.connectionState === 'connected');
    const before = s.a.link.pc.localDescription?.sdp.match(/a=ice-ufrag:(\S+)/)?.[1];
    s.b.link.restartIce();
    await until(() => {
      const now = s.a.link.pc.localDescription?.sdp.match(/a=ice-ufrag:(\S+)/)?.[1];
      return now !== undefined && now !== before && s.a.link.pc.signalingState === 'stable';
    });
    await until(() => s.a.link.pc.connectionState === 'connected');
    expect(await framesDecoded(s.b.streams[0])).to.be.at.least(4);
  });

  it('swaps the outgoing track without renegotiating', async () => {
    const s = pair({ aInitiator: true, bInitiator: false }, { a: canvasTrack(), b: null });
    links.push(s.a.link, s.b.link);
    await until(() => s.b.link.pc.connectionState === 'connected');
    let renegotiated = false;
    s.a.link.pc.addEventListener('negotiationneeded', () => (renegotiated = true));
    await s.a.link.setTrack('video', null);
    await s.a.link.setTrack('video', canvasTrack());
    await new Promise((r) => setTimeout(r, 300));
    expect(renegotiated).to.equal(false);
    expect(await framesDecoded(s.b.streams[0])).to.be.at.least(4);
  });

  it('answers with its camera on the offered m-line, and sends a camera it turns on later without renegotiating', async () => {
    const withCamera = pair({ aInitiator: true, bInitiator: false }, { a: null, b: canvasTrack() });
    links.push(withCamera.a.link, withCamera.b.link);
    await until(() => withCamera.a.streams.length > 0);
    // Attached before the offer came, yet no extra transceiver: audio and video, matched to the offer's.
    expect(withCamera.b.link.pc.getTransceivers().length).to.equal(2);
    expect(await framesDecoded(withCamera.a.streams[0])).to.be.at.least(4);

    const later = pair({ aInitiator: true, bInitiator: false }, { a: canvasTrack(), b: null });
    links.push(later.a.link, later.b.link);
    await until(() => later.b.link.pc.connectionState === 'connected' && later.b.link.pc.signalingState === 'stable');
    let renegotiated = false;
    later.b.link.pc.addEventListener('negotiationneeded', () => (renegotiated = true));
    await later.b.link.setTrack('video', canvasTrack());
    await until(() => later.a.streams.length > 0);
    expect(await framesDecoded(later.a.streams[0])).to.be.at.least(4);
    expect(renegotiated).to.equal(false);
  });
});
