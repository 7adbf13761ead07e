// The receiving side of one transfer. Bytes go straight from the data channel to a dedicated worker
// (transferred, not copied), which writes them to disk and hashes them; this side only counts, checks
// bounds and acks. After a dropped byte channel it asks the sender to resume from what the worker confirmed.
import type { PeerMessage } from '../peer-protocol';
import type { SinkKind, WriterReply, WriterRequest } from './file-writer-protocol';
import { Meter, TERMINAL, transferView, type FailReason, type Transfer, type TransferState } from './transfer-progress';

export interface ReceiveHost {
  send(peer: string, msg: PeerMessage): boolean;
  isOpen(peer: string): boolean;
  changed(): void;
  /** The OPFS folder this tab writes into. */
  readonly dir: string;
  /** Starts this transfer's writer: openWriterWorker in the app, an in-memory stand-in in unit tests. */
  openWriter(): WriterPort;
}

/** The part of the writer worker (file-writer.worker.ts) that Incoming uses. */
export interface WriterPort {
  postMessage(m: WriterRequest, transfer: Transferable[]): void;
  onmessage: ((ev: MessageEvent<WriterReply>) => void) | null;
  onerror: ((ev: ErrorEvent) => void) | null;
  terminate(): void;
}

export function openWriterWorker(): WriterPort {
  return new Worker(new URL('./file-writer.worker.ts', import.meta.url), { type: 'module' });
}

interface SaveFilePicker {
  showSaveFilePicker(options: { suggestedName: string }): Promise<FileSystemFileHandle>;
}

/**
 * Asks where to save `name` where the browser has a save dialog (File System Access). Null: no dialog, or it
 * failed, so the file goes to browser storage; 'cancelled': the user closed the dialog, and nothing is accepted.
 * Call it first in the click that accepted: the dialog needs that user activation.
 */
export async function pickSaveFile(name: string): Promise<FileSystemFileHandle | null | 'cancelled'> {
  const w = globalThis as typeof globalThis & Partial<SaveFilePicker>;
  if (typeof w.showSaveFilePicker !== 'function') return null;
  try {
    return await w.showSaveFilePicker({ suggestedName: name });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') return 'cancelled';
    console.warn('file-receive: save picker failed, using browser storage', err);
    return null;
  }
}

/** Ends a transfer's writer: at once when the file is kept, else after it deleted the partial file. */
export function closeWriter(worker: WriterPort, kept: boolean): void {
  if (kept) return worker.terminate();
  // Deletes the partial file (or abandons the picked file's temporary copy) before the worker goes.
  worker.onmessage = (ev: MessageEvent<WriterReply>) => {
    if (ev.data.type === 'aborted' || ev.data.type === 'error') worker.terminate();
  };
  worker.postMessage({ type: 'abort' }, []);
}

export class Incoming {
  readonly view: Transfer;
  sink: SinkKind | null = null;
  private worker: WriterPort | null = null;
  private channel: RTCDataChannel | null = null;
  /** Bytes handed to the worker: where the current channel's next message belongs. */
  private expected = 0;
  private sha256: string | null = null;
  private finishing = false;
  private resumeWanted = false;
  private waiters: ((r: WriterReply) => void)[] = [];
  private readonly meter = new Meter();
  private readonly mime: string;

  constructor(
    readonly wireId: string,
    offer: { name: string; size: number; mime: string },
    peer: string,
    peerName: string,
    private readonly host: ReceiveHost,
  ) {
    this.mime = offer.mime;
    this.view = transferView({
      id: `${peer}:${wireId}`,
      direction: 'in',
      peer,
      peerName,
      name: offer.name,
      size: offer.size,
      state: 'offered',
    });
  }

  /**
   * Must run inside the click that accepted: the save picker needs that user activation, so nothing is
   * awaited before it.
   */
  async accept(): Promise<void> {
    if (this.view.state !== 'offered') return;
    const picked = await pickSaveFile(this.view.name);
    if (picked === 'cancelled') return;
    if (this.stateNow() !== 'offered') return;
    this.set('active');
    const worker = this.host.openWriter();
    worker.onmessage = (ev: MessageEvent<WriterReply>) => this.fromWorker(ev.data);
    worker.onerror = (ev) => {
      console.warn('file-receive: writer crashed', ev.message);
      this.fail('failed', true);
    };
    this.worker = worker;
    this.post({ type: 'open', id: this.wireId, dir: this.host.dir, name: this.view.name, mime: this.mime, size: this.view.size, picked });
    const opened = await this.reply('opened', 'error');
    if (opened.type !== 'opened') return this.fail(opened.type === 'error' ? opened.reason : 'failed', true);
    this.sink = opened.sink;
    if (this.stateNow() !== 'active') return;
    this.host.send(this.view.peer, { type: 'file-accept', id: this.wireId });
  }

  decline(): void {
    if (this.view.state !== 'offered') return;
    this.host.send(this.view.peer, { type: 'file-decline', id: this.wireId });
    this.finish('declined', null);
  }

  cancel(): void {
    if (TERMINAL.has(this.view.state)) return;
    this.host.send(this.view.peer, { type: 'file-cancel', id: this.wireId, reason: 'cancelled' });
    this.finish('cancelled', null);
  }

