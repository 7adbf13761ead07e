// Two FileTransfers wired together in one process: each peer's TransferHost, a control link that carries
// PeerMessages as text through parsePeerMessage (as peer-link.ts does), byte channels that behave like
// RTCDataChannel where file-send/file-receive look (bufferedAmount, bufferedamountlow, open, close), and an
// in-memory writer that speaks the writer worker's protocol (file-writer-protocol.ts). Nothing is timed:
// every delivery is a setImmediate, so a test runs as fast as the code under test.
import { FileTransfers, type Transfer } from '../../src/core/files/file-transfer';
import type { WriterPort } from '../../src/core/files/file-receive';
import { MEMORY_SINK_LIMIT, type WriterReply, type WriterRequest } from '../../src/core/files/file-writer-protocol';
import { parseFileChannelLabel, parsePeerMessage, type FileMessage, type PeerMessage } from '../../src/core/peer-protocol';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for `cond`, failing with `what` rather than hanging when it never comes true. */
export async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick();
  }
}

export async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
}

/** A File that remembers which ranges were read from it. */
export class TestFile extends File {
  readonly reads: { start: number; end: number }[] = [];

  constructor(
    readonly content: Uint8Array<ArrayBuffer>,
    name: string,
  ) {
    super([content], name, { type: 'application/octet-stream' });
  }

  override slice(start = 0, end = this.size, contentType?: string): Blob {
    this.reads.push({ start, end });
    return super.slice(start, end, contentType);
  }
}

/** `size` bytes of a repeating but not block-aligned pattern, so a misplaced chunk changes the digest. */
export function testFile(size: number, name = 'photo.bin'): TestFile {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >>> 13)) & 0xff;
  return new TestFile(bytes, name);
}

type Handler = ((ev: Event) => void) | null;

/** One end of a byte channel. The sender's end queues what it sends on the link until the link delivers it. */
export class FakeChannel extends EventTarget {
  readyState: RTCDataChannelState = 'connecting';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  binaryType: BinaryType = 'blob';
  onopen: Handler = null;
  onclose: Handler = null;
  onbufferedamountlow: Handler = null;
  onmessage: ((ev: MessageEvent<unknown>) => void) | null = null;
  /** Most ever queued at once. */
  maxBuffered = 0;
  /** Bytes passed to send(), and the size of the largest message. */
  sentBytes = 0;
  largestMessage = 0;

  constructor(
    readonly label: string,
    private readonly link: ByteLink,
  ) {
    super();
  }

  send(data: string | Blob | ArrayBuffer | ArrayBufferView): void {
    if (this.readyState !== 'open') throw new DOMException('send on a channel that is not open', 'InvalidStateError');
    if (typeof data === 'string' || data instanceof Blob) throw new TypeError('the fake channel carries binary views only');
    // Like the browser: the bytes are copied when sent, so the sender may reuse its buffer.
    const view = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const copy = view.slice().buffer;
    this.sentBytes += copy.byteLength;
    this.largestMessage = Math.max(this.largestMessage, copy.byteLength);
    this.bufferedAmount += copy.byteLength;
    this.maxBuffered = Math.max(this.maxBuffered, this.bufferedAmount);
    this.link.queue(copy);
  }

  close(): void {
    this.link.close();
  }

  fire(type: 'open' | 'close' | 'bufferedamountlow'): void {
    const ev = new Event(type);
    const handler = type === 'open' ? this.onopen : type === 'close' ? this.onclose : this.onbufferedamountlow;
    handler?.(ev);
    this.dispatchEvent(ev);
  }

  receive(data: unknown): void {
    this.onmessage?.(new MessageEvent('message', { data }));
  }
}

/** The wire between a sender's channel and the receiver's: ordered, reliable until dropped, pausable. */
export class ByteLink {
  readonly local: FakeChannel;
  readonly remote: FakeChannel;
  private readonly pending: ArrayBuffer[] = [];
  private scheduled = false;
  paused = false;
  /** Changes each delivered message on the way (to corrupt one byte, say). */
  tamper: ((data: ArrayBuffer, at: number) => void) | null = null;
  delivered = 0;

  constructor(
    label: string,
    /** Hands the receiver's end to its FileTransfers, as ondatachannel does. */
    announce: (remote: FakeChannel) => void,
  ) {
    this.local = new FakeChannel(label, this);
    this.remote = new FakeChannel(label, this);
    setImmediate(() => {
      if (this.local.readyState !== 'connecting') return;
      this.local.readyState = this.remote.readyState = 'open';
      announce(this.remote);
      this.local.fire('open');
      this.schedule();
    });
  }

  get offset(): number {
    const label = parseFileChannelLabel(this.local.label);
    return label.ok ? label.value.offset : NaN;
  }

  queue(data: ArrayBuffer): void {
    this.pending.push(data);
    this.schedule();
  }

