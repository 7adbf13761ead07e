// Reading RTCPeerConnection.getStats() into the few numbers the call needs. Chromium and Firefox report
// different subsets (Firefox has no availableOutgoingBitrate, for one), so every field may be null and
// nothing downstream may assume it is there.

export type Quality = 'good' | 'fair' | 'poor';

export interface LinkSample {
  /** Wall clock of the report, in ms. */
  at: number;
  /** The congestion controller's estimate of what this connection can upload (Chromium only). */
  availableOutgoingBps: number | null;
  rttMs: number | null;
  /** Cumulative inbound RTP counters, all kinds together, for a loss rate between two samples. */
  packetsReceived: number;
  packetsLost: number;
  /** Cumulative bytes sent on outbound video RTP, keyed by the stats id, for a bitrate between samples. */
  videoBytesSent: ReadonlyMap<string, number>;
  /** Cumulative payload bytes sent on every outbound RTP stream (audio and video). */
  bytesSent: number;
}

type Stat = Record<string, unknown>;

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The candidate pair media actually flows on. */
function selectedPair(report: RTCStatsReport): Stat | null {
  let nominated: Stat | null = null;
  for (const s of report.values() as IterableIterator<Stat>) {
    if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') {
      const pair = report.get(s.selectedCandidatePairId) as Stat | undefined;
      if (pair) return pair;
    }
    // Firefox marks the pair instead of naming it from the transport.
    if (s.type === 'candidate-pair' && (s.selected === true || (s.nominated === true && s.state === 'succeeded'))) nominated = s;
  }
  return nominated;
}

export function readSample(report: RTCStatsReport, at = Date.now()): LinkSample {
  const pair = selectedPair(report);
  let packetsReceived = 0;
  let packetsLost = 0;
  let remoteRtt: number | null = null;
  const videoBytesSent = new Map<string, number>();
  let bytesSent = 0;
  for (const s of report.values() as IterableIterator<Stat>) {
    if (s.type === 'inbound-rtp') {
      packetsReceived += num(s.packetsReceived) ?? 0;
      packetsLost += Math.max(0, num(s.packetsLost) ?? 0);
    } else if (s.type === 'outbound-rtp') {
      bytesSent += num(s.bytesSent) ?? 0;
      if ((s.kind === 'video' || s.mediaType === 'video') && typeof s.id === 'string') videoBytesSent.set(s.id, num(s.bytesSent) ?? 0);
    } else if (s.type === 'remote-inbound-rtp') {
      remoteRtt ??= num(s.roundTripTime);
    }
  }
  const pairRtt = pair ? num(pair.currentRoundTripTime) : null;
  const rtt = pairRtt ?? remoteRtt;
  return {
    at,
    availableOutgoingBps: pair ? num(pair.availableOutgoingBitrate) : null,
    rttMs: rtt === null ? null : rtt * 1000,
    packetsReceived,
    packetsLost,
    videoBytesSent,
    bytesSent,
  };
}

/** Inbound packet loss between two samples, as a fraction 0..1 (null when nothing arrived). */
export function lossBetween(prev: LinkSample, next: LinkSample): number | null {
  const received = next.packetsReceived - prev.packetsReceived;
  const lost = next.packetsLost - prev.packetsLost;
  if (received + lost <= 0) return null;
  return Math.max(0, lost) / (received + Math.max(0, lost));
}

/** Outbound video bits per second between two samples, all video senders of the connection together. */
export function videoBpsBetween(prev: LinkSample, next: LinkSample): number {
  const seconds = (next.at - prev.at) / 1000;
  if (seconds <= 0) return 0;
  let bytes = 0;
  for (const [id, sent] of next.videoBytesSent) bytes += Math.max(0, sent - (prev.videoBytesSent.get(id) ?? sent));
  return (bytes * 8) / seconds;
}

/** Everything sent (audio, video, screen) in bits per second between two samples. */
export function sentBpsBetween(prev: LinkSample, next: LinkSample): number {
  const seconds = (next.at - prev.at) / 1000;
  return seconds > 0 ? (Math.max(0, next.bytesSent - prev.bytesSent) * 8) / seconds : 0;
}

/** Thresholds after ITU-T G.114 (RTT ~300 ms is where talk turns awkward) and the usual loss rules of thumb. */
export function qualityOf(rttMs: number | null, loss: number | null): Quality {
  const r = rttMs ?? 0;
  const l = loss ?? 0;
  if (r > 600 || l > 0.1) return 'poor';
  if (r > 300 || l > 0.03) return 'fair';
  return 'good';
}
