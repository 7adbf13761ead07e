// `npm start`: the signaling server plus the built app on one port. Settings come from the environment
// (see config.ts and docs/deploy.md).

import { loadConfig } from '../core/config.ts';
import { createSignalingServer } from './server.ts';
import { iceServersFor } from '../core/turn.ts';
import { LevelUserStore } from './level-user-store.ts';
import { loadVapidKeys } from './vapid-keys.ts';
import { createWebPushSender } from './web-push-sender.ts';

const config = loadConfig(process.env);
const userStore = await LevelUserStore.open(config.dataDir);
const vapid = await loadVapidKeys(userStore);
const server = await createSignalingServer({
  port: config.port,
  host: config.host,
  distDir: config.distDir,
  roomCap: config.roomCap,
  graceMs: config.graceMs,
  heartbeatMs: config.heartbeatMs,
  rateLimit: config.rateLimit,
  allowedOrigins: config.allowedOrigins,
  iceServers: iceServersFor(config.iceServers, config.turn),
  stunPort: config.stunPort,
  userStore,
  push: createWebPushSender({ ...vapid, subject: config.vapidSubject }),
  vapidPublicKey: vapid.publicKey,
  log: (line) => console.error(line),
});
const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
console.log(`Listening on http://${shownHost}:${server.port}`);
if (server.stunPort !== null) console.log(`STUN on udp://${shownHost}:${server.stunPort}`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  server
    .close()
    .then(() => userStore.close())
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
