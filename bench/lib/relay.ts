// The bench-only server for the baseline pages: serves their bundles and a tiny ws relay (a room of
// sockets, every frame forwarded to the others). It is what a textbook demo would run, nothing more.
// Each socket gets an id, and the welcome lists the others', so a mesh page can address its offers.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { BASELINE_PAGES, pageHtml, type Bundles } from './pages.ts';

export interface Relay {
  origin: string;
  close(): Promise<void>;
}

export async function startRelay(host: string, bundles: Bundles): Promise<Relay> {
  const rooms = new Map<string, Set<WebSocket>>();
  const ids = new WeakMap<WebSocket, string>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname.slice(1);
    for (const name of BASELINE_PAGES) {
      if (path === name) return void res.writeHead(200, { 'content-type': 'text/html' }).end(pageHtml(name));
      if (path === `${name}.js`) return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundles.pages.get(name));
    }
    res.writeHead(path === 'favicon.ico' ? 204 : 404).end();
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (ws, req) => {
    const room = new URL(req.url ?? '/', 'http://x').searchParams.get('room') ?? '';
    const members = rooms.get(room) ?? new Set<WebSocket>();
    rooms.set(room, members);
    const id = randomUUID();
    ids.set(ws, id);
    ws.send(JSON.stringify({ type: 'welcome', peers: members.size, id, ids: [...members].map((m) => ids.get(m)) }));
    for (const other of members) other.send(JSON.stringify({ type: 'peer-joined' }));
    members.add(ws);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      for (const other of members) if (other !== ws) other.send(text);
    });
    ws.on('close', () => {
      members.delete(ws);
      if (members.size === 0) rooms.delete(room);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
