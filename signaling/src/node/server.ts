// The Node adapter: one HTTP server on one port that upgrades /ws to a WebSocket speaking protocol.ts, serves
// the built app, and answers GET /healthz. All room logic lives in rooms.ts and all calling of a person in
// directory.ts; this file only moves frames between sockets and the cores, and adds the transport's hardening:
// frame size, rate limit, Origin check, heartbeats.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { randomBase64url } from '../base64url.ts';
import { originAllowed } from '../core/origin.ts';
import { encodeServerMessage, MAX_FRAME_BYTES, type EncodedData, type ErrorCode, type IceServer, type ServerMessage } from '../protocol.ts';
import { DEFAULT_RATE_LIMIT, TokenBucket, type RateLimit } from '../core/rate-limit.ts';
import { readFrame } from '../core/frame.ts';
import { isRoomMessage, Rooms, type Delivery } from '../core/rooms.ts';
import { Directory } from '../core/directory.ts';
import type { PushSender } from '../core/push.ts';
import { MemoryUserStore, type UserStore } from '../core/user-store.ts';
import { staticFiles } from './static.ts';
import { startStun, type StunService } from './stun.ts';
import { CompactSocket, tickCorker } from './ws-internals.ts';

export interface ServerOptions {
  port?: number;
  host?: string;
  /** The built app; defaults to ./dist. */
  distDir?: string;
  roomCap?: number;
  graceMs?: number;
  heartbeatMs?: number;
  rateLimit?: RateLimit;
  /** See origin.ts for what an empty list means. */
  allowedOrigins?: string[];
  iceServers?: (peerId: string) => IceServer[];
  /** Also answer STUN on this UDP port ('http': the HTTP port's number) and advertise it first; null: no STUN. */
  stunPort?: number | 'http' | null;
  /** Users' invite kids, contacts and push subscriptions; in memory (lost on restart) when left out. */
  userStore?: UserStore;
  /** Sends Web Push for rings to a user with no open socket; without it such a ring only waits for a register. */
  push?: PushSender;
  /** The VAPID public key (base64url) handed to browsers in `registered`. */
  vapidPublicKey?: string;
  /** Accept push endpoints on http://127.0.0.1 and localhost: for tests with a fake push service only. */
  allowLocalPushEndpoints?: boolean;
  log?: (line: string) => void;
}

export interface SignalingServer {
  httpServer: Server;
  port: number;
  /** The built-in STUN server's UDP port, if it runs. */
  stunPort: number | null;
  close(): Promise<void>;
}

// Frames up to MAX_FRAME_BYTES are parsed; larger ones up to this hard cap get a typed `too-large` error and the
// socket stays usable; beyond it `ws` stops reading and closes with 1009 so memory per socket stays bounded.
const HARD_MAX_PAYLOAD = 4 * MAX_FRAME_BYTES;
// A reader that lets this much pile up in its send buffer is not keeping up; dropping it bounds server memory.
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * A socket and its state in one object: `ws` builds this class for every connection, so the listeners below are
 * shared by all sockets (they get the socket as `this`) instead of four closures per socket. The room core names
 * connections by this object too, so there is no id string and no id-to-socket map per connection.
 */
class Conn extends CompactSocket {
  bucket: TokenBucket | null = null;
  alive = true;
  /** Our STUN server as this browser can reach it (see `stunUrls`), or null. */
  stun: IceServer | null = null;
  /** The Host header of the upgrade: registrations sign it. */
  host = '';
}

function destroySocket(this: Duplex): void {
  this.destroy();
}

