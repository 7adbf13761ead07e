// Scenario "signaling": the signaling server alone, on 127.0.0.1. Contenders: ours (signaling/src/main.ts),
// PeerJS's PeerServer (`peer`), a minimal ws relay, and our Worker + Durable Object under Miniflare (workerd on
// this machine: local emulation, not Cloudflare's network). Each server runs in its own process pinned to CPU 0;
// this process is the load generator, pinned to CPU 1. Every loop is bounded by a count or a deadline.
//
// Figures: idle WebSockets held and server RSS growth per 1,000 at 1k/5k/10k; relay latency p50/p99 of a 2 KB
// offer at 1k and 5k messages/s; the most messages/s relayed (closed loop, a window of offers in flight per pair).
// Each server speaks its own protocol: ours joins a room and relays `signal`s; PeerServer relays OFFER with dst;
// the relay forwards {to, data}.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import type { ScenarioResult } from './run.ts';
import { ROOT } from './lib/servers.ts';
import { markdownTable } from './lib/stats.ts';

const HOST = '127.0.0.1';
const IDLE_STEPS = (process.env.BENCH_IDLE ?? '1000,5000,10000').split(',').map(Number);
const RATES = [1000, 5000];
const PAIRS = 50;
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 3);
const TPUT_SECONDS = Number(process.env.BENCH_TPUT_SECONDS ?? 4);
const WINDOW = 16;
const OFFER_BYTES = 2048;
const OPEN_CONCURRENCY = 200;
/** Ours and the Worker limit each socket to 50 frames/s by default; the benchmark measures the relay itself. */
const NO_RATE_LIMIT = { RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_BURST: '1000000' };

interface Protocol {
  /** The socket URL for a client that will be reachable as `name` in `room`. */
  url(port: number, name: string, room: string): string;
  /** Completes the handshake and returns the address others send to. */
  hello(ws: WebSocket, inbox: Inbox, name: string, room: string): Promise<string>;
  frame(to: string, payload: string): string;
}

const roomId = (i: number): string => `bench-room-${String(i).padStart(12, '0')}`;

/** Frames that arrive before the handshake code listens (PeerServer's OPEN can share a packet with the 101). */
class Inbox {
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

interface Contender {
  /** For BENCH_SERVERS=ours,peer,relay,do (a subset while investigating; the summary needs ours and peer). */
  key: string;
  name: string;
  protocol: Protocol;
  start(): Promise<Server>;
}

interface Server {
  port: number;
  /** RSS of the server's process tree, in bytes. */
  rss(): number;
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

const pinnable = cpus().length >= 2 && spawnSync('taskset', ['--version']).status === 0;

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

const contenders: Contender[] = [
  {
    key: 'ours',
    name: 'ours (Node)',
    protocol: ours,
    start: () => startProcess(['--import', 'tsx', 'signaling/src/main.ts'], { HOST, PORT: '0', DIST_DIR: '/nonexistent', ...NO_RATE_LIMIT }),
  },
  { key: 'peer', name: 'PeerServer (peer 1.0)', protocol: peerjs, start: () => startProcess(['--import', 'tsx', 'bench/lib/signaling-server-main.ts', 'peer'], {}) },
  { key: 'relay', name: 'minimal ws relay', protocol: relay, start: () => startProcess(['--import', 'tsx', 'bench/lib/signaling-server-main.ts', 'relay'], {}) },
  {
    key: 'do',
    name: 'Durable Object (Miniflare, local emulation)',
    protocol: ours,
    start: () => startProcess(['--import', 'tsx', 'scripts/worker-local.ts'], { HOST, PORT: '0', ...NO_RATE_LIMIT }),
  },
];

interface Client {
  ws: WebSocket;
  address: string;
}

async function openClient(c: Contender, port: number, name: string, room: string): Promise<Client> {
  const ws = new WebSocket(c.protocol.url(port, name, room), { perMessageDeflate: false });
  ws.on('error', () => {});
  const inbox = new Inbox(ws);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connect timed out')), 30_000);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.once('close', () => {
      clearTimeout(timer);
      reject(new Error('closed while connecting'));
    });
  });
  const address = await c.protocol.hello(ws, inbox, name, room);
  inbox.done();
  return { ws, address };
}

/** Opens `count` clients, `OPEN_CONCURRENCY` at a time; clients 2k and 2k+1 share a room. */
async function openMany(c: Contender, port: number, from: number, count: number, prefix: string): Promise<Client[]> {
  const out: Client[] = [];
  let next = from;
  const end = from + count;
  const worker = async (): Promise<void> => {
    while (next < end) {
      const i = next++;
      try {
        out.push(await openClient(c, port, `${prefix}${String(i).padStart(10, '0')}`, roomId(Math.floor(i / 2))));
      } catch {
        // Counted as not held.
      }
    }
  };
  await Promise.all(Array.from({ length: OPEN_CONCURRENCY }, worker));
  return out;
}

