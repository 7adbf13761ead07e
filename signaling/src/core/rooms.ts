// The room core: pure state and small handlers. No sockets, timers, clocks or runtime APIs, so the same code
// runs under the Node `ws` adapter and inside a Cloudflare Durable Object. Callers pass `now` in and carry
// out the returned deliveries; randomness and ICE servers are injected.
//
// Identity: a connection gets its peer id from the server at join and every relayed signal is stamped with
// the sender's id here, so a client can neither choose nor spoof one.
//
// Resume: a socket that closes without `leave` keeps its slot (and its id) for `graceMs`. A new connection
// that joins with the secret resume token within that time takes the slot over and nobody else is told, so
// the other peers' RTCPeerConnections survive a network blip. While a peer is away, room events addressed to
// it are dropped and signals to it are buffered (bounded) and flushed on resume; its fresh `welcome.peers`
// is the truth about who joined or left meanwhile.

import type { ClientMessage, ErrorCode, IceServer, ServerMessage } from '../protocol.ts';
import { CLOSE_REPLACED } from './close-codes.ts';

/**
 * How an adapter names a connection: any value that is stable for the connection's life. The Durable Object uses
 * strings (they survive hibernation in a socket's attachment); the Node adapter passes the socket object itself,
 * so it keeps no id string and no id-to-socket map per connection.
 */
export type ConnId = string;

/** The frames this core handles; the rest of ClientMessage is the directory's (directory.ts). */
export type RoomMessage = Extract<ClientMessage, { type: 'join' | 'signal' | 'leave' | 'ping' }>;

const ROOM_TYPES: ReadonlySet<string> = new Set<RoomMessage['type']>(['join', 'signal', 'leave', 'ping']);

export function isRoomMessage(msg: ClientMessage): msg is RoomMessage {
  return ROOM_TYPES.has(msg.type);
}

export type Delivery<C = ConnId> = { to: C; msg: ServerMessage } | { close: C; code: number; reason: string };

export interface RoomsOptions<C = ConnId> {
  /** Returns `bytes` random bytes as base64url (no padding). Must be cryptographically random. */
  randomId: (bytes: number) => string;
  /**
   * ICE servers for a peer's `welcome`; called only for peers that joined a room (TURN credentials are per peer).
   * `conn` is the connection the welcome goes to (the Node adapter advertises its STUN port at the host the
   * browser reached it by).
   */
  iceServers: (peerId: string, conn: C) => IceServer[];
  cap?: number;
  graceMs?: number;
  /** Bounds on signals buffered for a peer that is away; beyond them signals are dropped. */
  bufferCount?: number;
  bufferBytes?: number;
}

export const DEFAULT_ROOM_CAP = 6;
export const DEFAULT_GRACE_MS = 20_000;
// 16 bytes = 128 bits for peer ids (22 chars); 32 bytes for the secret resume tokens (43 chars).
const PEER_ID_BYTES = 16;
const TOKEN_BYTES = 32;

interface Peer<C> {
  id: string;
  room: Room<C>;
  conn: C | null;
  token: string;
  /** Set while the peer is away (socket gone without `leave`): when its slot is released. */
  graceUntil: number | null;
  /** Signals held while the peer is away; null until the first one (most peers never need it). */
  buffered: { from: string; data: string }[] | null;
  bufferedBytes: number;
}

/**
 * `peers` is a plain array in join order, replaced (never grown in place) on join: a room holds at most `cap`
 * peers, and an exact-size array costs a third of a Map's memory per room, which counts with thousands of idle
 * rooms. Lookups by id go through the global `peers` map.
 */
interface Room<C> {
  id: string;
  peers: Peer<C>[];
}

export class Rooms<C = ConnId> {
  private readonly rooms = new Map<string, Room<C>>();
  private readonly peers = new Map<string, Peer<C>>();
  private readonly tokens = new Map<string, Peer<C>>();
  /** Peers in their grace period, so expiry never scans every peer on every message. */
  private readonly away = new Set<Peer<C>>();
  /**
   * The earliest grace deadline in `away`, kept so that `handle` answers "nothing is due" without a scan: one
   * Node process holds every room, and a scan per relayed message grew with every peer that dropped off.
   * `undefined` means it must be recomputed (the earliest peer left `away`).
   */
  private earliest: number | null | undefined = null;
  /** Every live connection; the value is its peer once it joined. */
  private readonly conns = new Map<C, Peer<C> | null>();
  private readonly cap: number;
  private readonly graceMs: number;
  private readonly bufferCount: number;
  private readonly bufferBytes: number;

