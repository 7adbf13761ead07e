// The two comparison servers of the signaling benchmark, each in its own process so its memory and its one core
// are measured alone: `peer` (PeerJS's PeerServer, its defaults except the client cap) and `relay` (the smallest
// useful ws relay: a client connects with ?id= and sends {to, data}; the relay forwards {from, data}).
// Prints `Listening on http://127.0.0.1:<port>` like our server.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PeerServer } from 'peer';
import { WebSocketServer, WebSocket } from 'ws';

const which = process.argv[2];
const host = '127.0.0.1';

if (which === 'peer') {
  // concurrent_limit defaults to 5000 clients and idle clients without HEARTBEATs are dropped after 90 s;
  // the benchmark holds 10,000 idle sockets for longer than that.
  PeerServer({ host, port: 0, path: '/', concurrent_limit: 100_000, alive_timeout: 600_000 }, (server) => {
    console.log(`Listening on http://${host}:${(server.address() as AddressInfo).port}`);
  });
} else if (which === 'relay') {
  const clients = new Map<string, WebSocket>();
  const http = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  wss.on('connection', (ws, req) => {
    const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '';
    clients.set(id, ws);
    ws.on('message', (raw) => {
      const m = JSON.parse(String(raw)) as { to: string; data: string };
      clients.get(m.to)?.send(JSON.stringify({ from: id, data: m.data }));
    });
    ws.on('close', () => clients.delete(id));
    ws.on('error', () => ws.terminate());
  });
  http.listen(0, host, () => console.log(`Listening on http://${host}:${(http.address() as AddressInfo).port}`));
} else {
  throw new Error(`usage: signaling-server-main.ts peer|relay, got ${which}`);
}