export async function createSignalingServer(opts: ServerOptions = {}): Promise<SignalingServer> {
  const log = opts.log ?? (() => {});
  const serveStatic = staticFiles(opts.distDir ?? 'dist');
  const rateLimit = opts.rateLimit ?? DEFAULT_RATE_LIMIT;
  const allowedOrigins = opts.allowedOrigins ?? [];
  const iceServers = opts.iceServers ?? (() => []);
  // Started once the HTTP port is known; sockets that upgrade before that get no STUN entry.
  let stun: StunService | null = null;
  const stunUrls = new StunUrls();
  const cork = tickCorker();
  const rooms = new Rooms<Conn>({
    randomId: randomBase64url,
    iceServers: (peerId, conn) => (conn.stun ? [conn.stun, ...iceServers(peerId)] : iceServers(peerId)),
    ...(opts.roomCap === undefined ? {} : { cap: opts.roomCap }),
    ...(opts.graceMs === undefined ? {} : { graceMs: opts.graceMs }),
  });

  const send = (conn: Conn, msg: ServerMessage, encoded?: EncodedData): void => {
    if (conn.readyState !== WebSocket.OPEN) return;
    if (conn.bufferedAmount > MAX_BUFFERED_BYTES) {
      conn.terminate();
      return;
    }
    if (conn.tcp) cork(conn.tcp);
    conn.send(encodeServerMessage(msg, encoded));
  };
  const sendError = (conn: Conn, code: ErrorCode, message: string): void => send(conn, { type: 'error', code, message });
  const directory = new Directory<Conn>({
    store: opts.userStore ?? new MemoryUserStore(),
    randomId: randomBase64url,
    hostOf: (conn) => conn.host,
    inRoom: (conn) => rooms.joined(conn),
    log,
    ...(opts.push ? { push: opts.push } : {}),
    ...(opts.vapidPublicKey === undefined ? {} : { vapidPublicKey: opts.vapidPublicKey }),
  });
  const parseOptions = { allowLocalPushEndpoints: opts.allowLocalPushEndpoints === true };

  /** `encoded` is the frame's own encoding of a relayed signal's data (see protocol.ts). */
  const deliver = (deliveries: Delivery<Conn>[], encoded?: EncodedData): void => {
    for (const d of deliveries) {
      if ('close' in d) d.close.close(d.code, d.reason);
      else send(d.to, d.msg, encoded);
    }
    armExpiry();
  };

  // One timer, armed for the earliest grace deadline, releases slots of peers that did not come back.
  let expiryTimer: NodeJS.Timeout | null = null;
  let armedFor: number | null = null;
  const armExpiry = (): void => {
    const next = rooms.nextDeadline();
    if (next === armedFor) return;
    if (expiryTimer) clearTimeout(expiryTimer);
    expiryTimer = null;
    armedFor = next;
    if (next === null) return;
    expiryTimer = setTimeout(
      () => {
        expiryTimer = null;
        armedFor = null;
        deliver(rooms.expire(Date.now()));
      },
      Math.max(0, next - Date.now()),
    );
  };

  // The listeners' `this` is typed as a plain WebSocket; every socket of this server is a Conn.
  function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    // oxlint-disable-next-line typescript/no-this-alias -- ws calls listeners with the socket as `this`; naming it once reads better than `this` throughout
    const conn = this;
    if (!(conn instanceof Conn) || conn.readyState !== WebSocket.OPEN || !conn.bucket) return;
    conn.alive = true;
    const now = Date.now();
    const bytes = Array.isArray(data) ? Buffer.concat(data) : data;
    const out = readFrame(conn.bucket, bytes, isBinary, now, parseOptions);
    if (out.kind === 'close') conn.close(out.code, out.reason);
    else if (out.kind === 'error') sendError(conn, out.code, out.message);
    else if (out.kind !== 'handle') return;
    else if (!isRoomMessage(out.msg)) void directory.handle(conn, out.msg, now).then(deliver);
    else if (out.msg.type === 'join' && directory.registered(conn))
      sendError(conn, 'bad-message', 'a registered socket cannot join a room: rooms need their own socket');
    else deliver(rooms.handle(conn, out.msg, now), out.encoded);
  }
  function onPong(this: WebSocket): void {
    if (this instanceof Conn) this.alive = true;
  }
  // `ws` reports protocol violations (oversized or invalid frames) here and then closes the socket.
  function onError(this: WebSocket): void {
    this.terminate();
  }
  function onClose(this: WebSocket): void {
    if (!(this instanceof Conn)) return;
    const now = Date.now();
    deliver(rooms.disconnect(this, now));
    void directory.disconnect(this, now).then(deliver);
  }

  // clientTracking off: the room core already holds every socket, and the heartbeat and close() walk it.
  const wss = new WebSocketServer<typeof Conn>({
    noServer: true,
    WebSocket: Conn,
    clientTracking: false,
    maxPayload: HARD_MAX_PAYLOAD,
    perMessageDeflate: false,
  });
  wss.on('connection', (conn) => {
    conn.bucket = new TokenBucket(rateLimit, Date.now());
    rooms.connect(conn);
    conn.on('pong', onPong);
    conn.on('message', onMessage);
    conn.on('error', onError);
    conn.on('close', onClose);
  });

  // Sockets that miss a pong for a whole interval are gone (a laptop lid closed, a NAT dropped the mapping).
  const heartbeat = setInterval(() => {
    directory.expire(Date.now());
    for (const conn of rooms.connections()) {
      if (!conn.alive) {
        conn.terminate();
        continue;
      }
      conn.alive = false;
      conn.ping();
    }
  }, opts.heartbeatMs ?? 15_000);

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      const { rooms: roomCount, connections } = rooms.stats();
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify({ ok: true, rooms: roomCount, sockets: connections }));
      return;
    }
    try {
      serveStatic(req, res);
    } catch (err) {
      // A file that disappeared between sirv's lookup and its stat (a rebuild in progress).
      log(`static error: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    }
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/ws') return refuse(socket, 404, 'Not Found');
    if (!originAllowed(req.headers.origin, req.headers.host, allowedOrigins)) {
      log(`refused origin ${req.headers.origin ?? ''}`);
      return refuse(socket, 403, 'Forbidden');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.tcp = socket;
      ws.host = req.headers.host ?? '';
      ws.stun = stun ? stunUrls.for(req.headers.host, stun.port) : null;
      wss.emit('connection', ws, req);
    });
  };

  const httpServer = createServer(onRequest);
  httpServer.on('upgrade', onUpgrade);
  // A start that fails must leave nothing running (the heartbeat timer would keep the process alive).
  const abandon = () => {
    clearInterval(heartbeat);
    wss.close();
  };
  await new Promise<void>((resolveListen, reject) => {
    httpServer.once('error', (err) => {
      abandon();
      reject(err);
    });
    httpServer.listen(opts.port ?? 8080, opts.host ?? '127.0.0.1', () => {
      httpServer.removeAllListeners('error');
      resolveListen();
    });
  });

  const port = (httpServer.address() as AddressInfo).port;
  if (opts.stunPort !== undefined && opts.stunPort !== null) {
    const stunPort = opts.stunPort === 'http' ? port : opts.stunPort;
    try {
      stun = await startStun(opts.host ?? '127.0.0.1', stunPort);
    } catch (err) {
      httpServer.close();
      abandon();
      const why = err instanceof Error ? err.message : String(err);
      throw new Error(`could not start the STUN server on UDP port ${stunPort} (${why}): set STUN_PORT to a free port, or STUN_PORT=off`);
    }
  }

  let closing: Promise<void> | null = null;
  return {
    httpServer,
    port,
    stunPort: stun?.port ?? null,
    close() {
      closing ??= new Promise<void>((resolveClose) => {
        void stun?.close();
        clearInterval(heartbeat);
        if (expiryTimer) clearTimeout(expiryTimer);
        for (const conn of rooms.connections()) conn.terminate();
        wss.close();
        httpServer.close(() => resolveClose());
        httpServer.closeAllConnections();
      }).then(() => settledOrLate(directory.settled()));
      return closing;
    },
  };
}

/** Pushes still in flight at shutdown get a moment to finish; a push service that hangs must not hold the process. */
function settledOrLate(settled: Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000);
    timer.unref();
    void settled.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * The HTTP server stops handling a socket's errors once it emits 'upgrade'. `ws` handles them from handleUpgrade on,
 * so only a socket refused here needs a listener; adding one to every socket left each upgraded socket with two
 * 'error' listeners (an array) for its whole life. A shared function: a closure would keep `req` alive.
 */
function refuse(socket: Duplex, status: number, text: string): void {
  socket.on('error', destroySocket);
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length + 1}\r\n\r\n${text}\n`,
  );
}

/**
 * Our STUN server's address as a browser can reach it: the host it used to reach this server (its Host
 * header), at the STUN port. One shared entry per host, so sockets do not each carry their own copy.
 */
class StunUrls {
  private readonly byHost = new Map<string, IceServer | null>();

  for(hostHeader: string | undefined, port: number): IceServer | null {
    if (hostHeader === undefined) return null;
    const known = this.byHost.get(hostHeader);
    if (known !== undefined) return known;
    let entry: IceServer | null = null;
    try {
      // The URL parser validates the header (a Host header is the client's to choose) and keeps IPv6 brackets.
      const { hostname } = new URL(`http://${hostHeader}`);
      if (hostname) entry = { urls: [`stun:${hostname}:${port}`] };
    } catch {
      entry = null;
    }
    // Bounded: every distinct Host header a client sends would otherwise stay here for good.
    if (this.byHost.size < 64) this.byHost.set(hostHeader, entry);
    return entry;
  }
}
