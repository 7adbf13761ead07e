// A per-connection token bucket. Pure (the caller passes `now` in ms) so it is tested without timers.
//
// `take` answers 'ok' while tokens last, 'limited' for a frame that found the bucket empty, and 'abuse' once a
// connection has kept sending a further full burst's worth of frames without a single one being accepted:
// a client slightly over the rate only loses frames, a flood gets disconnected.

export interface RateLimit {
  /** Tokens refilled per second (sustained frames per second). */
  perSecond: number;
  /** Bucket size (frames allowed in a burst). */
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 50, burst: 100 };

export type Verdict = 'ok' | 'limited' | 'abuse';

export class TokenBucket {
  private tokens: number;
  private last: number;
  /** Frames refused since the last accepted one. */
  private refused = 0;

  constructor(
    readonly limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.last = now;
  }

  take(now: number): Verdict {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.limit.burst, this.tokens + elapsed * this.limit.perSecond);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.refused = 0;
      return 'ok';
    }
    this.refused += 1;
    return this.refused > this.limit.burst ? 'abuse' : 'limited';
  }

  /** True for the first refused frame of a run, so a flood is answered with one error, not one per frame. */
  get firstRefusal(): boolean {
    return this.refused === 1;
  }
}
