// The directory core: who is registered as which user id, and the rings between them (docs/calling.md). Like
// rooms.ts it has no sockets, timers or runtime APIs and is generic over how an adapter names a connection;
// callers pass `now` in and carry out the returned deliveries. Unlike rooms.ts it is asynchronous: registrations
// are checked with WebCrypto and records live in an injected UserStore. Every event runs in one queue, in arrival
// order, so a check and the change it guards never interleave with another event (two registrations of one id,
// a ring racing the callee's reply).
//
// Identity: a socket owns a user id only after `register` proved it holds the key (user-key.ts). A caller is
// anonymous: its rings carry `from`, an id the server made for its socket, so the callee's reply can be routed
// back and nobody learns more about the caller than its sealed envelope says.

import type { ClientMessage, ErrorCode, ServerMessage } from '../protocol.ts';
import type { PushSender } from './push.ts';
import { PushOutbox } from './push-outbox.ts';
import { CalleeWindows, chargeCaller } from './ring-limits.ts';
import type { ConnId, Delivery, RoomMessage } from './rooms.ts';
import { registerText } from '../phone-frames.ts';
import { userIdFromKey, verifyUserSignature } from './user-key.ts';
import type { UserRecord, UserStore } from './user-store.ts';

export type PhoneMessage = Exclude<ClientMessage, RoomMessage>;

export interface DirectoryOptions<C = ConnId> {
  store: UserStore;
  /** Sends a Web Push; without it an offline callee is only rung when it registers within the ring's life. */
  push?: PushSender;
  /** The VAPID public key `registered` advertises, for the browser's pushManager.subscribe. */
  vapidPublicKey?: string;
  /** Returns `bytes` random bytes as base64url. Must be cryptographically random. */
  randomId: (bytes: number) => string;
  /** The Host the socket was opened with: registrations sign it, so one made for another server is useless here. */
  hostOf: (conn: C) => string;
  /** Whether the socket is a peer of a room: such a socket is not a phone. */
  inRoom?: (conn: C) => boolean;
  log?: (line: string) => void;
}

export const NONCE_TTL_MS = 30_000;
/** Callers give up after 30 s; the extra 5 s covers a reply that was already on its way. */
export const RING_TTL_MS = 35_000;
const NONCE_BYTES = 16;
const CALLER_ID_BYTES = 16;

/** A phone socket's state; plain data, so the Durable Object can keep it in the socket's attachment. */
export interface PhoneSocket {
  /** The server-made id its rings carry as `from`. */
  from: string;
  /** The user id it registered as. */
  user: string | null;
  nonce: string | null;
  nonceUntil: number;
  /** When its rings of the last minute were accepted. */
  sent: number[];
}

/** A ring not yet answered, cancelled or expired. At most one per caller socket, so `from` names it. */
export interface PendingRing {
  from: string;
  to: string;
  call: string;
  kid: string;
  data: string;
  at: number;
  /** A push was sent for it, so a cancel must be pushed too. */
  pushed: boolean;
}