  /** The sender's byte channel for this transfer; handlers are set before this returns. */
  attach(dc: RTCDataChannel, offset: number): void {
    if ((this.view.state !== 'active' && this.view.state !== 'interrupted') || offset !== this.expected || this.resumeWanted) {
      console.warn(`file-receive: unexpected byte channel at ${offset} (expected ${this.expected})`);
      dc.close();
      return;
    }
    this.channel?.close();
    this.channel = dc;
    dc.binaryType = 'arraybuffer';
    dc.onmessage = (ev: MessageEvent<unknown>) => {
      if (this.channel === dc) this.chunk(ev.data);
    };
    dc.onclose = () => {
      if (this.channel === dc) void this.interrupted();
    };
    if (this.view.state === 'interrupted') this.set('active');
  }

  message(m: Extract<PeerMessage, { id: string }>): void {
    if (TERMINAL.has(this.view.state)) return;
    if (m.type === 'file-end') {
      this.sha256 = m.sha256;
      this.maybeFinish();
    } else if (m.type === 'file-cancel') {
      this.finish(m.reason === 'cancelled' ? 'cancelled' : 'failed', m.reason);
    }
  }

  /** The control channel to the sender (re)opened: a pending resume can be asked for now. */
  peerOpen(): void {
    if (this.resumeWanted && this.view.state === 'interrupted') this.askResume();
  }

  peerGone(): void {
    this.finish('failed', 'peer-left');
  }

  private chunk(data: unknown): void {
    if (!(data instanceof ArrayBuffer)) return this.fail('bad-data', true);
    if (this.expected + data.byteLength > this.view.size) {
      console.warn(`file-receive: ${this.view.name}: more bytes than the ${this.view.size} offered`);
      return this.fail('bad-data', true);
    }
    this.expected += data.byteLength;
    this.post({ type: 'chunk', data, last: this.expected === this.view.size }, [data]);
    this.maybeFinish();
  }

  private async interrupted(): Promise<void> {
    this.channel = null;
    if (this.view.state !== 'active' || this.expected === this.view.size) return;
    this.set('interrupted');
    this.resumeWanted = true;
    // Whatever the worker has not written yet is still queued to it, in order: after this round trip,
    // `written` is exactly what is on disk and in the hash.
    this.post({ type: 'sync' });
    const synced = await this.reply('synced', 'error');
    if (synced.type !== 'synced') return this.fail('failed', true);
    this.expected = synced.written;
    this.askResume();
  }

  private askResume(): void {
    if (!this.host.isOpen(this.view.peer)) return;
    if (this.host.send(this.view.peer, { type: 'file-resume', id: this.wireId, offset: this.expected })) this.resumeWanted = false;
  }

  private maybeFinish(): void {
    if (this.finishing || this.sha256 === null || this.expected !== this.view.size) return;
    this.finishing = true;
    this.post({ type: 'finish', sha256: this.sha256 });
  }

  private fromWorker(r: WriterReply): void {
    const waiter = this.waiters.shift();
    if (waiter && r.type !== 'progress') return waiter(r);
    if (waiter) this.waiters.unshift(waiter);
    switch (r.type) {
      case 'progress':
        this.progress(r.written);
        this.host.send(this.view.peer, { type: 'file-ack', id: this.wireId, offset: r.written });
        return;
      case 'committed':
        this.progress(this.view.size);
        this.host.send(this.view.peer, { type: 'file-verified', id: this.wireId });
        if (r.file) this.view.url = URL.createObjectURL(r.file);
        this.channel?.close();
        this.channel = null;
        return this.finish('done', null);
      case 'mismatch':
        console.warn(`file-receive: ${this.view.name}: SHA-256 ${r.sha256} does not match the sender's ${this.sha256}`);
        return this.fail('corrupt', true);
      case 'error':
        return this.fail(r.reason, true);
      default:
        return;
    }
  }

  /** The next reply of one of these types (progress reports pass by). */
  private reply(...types: WriterReply['type'][]): Promise<WriterReply> {
    return new Promise((resolve) => {
      this.waiters.push((r) => (types.includes(r.type) ? resolve(r) : resolve({ type: 'error', reason: 'failed' })));
    });
  }

  private post(m: WriterRequest, transfer: Transferable[] = []): void {
    this.worker?.postMessage(m, transfer);
  }

  private progress(bytes: number): void {
    const { speed, eta } = this.meter.sample(bytes, this.view.size);
    Object.assign(this.view, { bytes, speed, eta });
    this.host.changed();
  }

  private fail(reason: FailReason, tell: boolean): void {
    if (TERMINAL.has(this.view.state)) return;
    if (tell && reason !== 'peer-left') this.host.send(this.view.peer, { type: 'file-cancel', id: this.wireId, reason });
    this.finish('failed', reason);
  }

  private finish(state: TransferState, reason: FailReason | null): void {
    if (TERMINAL.has(this.view.state)) return;
    const dc = this.channel;
    this.channel = null;
    dc?.close();
    Object.assign(this.view, { state, reason, speed: 0, eta: null });
    if (this.worker) closeWriter(this.worker, state === 'done');
    this.worker = null;
    this.waiters.splice(0).forEach((w) => w({ type: 'error', reason: 'failed' }));
    this.host.changed();
  }

  /** Re-reads the state after an await (a cancel may have landed meanwhile). */
  private stateNow(): TransferState {
    return this.view.state;
  }

  private set(state: TransferState): void {
    this.view.state = state;
    this.host.changed();
  }
}
