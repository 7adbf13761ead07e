// The user Durable Object's logic (one object per user id; durable-object.ts is its thin shell), kept free of
// Workers APIs so it is typechecked with the Node code and tested with a fake state, like room-object.ts.
//
// The Worker routes `/ws?user=<id>` here, for the user's own sockets and for every caller's socket alike (a caller
// names the callee), so this object holds everything about that id: its registered sockets, the rings pending for
// it and its record. It therefore serves frames about its own id only; a ring, cancel, presence or registration
// naming another id is refused, since that id's sockets live in another object.
//
// Hibernation: memory is dropped while the sockets stay open, so the directory core is rebuilt on the next event:
// - each socket's attachment holds its connection id, the Host it used and, once it sent a phone frame, its
//   PhoneSocket state (its caller id, registered id, challenge and ring times);
// - pending rings are in storage under `rings`, the user's record under `record` (DurableUserStore).
// Not kept: the per-callee ring window and the sockets' frame buckets (both restart empty, as in room-object.ts).

import { Directory, type PendingRing, type PhoneMessage, type PhoneSocket } from '../core/directory.ts';
import type { RateLimit } from '../core/rate-limit.ts';
import { isRoomMessage, type ConnId, type Delivery } from '../core/rooms.ts';
import type { UserRecord, UserStore, VapidKeys } from '../core/user-store.ts';
import { send, sendError, SocketFrames, type HibernatableSocket } from './socket-frames.ts';

/** What this file needs of `DurableObjectState`. */
export interface UserState {
  getWebSockets(): HibernatableSocket[];
  storage: {
    get(key: string): Promise<unknown>;
    put(key: string, value: unknown): Promise<void>;
    delete(key: string): Promise<boolean>;
  };
}

export interface UserObjectOptions {
  randomId: (bytes: number) => string;
  rateLimit?: RateLimit;
  now?: () => number;
}

interface Attachment {
  conn: ConnId;
  /** The id this object serves (the socket's `?user=`). */
  user: string;
  host: string;
  phone: PhoneSocket | null;
}

const RECORD_KEY = 'record';
const RINGS_KEY = 'rings';

function isAttachment(v: unknown): v is Attachment {
  const a = v as Attachment;
  return typeof v === 'object' && v !== null && typeof a.conn === 'string' && typeof a.user === 'string' && typeof a.host === 'string';
}

/** The one record of this object's user, in its storage. No VAPID keys: the Worker sends no push. */
class DurableUserStore implements UserStore {
  constructor(
    private readonly storage: UserState['storage'],
    private readonly owner: () => string,
  ) {}

  async get(id: string): Promise<UserRecord | null> {
    if (id !== this.owner()) return null;
    return ((await this.storage.get(RECORD_KEY)) as UserRecord | undefined) ?? null;
  }

  async set(id: string, record: UserRecord): Promise<void> {
    if (id !== this.owner()) throw new Error(`this object keeps the record of ${this.owner()}, not ${id}`);
    await this.storage.put(RECORD_KEY, record);
  }

  getVapidKeys(): Promise<VapidKeys | null> {
    return Promise.resolve(null);
  }

  setVapidKeys(): Promise<void> {
    return Promise.reject(new Error('the Worker keeps no VAPID keys'));
  }
}

/** The user id a frame is about, for the frames that name one. */
function named(msg: PhoneMessage): string | undefined {
  switch (msg.type) {
    case 'register':
    case 'presence':
      return msg.id;
    case 'ring':
    case 'ring-cancel':
      return msg.to;
    default:
      return undefined;
  }
}

export class UserObject {
  private directory: Directory | null = null;
  private rebuilding: Promise<Directory> | null = null;
  private owner = '';
  private readonly sockets = new Map<ConnId, HibernatableSocket>();
  private readonly hosts = new Map<ConnId, string>();
  private readonly frames: SocketFrames;
  /** The rings as last written to storage, so an event that changed none writes nothing. */
  private savedRings = '[]';
  private readonly now: () => number;

  constructor(
    private readonly state: UserState,
    private readonly opts: UserObjectOptions,
  ) {
    this.frames = new SocketFrames(opts.rateLimit);
    this.now = opts.now ?? Date.now;
  }

