import { DEFAULT_UPLINK_BPS, senderBudget, shouldPauseVideo, type Encoding } from './bitrate';
import type { Quality } from './stats';
import type { PeerLink } from '../peer-link';
import { lossBetween, qualityOf, readSample, sentBpsBetween, videoBpsBetween, type LinkSample } from './stats';

export interface QualityOptions {
  /** The mesh's links, keyed by the remote participant's key; read afresh on every poll. */
  links(): ReadonlyMap<string, { link: PeerLink }>;
  uplinkBps?: number;
  statsEveryMs?: number;
  speakerEveryMs?: number;
  /** The longest a paused video waits before trying again: a paused sender gives the estimator little to go on. */
  retryPausedMs?: number;
}

export interface UplinkReport {
  budgetBps: number;
  /** Per remote participant: what our video senders actually sent them, and the cap they were given. */
  peers: { key: string; videoBps: number; sentBps: number; maxBitrate: number; paused: boolean }[];
}

interface PerLink {
  last: LinkSample | null;
  videoBps: number;
  sentBps: number;
  paused: boolean;
  pausedAt: number;
  /** Consecutive polls that disagreed with `paused`: one low estimate is noise, several are a thin link. */
  streak: number;
  /** Per sender, the encoding we set last, so unchanged settings are not re-applied every poll. */
  applied: WeakMap<RTCRtpSender, string>;
  /** When this link was first seen connected (null while it is not). */
  connectedSince: number | null;
}

const PAUSE_AFTER_POLLS = 3;
/**
 * The budget follows what the network carries: the sum of every link's send estimate (they share one uplink),
 * never above the configured budget and never below a floor that still carries audio to a full room. The
 * whole sum, not a share of it: an estimate that is limited by what we send stays at what we send, and a
 * share would ratchet the budget down poll after poll on a network that has room.
 */
const MEASURED_SHARE = 1;
const MIN_MEASURED_BPS = 150_000;
/** A new link's encoder is left alone this long after it connects; see `budgetable`. */
const BUDGET_AFTER_CONNECTED_MS = 1_000;
/** Above this audio level (0..1, from RTP header extensions) someone counts as talking. */
const SPEAKING_LEVEL = 0.02;
/** A speaker keeps the highlight this long after going quiet, so it does not flicker between words. */
const SPEAKER_HOLD_MS = 1_500;

/** What the monitor publishes; Call writes it to the store (the monitor never sees the store). */
export interface QualityOutput {
  /** A participant's link quality badge, from each stats poll. */
  quality(key: string, quality: Quality): void;
  /** Who is talking loudest now (null: nobody), when it changes. */
  speaker(key: string | null): void;
}

/**
 * Watches every connection of the mesh: keeps each video sender inside the uplink budget (bitrate.ts), pauses
 * video to a peer whose link cannot carry it and tells them, rates each link for the tile's indicator, and
 * picks the active speaker. Polling, not events: getStats has none.
 */
export class QualityMonitor {
  private readonly perLink = new Map<string, PerLink>();
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private speakerTimer: ReturnType<typeof setInterval> | undefined;
  private speaker: string | null = null;
  private speakerHeardAt = 0;
  private screenOn = false;
  /** What the links together are estimated to carry, or null while any of them has no estimate yet. */
  private measuredBps: number | null = null;

  constructor(
    private readonly opts: QualityOptions,
    private readonly out: QualityOutput,
  ) {}

  start(): void {
    this.statsTimer = setInterval(() => void this.poll(), this.opts.statsEveryMs ?? 2_000);
    this.speakerTimer = setInterval(() => this.listen(), this.opts.speakerEveryMs ?? 400);
  }

  stop(): void {
    clearInterval(this.statsTimer);
    clearInterval(this.speakerTimer);
    this.perLink.clear();
  }

  /**
   * Splits the budget for the room as it is now (also run every speaker tick, so a room-size change is applied
   * within one; settings that did not change are not re-applied).
   */
  rebalance(screenOn = this.screenOn): void {
    this.screenOn = screenOn;
    for (const [key, { link }] of this.opts.links()) {
      const e = this.entry(key);
      if (this.budgetable(e, link)) void this.applyBudget(e, link);
    }
  }

  /**
   * Connected for a moment. A link being set up is left alone: setParameters waits for WebRTC's threads, busy
   * bringing the link up, and reconfigures its encoder, which right after connecting pushed the first frame
   * back by ~100 ms in one join out of two.
   */
  private budgetable(e: PerLink, link: PeerLink): boolean {
    if (link.pc.connectionState !== 'connected') {
      e.connectedSince = null;
      return false;
    }
    const now = Date.now();
    e.connectedSince ??= now;
    return now - e.connectedSince >= BUDGET_AFTER_CONNECTED_MS;
  }

  uplink(): UplinkReport {
    const links = this.opts.links();
    const budget = senderBudget(links.size, this.screenOn, { uplinkBps: this.budgetBps() });
    return {
      budgetBps: this.budgetBps(),
      peers: [...links.keys()].map((key) => {
        const e = this.perLink.get(key);
        return {
          key,
          videoBps: e?.videoBps ?? 0,
          sentBps: e?.sentBps ?? 0,
          maxBitrate: budget.camera.maxBitrate + (budget.screen?.maxBitrate ?? 0),
          paused: e?.paused ?? false,
        };
      }),
    };
  }

