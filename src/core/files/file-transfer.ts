// File sharing over the data channel: the owner of every transfer in this tab. Control messages
// (offer, accept, acks, resume, end, verified, cancel) ride the "control" channel as PeerMessages; the bytes
// ride a per-transfer channel (see fileChannelLabel). docs/protocol.md has the sequence diagrams.
//
//   sender                                   receiver
//   file-offer  ───────────────────────────▶  (user accepts: save picker or browser storage)
//               ◀───────────────────────────  file-accept
//   channel "file:<id>:0", raw bytes ══════▶  worker: write at offset + SHA-256
//               ◀───────────────────────────  file-ack {offset}   (every MiB written)
//   file-end {sha256} ─────────────────────▶  digest matches? commit : delete
//               ◀───────────────────────────  file-verified  |  file-cancel {reason: corrupt}
//   (byte channel drops)                      file-resume {offset}: new channel "file:<id>:<offset>"
import { Incoming, openWriterWorker, type WriterPort } from './file-receive';
import { Outgoing } from './file-send';
import { randomId } from '../room-link';
import { parseFileChannelLabel, parsePieceChannelLabel, type FileMessage, type PeerMessage } from '../peer-protocol';
import { SwarmOutgoing } from './swarm-send';
import { SwarmIncoming } from './swarm-receive';
import { TERMINAL, type Transfer } from './transfer-progress';

export type { Transfer, TransferState, FailReason } from './transfer-progress';

export interface TransferHost {
  /** This tab's own key (a swarm's receivers forward the pieces seeded to them). */
  readonly self: string;
  send(peer: string, msg: PeerMessage): boolean;
  createChannel(peer: string, label: string): RTCDataChannel | null;
  isOpen(peer: string): boolean;
  nameOf(peer: string): string;
  publish(transfers: Transfer[]): void;
}

/** Most offers one peer may leave unanswered: a peer cannot flood the list. */
const MAX_PENDING_OFFERS = 50;
/** Store updates from progress are coalesced to this period; state changes publish at once. */
const PUBLISH_MS = 200;

