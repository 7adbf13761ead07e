// The sending side of one transfer: reads the File a block at a time (never whole), hashes each byte once,
// and keeps the byte channel's buffer between two marks (bufferedAmountLowThreshold) so the browser
// never holds more than a few MiB of it. The receiver's acks bound what is in flight end to end.
import { createSHA256, type IHasher } from 'hash-wasm';
import { fileChannelLabel, type FileMessage, type PeerMessage } from '../peer-protocol';
import { Meter, TERMINAL, transferView, type FailReason, type Transfer, type TransferState } from './transfer-progress';

/** One data-channel message. 64 KiB goes through every browser's SCTP stack unsplit. */
export const CHUNK_SIZE = 64 * 1024;
/** How much is read from the File at once; sent as CHUNK_SIZE views of the same buffer. */
export const BLOCK_SIZE = 1024 * 1024;
/** Pause sending above this much queued in the channel; resume when it drains to LOW_WATER. */
export const HIGH_WATER = 8 * 1024 * 1024;
export const LOW_WATER = 2 * 1024 * 1024;
/** Most bytes sent but not yet confirmed by the receiver: bounds the receiver's backlog too. */
export const WINDOW = 32 * 1024 * 1024;

export interface SendHost {
  send(peer: string, msg: PeerMessage): boolean;
  createChannel(peer: string, label: string): RTCDataChannel | null;
  changed(): void;
}

export class Outgoing {
  readonly view: Transfer;
  private channel: RTCDataChannel | null = null;
  /** Bumped on every (re)start and stop, so a pump from an older round notices and exits. */
  private round = 0;
  private hasher: Promise<IHasher> | null = null;
  private hashed = 0;
  private sha256: string | null = null;
  private wake: (() => void) | null = null;
  private readonly meter = new Meter();

  constructor(
    readonly wireId: string,
    private readonly file: File,
    peer: string,
    peerName: string,
    private readonly host: SendHost,
  ) {
    this.view = transferView({ id: wireId, direction: 'out', peer, peerName, name: file.name, size: file.size, state: 'waiting' });
  }

  /** Offers the file; sent again when the control channel reopens while still unanswered. */
  offer(): void {
    this.host.send(this.view.peer, {
      type: 'file-offer',
      id: this.wireId,
      name: this.file.name,
      size: this.file.size,
      mime: this.file.type,
    });
  }

  message(m: FileMessage): void {
    if (TERMINAL.has(this.view.state)) return;
    switch (m.type) {
      case 'file-accept':
        if (this.view.state === 'waiting') this.start(0);
        return;
      case 'file-resume':
        // Resuming beyond what we hashed would skip bytes of the digest; beyond the size is nonsense.
        if (m.offset > this.hashed || m.offset > this.view.size) return this.fail('bad-data', true);
        return this.start(m.offset);
      case 'file-ack':
        if (m.offset > this.view.size) return this.fail('bad-data', true);
        if (m.offset > this.view.bytes) this.progress(m.offset);
        this.wake?.();
        return;
      case 'file-decline':
        return this.finish('declined', null);
      case 'file-cancel':
        return this.finish(m.reason === 'cancelled' ? 'cancelled' : 'failed', m.reason);
      case 'file-verified':
        if (this.view.bytes === this.view.size || this.sha256 !== null) {
          this.progress(this.view.size);
          return this.finish('done', null);
        }
        return;
    }
  }

  cancel(): void {
    if (TERMINAL.has(this.view.state)) return;
    this.host.send(this.view.peer, { type: 'file-cancel', id: this.wireId, reason: 'cancelled' });
    this.finish('cancelled', null);
  }

  peerGone(): void {
    this.finish('failed', 'peer-left');
  }

  private start(offset: number): void {
    this.closeChannel();
    const round = ++this.round;
    const dc = this.host.createChannel(this.view.peer, fileChannelLabel(this.wireId, offset));
    if (!dc) return this.finish('failed', 'peer-left');
    this.channel = dc;
    dc.binaryType = 'arraybuffer';
    dc.bufferedAmountLowThreshold = LOW_WATER;
    dc.onclose = () => {
      // The receiver asks for a resume if it is missing bytes; until then, show why nothing moves.
      if (this.channel === dc && this.view.state === 'active' && this.view.bytes < this.view.size) this.set('interrupted');
    };
    this.set('active');
    this.meter.reset();
    void this.pump(round, dc, offset).catch((err: unknown) => {
      console.warn('file-send: failed', err);
      if (round === this.round) this.fail('failed', true);
    });
  }

  private async pump(round: number, dc: RTCDataChannel, from: number): Promise<void> {
    const live = (): boolean => round === this.round && dc.readyState !== 'closing' && dc.readyState !== 'closed';
    if (dc.readyState === 'connecting') await channelEvent(dc, 'open');
    const hasher = await (this.hasher ??= createSHA256().then((h) => (h.init(), h)));
    let pos = from;
    while (pos < this.view.size && live()) {
      if (dc.bufferedAmount > HIGH_WATER) {
        await channelEvent(dc, 'bufferedamountlow');
        continue;
      }
      if (pos - this.view.bytes > WINDOW) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          dc.addEventListener('close', () => resolve(), { once: true });
        });
        this.wake = null;
        continue;
      }
      const end = Math.min(pos + BLOCK_SIZE, this.view.size);
      const block = new Uint8Array(await this.file.slice(pos, end).arrayBuffer());
      if (!live()) return;
      if (end > this.hashed) {
        hasher.update(block.subarray(this.hashed - pos));
        this.hashed = end;
      }
      for (let o = 0; o < block.byteLength; o += CHUNK_SIZE) dc.send(block.subarray(o, o + CHUNK_SIZE));
      pos = end;
    }
    if (!live() || pos < this.view.size) return;
    if (this.hashed === this.view.size) this.sha256 ??= hasher.digest('hex');
    if (this.sha256) this.host.send(this.view.peer, { type: 'file-end', id: this.wireId, sha256: this.sha256 });
  }

  private progress(bytes: number): void {
    const { speed, eta } = this.meter.sample(bytes, this.view.size);
    Object.assign(this.view, { bytes, speed, eta });
    if (this.view.state === 'interrupted') this.view.state = 'active';
    this.host.changed();
  }

  private fail(reason: FailReason, tell: boolean): void {
    if (tell && reason !== 'peer-left') this.host.send(this.view.peer, { type: 'file-cancel', id: this.wireId, reason });
    this.finish('failed', reason);
  }

  private finish(state: TransferState, reason: FailReason | null): void {
    if (TERMINAL.has(this.view.state)) return;
    this.round++;
    this.wake?.();
    this.closeChannel();
    Object.assign(this.view, { state, reason, speed: 0, eta: null });
    this.hasher = null;
    this.host.changed();
  }

  private set(state: TransferState): void {
    this.view.state = state;
    this.host.changed();
  }

  private closeChannel(): void {
    const dc = this.channel;
    this.channel = null;
    if (dc) {
      dc.onclose = null;
      dc.close();
    }
  }
}

/** Resolves on `name`, or when the channel closes (so no await outlives its channel). */
export function channelEvent(dc: RTCDataChannel, name: 'open' | 'bufferedamountlow'): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      dc.removeEventListener(name, done);
      dc.removeEventListener('close', done);
      resolve();
    };
    dc.addEventListener(name, done);
    dc.addEventListener('close', done);
  });
}
