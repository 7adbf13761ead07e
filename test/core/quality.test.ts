import { expect } from '@open-wc/testing';
import { PeerLink, type PeerLinkEvents } from '../../src/core/peer-link';
import type { SignalPayload } from '../../src/core/peer-protocol';
import { QualityMonitor } from '../../src/core/quality/quality';
import { canvasTrack, until } from './webrtc-helpers';

/** A link whose signals reach `other()` through an async hop, as through the real signaling. */
function link(initiator: boolean, other: () => PeerLink): PeerLink {
  const events: PeerLinkEvents = {
    signal: (p: SignalPayload) => void setTimeout(() => void other().receive(JSON.parse(JSON.stringify(p)) as SignalPayload), 1),
    stream: () => undefined,
    message: () => undefined,
    state: () => undefined,
    channelOpen: () => undefined,
  };
  return new PeerLink({ polite: !initiator, initiator, iceServers: [] }, events, { audio: null, video: canvasTrack() });
}

describe('QualityMonitor', () => {
  it('puts a new link inside the uplink budget once it has been connected for a moment, not while it starts', async () => {
    const links: PeerLink[] = [];
    links.push(
      link(true, () => links[1] as PeerLink),
      link(false, () => links[0] as PeerLink),
    );
    const [ann] = links as [PeerLink, PeerLink];
    const monitor = new QualityMonitor(
      { links: () => new Map([['bob', { link: ann }]]), uplinkBps: 1_000_000, speakerEveryMs: 50, statsEveryMs: 60_000 },
      { quality: () => undefined, speaker: () => undefined },
    );
    monitor.start();
    try {
      const cap = () => ann.senders().camera?.getParameters().encodings[0]?.maxBitrate;
      await until(() => ann.pc.connectionState === 'connected');
      // Its encoder is left alone while the first frames go out.
      await new Promise((r) => setTimeout(r, 300));
      expect(cap()).to.equal(undefined);
      await until(() => cap() !== undefined, 5_000);
      // One peer: the whole uplink but the audio reserve.
      expect(cap()).to.equal(1_000_000 - 48_000);
    } finally {
      monitor.stop();
      links.forEach((l) => l.close());
    }
  });
});