  private budgetBps(): number {
    const configured = this.opts.uplinkBps ?? DEFAULT_UPLINK_BPS;
    if (this.measuredBps === null) return configured;
    return Math.round(Math.min(configured, Math.max(MIN_MEASURED_BPS, this.measuredBps * MEASURED_SHARE)));
  }

  /** Sums the links' estimates; a link without one (just connected, or not connected) leaves the last sum. */
  private measure(): void {
    let sum = 0;
    for (const e of this.perLink.values()) {
      const bps = e.last?.availableOutgoingBps;
      if (bps === null || bps === undefined) return;
      sum += bps;
    }
    if (this.perLink.size > 0) this.measuredBps = sum;
  }

  private entry(key: string): PerLink {
    let e = this.perLink.get(key);
    if (!e) {
      e = { last: null, videoBps: 0, sentBps: 0, paused: false, pausedAt: 0, streak: 0, applied: new WeakMap(), connectedSince: null };
      this.perLink.set(key, e);
    }
    return e;
  }

  private async poll(): Promise<void> {
    const links = this.opts.links();
    for (const key of this.perLink.keys()) if (!links.has(key)) this.perLink.delete(key);
    for (const [key, { link }] of links) {
      // A link still being set up has nothing to measure yet, and a full stats report of it costs the page's
      // thread 10-30 ms right when that thread carries its negotiation.
      if (link.pc.connectionState !== 'connected') continue;
      const e = this.entry(key);
      let sample: LinkSample;
      try {
        sample = readSample(await link.pc.getStats());
      } catch {
        continue; // closed meanwhile
      }
      const prev = e.last;
      e.last = sample;
      if (prev) {
        e.videoBps = videoBpsBetween(prev, sample);
        e.sentBps = sentBpsBetween(prev, sample);
        this.out.quality(key, qualityOf(sample.rttMs, lossBetween(prev, sample)));
      }
      const retry = e.paused && Date.now() - e.pausedAt > (this.opts.retryPausedMs ?? 15_000);
      const paused = retry ? false : shouldPauseVideo(e.paused, sample.availableOutgoingBps);
      e.streak = paused === e.paused ? 0 : e.streak + 1;
      // Pausing waits for PAUSE_AFTER_POLLS low readings in a row (the estimate dips while it ramps up or
      // when the CPU stalls); resuming happens at the first good one.
      if (paused !== e.paused && (!paused || e.streak >= PAUSE_AFTER_POLLS)) {
        e.streak = 0;
        e.paused = paused;
        e.pausedAt = Date.now();
        link.send({ type: 'video-paused', paused });
      }
    }
    this.measure();
    for (const [key, { link }] of links) {
      const e = this.perLink.get(key);
      if (e && this.budgetable(e, link)) await this.applyBudget(e, link);
    }
  }

  private async applyBudget(e: PerLink, link: PeerLink): Promise<void> {
    const budget = senderBudget(this.opts.links().size, this.screenOn, { uplinkBps: this.budgetBps() });
    const s = link.senders();
    if (s.audio) await setEncoding(e.applied, s.audio, { priority: 'high', networkPriority: 'high' });
    if (s.camera) await setEncoding(e.applied, s.camera, { ...budget.camera, active: !e.paused, priority: 'low', networkPriority: 'low' });
    if (s.screen)
      await setEncoding(e.applied, s.screen, {
        ...(budget.screen ?? budget.camera),
        active: !e.paused,
        priority: 'low',
        networkPriority: 'low',
      });
  }

  private listen(): void {
    this.rebalance();
    let loudest: string | null = null;
    let level = SPEAKING_LEVEL;
    for (const [key, { link }] of this.opts.links()) {
      const receiver = link.pc.connectionState === 'connected' ? link.audioReceiver() : null;
      if (!receiver) continue;
      for (const src of receiver.getSynchronizationSources()) {
        if ((src.audioLevel ?? 0) > level) {
          level = src.audioLevel ?? 0;
          loudest = key;
        }
      }
    }
    const now = Date.now();
    if (loudest !== null) this.speakerHeardAt = now;
    const next = loudest ?? (now - this.speakerHeardAt < SPEAKER_HOLD_MS ? this.speaker : null);
    if (next !== this.speaker) {
      this.speaker = next;
      this.out.speaker(next);
    }
  }
}

type EncodingPatch = Partial<Encoding> & { active?: boolean; priority?: RTCPriorityType; networkPriority?: RTCPriorityType };

/** setParameters needs the object getParameters returned; before negotiation there are no encodings yet. */
async function setEncoding(applied: WeakMap<RTCRtpSender, string>, sender: RTCRtpSender, patch: EncodingPatch): Promise<void> {
  const wanted = JSON.stringify(patch);
  if (applied.get(sender) === wanted) return;
  const params = sender.getParameters();
  const first = params.encodings?.[0];
  if (!first) return;
  Object.assign(first, patch);
  try {
    await sender.setParameters(params);
    applied.set(sender, wanted);
  } catch (err) {
    console.warn('quality: setParameters failed', err);
  }
}
