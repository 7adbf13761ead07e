// Receiving a file that was sent to several people at once (swarm-send.ts has the sequence). Pieces come from the
// sender or from the receiver the sender made their seed; each is checked against the SHA-256 the sender
// announced before it is written (at its offset, by the writer worker) and, when this side is the seed, forwarded
// to the others. A seed that left, closed its channel or forwarded bad bytes is no longer waited for: its pieces
// are asked of the sender (file-need), and a seed caught forwarding bad bytes is ignored for the rest of the file.
// At the end the writer reads the whole file back and checks the file's own SHA-256 as well.
import type { PeerMessage } from '../peer-protocol';
import { pieceChannelLabel } from '../peer-protocol';
import type { WriterReply } from './file-writer-protocol';
import { closeWriter, pickSaveFile, type ReceiveHost, type WriterPort } from './file-receive';
import { HIGH_WATER, LOW_WATER } from './file-send';
import { parseFrame, pieceCount, pieceDigest, pieceLength, sendPiece } from './swarm-wire';
import { Meter, TERMINAL, transferView, type FailReason, type Transfer, type TransferState } from './transfer-progress';

/**
 * After the sender's last piece, this long without a byte from anyone and the rest is asked of the sender. Bytes,
 * not whole pieces: a forwarder's queue behind a capped uplink can take many seconds per piece and still be alive.
 */
export const STALL_MS = 5000;

export interface SwarmReceiveHost extends ReceiveHost {
  /** This tab's own key: the pieces seeded to it are the ones it forwards. */
  readonly self: string;
  createChannel(peer: string, label: string): RTCDataChannel | null;
}

interface Assembly {
  buf: Uint8Array<ArrayBuffer>;
  got: number;
}

/** A test hook (the lab's "receiver that serves corrupted pieces"): set on a page, its forwards are spoiled. */
const hooks = globalThis as { p2pCorruptForwards?: boolean };

export class SwarmIncoming {
  readonly view: Transfer;
  sink: 'picked' | 'opfs' | 'memory' | null = null;
  private worker: WriterPort | null = null;
  private readonly count: number;
  private readonly have: Uint8Array;
  private readonly hashes = new Map<number, string>();
  private readonly seeds = new Map<number, string>();
  /** Membership over time: from piece `from` on, these receivers forward to each other. */
  private readonly epochs: { from: number; peers: string[] }[] = [];
  /** Seeds no longer waited for (left, closed, forwarded bad bytes), and of those the ones never trusted again. */
  private readonly lost = new Set<string>();
  private readonly untrusted = new Set<string>();
  private readonly asked = new Set<number>();
  /** Pieces being put together, by `${from}:${index}` (the sender's repair and a seed's forward may race). */
  private readonly assembling = new Map<string, Assembly>();
  private readonly inbound = new Map<string, RTCDataChannel>();
  private readonly outbound = new Map<string, { dc: RTCDataChannel; queue: Promise<void> }>();
  private sha256: string | null = null;
  private finishing = false;
  private lastHeardAt = 0;
  private stallTimer: ReturnType<typeof setInterval> | undefined;
  private readonly meter = new Meter();
  private readonly mime: string;

  constructor(
    readonly wireId: string,
    offer: { name: string; size: number; mime: string },
    private readonly piece: number,
    readonly sender: string,
    senderName: string,
    private readonly host: SwarmReceiveHost,
  ) {
    this.mime = offer.mime;
    this.count = pieceCount(offer.size, piece);
    this.have = new Uint8Array(this.count);
    this.view = transferView({
      id: `${sender}:${wireId}`,
      direction: 'in',
      peer: sender,
      peerName: senderName,
      name: offer.name,
      size: offer.size,
      state: 'offered',
    });
  }

  /** Whether `peer` may send this transfer's pieces: the sender, or a receiver the sender named. */
  knows(peer: string): boolean {
    return peer === this.sender || this.epochs.some((e) => e.peers.includes(peer));
  }

  /** Must run inside the click that accepted (the save picker needs that user activation). */
  async accept(): Promise<void> {
    if (this.view.state !== 'offered') return;
    const picked = await pickSaveFile(this.view.name);
    if (picked === 'cancelled') return;
    if (this.stateNow() !== 'offered') return;
    this.set('active');
    const worker = this.host.openWriter();
    this.worker = worker;
    const opened = new Promise<WriterReply>((resolve) => {
      worker.onmessage = (ev: MessageEvent<WriterReply>) =>
        ev.data.type === 'opened' || ev.data.type === 'error' ? resolve(ev.data) : undefined;
    });
    worker.onerror = (ev) => {
      console.warn('swarm-receive: writer crashed', ev.message);
      this.fail('failed', true);
    };
    const { name, size } = this.view;
    worker.postMessage({ type: 'open', id: this.wireId, dir: this.host.dir, name, mime: this.mime, size, picked }, []);
    const r = await opened;
    if (r.type !== 'opened') return this.fail(r.type === 'error' ? r.reason : 'failed', true);
    if (this.stateNow() !== 'active') return;
    this.sink = r.sink;
    worker.onmessage = (ev: MessageEvent<WriterReply>) => this.fromWorker(ev.data);
    this.lastHeardAt = Date.now();
    this.stallTimer = setInterval(() => this.checkStall(), 1000);
    this.host.send(this.sender, { type: 'file-accept', id: this.wireId });
  }

