// Sending one file to several people at once: a swarm. The file is cut into pieces and each piece leaves this
// browser once, for one receiver (its seed), who forwards it to the others over their own links: this uplink
// carries the file about once however many receive it, where one copy each would take N times as long.
// Every piece's SHA-256 goes to every receiver first, over the encrypted control channel, so whoever a piece
// comes from it is checked against what this side read. A receiver whose seed left, or forwarded bad bytes,
// asks here for those pieces (file-need); so does one that accepted late, for what went by before.
//
//   sender                               receivers A, B, C (from piece 0 on: file-swarm {peers})
//   file-piece {i, sha256, seed: A} ───▶  all
//   piece i ═════════════════════════▶  A ═══▶ B, C   (A forwards what it seeds, after checking it)
//                  ◀──────────────────  file-ack {bytes written}  (each; the slowest bounds how far ahead we seed)
//                  ◀──────────────────  file-need {pieces}        (straight from here, before any seeding)
//   file-end {sha256} ─────────────────▶  all; each answers file-verified once the whole file checks out
import { createSHA256, type IHasher } from 'hash-wasm';
import { pieceChannelLabel, type FileMessage, type PeerMessage } from '../peer-protocol';
import { HIGH_WATER, LOW_WATER } from './file-send';
import { PIECE_SIZE, pieceCount, pieceDigest, pieceLength, sendPiece } from './swarm-wire';
import { Meter, TERMINAL, transferView, type FailReason, type Transfer, type TransferState } from './transfer-progress';

/** Most pieces seeded beyond what the slowest receiver has written: bounds every forwarder's queue. */
export const SWARM_WINDOW = 24;
/**
 * After the first Accept, seeding waits this long for the others to answer: what goes by before someone
 * accepts must come to them from here again, which is the copy a swarm saves.
 */
export const ACCEPT_GRACE_MS = 4000;

export interface SwarmSendHost {
  send(peer: string, msg: PeerMessage): boolean;
  createChannel(peer: string, label: string): RTCDataChannel | null;
  changed(): void;
}

interface Member {
  view: Transfer;
  meter: Meter;
  channel: RTCDataChannel | null;
  /** Bytes the receiver reported written. */
  acked: number;
}

