// Remembers the call ids of envelopes already opened. An envelope is accepted only within 60 s of its timestamp
// either way, so one envelope can be acceptable for 120 s of local time: keeping ids for 2 minutes covers it all.

export const REPLAY_WINDOW_MS = 120_000;
// A flood of valid envelopes costs the sender a signature each and is rate-limited by the server; this bound only
// keeps a misbehaving peer from growing the map without end.
const MAX_REMEMBERED = 10_000;

export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(readonly now: () => number = Date.now) {}

  /** True the first time `id` is claimed within the window; false for a replay (or when full). */
  claim(id: string): boolean {
    const now = this.now();
    for (const [k, at] of this.seen) {
      // Map keeps insertion order and claims arrive in time order, so the oldest come first.
      if (now - at < REPLAY_WINDOW_MS) break;
      this.seen.delete(k);
    }
    if (this.seen.has(id) || this.seen.size >= MAX_REMEMBERED) return false;
    this.seen.set(id, now);
    return true;
  }
}