  /** Sends what was held back while paused. */
  resume(): void {
    this.paused = false;
    this.schedule();
  }

  /** Either end closed it: what was still queued is lost, both ends see close. */
  close(): void {
    if (this.local.readyState === 'closing' || this.local.readyState === 'closed') return;
    this.local.readyState = this.remote.readyState = 'closing';
    this.pending.length = 0;
    this.local.bufferedAmount = 0;
    setImmediate(() => {
      this.local.readyState = this.remote.readyState = 'closed';
      this.remote.fire('close');
      this.local.fire('close');
    });
  }

  /** The network lost the channel (not either peer's doing). */
  drop(): void {
    this.close();
  }

  private schedule(): void {
    if (this.scheduled || this.paused || this.pending.length === 0 || this.local.readyState !== 'open') return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.paused || this.local.readyState !== 'open') return;
      const data = this.pending.shift();
      if (!data) return;
      const before = this.local.bufferedAmount;
      this.local.bufferedAmount -= data.byteLength;
      this.tamper?.(data, this.offset + this.delivered);
      this.delivered += data.byteLength;
      this.remote.receive(data);
      const threshold = this.local.bufferedAmountLowThreshold;
      if (before > threshold && this.local.bufferedAmount <= threshold) this.local.fire('bufferedamountlow');
      this.schedule();
    });
  }
}

export interface WriterOptions {
  /** Never answer 'open' (a writer that is slow to start). */
  neverOpens?: boolean;
}

/** The writer worker's protocol, in memory: writes at the running offset, reports progress every MiB. */
export class MemoryWriter implements WriterPort {
  onmessage: ((ev: MessageEvent<WriterReply>) => void) | null = null;
  onerror: ((ev: ErrorEvent) => void) | null = null;
  readonly requests: WriterRequest['type'][] = [];
  terminated = false;
  /** Stops writing (and so acking) until released: a slow disk. */
  held = false;
  written = 0;
  private parts: { at: number; data: Uint8Array<ArrayBuffer> }[] = [];
  /** Offsets of the swarm pieces written, in the order they came. */
  readonly pieces: number[] = [];
  private inbox: WriterRequest[] = [];
  private busy = false;
  private reported = 0;

  constructor(private readonly options: WriterOptions = {}) {}

  postMessage(m: WriterRequest, transfer: Transferable[]): void {
    if (this.terminated) return;
    // A worker gets a structured clone; transferred buffers are detached here, as they would be.
    this.inbox.push(structuredClone(m, { transfer }));
    void this.drain();
  }

  terminate(): void {
    this.terminated = true;
  }

  release(): void {
    this.held = false;
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    while (!this.terminated && !this.held && this.inbox.length > 0) {
      await tick();
      const m = this.inbox.shift();
      if (m) this.requests.push(m.type);
      if (m) await this.handle(m);
    }
    this.busy = false;
  }

  private async handle(m: WriterRequest): Promise<void> {
    switch (m.type) {
      case 'open':
        if (this.options.neverOpens) return;
        return this.reply(m.size <= MEMORY_SINK_LIMIT ? { type: 'opened', sink: 'memory' } : { type: 'error', reason: 'no-storage' });
      case 'chunk':
        this.parts.push({ at: this.written, data: new Uint8Array(m.data) });
        this.written += m.data.byteLength;
        if (this.written - this.reported >= 1 << 20 || m.last) {
          this.reported = this.written;
          this.reply({ type: 'progress', written: this.written });
        }
        return;
      case 'piece':
        this.parts.push({ at: m.at, data: new Uint8Array(m.data) });
        this.written += m.data.byteLength;
        this.pieces.push(m.at);
        return this.reply({ type: 'progress', written: this.written });
      case 'sync':
        return this.reply({ type: 'synced', written: this.written });
      case 'finish': {
        const ordered = this.parts.sort((a, b) => a.at - b.at).map((p) => p.data);
        const bytes = new Uint8Array(await new Blob(ordered).arrayBuffer());
        const digest = await sha256(bytes);
        if (digest !== m.sha256) return this.reply({ type: 'mismatch', sha256: digest });
        return this.reply({ type: 'committed', sha256: digest, file: new File([bytes], 'received') });
      }
      case 'abort':
        this.parts = [];
        return this.reply({ type: 'aborted' });
    }
  }

  private reply(r: WriterReply): void {
    if (!this.terminated) this.onmessage?.(new MessageEvent('message', { data: r }));
  }
}

