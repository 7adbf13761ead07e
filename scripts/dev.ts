// `npm run dev`: the signaling server and Vite's dev server together; Vite proxies /ws to signaling.
import { spawn } from 'node:child_process';

const signalingPort = process.env.SIGNALING_PORT ?? '8787';
const children = [
  spawn(process.execPath, ['--import', 'tsx', 'signaling/src/node/main.ts'], {
    stdio: 'inherit',
    env: { ...process.env, PORT: signalingPort },
  }),
  spawn(process.execPath, ['node_modules/vite/bin/vite.js'], {
    stdio: 'inherit',
    env: { ...process.env, SIGNALING_TARGET: `http://127.0.0.1:${signalingPort}` },
  }),
];
const stop = () => children.forEach((c) => c.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children)
  c.on('exit', (code) => {
    stop();
    process.exitCode = code ?? 0;
  });
