import { expect } from '@open-wc/testing';
import { lossBetween, readSample, sentBpsBetween, videoBpsBetween } from '../../src/core/quality/stats';

/** RTCStatsReport is a read-only maplike; a Map of plain stats objects reads the same way. */
function report(stats: Record<string, unknown>[]): RTCStatsReport {
  return new Map(stats.map((s) => [s.id as string, s])) as unknown as RTCStatsReport;
}

describe('readSample', () => {
  it('reads the selected pair (Chromium style), inbound loss and outbound bytes', () => {
    const a = readSample(
      report([
        { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
        { id: 'P', type: 'candidate-pair', availableOutgoingBitrate: 900_000, currentRoundTripTime: 0.05 },
        { id: 'I1', type: 'inbound-rtp', kind: 'audio', packetsReceived: 100, packetsLost: 0 },
        { id: 'O1', type: 'outbound-rtp', kind: 'video', bytesSent: 10_000 },
        { id: 'O2', type: 'outbound-rtp', kind: 'audio', bytesSent: 1_000 },
      ]),
      1_000,
    );
    expect(a.availableOutgoingBps).to.equal(900_000);
    expect(a.rttMs).to.equal(50);
    const b = readSample(
      report([
        { id: 'I1', type: 'inbound-rtp', kind: 'audio', packetsReceived: 190, packetsLost: 10 },
        { id: 'O1', type: 'outbound-rtp', kind: 'video', bytesSent: 260_000 },
        { id: 'O2', type: 'outbound-rtp', kind: 'audio', bytesSent: 11_000 },
        { id: 'P2', type: 'candidate-pair', selected: true, currentRoundTripTime: 0.2 },
      ]),
      3_000,
    );
    expect(b.availableOutgoingBps).to.equal(null);
    expect(b.rttMs).to.equal(200);
    expect(lossBetween(a, b)).to.equal(0.1);
    expect(videoBpsBetween(a, b)).to.equal(1_000_000);
    expect(sentBpsBetween(a, b)).to.equal(1_040_000);
  });

  it('tolerates an empty report', () => {
    const s = readSample(report([]));
    expect(s.rttMs).to.equal(null);
    expect(lossBetween(s, s)).to.equal(null);
  });
});