  constructor(private readonly opts: RoomsOptions<C>) {
    this.cap = opts.cap ?? DEFAULT_ROOM_CAP;
    this.graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
    this.bufferCount = opts.bufferCount ?? 64;
    this.bufferBytes = opts.bufferBytes ?? 256 * 1024;
  }

  connect(conn: C): void {
    this.conns.set(conn, null);
  }

  /** Every connection between `connect` and `disconnect`, for an adapter's heartbeat and shutdown. */
  connections(): IterableIterator<C> {
    return this.conns.keys();
  }

  handle(conn: C, msg: RoomMessage, now: number): Delivery<C>[] {
    // Release overdue slots first so a late timer (or Durable Object alarm) never makes a room look full.
    const due = this.expire(now);
    const out = this.dispatch(conn, msg);
    return due.length === 0 ? out : [...due, ...out];
  }

  /** The socket is gone. A joined peer is kept for the grace period rather than announced as left. */
  disconnect(conn: C, now: number): Delivery<C>[] {
    const peer = this.conns.get(conn);
    this.conns.delete(conn);
    if (!peer || peer.conn !== conn) return [];
    peer.conn = null;
    if (this.graceMs <= 0) return this.remove(peer);
    peer.graceUntil = now + this.graceMs;
    this.away.add(peer);
    if (this.earliest === null || (this.earliest !== undefined && peer.graceUntil < this.earliest)) this.earliest = peer.graceUntil;
    return [];
  }

  /** Releases the slots of peers whose grace period ended by `now` and tells the rest of their rooms. */
  expire(now: number): Delivery<C>[] {
    const next = this.nextDeadline();
    if (next === null || next > now) return [];
    const out: Delivery<C>[] = [];
    for (const peer of [...this.away]) {
      if (peer.graceUntil !== null && peer.graceUntil <= now) out.push(...this.remove(peer));
    }
    return out;
  }

  /** The earliest time `expire` has work to do, so an adapter can arm one timer (or a Durable Object alarm). */
  nextDeadline(): number | null {
    if (this.earliest !== undefined) return this.earliest;
    let next: number | null = null;
    for (const peer of this.away) {
      if (peer.graceUntil !== null && (next === null || peer.graceUntil < next)) next = peer.graceUntil;
    }
    this.earliest = next;
    return next;
  }

  /** Whether `conn` is a peer of a room right now. */
  joined(conn: C): boolean {
    return (this.conns.get(conn) ?? null) !== null;
  }

  /** Counts only: room ids are secrets and are never listed. */
  stats(): { rooms: number; peers: number; connections: number } {
    return { rooms: this.rooms.size, peers: this.peers.size, connections: this.conns.size };
  }

  private dispatch(conn: C, msg: RoomMessage): Delivery<C>[] {
    if (!this.conns.has(conn)) this.conns.set(conn, null);
    const peer = this.conns.get(conn) ?? null;
    switch (msg.type) {
      case 'ping':
        return [{ to: conn, msg: { type: 'pong' } }];
      case 'join':
        if (peer) return [error(conn, 'already-joined', 'this connection already joined a room')];
        return this.join(conn, msg.room, msg.resume);
      case 'signal':
        if (!peer) return [error(conn, 'not-joined', 'join a room first')];
        return this.signal(conn, peer, msg.to, msg.data);
      case 'leave':
        if (!peer) return [error(conn, 'not-joined', 'join a room first')];
        this.conns.set(conn, null);
        return this.remove(peer);
    }
  }

