// The Cloudflare Worker in front of the Durable Objects. It answers GET /healthz, checks the WebSocket upgrade
// on /ws, and hands it to the one object named in the URL: the room's for `/ws?room=<id>`, the user's for
// `/ws?user=<id>` (a phone socket: the user's own, or a caller's naming the callee). The name is needed before
// the first frame, because the first frame already has to reach that object.

import { originAllowed } from '../core/origin.ts';
import { USER_ID_PATTERN } from '../phone-frames.ts';
import { ROOM_ID_PATTERN } from '../protocol.ts';
import { allowedOrigins, type WorkerVars } from './worker-env.ts';

export { SignalingRoom, SignalingUser } from './durable-object.ts';

interface WorkerEnv extends WorkerVars {
  ROOMS: DurableObjectNamespace;
  USERS: DurableObjectNamespace;
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
    const room = url.searchParams.get('room');
    if (room !== null && ROOM_ID_PATTERN.test(room)) return env.ROOMS.get(env.ROOMS.idFromName(room)).fetch(request);
    const user = url.searchParams.get('user');
    if (room === null && user !== null && USER_ID_PATTERN.test(user)) return env.USERS.get(env.USERS.idFromName(user)).fetch(request);
    return new Response('A valid ?room= (or ?user= for calling a person) is required\n', { status: 400 });
  },
} satisfies ExportedHandler<WorkerEnv>;