  decline(): void {
    if (this.view.state !== 'offered') return;
    this.host.send(this.sender, { type: 'file-decline', id: this.wireId });
    this.finish('declined', null);
  }

  cancel(): void {
    if (TERMINAL.has(this.view.state)) return this.close();
    this.host.send(this.sender, { type: 'file-cancel', id: this.wireId, reason: 'cancelled' });
    this.finish('cancelled', null);
    this.close();
  }

  /** Control messages, from the sender only (FileTransfers routes by sender and id). */
  message(m: Extract<PeerMessage, { id: string }>): void {
    if (TERMINAL.has(this.view.state)) return;
    switch (m.type) {
      case 'file-swarm':
        this.epochs.push({ from: m.from, peers: m.peers });
        return;
      case 'file-piece':
        if (m.index >= this.count || this.hashes.has(m.index)) return;
        this.hashes.set(m.index, m.sha256);
        this.seeds.set(m.index, m.seed);
        if (this.lost.has(m.seed) && m.seed !== this.host.self) this.need([m.index]);
        return;
      case 'file-end':
        this.sha256 = m.sha256;
        return this.maybeFinish();
      case 'file-cancel':
        return this.finish(m.reason === 'cancelled' ? 'cancelled' : 'failed', m.reason);
      default:
        return;
    }
  }

  /** A piece channel from the sender or a fellow receiver. */
  attach(peer: string, dc: RTCDataChannel): void {
    if (this.untrusted.has(peer) || TERMINAL.has(this.view.state) || this.view.state === 'offered') return dc.close();
    this.inbound.get(peer)?.close();
    this.inbound.set(peer, dc);
    dc.binaryType = 'arraybuffer';
    dc.onmessage = (ev: MessageEvent<unknown>) => {
      if (this.inbound.get(peer) === dc) void this.part(peer, ev.data);
    };
    dc.onclose = () => {
      if (this.inbound.get(peer) !== dc) return;
      this.inbound.delete(peer);
      if (peer !== this.sender) this.seedLost(peer);
    };
  }

  /** Someone left the call: the sender (the file is lost) or a fellow receiver (its pieces come from the sender). */
  peerGone(peer: string): void {
    if (peer === this.sender) return this.finish('failed', 'peer-left');
    this.outbound.get(peer)?.dc.close();
    this.outbound.delete(peer);
    this.seedLost(peer);
  }

  /** Leaving the call or dismissing the row: forwarding stops too. */
  close(): void {
    clearInterval(this.stallTimer);
    for (const dc of this.inbound.values()) dc.close();
    for (const { dc } of this.outbound.values()) dc.close();
    this.inbound.clear();
    this.outbound.clear();
  }

  private async part(peer: string, data: unknown): Promise<void> {
    const frame = parseFrame(data);
    const active = this.view.state === 'active' || this.view.state === 'interrupted';
    if (!active || this.untrusted.has(peer)) return;
    const length = frame && frame.index < this.count ? pieceLength(this.view.size, this.piece, frame.index) : 0;
    if (!frame || frame.offset + frame.bytes.byteLength > length || frame.offset % 65536 !== 0) {
      console.warn(`swarm-receive: a malformed piece frame from ${peer}`);
      return peer === this.sender ? this.fail('bad-data', true) : this.distrust(peer);
    }
    this.lastHeardAt = Date.now();
    if (this.have[frame.index]) return;
    const key = `${peer}:${frame.index}`;
    let piece = this.assembling.get(key);
    if (!piece) this.assembling.set(key, (piece = { buf: new Uint8Array(length), got: 0 }));
    piece.buf.set(frame.bytes, frame.offset);
    piece.got += frame.bytes.byteLength;
    if (piece.got < length) return;
    this.assembling.delete(key);
    await this.complete(peer, frame.index, piece.buf);
  }