export class Directory<C = ConnId> {
  private readonly sockets = new Map<C, PhoneSocket>();
  private readonly byFrom = new Map<string, C>();
  private readonly online = new Map<string, Set<C>>();
  /** In the order they were sent: every ring lives equally long, so the oldest is always first. */
  private readonly rings = new Map<string, PendingRing>();
  private readonly calleeWindows = new CalleeWindows();
  private tail: Promise<unknown> = Promise.resolve();
  private readonly outbox: PushOutbox | null;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: DirectoryOptions<C>) {
    this.log = opts.log ?? (() => {});
    const gone = (user: string, endpoint: string): Promise<void> => this.serial(() => this.forgetSubscription(user, endpoint));
    this.outbox = opts.push ? new PushOutbox(opts.push, (user, sub) => gone(user, sub.endpoint), this.log) : null;
  }

  handle(conn: C, msg: PhoneMessage, now: number): Promise<Delivery<C>[]> {
    // Made now, not in the queue, so that a close arriving meanwhile finds the socket to release.
    const s = this.socket(conn);
    return this.serial(() => {
      this.expireRings(now);
      return this.dispatch(conn, s, msg, now);
    });
  }

  /** The socket is gone: it stops being its user's, and a ring it was still waiting on is cancelled. */
  disconnect(conn: C, now: number): Promise<Delivery<C>[]> {
    if (!this.sockets.has(conn)) return Promise.resolve([]);
    return this.serial(async () => {
      const s = this.sockets.get(conn);
      if (!s) return [];
      this.sockets.delete(conn);
      this.byFrom.delete(s.from);
      if (s.user !== null) this.offline(s.user, conn);
      this.expireRings(now);
      const ring = this.rings.get(s.from);
      if (!ring) return [];
      this.rings.delete(s.from);
      return this.cancelled(ring);
    });
  }

  registered(conn: C): boolean {
    return (this.sockets.get(conn)?.user ?? null) !== null;
  }

  /** Forgets expired rings and idle rate windows; an adapter calls it now and then to bound memory. */
  expire(now: number): void {
    this.expireRings(now);
    this.calleeWindows.expire(now);
  }

  /** Resolves once every push started so far has finished (tests, shutdown). */
  async settled(): Promise<void> {
    await this.outbox?.settled();
    await this.tail;
  }

  stats(): { users: number; sockets: number; rings: number } {
    return { users: this.online.size, sockets: this.sockets.size, rings: this.rings.size };
  }

  /** A socket's state, for an adapter that keeps it across a restart of the core (the Durable Object). */
  socketState(conn: C): PhoneSocket | undefined {
    return this.sockets.get(conn);
  }

  restoreSocket(conn: C, state: PhoneSocket): void {
    this.sockets.set(conn, { ...state, sent: [...state.sent] });
    this.byFrom.set(state.from, conn);
    if (state.user !== null) this.join(state.user, conn);
  }

  pendingRings(): PendingRing[] {
    return [...this.rings.values()];
  }

  restoreRings(rings: readonly PendingRing[]): void {
    for (const ring of [...rings].sort((a, b) => a.at - b.at)) this.rings.set(ring.from, { ...ring });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => {});
    return run;
  }

  private socket(conn: C): PhoneSocket {
    let s = this.sockets.get(conn);
    if (!s) {
      let from = this.opts.randomId(CALLER_ID_BYTES);
      while (this.byFrom.has(from)) from = this.opts.randomId(CALLER_ID_BYTES);
      s = { from, user: null, nonce: null, nonceUntil: 0, sent: [] };
      this.sockets.set(conn, s);
      this.byFrom.set(from, conn);
    }
    return s;
  }

  private async dispatch(conn: C, s: PhoneSocket, msg: PhoneMessage, now: number): Promise<Delivery<C>[]> {
    if (!this.sockets.has(conn)) return []; // closed while this frame waited in the queue
    if (this.opts.inRoom?.(conn))
      return [error(conn, 'bad-message', `a socket in a room cannot ${msg.type}: calling a person needs its own socket`)];
    try {
      switch (msg.type) {
        case 'challenge':
          s.nonce = this.opts.randomId(NONCE_BYTES);
          s.nonceUntil = now + NONCE_TTL_MS;
          return [{ to: conn, msg: { type: 'challenge', nonce: s.nonce } }];
        case 'register':
          return await this.register(conn, s, msg, now);
        case 'ring':
          return await this.ring(conn, s, msg, now);
        case 'ring-reply':
          return this.reply(conn, s, msg);
        case 'ring-cancel': {
          const ring = this.rings.get(s.from);
          if (!ring || ring.to !== msg.to || ring.call !== msg.call) return []; // answered or expired meanwhile
          this.rings.delete(s.from);
          return await this.cancelled(ring);
        }
        case 'presence':
          return [{ to: conn, msg: { type: 'presence', id: msg.id, state: await this.presence(msg.id, msg.kid) } }];
        case 'push-subscribe':
        case 'push-unsubscribe': {
          if (s.user === null) return [error(conn, 'not-registered', `register before ${msg.type}`)];
          const record = await this.opts.store.get(s.user);
          const { push: _old, ...rest } = record ?? { invite: '', contacts: [] };
          await this.opts.store.set(s.user, msg.type === 'push-subscribe' ? { ...rest, push: msg.subscription } : rest);
          return [];
        }
      }
    } catch (err) {
      // A store that failed (a full disk): the socket stays usable and the state unchanged, as for any refused frame.
      this.log(`directory: ${msg.type} failed: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    }
  }

  private async register(conn: C, s: PhoneSocket, msg: Extract<PhoneMessage, { type: 'register' }>, now: number): Promise<Delivery<C>[]> {
    const nonce = s.nonce;
    // Spent by any attempt, so a forged registration cannot be retried against the same challenge.
    s.nonce = null;
    const refuse = (why: string): Delivery<C>[] => [error(conn, 'bad-registration', why)];
    if (nonce === null || now > s.nonceUntil) return refuse('send challenge first: each nonce works once, for 30 s');
    if (s.user !== null && s.user !== msg.id) return refuse(`this socket is registered as ${s.user}; open another one for ${msg.id}`);
    if ((await userIdFromKey(msg.key)) !== msg.id) return refuse('id is not the id of key (the first 20 bytes of its SHA-256)');
    if (!(await verifyUserSignature(msg.key, registerText(nonce, msg.id, this.opts.hostOf(conn)), msg.sig)))
      return refuse('sig does not verify: sign "p2p-call register v1\\n" nonce "\\n" id "\\n" host (the Host this socket used)');
    const old = await this.opts.store.get(msg.id);
    const record: UserRecord = { invite: msg.invite, contacts: msg.contacts };
    if (old?.push) record.push = old.push;
    await this.opts.store.set(msg.id, record);
    // A socket registering again (new kids) already has every pending ring: it got them live or at its first time.
    const fresh = s.user === null;
    s.user = msg.id;
    this.join(msg.id, conn);
    const registered: ServerMessage = { type: 'registered', id: msg.id };
    if (this.opts.vapidPublicKey !== undefined) registered.vapidKey = this.opts.vapidPublicKey;
    const out: Delivery<C>[] = [{ to: conn, msg: registered }];
    // A callee woken by a push opens the app and registers: this is how its ring reaches it.
    if (fresh) for (const ring of this.rings.values()) if (ring.to === msg.id) out.push({ to: conn, msg: ringFrame(ring) });
    return out;
  }

  private async ring(conn: C, s: PhoneSocket, msg: Extract<PhoneMessage, { type: 'ring' }>, now: number): Promise<Delivery<C>[]> {
    if (this.rings.has(s.from)) return [error(conn, 'rate-limited', 'one ring at a time: wait for its answer, or send ring-cancel first')];
    const callerLimit = chargeCaller(s.sent, now);
    if (callerLimit !== null) return [error(conn, 'rate-limited', callerLimit)];
    const record = await this.opts.store.get(msg.to);
    // Never registered: as silent as someone offline, so ringing does not tell which ids exist.
    if (!record) return [];
    if (msg.kid !== record.invite && !record.contacts.includes(msg.kid))
      return [error(conn, 'unknown-link', 'this link no longer rings: its owner made a new one, or removed the contact')];
    const calleeLimit = this.calleeWindows.charge(msg.to, now);
    if (calleeLimit !== null) return [error(conn, 'rate-limited', calleeLimit)];
    const ring: PendingRing = { from: s.from, to: msg.to, call: msg.call, kid: msg.kid, data: msg.data, at: now, pushed: false };
    this.rings.set(s.from, ring);
    const callee = this.online.get(msg.to);
    if (callee) return [...callee].map((to) => ({ to, msg: ringFrame(ring) }));
    if (record.push && this.outbox) {
      ring.pushed = true;
      this.outbox.send(msg.to, record.push, { t: 'ring', callee: msg.to, call: msg.call, kid: msg.kid, data: msg.data, ts: now }, msg.call);
    }
    return [];
  }

  private reply(conn: C, s: PhoneSocket, msg: Extract<PhoneMessage, { type: 'ring-reply' }>): Delivery<C>[] {
    if (s.user === null) return [error(conn, 'not-registered', 'only the registered callee answers a ring: register first')];
    const ring = this.rings.get(msg.to);
    if (!ring || ring.call !== msg.call || ring.to !== s.user)
      return [error(conn, 'unknown-peer', 'that ring is over: answered on another device, cancelled, expired, or its caller left')];
    this.rings.delete(msg.to);
    const out: Delivery<C>[] = [];
    const caller = this.byFrom.get(msg.to);
    if (caller !== undefined) out.push({ to: caller, msg: { type: 'ring-reply', call: msg.call, data: msg.data } });
    for (const other of this.online.get(s.user) ?? []) {
      if (other !== conn) out.push({ to: other, msg: { type: 'ring-cancel', call: msg.call, reason: 'answered' } });
    }
    return out;
  }

  private async cancelled(ring: PendingRing): Promise<Delivery<C>[]> {
    if (ring.pushed) {
      const record = await this.opts.store.get(ring.to);
      // The same topic as the ring: a push service still holding the ring replaces it with this.
      if (record?.push) this.outbox?.send(ring.to, record.push, { t: 'cancel', callee: ring.to, call: ring.call }, ring.call);
    }
    return [...(this.online.get(ring.to) ?? [])].map((to) => ({ to, msg: { type: 'ring-cancel', call: ring.call, reason: 'cancelled' } }));
  }

  private async presence(id: string, kid: string): Promise<'online' | 'push' | 'unknown'> {
    const record = await this.opts.store.get(id);
    // Only a contact may know: holding someone's link does not tell whether they are online.
    if (!record || !record.contacts.includes(kid)) return 'unknown';
    if (this.online.has(id)) return 'online';
    // A server that cannot push (the Worker) must not promise a ring that will never come.
    return record.push && this.outbox ? 'push' : 'unknown';
  }

  /** Deletes a subscription the push service says is gone, unless the user has replaced it meanwhile. */
  private async forgetSubscription(id: string, endpoint: string): Promise<void> {
    const record = await this.opts.store.get(id);
    if (record?.push?.endpoint !== endpoint) return;
    const { push: _gone, ...rest } = record;
    await this.opts.store.set(id, rest);
  }

  private join(user: string, conn: C): void {
    let set = this.online.get(user);
    if (!set) this.online.set(user, (set = new Set()));
    set.add(conn);
  }

  private offline(user: string, conn: C): void {
    const set = this.online.get(user);
    if (!set) return;
    set.delete(conn);
    if (set.size === 0) this.online.delete(user);
  }

  private expireRings(now: number): void {
    for (const [from, ring] of this.rings) {
      if (now - ring.at < RING_TTL_MS) break;
      this.rings.delete(from);
    }
  }
}

function ringFrame(ring: PendingRing): ServerMessage {
  return { type: 'ring', from: ring.from, call: ring.call, data: ring.data };
}

function error<C>(to: C, code: ErrorCode, message: string): Delivery<C> {
  return { to, msg: { type: 'error', code, message } };
}
