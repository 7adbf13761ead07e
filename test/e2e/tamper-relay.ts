// A man in the middle for the e2e tests: it sits between the browsers and the real signaling server, serves
// the app by forwarding HTTP, and passes every WebSocket frame through rules that may rewrite, drop or inject
// frames. It records what the server would see, so a test can assert the server never gets plaintext.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export interface RelayConn {
  readonly index: number;
  /** The peer id the server gave this browser, once its welcome passed through. */
  peerId: string | null;
  toClient(text: string): void;
  toServer(text: string): void;
}

export interface TamperRules {
  /** Returns the frame to forward to the server, or null to drop it. */
  fromClient?(text: string, conn: RelayConn): string | null;
  /** Returns the frame to forward to the browser, or null to drop it. */
  fromServer?(text: string, conn: RelayConn): string | null;
}

export interface TamperRelay {
  readonly url: string;
  /** Every frame the browsers sent, before any rule touched it. */
  readonly clientFrames: string[];
  readonly serverFrames: string[];
  readonly conns: RelayConn[];
  rules: TamperRules;
  close(): Promise<void>;
}

export async function startTamperRelay(upstream: string, host = '127.0.0.1'): Promise<TamperRelay> {
  const target = new URL(upstream);
  const clientFrames: string[] = [];
  const serverFrames: string[] = [];
  const conns: RelayConn[] = [];
  const sockets = new Set<WebSocket>();

  const http: Server = createServer((req, res) => {
    const forward = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });

  const wss = new WebSocketServer({ server: http, path: '/ws' });
  const relay: TamperRelay = {
    url: '',
    clientFrames,
    serverFrames,
    conns,
    rules: {},
    async close() {
      for (const s of sockets) s.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
    },
  };

  wss.on('connection', (client, req) => {
    const server = new WebSocket(`ws://${target.host}/ws`, { headers: { origin: req.headers.origin ?? `http://${target.host}` } });
    sockets.add(client).add(server);
    const pending: string[] = [];
    const conn: RelayConn = {
      index: conns.length,
      peerId: null,
      toClient: (text) => client.readyState === WebSocket.OPEN && client.send(text),
      toServer: (text) => (server.readyState === WebSocket.OPEN ? server.send(text) : pending.push(text)),
    };
    conns.push(conn);
    server.on('open', () => {
      for (const text of pending.splice(0)) server.send(text);
    });
    client.on('message', (raw) => {
      const text = raw.toString();
      clientFrames.push(text);
      const out = relay.rules.fromClient ? relay.rules.fromClient(text, conn) : text;
      if (out !== null) conn.toServer(out);
    });
    server.on('message', (raw) => {
      const text = raw.toString();
      serverFrames.push(text);
      const m = JSON.parse(text) as { type?: string; id?: string };
      if (m.type === 'welcome' && typeof m.id === 'string') conn.peerId = m.id;
      const out = relay.rules.fromServer ? relay.rules.fromServer(text, conn) : text;
      if (out !== null) conn.toClient(out);
    });
    const closeBoth = () => {
      client.close();
      server.close();
    };
    client.on('close', closeBoth);
    server.on('close', closeBoth);
    client.on('error', closeBoth);
    server.on('error', closeBoth);
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return Object.assign(relay, { url: `http://${host}:${port}` });
}
