// The Cloudflare Durable Objects: one SignalingRoom per room and one SignalingUser per user id (the Worker routes
// by `?room=` or `?user=`), both using the WebSocket hibernation API so an idle call or an idle phone costs no
// compute. All logic is in room-object.ts and user-object.ts; these shells adapt the runtime's types and read
// settings from the Worker's environment (see worker-env.ts and docs/deploy.md).

import { randomBase64url } from '../base64url.ts';
import { RoomObject } from './room-object.ts';
import { UserObject } from './user-object.ts';
import { roomSettings, userSettings, type WorkerVars } from './worker-env.ts';

/** The client's keepalive frame is answered by the runtime itself, so pings never wake a hibernated object. */
const PING = '{"type":"ping"}';
const PONG = '{"type":"pong"}';

export class SignalingRoom implements DurableObject {
  private readonly room: RoomObject;

  constructor(
    private readonly state: DurableObjectState,
    env: WorkerVars,
  ) {
    const storage = state.storage;
    this.room = new RoomObject(
      {
        getWebSockets: () => state.getWebSockets(),
        storage: {
          get: (key) => storage.get(key),
          put: (key, value) => storage.put(key, value),
          delete: (key) => storage.delete(key),
          setAlarm: (time) => storage.setAlarm(time),
          deleteAlarm: () => storage.deleteAlarm(),
        },
      },
      { ...roomSettings(env), randomId: randomBase64url },
    );
    state.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  async fetch(request: Request): Promise<Response> {
    // The Worker checked the upgrade header, the origin and the room id before routing here.
    const room = new URL(request.url).searchParams.get('room') ?? '';
    const pair = new WebSocketPair();
    const server = pair[1];
    this.state.acceptWebSocket(server);
    await this.room.accept(server, room, crypto.randomUUID());
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    return this.room.message(ws, message);
  }

  webSocketClose(ws: WebSocket, code: number): Promise<void> {
    // Complete the close handshake; older compatibility dates do not reply on their own.
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code);
    } catch {
      // Already closed.
    }
    return this.room.close(ws);
  }

  webSocketError(ws: WebSocket): Promise<void> {
    return this.room.close(ws);
  }

  alarm(): Promise<void> {
    return this.room.alarm();
  }
}

export class SignalingUser implements DurableObject {
  private readonly user: UserObject;

  constructor(
    private readonly state: DurableObjectState,
    env: WorkerVars,
  ) {
    const storage = state.storage;
    this.user = new UserObject(
      {
        getWebSockets: () => state.getWebSockets(),
        storage: {
          get: (key) => storage.get(key),
          put: (key, value) => storage.put(key, value),
          delete: (key) => storage.delete(key),
        },
      },
      { ...userSettings(env), randomId: randomBase64url },
    );
    state.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  async fetch(request: Request): Promise<Response> {
    // The Worker checked the upgrade header, the origin and the user id before routing here.
    const url = new URL(request.url);
    const pair = new WebSocketPair();
    const server = pair[1];
    this.state.acceptWebSocket(server);
    // The Host the browser used, which its registration signs.
    await this.user.accept(server, url.searchParams.get('user') ?? '', url.host, crypto.randomUUID());
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    return this.user.message(ws, message);
  }

  webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code);
    } catch {
      // Already closed.
    }
    return this.user.close(ws);
  }

  webSocketError(ws: WebSocket): Promise<void> {
    return this.user.close(ws);
  }
}