  private join(conn: C, roomId: string, resume: string | undefined): Delivery<C>[] {
    const resumed = resume === undefined ? undefined : this.tokens.get(resume);
    if (resumed && resumed.room.id === roomId) return this.resume(conn, resumed);

    const room: Room<C> = this.rooms.get(roomId) ?? { id: roomId, peers: [] };
    if (room.peers.length >= this.cap) return [error(conn, 'room-full', `this room already has ${this.cap} people`)];
    this.rooms.set(roomId, room);

    const peer: Peer<C> = {
      id: this.unique((id) => this.peers.has(id), PEER_ID_BYTES),
      room,
      conn,
      token: '',
      graceUntil: null,
      buffered: null,
      bufferedBytes: 0,
    };
    const others = room.peers;
    room.peers = others.concat(peer);
    this.peers.set(peer.id, peer);
    this.conns.set(conn, peer);
    const out: Delivery<C>[] = [this.welcome(peer, others)];
    for (const other of others) {
      if (other.conn !== null) out.push({ to: other.conn, msg: { type: 'peer-joined', id: peer.id } });
    }
    return out;
  }

  private resume(conn: C, peer: Peer<C>): Delivery<C>[] {
    const out: Delivery<C>[] = [];
    // The old socket may still look open (its loss not yet noticed by heartbeats): the newer one wins.
    if (peer.conn !== null) {
      this.conns.set(peer.conn, null);
      out.push({ close: peer.conn, code: CLOSE_REPLACED, reason: 'resumed on another connection' });
    }
    this.endGrace(peer);
    peer.conn = conn;
    this.conns.set(conn, peer);
    const others = peer.room.peers.filter((p) => p !== peer);
    out.push(this.welcome(peer, others));
    for (const { from, data } of peer.buffered ?? []) out.push({ to: conn, msg: { type: 'signal', from, data } });
    peer.buffered = null;
    peer.bufferedBytes = 0;
    return out;
  }

  /** Issues a fresh resume token each time, so a token works once and an old one cannot hijack the slot. */
  private welcome(peer: Peer<C>, others: readonly Peer<C>[]): Delivery<C> {
    if (peer.token) this.tokens.delete(peer.token);
    peer.token = this.unique((t) => this.tokens.has(t), TOKEN_BYTES);
    this.tokens.set(peer.token, peer);
    const conn = peer.conn;
    if (conn === null) throw new Error('welcome for a peer without a connection');
    return {
      to: conn,
      msg: {
        type: 'welcome',
        id: peer.id,
        room: peer.room.id,
        peers: others.map((p) => p.id),
        resume: peer.token,
        iceServers: this.opts.iceServers(peer.id, conn),
      },
    };
  }

  private signal(conn: C, from: Peer<C>, to: string, data: string): Delivery<C>[] {
    const target = this.peers.get(to);
    if (!target || target.room !== from.room || target === from) return [error(conn, 'unknown-peer', `peer ${to} is not in this room`)];
    if (target.conn !== null) return [{ to: target.conn, msg: { type: 'signal', from: from.id, data } }];
    const size = data.length + from.id.length;
    const buffered = (target.buffered ??= []);
    if (buffered.length < this.bufferCount && target.bufferedBytes + size <= this.bufferBytes) {
      buffered.push({ from: from.id, data });
      target.bufferedBytes += size;
    }
    return [];
  }

  private remove(peer: Peer<C>): Delivery<C>[] {
    const room = peer.room;
    const at = room.peers.indexOf(peer);
    if (at < 0) return [];
    room.peers.splice(at, 1);
    this.peers.delete(peer.id);
    this.tokens.delete(peer.token);
    this.endGrace(peer);
    if (room.peers.length === 0) {
      this.rooms.delete(room.id);
      return [];
    }
    const out: Delivery<C>[] = [];
    for (const other of room.peers) {
      if (other.conn !== null) out.push({ to: other.conn, msg: { type: 'peer-left', id: peer.id } });
    }
    return out;
  }

  /** Takes `peer` out of its grace period. */
  private endGrace(peer: Peer<C>): void {
    if (!this.away.delete(peer)) return;
    if (peer.graceUntil === this.earliest) this.earliest = undefined;
    peer.graceUntil = null;
  }

  private unique(taken: (id: string) => boolean, bytes: number): string {
    for (let i = 0; i < 8; i++) {
      const id = this.opts.randomId(bytes);
      if (!taken(id)) return id;
    }
    throw new Error('randomId keeps colliding; is it random?');
  }
}

function error<C>(to: C, code: ErrorCode, message: string): Delivery<C> {
  return { to, msg: { type: 'error', code, message } };
}
