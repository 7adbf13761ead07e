// The Durable Object's logic, kept free of Workers APIs so it is typechecked with the Node code and tested with
// a fake state: durable-object.ts is only the thin shell that wires it to the runtime.
//
// One object serves one room, so every peer of a call meets in one place and nothing fans out across instances.
//
// Hibernation: the runtime may evict the object while its WebSockets stay open, and then all memory is gone. The
// room is rebuilt on the next event by replaying joins into a fresh, unchanged `Rooms` core, from two sources:
// - each open socket's attachment (ws.serializeAttachment) holds its connection id and, once joined, its peer id,
//   resume token and join time;
// - peers in their grace period have no socket, so they are kept in storage under one key, `away`.
// The replay feeds the recorded ids and tokens back through the injected `randomId`, so the rebuilt core holds the
// same peers with the same secrets; away peers are then disconnected at `graceUntil - graceMs`, which restores
// their deadlines exactly. Grace expiry is a Durable Object alarm, which survives hibernation too.
// Not rebuilt: signals buffered for an away peer (they live only in memory) and rate-limit buckets (a woken
// object starts every socket with a full bucket).

import type { EncodedData, IceServer } from '../protocol.ts';
import type { RateLimit } from '../core/rate-limit.ts';
import { DEFAULT_GRACE_MS, isRoomMessage, Rooms, type ConnId, type Delivery } from '../core/rooms.ts';
import { send, sendError, SocketFrames, type HibernatableSocket } from './socket-frames.ts';

export type { HibernatableSocket } from './socket-frames.ts';

/** What this file needs of a hibernatable WebSocket; the Workers `WebSocket` has all of it. */

/** What this file needs of `DurableObjectState`. */
export interface RoomState {
  getWebSockets(): HibernatableSocket[];
  storage: {
    get(key: string): Promise<unknown>;
    put(key: string, value: unknown): Promise<void>;
    delete(key: string): Promise<boolean>;
    setAlarm(scheduledTime: number): Promise<void>;
    deleteAlarm(): Promise<void>;
  };
}

export interface RoomObjectOptions {
  randomId: (bytes: number) => string;
  iceServers: (peerId: string) => IceServer[];
  cap?: number;
  graceMs?: number;
  rateLimit?: RateLimit;
  now?: () => number;
}

interface JoinedPeer {
  id: string;
  token: string;
  since: number;
}

interface Attachment {
  conn: ConnId;
  room: string;
  peer: JoinedPeer | null;
}

interface AwayPeer extends JoinedPeer {
  room: string;
  graceUntil: number;
}

const AWAY_KEY = 'away';

function isAttachment(v: unknown): v is Attachment {
  return typeof v === 'object' && v !== null && typeof (v as Attachment).conn === 'string' && typeof (v as Attachment).room === 'string';
}

export class RoomObject {
  private rooms: Rooms | null = null;
  /** The rebuild in progress, so events that interleave at its storage read share one rebuild. */
  private rebuilding: Promise<Rooms> | null = null;
  private readonly sockets = new Map<ConnId, HibernatableSocket>();
  private readonly frames: SocketFrames;
  private away = new Map<string, AwayPeer>();
  /** Ids and tokens handed back to the core while replaying joins; empty otherwise. */
  private readonly scripted: string[] = [];
  private replaying = false;
  private armedFor: number | null | undefined = undefined;
  private readonly graceMs: number;
  private readonly now: () => number;

  constructor(
    private readonly state: RoomState,
    private readonly opts: RoomObjectOptions,
  ) {
    this.graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
    this.frames = new SocketFrames(opts.rateLimit);
    this.now = opts.now ?? Date.now;
  }

  /** A socket the runtime has just accepted (state.acceptWebSocket) for `room`. */
  async accept(ws: HibernatableSocket, room: string, conn: ConnId): Promise<void> {
    const rooms = await this.ensure();
    const attachment: Attachment = { conn, room, peer: null };
    ws.serializeAttachment(attachment);
    this.sockets.set(conn, ws);
    rooms.connect(conn);
  }

  async message(ws: HibernatableSocket, data: string | ArrayBuffer): Promise<void> {
    const rooms = await this.ensure(ws);
    const a = attachmentOf(ws);
    const now = this.now();
    const frame = this.frames.read(ws, a.conn, data, now);
    if (!frame) return;
    const msg = frame.msg;
    // Phone frames are served by the callee's own object (user-object.ts), which a room socket never reaches.
    if (!isRoomMessage(msg)) return sendError(ws, 'bad-message', `${msg.type} needs a socket opened with ?user=<id>, not ?room=`);
    // The Worker routed this socket here by the room in its URL; another room's peers live in another object.
    if (msg.type === 'join' && msg.room !== a.room) return sendError(ws, 'bad-message', 'join the room named in the socket URL');
    const deliveries = rooms.handle(a.conn, msg, now);
    if (msg.type === 'leave' && a.peer) ws.serializeAttachment({ ...a, peer: null } satisfies Attachment);
    await this.deliver(deliveries, now, frame.encoded);
  }