  /** A socket the runtime has just accepted for `user` (its `?user=`), opened with `host`. */
  async accept(ws: HibernatableSocket, user: string, host: string, conn: ConnId): Promise<void> {
    await this.ensure();
    this.owner = user;
    ws.serializeAttachment({ conn, user, host, phone: null } satisfies Attachment);
    this.sockets.set(conn, ws);
    this.hosts.set(conn, host);
  }

  async message(ws: HibernatableSocket, data: string | ArrayBuffer): Promise<void> {
    const directory = await this.ensure(ws);
    const a = attachmentOf(ws);
    const now = this.now();
    const frame = this.frames.read(ws, a.conn, data, now);
    if (!frame) return;
    const msg = frame.msg;
    if (msg.type === 'ping') return send(ws, { type: 'pong' });
    if (msg.type === 'join') return sendError(ws, 'bad-message', 'join needs a socket opened with ?room=<id>, not ?user=');
    if (isRoomMessage(msg)) return sendError(ws, 'not-joined', 'this socket is for calling a person: it is in no room');
    const id = named(msg);
    if (id !== undefined && id !== a.user)
      return sendError(
        ws,
        'bad-message',
        `this socket was opened for ${a.user}: ${msg.type} for ${id} needs a socket opened with ?user=${id}`,
      );
    const deliveries = await directory.handle(a.conn, msg, now);
    const phone = directory.socketState(a.conn) ?? null;
    if (JSON.stringify(phone) !== JSON.stringify(a.phone)) ws.serializeAttachment({ ...a, phone } satisfies Attachment);
    await this.deliver(deliveries);
  }

  async close(ws: HibernatableSocket): Promise<void> {
    const directory = await this.ensure(ws);
    const a = attachmentOf(ws);
    this.sockets.delete(a.conn);
    this.hosts.delete(a.conn);
    this.frames.forget(a.conn);
    await this.deliver(await directory.disconnect(a.conn, this.now()));
  }

  /** Counts for tests. */
  async stats(): Promise<{ users: number; sockets: number; rings: number }> {
    return (await this.ensure()).stats();
  }

  private async deliver(deliveries: Delivery[]): Promise<void> {
    for (const d of deliveries) {
      if ('close' in d) continue; // the directory never closes a socket
      const ws = this.sockets.get(d.to);
      if (ws) send(ws, d.msg);
    }
    const rings = JSON.stringify(this.directory?.pendingRings() ?? []);
    if (rings === this.savedRings) return;
    this.savedRings = rings;
    if (rings === '[]') await this.state.storage.delete(RINGS_KEY);
    else await this.state.storage.put(RINGS_KEY, JSON.parse(rings) as PendingRing[]);
  }

  /** The core, rebuilt after hibernation if need be (see room-object.ts for why `current` is passed). */
  private ensure(current?: HibernatableSocket): Promise<Directory> {
    if (this.directory) return Promise.resolve(this.directory);
    this.rebuilding ??= this.rebuild(current).finally(() => {
      this.rebuilding = null;
    });
    return this.rebuilding;
  }

  private async rebuild(current: HibernatableSocket | undefined): Promise<Directory> {
    const directory = new Directory({
      store: new DurableUserStore(this.state.storage, () => this.owner),
      randomId: this.opts.randomId,
      hostOf: (conn) => this.hosts.get(conn) ?? '',
    });
    const sockets = this.state.getWebSockets();
    if (current && !sockets.includes(current)) sockets.push(current);
    for (const ws of sockets) {
      const a = ws.deserializeAttachment();
      if (!isAttachment(a) || this.sockets.has(a.conn)) continue;
      this.sockets.set(a.conn, ws);
      this.hosts.set(a.conn, a.host);
      this.owner = a.user;
      if (a.phone) directory.restoreSocket(a.conn, a.phone);
    }
    const stored = await this.state.storage.get(RINGS_KEY);
    if (Array.isArray(stored)) {
      directory.restoreRings(stored as PendingRing[]);
      this.savedRings = JSON.stringify(directory.pendingRings());
    }
    this.directory = directory;
    return directory;
  }
}

function attachmentOf(ws: HibernatableSocket): Attachment {
  const a = ws.deserializeAttachment();
  if (!isAttachment(a)) throw new Error('socket without a user attachment');
  return a;
}