export class SwarmOutgoing {
  private readonly members = new Map<string, Member>();
  /** Receivers that accepted and are still receiving, in the order they accepted: seeds are taken round robin. */
  private active: string[] = [];
  private readonly hashes: string[] = [];
  private readonly seeds: string[] = [];
  private readonly repairs: { peer: string; index: number }[] = [];
  private readonly count: number;
  private next = 0;
  private hasher: IHasher | null = null;
  private sha256: string | null = null;
  private pumping = false;
  private wake: (() => void) | null = null;
  private stopped = false;
  private graceUntil = 0;
  private graceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly wireId: string,
    private readonly file: File,
    recipients: readonly { peer: string; name: string }[],
    private readonly host: SwarmSendHost,
  ) {
    this.count = pieceCount(file.size, PIECE_SIZE);
    for (const { peer, name } of recipients) {
      const view = transferView({
        id: `${wireId}>${peer}`,
        direction: 'out',
        peer,
        peerName: name,
        name: file.name,
        size: file.size,
        state: 'waiting',
      });
      this.members.set(peer, { view, meter: new Meter(), channel: null, acked: 0 });
    }
  }

  get views(): Transfer[] {
    return [...this.members.values()].map((m) => m.view);
  }

  /** Offers the file to every recipient still unanswered, or to `peer` alone (its control channel reopened). */
  offer(peer?: string): void {
    for (const [key, m] of this.members) {
      if (m.view.state !== 'waiting' || (peer !== undefined && key !== peer)) continue;
      const { name, size, type: mime } = this.file;
      this.host.send(key, { type: 'file-offer', id: this.wireId, name, size, mime, piece: PIECE_SIZE });
    }
  }

  message(peer: string, m: FileMessage): void {
    const member = this.members.get(peer);
    if (!member || TERMINAL.has(member.view.state)) return;
    switch (m.type) {
      case 'file-accept':
        if (member.view.state === 'waiting') this.join(peer, member);
        return;
      case 'file-ack':
        if (m.offset > this.file.size) return this.drop(peer, 'failed', 'bad-data', true);
        member.acked = Math.max(member.acked, m.offset);
        this.progress(member, member.acked);
        return this.poke();
      case 'file-need':
        for (const index of m.pieces) {
          if (index >= this.next) continue;
          if (!this.repairs.some((r) => r.peer === peer && r.index === index)) this.repairs.push({ peer, index });
        }
        return this.poke();
      case 'file-verified':
        if (member.acked < this.file.size && this.sha256 === null) return;
        this.progress(member, this.file.size);
        return this.drop(peer, 'done', null, false);
      case 'file-decline':
        return this.drop(peer, 'declined', null, false);
      case 'file-cancel':
        return this.drop(peer, m.reason === 'cancelled' ? 'cancelled' : 'failed', m.reason, false);
      default:
        return;
    }
  }

  /** Stops sending to one recipient (their row's Cancel), or to everyone. */
  cancel(peer?: string): void {
    for (const key of [...this.members.keys()]) if (peer === undefined || key === peer) this.drop(key, 'cancelled', null, true);
  }

  peerGone(peer: string): void {
    this.drop(peer, 'failed', 'peer-left', false);
  }

  private join(peer: string, member: Member): void {
    if (this.active.length === 0 && this.next === 0) {
      this.graceUntil = Date.now() + ACCEPT_GRACE_MS;
      this.graceTimer = setTimeout(() => this.poke(), ACCEPT_GRACE_MS);
    }
    this.active.push(peer);
    this.set(member, 'active');
    member.meter.reset();
    this.announceMembers();
    // A late receiver first learns what was already announced, and gets those pieces from here.
    for (let i = 0; i < this.next; i++) {
      this.host.send(peer, {
        type: 'file-piece',
        id: this.wireId,
        index: i,
        sha256: this.hashes[i] as string,
        seed: this.seeds[i] as string,
      });
      this.repairs.push({ peer, index: i });
    }
    if (this.sha256) this.host.send(peer, { type: 'file-end', id: this.wireId, sha256: this.sha256 });
    this.poke();
  }

  private announceMembers(): void {
    for (const key of this.active) this.host.send(key, { type: 'file-swarm', id: this.wireId, from: this.next, peers: this.active });
  }

  private poke(): void {
    this.wake?.();
    if (this.pumping || this.stopped || this.active.length === 0) return;
    this.pumping = true;
    void this.pump()
      .catch((err: unknown) => {
        console.warn('swarm-send: failed', err);
        this.cancel();
      })
      .finally(() => (this.pumping = false));
  }

  private async pump(): Promise<void> {
    for (;;) {
      if (this.stopped || this.active.length === 0) return;
      const repair = this.repairs.shift();
      if (repair) {
        if (this.active.includes(repair.peer)) await this.sendTo(repair.peer, repair.index);
        continue;
      }
      const unanswered = [...this.members.values()].some((m) => m.view.state === 'waiting');
      const waiting = this.next === 0 && unanswered && Date.now() < this.graceUntil;
      const slowest = Math.min(...this.active.map((k) => this.members.get(k)?.acked ?? 0));
      if (!waiting && this.next < this.count && this.next - Math.floor(slowest / PIECE_SIZE) < SWARM_WINDOW) {
        await this.seed(this.next);
        continue;
      }
      if (this.next === this.count && this.sha256 === null) {
        this.sha256 = (this.hasher as IHasher).digest('hex');
        for (const key of this.active) this.host.send(key, { type: 'file-end', id: this.wireId, sha256: this.sha256 });
        continue;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  private async seed(index: number): Promise<void> {
    const bytes = await this.read(index);
    if (!this.hasher) {
      this.hasher = await createSHA256();
      this.hasher.init();
    }
    this.hasher.update(bytes);
    const sha256 = await pieceDigest(bytes);
    const seed = this.active[index % this.active.length] as string;
    this.hashes[index] = sha256;
    this.seeds[index] = seed;
    this.next = index + 1;
    for (const key of this.active) this.host.send(key, { type: 'file-piece', id: this.wireId, index, sha256, seed });
    await this.sendTo(seed, index, bytes);
  }

  private async sendTo(peer: string, index: number, known?: Uint8Array<ArrayBuffer>): Promise<void> {
    const member = this.members.get(peer);
    if (!member) return;
    const dc = (member.channel ??= this.openChannel(peer));
    if (!dc) return this.drop(peer, 'failed', 'peer-left', false);
    const bytes = known ?? (await this.read(index));
    // A closed channel loses the piece; the receiver asks again (file-need) once it notices.
    if (!(await sendPiece(dc, index, bytes, HIGH_WATER))) member.channel = null;
  }

  private openChannel(peer: string): RTCDataChannel | null {
    const dc = this.host.createChannel(peer, pieceChannelLabel(this.wireId));
    if (!dc) return null;
    dc.binaryType = 'arraybuffer';
    dc.bufferedAmountLowThreshold = LOW_WATER;
    return dc;
  }

  private async read(index: number): Promise<Uint8Array<ArrayBuffer>> {
    const at = index * PIECE_SIZE;
    return new Uint8Array(await this.file.slice(at, at + pieceLength(this.file.size, PIECE_SIZE, index)).arrayBuffer());
  }

  private progress(member: Member, bytes: number): void {
    const { speed, eta } = member.meter.sample(bytes, this.file.size);
    Object.assign(member.view, { bytes, speed, eta });
    this.host.changed();
  }

  private drop(peer: string, state: TransferState, reason: FailReason | null, tell: boolean): void {
    const member = this.members.get(peer);
    if (!member || TERMINAL.has(member.view.state)) return;
    if (tell) this.host.send(peer, { type: 'file-cancel', id: this.wireId, reason: 'cancelled' });
    const wasActive = this.active.includes(peer);
    this.active = this.active.filter((k) => k !== peer);
    for (let i = this.repairs.length - 1; i >= 0; i--) if (this.repairs[i]?.peer === peer) this.repairs.splice(i, 1);
    // Someone who has the whole file can still be asked for nothing more; the others forward without them.
    if (wasActive && state !== 'done') this.announceMembers();
    member.channel?.close();
    member.channel = null;
    Object.assign(member.view, { state, reason, speed: 0, eta: null });
    if (this.active.length === 0 && [...this.members.values()].every((m) => m.view.state !== 'waiting')) this.stop();
    this.host.changed();
    this.poke();
  }

  private stop(): void {
    this.stopped = true;
    clearTimeout(this.graceTimer);
    this.wake?.();
  }

  private set(member: Member, state: TransferState): void {
    member.view.state = state;
    this.host.changed();
  }
}
