// The Cloudflare Worker in front of the Durable Objects. It answers GET /healthz, checks the WebSocket upgrade
// on /ws, and hands it to the one object named by the room id in the URL (`/ws?room=<id>`; the browser client
// adds it). The room id is needed before the first frame, because the first frame already has to reach the
// room's object.

import { originAllowed } from '../core/origin.ts';
import { ROOM_ID_PATTERN } from '../protocol.ts';
import { allowedOrigins, type WorkerVars } from './worker-env.ts';

export { SignalingRoom } from './durable-object.ts';

interface WorkerEnv extends WorkerVars {
  ROOMS: DurableObjectNamespace;
}

export default {
  async fetch(request: Request, env: WorkerEnv): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/healthz') {
      return Response.json({ ok: true }, { headers: { 'Cache-Control': 'no-store' } });
    }
    if (url.pathname !== '/ws') return new Response('Not Found\n', { status: 404 });
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('Expected a WebSocket upgrade\n', { status: 426 });
    }
    if (!originAllowed(request.headers.get('Origin') ?? undefined, url.host, allowedOrigins(env))) {
      return new Response('Forbidden\n', { status: 403 });
    }
    const room = url.searchParams.get('room') ?? '';
    if (!ROOM_ID_PATTERN.test(room)) return new Response('A valid ?room= is required\n', { status: 400 });
    return env.ROOMS.get(env.ROOMS.idFromName(room)).fetch(request);
  },
} satisfies ExportedHandler<WorkerEnv>;