  /** The socket closed or failed. Its peer, if any, keeps its slot for the grace period. */
  async close(ws: HibernatableSocket): Promise<void> {
    const rooms = await this.ensure(ws);
    const a = attachmentOf(ws);
    const now = this.now();
    this.sockets.delete(a.conn);
    this.frames.forget(a.conn);
    if (a.peer && this.graceMs > 0) {
      this.away.set(a.peer.id, { ...a.peer, room: a.room, graceUntil: now + this.graceMs });
      await this.saveAway();
    }
    await this.deliver(rooms.disconnect(a.conn, now), now);
  }

  async alarm(): Promise<void> {
    const rooms = await this.ensure();
    const now = this.now();
    this.armedFor = undefined; // the alarm that fired is no longer set
    await this.deliver(rooms.expire(now), now);
  }

  /** Counts for tests and health checks. */
  async stats(): Promise<{ peers: number; connections: number; away: number }> {
    const { peers, connections } = (await this.ensure()).stats();
    return { peers, connections, away: this.away.size };
  }

  /** `encoded` is the frame's own encoding of a relayed signal's data (see protocol.ts). */
  private async deliver(deliveries: Delivery[], now: number, encoded?: EncodedData): Promise<void> {
    let awayChanged = false;
    for (const d of deliveries) {
      if ('close' in d) {
        const ws = this.sockets.get(d.close);
        if (!ws) continue;
        // The core already released this connection's claim on its peer (a newer socket resumed it).
        ws.serializeAttachment({ ...attachmentOf(ws), peer: null } satisfies Attachment);
        closeQuietly(ws, d.code, d.reason);
        continue;
      }
      const ws = this.sockets.get(d.to);
      if (!ws) continue;
      if (d.msg.type === 'welcome') {
        const a = attachmentOf(ws);
        const since = this.away.get(d.msg.id)?.since ?? a.peer?.since ?? now;
        ws.serializeAttachment({ ...a, peer: { id: d.msg.id, token: d.msg.resume, since } } satisfies Attachment);
        if (this.away.delete(d.msg.id)) awayChanged = true;
      }
      send(ws, d.msg, encoded);
    }
    for (const [id, p] of this.away) {
      if (p.graceUntil <= now) {
        this.away.delete(id);
        awayChanged = true;
      }
    }
    if (awayChanged) await this.saveAway();
    await this.armAlarm();
  }

  private async saveAway(): Promise<void> {
    if (this.away.size === 0) await this.state.storage.delete(AWAY_KEY);
    else await this.state.storage.put(AWAY_KEY, [...this.away.values()]);
  }

  private async armAlarm(): Promise<void> {
    const next = this.rooms?.nextDeadline() ?? null;
    if (next === this.armedFor) return;
    this.armedFor = next;
    if (next === null) await this.state.storage.deleteAlarm();
    else await this.state.storage.setAlarm(next);
  }

  /**
   * The core, rebuilt after hibernation if need be. `current` is the socket of the event being handled: a socket
   * that is closing may already be missing from getWebSockets(), and its peer must still be rebuilt to be let go.
   */
  private ensure(current?: HibernatableSocket): Promise<Rooms> {
    if (this.rooms) return Promise.resolve(this.rooms);
    this.rebuilding ??= this.rebuild(current).finally(() => {
      this.rebuilding = null;
    });
    return this.rebuilding;
  }

  private async rebuild(current: HibernatableSocket | undefined): Promise<Rooms> {
    const rooms = new Rooms({
      randomId: (bytes) => this.scripted.shift() ?? this.opts.randomId(bytes),
      iceServers: (peerId) => (this.replaying ? [] : this.opts.iceServers(peerId)),
      ...(this.opts.cap === undefined ? {} : { cap: this.opts.cap }),
      graceMs: this.graceMs,
    });
    const stored = await this.state.storage.get(AWAY_KEY);
    const awayList = Array.isArray(stored) ? (stored as AwayPeer[]) : [];
    const sockets = this.state.getWebSockets();
    if (current && !sockets.includes(current)) sockets.push(current);

    const present: (JoinedPeer & { conn: ConnId; room: string })[] = [];
    for (const ws of sockets) {
      const a = ws.deserializeAttachment();
      if (!isAttachment(a) || this.sockets.has(a.conn)) continue;
      this.sockets.set(a.conn, ws);
      rooms.connect(a.conn);
      if (a.peer) present.push({ ...a.peer, conn: a.conn, room: a.room });
    }
    const replay = [...present, ...awayList.map((p) => ({ ...p, conn: `away:${p.id}` }))].sort((x, y) => x.since - y.since);
    this.replaying = true;
    try {
      for (const p of replay) {
        this.scripted.push(p.id, p.token);
        rooms.handle(p.conn, { type: 'join', room: p.room }, p.since);
        this.scripted.length = 0;
      }
    } finally {
      this.replaying = false;
    }
    for (const p of awayList) rooms.disconnect(`away:${p.id}`, p.graceUntil - this.graceMs);
    this.away = new Map(awayList.map((p) => [p.id, p]));
    this.rooms = rooms;
    return rooms;
  }
}

function attachmentOf(ws: HibernatableSocket): Attachment {
  const a = ws.deserializeAttachment();
  if (!isAttachment(a)) throw new Error('socket without a room attachment');
  return a;
}

function closeQuietly(ws: HibernatableSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed.
  }
}
