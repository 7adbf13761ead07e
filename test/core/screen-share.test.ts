// Screen sharing on PeerLink: an extra video transceiver negotiated by perfect negotiation, told apart from
// the camera on the receiving side, announced over the control channel.
import { expect } from '@open-wc/testing';
import { PeerLink } from '../../src/core/peer-link';
import type { SignalPayload } from '../../src/core/peer-protocol';
import { canvasTrack, framesDecoded as decodes, until } from './webrtc-helpers';

interface Side {
  link: PeerLink;
  camera: MediaStream | null;
  screens: (MediaStream | null)[];
  opened: number;
}

function pair(tracks: { a: MediaStreamTrack; b: MediaStreamTrack }): Record<'a' | 'b', Side> {
  const sides: Partial<Record<'a' | 'b', Side>> = {};
  const make = (me: 'a' | 'b', other: 'a' | 'b', video: MediaStreamTrack): Side => {
    const side: Side = { link: null as unknown as PeerLink, camera: null, screens: [], opened: 0 };
    side.link = new PeerLink(
      { polite: me === 'a', initiator: me === 'a', iceServers: [] },
      {
        signal: (p: SignalPayload) =>
          void setTimeout(() => void sides[other]?.link.receive(JSON.parse(JSON.stringify(p)) as SignalPayload), 1),
        stream: (s) => (side.camera = s),
        message: () => undefined,
        state: () => undefined,
        channelOpen: () => side.opened++,
        screen: (s) => side.screens.push(s),
      },
      { audio: null, video },
    );
    return side;
  };
  sides.a = make('a', 'b', tracks.a);
  sides.b = make('b', 'a', tracks.b);
  return sides as Record<'a' | 'b', Side>;
}

describe('PeerLink screen share', () => {
  const links: PeerLink[] = [];
  const tracks: MediaStreamTrack[] = [];
  const track = (hue: number) => {
    const t = canvasTrack(hue);
    tracks.push(t);
    return t;
  };
  afterEach(() => {
    links.splice(0).forEach((l) => l.close());
    tracks.splice(0).forEach((t) => t.stop());
  });

  it('both sides share at the same moment: both screens arrive, cameras stay separate', async () => {
    const s = pair({ a: track(0), b: track(120) });
    links.push(s.a.link, s.b.link);
    await until(() => s.a.opened > 0 && s.b.opened > 0 && s.a.camera !== null && s.b.camera !== null);
    s.a.link.setScreen(track(200));
    s.b.link.setScreen(track(300));
    await until(() => s.a.screens.at(-1) != null && s.b.screens.at(-1) != null);
    await until(() => s.a.link.pc.signalingState === 'stable' && s.b.link.pc.signalingState === 'stable');
    await decodes(s.a.screens.at(-1)!);
    await decodes(s.b.screens.at(-1)!);
    expect(s.a.camera!.getVideoTracks()).to.have.length(1);
    expect(s.b.camera!.getVideoTracks()).to.have.length(1);
    await decodes(s.b.camera!);
  });

  it('stop announces the end; sharing again reuses the transceiver without renegotiating', async () => {
    const s = pair({ a: track(0), b: track(120) });
    links.push(s.a.link, s.b.link);
    await until(() => s.a.opened > 0 && s.b.opened > 0);
    s.a.link.setScreen(track(200));
    await until(() => s.b.screens.at(-1) != null);
    await until(() => s.a.link.pc.signalingState === 'stable' && s.b.link.pc.signalingState === 'stable');
    s.a.link.setScreen(null);
    await until(() => s.b.screens.length > 1 && s.b.screens.at(-1) === null);
    let renegotiated = false;
    s.a.link.pc.addEventListener('negotiationneeded', () => (renegotiated = true));
    s.a.link.setScreen(track(60));
    await until(() => s.b.screens.at(-1) != null);
    await decodes(s.b.screens.at(-1)!);
    expect(renegotiated).to.equal(false);
  });
});
