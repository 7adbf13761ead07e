// The incoming-call ringtone, synthesised: two sine tones together (the 440 + 480 Hz of a North American ring)
// in bursts of 1 s on, 2 s off. No audio file to download, cache or license.
//
// Browsers may keep an AudioContext made without a user gesture suspended (autoplay policy). Then the ring is
// silent until the person touches the page: the first pointer or key press resumes it. Every failure here is
// quiet on purpose: the incoming-call screen says the same thing with or without a sound.

const CYCLE_S = 3;
const BURST_S = 1;
const VOLUME = 0.15;
/** Bursts are scheduled this far ahead on the audio clock, so a busy main thread does not make gaps. */
const AHEAD_S = 2 * CYCLE_S;

export type RingtoneState = 'idle' | AudioContextState;

export class Ringtone {
  private context: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private scheduledUntil = 0;
  /** The last close, which settles the context's state asynchronously in some browsers. */
  private pending: Promise<void> = Promise.resolve();

  /** For tests and diagnostics: 'idle' before the first start, then the context's own state ('closed' once stopped). */
  get state(): RingtoneState {
    return this.context?.state ?? 'idle';
  }

  /** Resolves once the state reflects the last stop. (A resume may wait for a user gesture: not awaited.) */
  settled(): Promise<void> {
    return this.pending;
  }

  get ringing(): boolean {
    return this.context !== null && this.context.state !== 'closed';
  }

  start(): void {
    if (this.ringing) return;
    try {
      this.context = new AudioContext();
    } catch {
      this.context = null;
      return;
    }
    this.context.resume().catch(() => undefined);
    addEventListener('pointerdown', this.resume, true);
    addEventListener('keydown', this.resume, true);
    this.scheduledUntil = this.context.currentTime;
    this.schedule();
    this.timer = setInterval(this.schedule, (CYCLE_S * 1000) / 2);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    removeEventListener('pointerdown', this.resume, true);
    removeEventListener('keydown', this.resume, true);
    const context = this.context;
    if (context && context.state !== 'closed') this.pending = context.close().catch(() => undefined);
  }

  private readonly resume = () => {
    if (this.context?.state === 'suspended') this.context.resume().catch(() => undefined);
  };

  private readonly schedule = () => {
    const c = this.context;
    if (!c || c.state === 'closed') return;
    while (this.scheduledUntil < c.currentTime + AHEAD_S) {
      this.burst(c, Math.max(this.scheduledUntil, c.currentTime));
      this.scheduledUntil = Math.max(this.scheduledUntil, c.currentTime) + CYCLE_S;
    }
  };

  private burst(c: AudioContext, at: number) {
    try {
      const gain = c.createGain();
      gain.gain.setValueAtTime(0, at);
      // Short ramps: a tone switched on or off in one sample clicks.
      gain.gain.linearRampToValueAtTime(VOLUME, at + 0.02);
      gain.gain.setValueAtTime(VOLUME, at + BURST_S - 0.02);
      gain.gain.linearRampToValueAtTime(0, at + BURST_S);
      gain.connect(c.destination);
      for (const frequency of [440, 480]) {
        const osc = new OscillatorNode(c, { frequency });
        osc.connect(gain);
        osc.start(at);
        osc.stop(at + BURST_S);
      }
    } catch {
      // A context closed between the check and here: nothing to play.
    }
  }
}