export class FileTransfers {
  private readonly outgoing = new Map<string, Outgoing>();
  /** Keyed by `${peer}:${wireId}`: ids are chosen by senders, so only the pair is unique. */
  private readonly incoming = new Map<string, Incoming>();
  /** Files sent to several people at once, by wire id; each recipient's row is `${wireId}>${peer}`. */
  private readonly swarmsOut = new Map<string, SwarmOutgoing>();
  private readonly swarmsIn = new Map<string, SwarmIncoming>();
  private order: Transfer[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastStates = '';
  /** This tab's own folder in the origin-private file system. */
  readonly dir = `incoming-${randomId(8)}`;

  /** `openWriter` is where received bytes go: the writer worker, unless a unit test gives a stand-in. */
  constructor(
    private readonly host: TransferHost,
    private readonly openWriter: () => WriterPort = openWriterWorker,
  ) {}

  /** One transfer per file per recipient; a file for several recipients goes as a swarm (swarm-send.ts). */
  offer(files: readonly File[], peers: readonly string[]): void {
    if (peers.length > 1) return this.offerSwarm(files, peers);
    for (const peer of peers) {
      for (const file of files) {
        const out = new Outgoing(randomId(16), file, peer, this.host.nameOf(peer), {
          send: (p, m) => this.host.send(p, m),
          createChannel: (p, l) => this.host.createChannel(p, l),
          changed: () => this.changed(),
        });
        this.outgoing.set(out.wireId, out);
        this.order.push(out.view);
        out.offer();
      }
    }
    this.publishNow();
  }

  accept(id: string): Promise<void> {
    return (this.incoming.get(id) ?? this.swarmsIn.get(id))?.accept() ?? Promise.resolve();
  }

  decline(id: string): void {
    (this.incoming.get(id) ?? this.swarmsIn.get(id))?.decline();
  }

  cancel(id: string): void {
    this.incoming.get(id)?.cancel();
    this.outgoing.get(id)?.cancel();
    this.swarmsIn.get(id)?.cancel();
    const [wireId, peer] = id.split('>');
    if (wireId && peer) this.swarmsOut.get(wireId)?.cancel(peer);
  }

  /** Drops finished rows (and the browser-storage copies behind their download links). */
  dismiss(id: string): void {
    const t = this.order.find((v) => v.id === id);
    if (!t || !TERMINAL.has(t.state)) return;
    if (t.url) URL.revokeObjectURL(t.url);
    const inc = this.incoming.get(id) ?? this.swarmsIn.get(id);
    if (inc?.sink === 'opfs') void removeStored(this.dir, inc.wireId);
    this.swarmsIn.get(id)?.close();
    this.order = this.order.filter((v) => v !== t);
    this.incoming.delete(id);
    this.outgoing.delete(id);
    this.swarmsIn.delete(id);
    this.publishNow();
  }

  message(peer: string, m: FileMessage): void {
    if (m.type === 'file-offer') return this.offered(peer, m);
    const inc = this.incoming.get(`${peer}:${m.id}`) ?? this.swarmsIn.get(`${peer}:${m.id}`);
    if (inc) return inc.message(m);
    const out = this.outgoing.get(m.id);
    if (out && out.view.peer === peer) return out.message(m);
    const swarm = this.swarmsOut.get(m.id);
    if (swarm) return swarm.message(peer, m);
    console.warn(`file-transfer: ${m.type} for a transfer never offered (${m.id})`);
  }

  /** A byte channel the peer opened. Handlers must be installed before this returns. */
  channel(peer: string, dc: RTCDataChannel): void {
    const pieceId = parsePieceChannelLabel(dc.label);
    if (pieceId !== null) {
      const swarm = [...this.swarmsIn.values()].find((s) => s.wireId === pieceId && s.knows(peer));
      if (swarm) return swarm.attach(peer, dc);
    }
    const label = parseFileChannelLabel(dc.label);
    const inc = label.ok ? this.incoming.get(`${peer}:${label.value.id}`) : undefined;
    if (!label.ok || !inc) {
      console.warn(`file-transfer: closed a data channel for a transfer never offered (${dc.label.slice(0, 80)})`);
      dc.close();
      return;
    }
    inc.attach(dc, label.value.offset);
  }

  peerOpen(peer: string): void {
    for (const inc of this.incoming.values()) if (inc.view.peer === peer) inc.peerOpen();
    // An offer sent while the control channel was still connecting went nowhere: send it again.
    for (const out of this.outgoing.values()) if (out.view.peer === peer && out.view.state === 'waiting') out.offer();
    for (const swarm of this.swarmsOut.values()) swarm.offer(peer);
  }

  peerGone(peer: string): void {
    for (const t of [...this.incoming.values(), ...this.outgoing.values()]) if (t.view.peer === peer) t.peerGone();
    // A fellow receiver of a swarm leaving matters too: what it seeded now comes from the sender.
    for (const t of [...this.swarmsIn.values(), ...this.swarmsOut.values()]) t.peerGone(peer);
  }

  /** Leaving the call: stop everything and tell whoever is still reachable. */
  close(): void {
    for (const t of [...this.incoming.values(), ...this.outgoing.values(), ...this.swarmsIn.values()]) t.cancel();
    for (const swarm of this.swarmsOut.values()) swarm.cancel();
    clearTimeout(this.timer);
    this.timer = undefined;
    // Finished files kept in browser storage can no longer be saved once the call view is gone.
    for (const t of this.order) if (t.url) URL.revokeObjectURL(t.url);
    if ([...this.incoming.values(), ...this.swarmsIn.values()].some((i) => i.sink === 'opfs')) void removeStored(this.dir);
  }

  private offerSwarm(files: readonly File[], peers: readonly string[]): void {
    for (const file of files) {
      const recipients = peers.map((peer) => ({ peer, name: this.host.nameOf(peer) }));
      const swarm = new SwarmOutgoing(randomId(16), file, recipients, {
        send: (p, m) => this.host.send(p, m),
        createChannel: (p, l) => this.host.createChannel(p, l),
        changed: () => this.changed(),
      });
      this.swarmsOut.set(swarm.wireId, swarm);
      this.order.push(...swarm.views);
      swarm.offer();
    }
    this.publishNow();
  }

  private offered(peer: string, m: Extract<FileMessage, { type: 'file-offer' }>): void {
    const key = `${peer}:${m.id}`;
    if (this.incoming.has(key) || this.swarmsIn.has(key)) return;
    const pending = [...this.incoming.values(), ...this.swarmsIn.values()].filter(
      (i) => i.view.peer === peer && i.view.state === 'offered',
    ).length;
    if (pending >= MAX_PENDING_OFFERS) {
      console.warn('file-transfer: too many unanswered offers from one peer; declined');
      this.host.send(peer, { type: 'file-decline', id: m.id });
      return;
    }
    const receiveHost = {
      self: this.host.self,
      send: (p: string, msg: PeerMessage) => this.host.send(p, msg),
      createChannel: (p: string, l: string) => this.host.createChannel(p, l),
      isOpen: (p: string) => this.host.isOpen(p),
      changed: () => this.changed(),
      dir: this.dir,
      openWriter: this.openWriter,
    };
    const inc =
      m.piece === undefined
        ? new Incoming(m.id, m, peer, this.host.nameOf(peer), receiveHost)
        : new SwarmIncoming(m.id, m, m.piece, peer, this.host.nameOf(peer), receiveHost);
    if (inc instanceof SwarmIncoming) this.swarmsIn.set(key, inc);
    else this.incoming.set(key, inc);
    this.order.push(inc.view);
    this.publishNow();
  }

  private changed(): void {
    // State changes (accepted, done, failed...) show at once; byte counts are coalesced.
    const states = this.order.map((t) => t.state).join();
    if (states !== this.lastStates) return this.publishNow();
    this.timer ??= setTimeout(() => this.publishNow(), PUBLISH_MS);
  }

  private publishNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastStates = this.order.map((t) => t.state).join();
    this.host.publish(this.order.map((t) => ({ ...t })));
  }
}

/** Deletes one received file, or this tab's whole folder, from the origin-private file system. */
async function removeStored(dir: string, name?: string): Promise<void> {
  try {
    const root = await navigator.storage.getDirectory();
    if (name === undefined) return await root.removeEntry(dir, { recursive: true });
    await (await root.getDirectoryHandle(dir)).removeEntry(name);
  } catch (err) {
    console.warn('file-transfer: could not delete a stored file', err);
  }
}
