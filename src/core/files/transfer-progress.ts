import type { CancelReason } from '../peer-protocol';

export type TransferState =
  /** Incoming, waiting for this user to accept or decline. */
  | 'offered'
  /** Outgoing, waiting for the other side to accept. */
  | 'waiting'
  | 'active'
  /** The byte channel dropped; it resumes from the last confirmed offset once the peer is reachable. */
  | 'interrupted'
  | 'done'
  | 'declined'
  | 'cancelled'
  | 'failed';

export type FailReason = CancelReason | 'peer-left';

/** What the UI shows for one transfer (one file, one peer, one direction). */
export interface Transfer {
  /** Unique in this tab (incoming ids are prefixed with the sender's key). */
  id: string;
  direction: 'in' | 'out';
  peer: string;
  peerName: string;
  name: string;
  size: number;
  /** Bytes the receiver confirmed written and hashed. */
  bytes: number;
  state: TransferState;
  reason: FailReason | null;
  /** Bytes per second, smoothed; 0 when idle. */
  speed: number;
  /** Seconds left at the current speed, or null when unknown. */
  eta: number | null;
  /** A finished incoming file kept in browser storage: the object URL that downloads it. */
  url: string | null;
}

export const TERMINAL: ReadonlySet<TransferState> = new Set(['done', 'declined', 'cancelled', 'failed']);

/** Smooths throughput so the bar's speed and time left do not jitter with every ack. */
export class Meter {
  private lastBytes = 0;
  private lastTime = 0;
  private speed = 0;

  sample(bytes: number, size: number, now = performance.now()): { speed: number; eta: number | null } {
    if (this.lastTime === 0 || bytes < this.lastBytes) {
      this.lastBytes = bytes;
      this.lastTime = now;
      return { speed: this.speed, eta: null };
    }
    const dt = (now - this.lastTime) / 1000;
    if (dt >= 0.25) {
      const instant = (bytes - this.lastBytes) / dt;
      this.speed = this.speed === 0 ? instant : this.speed * 0.7 + instant * 0.3;
      this.lastBytes = bytes;
      this.lastTime = now;
    }
    return { speed: this.speed, eta: this.speed > 0 ? (size - bytes) / this.speed : null };
  }

  reset(): void {
    this.lastTime = 0;
    this.speed = 0;
  }
}

/** A new row: nothing moved yet. */
export function transferView(row: Pick<Transfer, 'id' | 'direction' | 'peer' | 'peerName' | 'name' | 'size' | 'state'>): Transfer {
  return { ...row, bytes: 0, reason: null, speed: 0, eta: null, url: null };
}