/** One browser tab in the test: its FileTransfers, what it published last, and the writers it started. */
export class Peer {
  readonly files: FileTransfers;
  transfers: Transfer[] = [];
  readonly writers: MemoryWriter[] = [];
  /** Byte channels this peer opened, in order, and the ones others opened to it. */
  readonly links: ByteLink[] = [];
  readonly inbound: ByteLink[] = [];
  writerOptions: WriterOptions = {};
  /** Byte channels this peer opens from now on start paused (a slow uplink), until their link is resumed. */
  holdNewLinks = false;
  /** Everyone this peer is connected to, by key (two peers: `other`). */
  readonly contacts = new Map<string, Peer>();
  /** Whether the control channel to the other peer is open. */
  open = true;
  /** Whether the other peer is still in the call (createChannel fails once it is not). */
  present = true;
  /** Every control message this peer sent while the channel was open. */
  readonly sent: PeerMessage[] = [];
  /** Why each control message refused at the boundary (parsePeerMessage) was refused. */
  readonly dropped: string[] = [];

  constructor(readonly key: string) {
    this.files = new FileTransfers(
      {
        self: key,
        send: (peer, msg) => this.send(peer, msg),
        createChannel: (peer, label) => this.createChannel(peer, label),
        isOpen: () => this.open,
        nameOf: (peer) => `name of ${peer}`,
        publish: (transfers) => (this.transfers = transfers),
      },
      () => {
        const w = new MemoryWriter(this.writerOptions);
        this.writers.push(w);
        return w;
      },
    );
  }

  get other(): Peer | null {
    return this.contacts.values().next().value ?? null;
  }

  set other(p: Peer | null) {
    this.contacts.clear();
    if (p) this.contacts.set(p.key, p);
  }

  row(id: string): Transfer {
    const t = this.transfers.find((v) => v.id === id);
    if (!t) throw new Error(`${this.key} has no transfer ${id}`);
    return t;
  }

  /** The only transfer this peer has (tests with one file). */
  only(): Transfer {
    if (this.transfers.length !== 1) throw new Error(`${this.key} has ${this.transfers.length} transfers`);
    return this.transfers[0] as Transfer;
  }

  sentOfType<T extends PeerMessage['type']>(type: T): Extract<PeerMessage, { type: T }>[] {
    return this.sent.filter((m): m is Extract<PeerMessage, { type: T }> => m.type === type);
  }

  /** Delivers raw text as if it came over the control channel from `from` (by default the other peer). */
  deliver(text: string, from: Peer | null = this.other): void {
    setImmediate(() => {
      const parsed = parsePeerMessage(text);
      if (!parsed.ok) this.dropped.push(parsed.error);
      else if (isFileMessage(parsed.value) && from) this.files.message(from.key, parsed.value);
    });
  }

  private send(peer: string, msg: PeerMessage): boolean {
    const to = this.contacts.get(peer);
    if (!this.open || !this.present || !to || !to.present) return false;
    this.sent.push(msg);
    to.deliver(JSON.stringify(msg), this);
    return true;
  }

  private createChannel(peer: string, label: string): RTCDataChannel | null {
    const other = this.contacts.get(peer);
    if (!this.present || !other || !other.present) return null;
    const link = new ByteLink(label, (remote) => other.files.channel(this.key, asChannel(remote)));
    link.paused = this.holdNewLinks;
    this.links.push(link);
    other.inbound.push(link);
    return asChannel(link.local);
  }
}

const isFileMessage = (m: PeerMessage): m is FileMessage => m.type.startsWith('file-');

/**
 * FileTransfers only touches the members FakeChannel has; the rest of RTCDataChannel (id, protocol,
 * maxRetransmits...) never comes up, so the fake stands in for the whole type here, in one place.
 */
function asChannel(ch: FakeChannel): RTCDataChannel {
  return ch as unknown as RTCDataChannel;
}

/** Two peers with an open control channel between them. */
export function connect(): { alice: Peer; bob: Peer } {
  const alice = new Peer('alice-key-00000000');
  const bob = new Peer('bob-key-0000000000');
  alice.other = bob;
  bob.other = alice;
  return { alice, bob };
}

/** `n` peers, each connected to every other (a group call's full mesh). */
export function mesh(n: number): Peer[] {
  const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
  const peers = names.slice(0, n).map((name) => new Peer(`${name}-key-`.padEnd(18, '0')));
  for (const a of peers) for (const b of peers) if (a !== b) a.contacts.set(b.key, b);
  return peers;
}

/** `p` leaves a mesh: its links drop and everyone else learns it is gone. */
export function leave(p: Peer, everyone: readonly Peer[]): void {
  p.present = false;
  p.open = false;
  for (const link of [...p.links, ...p.inbound]) link.drop();
  for (const q of everyone) if (q !== p) q.files.peerGone(p.key);
}

/** Both sides learn the other left: the control channel is gone and no new channel can be made. */
export function vanish(a: Peer, b: Peer): void {
  for (const p of [a, b]) {
    p.open = false;
    p.present = false;
  }
  a.files.peerGone(b.key);
  b.files.peerGone(a.key);
}
