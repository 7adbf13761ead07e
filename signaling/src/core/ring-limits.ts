// How often rings may be sent (docs/calling.md, "Rate limits"), over sliding one-minute windows of the times rings
// were accepted. Apart from directory.ts only so that file stays readable; pure, with the clock passed in.

export const CALLER_RINGS_PER_MINUTE = 10;
export const CALLEE_RINGS_PER_MINUTE = 20;
const MINUTE_MS = 60_000;

/** Drops the times older than a minute from a window kept in time order, and returns it. */
function prune(window: number[], now: number): number[] {
  let stale = 0;
  while (stale < window.length && (window[stale] ?? now) <= now - MINUTE_MS) stale++;
  if (stale > 0) window.splice(0, stale);
  return window;
}

/** Charges one ring to a caller socket's window (`sent`, kept in its state); why not, when it is full. */
export function chargeCaller(sent: number[], now: number): string | null {
  if (prune(sent, now).length >= CALLER_RINGS_PER_MINUTE) return `at most ${CALLER_RINGS_PER_MINUTE} rings a minute from one socket`;
  sent.push(now);
  return null;
}

/** Each callee's window, so that many sockets together still cannot make one person's phone ring nonstop. */
export class CalleeWindows {
  private readonly windows = new Map<string, number[]>();

  charge(callee: string, now: number): string | null {
    let window = this.windows.get(callee);
    if (!window) this.windows.set(callee, (window = []));
    if (prune(window, now).length >= CALLEE_RINGS_PER_MINUTE)
      return `this person was rung ${CALLEE_RINGS_PER_MINUTE} times in the last minute; try again later`;
    window.push(now);
    return null;
  }

  /** Forgets the windows with nothing left in them, so memory follows recent rings, not every id ever rung. */
  expire(now: number): void {
    for (const [id, window] of this.windows) if (prune(window, now).length === 0) this.windows.delete(id);
  }
}
