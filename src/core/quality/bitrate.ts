// The mesh's uplink budget. In a full mesh every participant uploads one copy of its video per remote peer,
// so a room of N multiplies the upload by N-1; without a budget the fourth joiner saturates everyone's uplink
// and audio (the part people actually need) starts breaking up. These are pure functions: the numbers are
// easy to test and the code that applies them (quality.ts) stays dumb.

export interface BudgetOptions {
  /** What this browser may upload in total, all peers together, in bits per second. */
  uplinkBps: number;
  /** Reserved per peer for Opus before video gets anything; audio keeps priority. */
  audioBps?: number;
  /** No single video copy gets more than this, however empty the room. */
  maxVideoBps?: number;
  /** Share of a peer's video allowance that goes to the screen while one is shared (text needs bits). */
  screenShare?: number;
}

export interface Encoding {
  maxBitrate: number;
  scaleResolutionDownBy: number;
}

export interface SenderBudget {
  /** Per remote peer: the camera copy sent to that peer. */
  camera: Encoding;
  /** Per remote peer, only while a screen is shared. */
  screen: Encoding | null;
  /** What the whole uplink adds up to with these settings (audio reserve included). */
  totalBps: number;
}

export const DEFAULT_UPLINK_BPS = 2_000_000;
export const DEFAULT_AUDIO_BPS = 48_000;
const DEFAULT_MAX_VIDEO_BPS = 1_500_000;
/** Below this a video copy is not worth sending: a slideshow that starves audio (Opus plus a sliver). */
export const VIDEO_FLOOR_BPS = 80_000;

/**
 * Resolution steps down with the room size, and further when the bits per copy are few, so the encoder
 * spends its bits on sharpness instead of pixels nobody sees in a small tile.
 */
export function resolutionScale(remotePeers: number, videoBps: number): number {
  const bySize = remotePeers <= 1 ? 1 : remotePeers === 2 ? 1.5 : remotePeers === 3 ? 2 : 3;
  const byBits = videoBps < 250_000 ? 4 : videoBps < 500_000 ? 2 : videoBps < 900_000 ? 1.5 : 1;
  return Math.max(bySize, byBits);
}

/** Splits the uplink budget across `remotePeers` copies: audio first, then camera (and screen). */
export function senderBudget(remotePeers: number, screenOn: boolean, opts: BudgetOptions): SenderBudget {
  const peers = Math.max(1, Math.floor(remotePeers));
  const audio = opts.audioBps ?? DEFAULT_AUDIO_BPS;
  const cap = opts.maxVideoBps ?? DEFAULT_MAX_VIDEO_BPS;
  const perPeerVideo = Math.max(0, Math.min(cap, Math.floor(opts.uplinkBps / peers) - audio));
  const screenPart = screenOn ? Math.min(0.9, Math.max(0.1, opts.screenShare ?? 0.7)) : 0;
  const screenBps = Math.floor(perPeerVideo * screenPart);
  const cameraBps = perPeerVideo - screenBps;
  return {
    camera: { maxBitrate: cameraBps, scaleResolutionDownBy: resolutionScale(peers, cameraBps) },
    // Screens keep their resolution (text must stay legible); the encoder drops frame rate instead.
    screen: screenOn ? { maxBitrate: screenBps, scaleResolutionDownBy: 1 } : null,
    totalBps: peers * (audio + cameraBps + screenBps),
  };
}

/**
 * Hysteresis around the floor: pause once the estimate stays below it, resume only well above it, so a
 * noisy estimate does not flap the video on and off every poll.
 */
export function shouldPauseVideo(paused: boolean, availableBps: number | null, floorBps = VIDEO_FLOOR_BPS): boolean {
  if (availableBps === null || !Number.isFinite(availableBps)) return paused;
  return paused ? availableBps < floorBps * 2 : availableBps < floorBps;
}
