// The other servers a benchmark needs: our own signaling server (serving the built app) and PeerJS's
// PeerServer. Every start is bounded; every stop is by the handle we started.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { PeerServer } from 'peer';
import { freshDataDir } from '../../scripts/data-dir.ts';

export const ROOT = new URL('../../', import.meta.url).pathname;

/** Inside scripts/netns.sh the veth address; elsewhere loopback (where WebRTC may find no candidates). */
export function benchHost(): string {
  const inNamespace = Object.values(networkInterfaces()).some((list) => list?.some((a) => a.address === '10.77.0.1'));
  return inNamespace ? '10.77.0.1' : '127.0.0.1';
}

export async function freePort(host: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, host, () => resolve());
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), st.mtimeMs);
}

/** Runs `vite build` when dist/ is missing or older than any of its inputs. */
export function buildIfStale(log: (line: string) => void): void {
  const built = newestMtime(join(ROOT, 'dist/index.html'));
  const inputs = ['src', 'public', 'index.html', 'vite.config.ts', 'signaling/src/protocol.ts'];
  const newest = Math.max(...inputs.map((p) => newestMtime(join(ROOT, p))));
  if (built > 0 && built >= newest) return;
  log('dist/ is stale: running vite build');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 180_000,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`vite build failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
}

export interface Running {
  origin: string;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts signaling/src/node/main.ts and waits for its `Listening on http://HOST:PORT` line. */
export async function startOurServer(host: string): Promise<Running> {
  const port = await freePort(host);
  const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/src/node/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: freshDataDir(), HOST: host, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  try {
    const origin = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`our server did not start in 20 s:\n${output}`)), 20_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const m = /Listening on (http:\/\/\S+)/.exec(output);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1].replace(/\/$/, ''));
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`our server exited (${code}) before listening:\n${output}`));
      });
    });
    return { origin, stop: () => stopChild(child) };
  } catch (err) {
    await stopChild(child);
    throw err;
  }
}

/** PeerJS's own server, in this process. */
export async function startPeerServer(host: string): Promise<Running & { port: number }> {
  const port = await freePort(host);
  const server = await new Promise<Server>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('PeerServer did not start in 10 s')), 10_000);
    PeerServer({ host, port, path: '/' }, (s) => {
      clearTimeout(timer);
      resolve(s as Server);
    });
  });
  return {
    origin: `http://${host}:${port}`,
    port,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
