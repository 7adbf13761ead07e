// The contenders of the signaling benchmark (bench/signaling.ts): how to start each server in its own process
// pinned to CPU 0, read its memory and CPU time from /proc, and speak its protocol.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { WebSocket } from 'ws';
import { freshDataDir } from '../../scripts/data-dir.ts';
import { ROOT } from './servers.ts';

export const HOST = '127.0.0.1';
/** Ours and the Worker limit each socket to 50 frames/s by default; the benchmark measures the relay itself. */
const NO_RATE_LIMIT = { RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_BURST: '1000000' };

export interface Protocol {
  /** The socket URL for a client that will be reachable as `name` in `room`. */
  url(port: number, name: string, room: string): string;
  /** Completes the handshake and returns the address others send to. */
  hello(ws: WebSocket, inbox: Inbox, name: string, room: string): Promise<string>;
  frame(to: string, payload: string): string;
}

export const roomId = (i: number): string => `bench-room-${String(i).padStart(12, '0')}`;

/** Frames that arrive before the handshake code listens (PeerServer's OPEN can share a packet with the 101). */
export class Inbox {
  private readonly frames: string[] = [];
  private waiter: { match: (t: string) => boolean; resolve: (t: string) => void } | null = null;
  constructor(private readonly ws: WebSocket) {
    ws.on('message', this.on);
  }
  private readonly on = (raw: Buffer): void => {
    const text = raw.toString();
    if (this.waiter?.match(text)) {
      this.waiter.resolve(text);
      this.waiter = null;
    } else if (this.frames.length < 16) this.frames.push(text);
  };
  next(match: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
    const i = this.frames.findIndex(match);
    if (i >= 0) return Promise.resolve(this.frames.splice(i, 1)[0] as string);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('handshake timed out')), timeoutMs);
      this.waiter = {
        match,
        resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        },
      };
    });
  }
  /** Stops listening, once the handshake is over. */
  done(): void {
    this.ws.off('message', this.on);
  }
}

const ours: Protocol = {
  url: (port, _name, room) => `ws://${HOST}:${port}/ws?room=${room}`,
  async hello(ws, inbox, _name, room) {
    ws.send(JSON.stringify({ type: 'join', room }));
    return (JSON.parse(await inbox.next((t) => t.startsWith('{"type":"welcome"'))) as { id: string }).id;
  },
  frame: (to, payload) => JSON.stringify({ type: 'signal', to, data: payload }),
};

const peerjs: Protocol = {
  url: (port, name) => `ws://${HOST}:${port}/peerjs?key=peerjs&id=${name}&token=${name}tok`,
  async hello(_ws, inbox, name) {
    await inbox.next((t) => t.includes('"OPEN"'));
    return name;
  },
  frame: (to, payload) => JSON.stringify({ type: 'OFFER', dst: to, payload: { type: 'offer', sdp: payload } }),
};

const relay: Protocol = {
  url: (port, name) => `ws://${HOST}:${port}/?id=${name}`,
  hello: async (_ws, _inbox, name) => name,
  frame: (to, payload) => JSON.stringify({ to, data: payload }),
};

export interface Contender {
  /** For BENCH_SERVERS=ours,peer,relay,do (a subset while investigating; the summary needs ours and peer). */
  key: string;
  name: string;
  protocol: Protocol;
  start(): Promise<Server>;
}

export interface Server {
  port: number;
  /** RSS of the server's process tree, in bytes. */
  rss(): number;
  /** CPU time (user + system) the server's process tree has used so far, in seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

function treePids(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended meanwhile.
    }
  }
  const out: number[] = [];
  const walk = (pid: number): void => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** utime + stime, in clock ticks (fields 14 and 15 of /proc/<pid>/stat); Linux's USER_HZ is 100. */
function cpuOf(pid: number): number {
  let ticks = 0;
  for (const p of treePids(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone.
    }
  }
  return ticks / 100;
}

function rssOf(pid: number): number {
  let total = 0;
  for (const p of treePids(pid)) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      total += Number(m?.[1] ?? 0) * 1024;
    } catch {
      // Gone.
    }
  }
  return total;
}

export const pinnable = cpus().length >= 2 && spawnSync('taskset', ['--version']).status === 0;

/** Starts `args` (a node script) pinned to CPU 0 and waits for its `Listening on http://host:port` line. */
async function startProcess(args: string[], env: Record<string, string>): Promise<Server> {
  const cmd = pinnable ? 'taskset' : process.execPath;
  const argv = pinnable ? ['-c', '0', process.execPath, ...args] : args;
  const child: ChildProcess = spawn(cmd, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /Listening on http:\/\/[^:\s]+:(\d+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${code}):\n${output}`));
    });
  });
  const pid = child.pid ?? 0;
  return {
    port,
    rss: () => rssOf(pid),
    cpuSeconds: () => cpuOf(pid),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(hard);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export const contenders: Contender[] = [
  {
    key: 'ours',
    name: 'ours (Node)',
    protocol: ours,
    start: () =>
      startProcess(['--import', 'tsx', 'signaling/src/node/main.ts'], {
        HOST,
        PORT: '0',
        DIST_DIR: '/nonexistent',
        DATA_DIR: freshDataDir(),
        ...NO_RATE_LIMIT,
      }),
  },
  {
    key: 'peer',
    name: 'PeerServer (peer 1.0)',
    protocol: peerjs,
    start: () => startProcess(['--import', 'tsx', 'bench/lib/signaling-server-main.ts', 'peer'], {}),
  },
  {
    key: 'relay',
    name: 'minimal ws relay',
    protocol: relay,
    start: () => startProcess(['--import', 'tsx', 'bench/lib/signaling-server-main.ts', 'relay'], {}),
  },
  {
    key: 'do',
    name: 'Durable Object (Miniflare, local emulation)',
    protocol: ours,
    start: () => startProcess(['--import', 'tsx', 'scripts/worker-local.ts'], { HOST, PORT: '0', ...NO_RATE_LIMIT }),
  },
];