async function closeAll(clients: Client[]): Promise<void> {
  await Promise.all(
    clients.map(
      (cl) =>
        new Promise<void>((resolve) => {
          if (cl.ws.readyState === WebSocket.CLOSED) return resolve();
          cl.ws.once('close', () => resolve());
          cl.ws.terminate();
        }),
    ),
  );
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface IdleRow {
  n: number;
  held: number;
  rssPer1kMiB: number;
}

async function idle(c: Contender, server: Server): Promise<IdleRow[]> {
  await sleep(1000);
  const base = server.rss();
  const clients: Client[] = [];
  const rows: IdleRow[] = [];
  try {
    for (const n of IDLE_STEPS) {
      clients.push(...(await openMany(c, server.port, clients.length, n - clients.length, 'idle')));
      await sleep(2000); // let the server settle; everyone idles
      const held = clients.filter((cl) => cl.ws.readyState === WebSocket.OPEN).length;
      rows.push({ n, held, rssPer1kMiB: (server.rss() - base) / 2 ** 20 / (n / 1000) });
    }
  } finally {
    await closeAll(clients);
  }
  return rows;
}

/** PAIRS pairs in their own rooms; A sends to B. */
async function pairs(c: Contender, port: number, tag: string): Promise<{ a: Client; b: Client }[]> {
  const out: { a: Client; b: Client }[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const room = `${tag}-room-${String(i).padStart(12, '0')}`;
    const a = await openClient(c, port, `${tag}a${String(i).padStart(10, '0')}`, room);
    const b = await openClient(c, port, `${tag}b${String(i).padStart(10, '0')}`, room);
    out.push({ a, b });
  }
  return out;
}

function offer(): string {
  const stamp = `T${performance.now().toFixed(3)}|`;
  return stamp + 'v=0 o=- 1 2 IN IP4 127.0.0.1 '.repeat(80).slice(0, OFFER_BYTES - stamp.length);
}

const STAMP = /T(\d+\.\d+)\|/;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

interface LatencyRow {
  rate: number;
  sent: number;
  received: number;
  p50: number;
  p99: number;
}

async function latency(c: Contender, port: number, rate: number): Promise<LatencyRow> {
  const ps = await pairs(c, port, `lat${rate}`);
  // Only offers sent inside [from, until) count, on both sides: the warm-up and the tail are left out.
  const start = performance.now();
  const from = start + 500;
  const until = from + LATENCY_SECONDS * 1000;
  const samples: number[] = [];
  for (const { b } of ps) {
    b.ws.on('message', (raw: Buffer) => {
      const m = STAMP.exec(raw.toString());
      const sentAt = Number(m?.[1]);
      if (sentAt >= from && sentAt < until) samples.push(performance.now() - sentAt);
    });
  }
  // Paced in 5 ms ticks; a tick that runs late sends what it owes, so the rate holds on average.
  let sent = 0;
  let sentMeasured = 0;
  let k = 0;
  for (let now = performance.now(); now < until; now = performance.now()) {
    const owed = Math.floor(((now - start) / 1000) * rate) - sent;
    for (let i = 0; i < owed; i++) {
      const pair = ps[k++ % ps.length];
      if (!pair) continue;
      pair.a.ws.send(c.protocol.frame(pair.b.address, offer()));
      sent++;
      if (now >= from) sentMeasured++;
    }
    await sleep(5);
  }
  // Stragglers: bounded wait for the rest of the measured offers.
  const settle = performance.now() + 5000;
  while (samples.length < sentMeasured && performance.now() < settle) await sleep(50);
  await closeAll(ps.flatMap(({ a, b }) => [a, b]));
  samples.sort((x, y) => x - y);
  return { rate, sent: sentMeasured, received: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function throughput(c: Contender, port: number): Promise<number> {
  const ps = await pairs(c, port, 'tput');
  let counting = false;
  let received = 0;
  let stop = false;
  const payload = offer();
  for (const { a, b } of ps) {
    const frame = c.protocol.frame(b.address, payload);
    b.ws.on('message', () => {
      if (counting) received++;
      if (!stop) a.ws.send(frame);
    });
    for (let i = 0; i < WINDOW; i++) a.ws.send(frame);
  }
  await sleep(1000);
  counting = true;
  const t0 = performance.now();
  await sleep(TPUT_SECONDS * 1000);
  counting = false;
  const perSecond = received / ((performance.now() - t0) / 1000);
  stop = true;
  await sleep(300);
  await closeAll(ps.flatMap(({ a, b }) => [a, b]));
  return perSecond;
}

interface Result {
  name: string;
  idle: IdleRow[];
  latency: LatencyRow[];
  tput: number;
}

async function measure(c: Contender, log: (line: string) => void): Promise<Result> {
  const result: Result = { name: c.name, idle: [], latency: [], tput: Number.NaN };
  // A fresh server after the idle phase, so 10k sockets' leftovers never weigh on the relay figures.
  const phase = async <T>(label: string, body: (s: Server) => Promise<T>): Promise<T> => {
    log(`${c.name}: ${label}`);
    const server = await c.start();
    try {
      return await body(server);
    } finally {
      await server.stop();
    }
  };
  result.idle = await phase('idle sockets', (s) => idle(c, s));
  log(`${c.name}: idle ${JSON.stringify(result.idle)}`);
  await phase('latency and throughput', async (s) => {
    for (const rate of RATES) result.latency.push(await latency(c, s.port, rate));
    log(`${c.name}: latency ${JSON.stringify(result.latency)}`);
    result.tput = await throughput(c, s.port);
    log(`${c.name}: throughput ${result.tput.toFixed(0)} msg/s`);
  });
  return result;
}

const fixed = (x: number, d: number): string => (Number.isFinite(x) ? x.toFixed(d) : '–');

export async function run(): Promise<ScenarioResult> {
  const log = (line: string): void => console.error(`bench signaling: ${line}`);
  if (pinnable) spawnSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const results: Result[] = [];
  const only = process.env.BENCH_SERVERS?.split(',');
  for (const c of contenders) if (!only || only.includes(c.key)) results.push(await measure(c, log));

  const idleTable = markdownTable(
    ['server', ...IDLE_STEPS.map((n) => `held / ${n}`), ...IDLE_STEPS.map((n) => `RSS MiB per 1k @${n / 1000}k`)],
    results.map((r) => [r.name, ...r.idle.map((x) => String(x.held)), ...r.idle.map((x) => fixed(x.rssPer1kMiB, 2))]),
  );
  const latencyTable = markdownTable(
    ['server', ...RATES.flatMap((rate) => [`p50 ms @${rate}/s`, `p99 ms @${rate}/s`, `delivered @${rate}/s`])],
    results.map((r) => [r.name, ...r.latency.flatMap((l) => [fixed(l.p50, 2), fixed(l.p99, 2), `${l.received}/${l.sent}`])]),
  );
  const tputTable = markdownTable(['server', 'max relayed msg/s (server on one core)'], results.map((r) => [r.name, fixed(r.tput, 0)]));

  const o = results.find((r) => r.name.startsWith('ours'));
  const p = results.find((r) => r.name.startsWith('PeerServer'));
  const last = IDLE_STEPS.length - 1;
  const tputRatio = o && p ? o.tput / p.tput : Number.NaN;
  const p99At5k = o?.latency.find((l) => l.rate === 5000)?.p99 ?? Number.NaN;
  const rssRatio = o && p ? (o.idle[last]?.rssPer1kMiB ?? Number.NaN) / (p.idle[last]?.rssPer1kMiB ?? Number.NaN) : Number.NaN;
  const summary = `signaling_tput_ratio_vs_peerserver=${fixed(tputRatio, 2)} p99_ms_at_5k=${fixed(p99At5k, 2)} rss_per_1k_ratio_vs_peerserver=${fixed(rssRatio, 2)}`;

  const table = [
    '# Signaling server benchmark',
    '',
    `Measured ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, 127.0.0.1 only.`,
    `Each server in its own process${pinnable ? ' pinned to CPU 0 (taskset); the load generator pinned to CPU 1' : ' (no taskset: not pinned)'}.`,
    'Ours and the Worker run with the per-socket rate limit lifted (the default is 50 frames/s per socket);',
    'PeerServer with `concurrent_limit` and `alive_timeout` raised to hold 10k idle clients. The Durable Object row is workerd under Miniflare',
    'on this machine: local emulation, not Cloudflare. RSS is the server process tree (for Miniflare: node + workerd),',
    'growth over the idle server, divided by thousands of sockets held.',
    '',
    '## Idle WebSockets held, RSS growth per 1,000',
    '',
    idleTable,
    '',
    `## Relay latency of a ${OFFER_BYTES}-byte offer (${PAIRS} sender→receiver pairs, ${LATENCY_SECONDS} s after 0.5 s warm-up)`,
    '',
    latencyTable,
    '',
    `## Maximum relayed messages/s (closed loop, ${PAIRS} pairs × ${WINDOW} offers in flight, ${TPUT_SECONDS} s)`,
    '',
    tputTable,
    '',
    `Goals: throughput ≥ 1.0× PeerServer, p99 < 2 ms at 5k msg/s, RSS per 1k ≤ PeerServer. Load average at the end: ${readFileSync('/proc/loadavg', 'utf8').trim()}.`,
    '',
    '```',
    summary,
    '```',
    '',
  ].join('\n');
  return { table, summary };
}