  private async complete(peer: string, index: number, buf: Uint8Array<ArrayBuffer>): Promise<void> {
    const digest = await pieceDigest(buf);
    if (this.have[index] || TERMINAL.has(this.view.state)) return;
    const expected = this.hashes.get(index);
    if (expected === undefined) {
      // Bytes before their hash, which is on its way on another channel: wait for it a little.
      for (let i = 0; i < 40 && !this.hashes.has(index); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      if (this.hashes.has(index)) return this.complete(peer, index, buf);
      return;
    }
    if (digest !== expected) {
      console.warn(`swarm-receive: piece ${index} from ${peer} does not match its SHA-256`);
      return peer === this.sender ? this.fail('corrupt', true) : this.distrust(peer);
    }
    this.have[index] = 1;
    if (peer === this.sender && this.seeds.get(index) === this.host.self && !this.asked.has(index)) this.forward(index, buf);
    this.worker?.postMessage({ type: 'piece', data: buf.buffer, at: index * this.piece }, [buf.buffer]);
  }

  /** Sends a piece this side seeds to every other receiver of its epoch (copied: the original goes to disk). */
  private forward(index: number, buf: Uint8Array<ArrayBuffer>): void {
    const epoch = this.epochs.filter((e) => e.from <= index).at(-1);
    for (const peer of epoch?.peers ?? []) {
      if (peer === this.host.self || this.lost.has(peer)) continue;
      let out = this.outbound.get(peer);
      if (!out) {
        const dc = this.host.createChannel(peer, pieceChannelLabel(this.wireId));
        if (!dc) continue;
        dc.binaryType = 'arraybuffer';
        dc.bufferedAmountLowThreshold = LOW_WATER;
        out = { dc, queue: Promise.resolve() };
        this.outbound.set(peer, out);
      }
      const copy = buf.slice();
      if (hooks.p2pCorruptForwards) copy[0] = (copy[0] ?? 0) ^ 0xff;
      const dc = out.dc;
      out.queue = out.queue.then(() => sendPiece(dc, index, copy, HIGH_WATER)).then(() => undefined);
    }
  }

  /** A seed that will not deliver: what it still owed comes from the sender. */
  private seedLost(peer: string): void {
    if (this.lost.has(peer)) return;
    this.lost.add(peer);
    for (const key of [...this.assembling.keys()]) if (key.startsWith(`${peer}:`)) this.assembling.delete(key);
    const owed = [...this.seeds].filter(([i, seed]) => seed === peer && !this.have[i]).map(([i]) => i);
    this.need(owed);
  }

  private distrust(peer: string): void {
    this.untrusted.add(peer);
    this.inbound.get(peer)?.close();
    this.inbound.delete(peer);
    this.seedLost(peer);
  }

  private need(pieces: number[]): void {
    const fresh = pieces.filter((i) => !this.have[i] && !this.asked.has(i));
    for (let i = 0; i < fresh.length; i += 1024) {
      const batch = fresh.slice(i, i + 1024);
      if (this.host.send(this.sender, { type: 'file-need', id: this.wireId, pieces: batch })) batch.forEach((p) => this.asked.add(p));
    }
  }

  /** Once the sender has announced every piece, what has not come after a while is asked of it directly. */
  private checkStall(): void {
    if (this.view.state !== 'active' || this.sha256 === null || Date.now() - this.lastHeardAt < STALL_MS) return;
    const missing: number[] = [];
    for (let i = 0; i < this.count; i++) if (!this.have[i]) missing.push(i);
    // Asked before and still missing (its channel dropped, say): ask again.
    for (const i of missing) this.asked.delete(i);
    this.lastHeardAt = Date.now();
    this.need(missing);
  }

  private maybeFinish(): void {
    if (this.finishing || this.sha256 === null || this.view.bytes < this.view.size) return;
    this.finishing = true;
    this.worker?.postMessage({ type: 'finish', sha256: this.sha256, reread: true }, []);
  }

  private fromWorker(r: WriterReply): void {
    switch (r.type) {
      case 'progress':
        this.progress(r.written);
        this.host.send(this.sender, { type: 'file-ack', id: this.wireId, offset: r.written });
        return this.maybeFinish();
      case 'committed':
        this.host.send(this.sender, { type: 'file-verified', id: this.wireId });
        if (r.file) this.view.url = URL.createObjectURL(r.file);
        return this.finish('done', null);
      case 'mismatch':
        console.warn(`swarm-receive: ${this.view.name}: SHA-256 ${r.sha256} does not match the sender's ${this.sha256}`);
        return this.fail('corrupt', true);
      case 'error':
        return this.fail(r.reason, true);
      default:
        return;
    }
  }

  private progress(bytes: number): void {
    const { speed, eta } = this.meter.sample(bytes, this.view.size);
    Object.assign(this.view, { bytes, speed, eta });
    this.host.changed();
  }

  private fail(reason: FailReason, tell: boolean): void {
    if (TERMINAL.has(this.view.state)) return;
    if (tell && reason !== 'peer-left') this.host.send(this.sender, { type: 'file-cancel', id: this.wireId, reason });
    this.finish('failed', reason);
    this.close();
  }

  /** Forwarding goes on after 'done': the others may still be waiting for pieces this side seeded. */
  private finish(state: TransferState, reason: FailReason | null): void {
    if (TERMINAL.has(this.view.state)) return;
    clearInterval(this.stallTimer);
    for (const dc of this.inbound.values()) dc.close();
    this.inbound.clear();
    this.assembling.clear();
    Object.assign(this.view, { state, reason, speed: 0, eta: null });
    if (this.worker) closeWriter(this.worker, state === 'done');
    this.worker = null;
    if (state !== 'done') this.close();
    this.host.changed();
  }

  private stateNow(): TransferState {
    return this.view.state;
  }

  private set(state: TransferState): void {
    this.view.state = state;
    this.host.changed();
  }
}
