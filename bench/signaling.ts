// Scenario "signaling": the signaling server alone, on 127.0.0.1. Contenders (bench/lib/signaling-contenders.ts):
// ours (signaling/src/node/main.ts), PeerJS's PeerServer (`peer`), a minimal ws relay, and our Worker + Durable Object
// under Miniflare (workerd on this machine: local emulation, not Cloudflare's network). Each server runs in its own
// process pinned to CPU 0; this process is the load generator, pinned to CPU 1. Every loop is bounded.
//
// Figures: idle WebSockets held and server RSS growth per 1,000 at 1k/5k/10k; relay latency p50/p99 of a 2 KB
// offer at 1k and 5k messages/s; the most messages/s relayed (closed loop, a window of offers in flight per pair)
// and the server CPU time each relayed message cost. The machine is shared, so the relay figures are taken in
// rounds that visit every contender in turn (a rotating order), and each figure is the median over the rounds:
// a burst of someone else's load then lands on one round of one contender, not on a whole contender.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { contenders, Inbox, pinnable, roomId, type Contender, type Server } from './lib/signaling-contenders.ts';
import { markdownTable, median, type ScenarioResult } from './lib/stats.ts';

const IDLE_STEPS = (process.env.BENCH_IDLE ?? '1000,5000,10000').split(',').map(Number);
const RATES = [1000, 5000];
const PAIRS = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/**
 * Idle RSS moves by more than the servers differ depending on when V8 last collected (the same server, twice in a
 * row, held 37-43 MB of old space with the same live data), so it is taken in rounds too, a fresh server each.
 * The Durable Object (workerd under Miniflare, local emulation) gets one round: it is slow to fill and not compared.
 */
const IDLE_ROUNDS = Math.max(1, Number(process.env.BENCH_IDLE_ROUNDS ?? 3));
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 2);
const TPUT_SECONDS = Number(process.env.BENCH_TPUT_SECONDS ?? 2);
const WINDOW = 16;
const OFFER_BYTES = 2048;
const OPEN_CONCURRENCY = 200;
/** An offer not delivered this long after the last send counts as lost: slower than any delivered one. */
const SETTLE_MS = 1000;

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

interface Pair {
  a: Client;
  b: Client;
}

/** PAIRS pairs in their own rooms, opened side by side (A joins before B in each); A sends to B. */
function pairs(c: Contender, port: number, tag: string): Promise<Pair[]> {
  return Promise.all(
    Array.from({ length: PAIRS }, async (_, i) => {
      const room = `${tag}-room-${String(i).padStart(12, '0')}`;
      const a = await openClient(c, port, `${tag}a${String(i).padStart(10, '0')}`, room);
      const b = await openClient(c, port, `${tag}b${String(i).padStart(10, '0')}`, room);
      return { a, b };
    }),
  );
}

// The send time rides inside the offer as fixed-width text after a marker, so a receiver reads it straight from
// the frame's bytes, whatever envelope each protocol wraps around the offer, without decoding 2 KB per message.
const MARK = 'ts=';
const STAMP_WIDTH = 13;
const FILLER = 'v=0 o=- 1 2 IN IP4 127.0.0.1 '.repeat(80);

function offer(sentAt: number): string {
  const stamp = `${MARK}${sentAt.toFixed(3).padStart(STAMP_WIDTH, '0')}|`;
  return stamp + FILLER.slice(0, OFFER_BYTES - stamp.length);
}

function stampOf(raw: Buffer): number {
  const at = raw.indexOf(MARK);
  return at < 0 ? Number.NaN : Number(raw.toString('latin1', at + MARK.length, at + MARK.length + STAMP_WIDTH));
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

interface LatencyRow {
  rate: number;
  sent: number;
  received: number;
  p50: number;
  p99: number;
  /** How far the generator's sends fell behind their schedule (ms): its own stalls, reported, not hidden. */
  lateP99: number;
}

/**
 * Sends `rate` offers per second spread evenly over A→B pairs: offer k is due at start + k/rate and goes out as
 * soon as it is due, one at a time, never saved up into bursts (bursts queue behind each other in the server and
 * inflate every contender's p99 by the burst length). Between sends the loop yields through setImmediate, so the
 * receive side runs between any two sends and takes its timestamps promptly; on one core that is a busy loop,
 * bounded by the phase. Latency = receive time - send time, both performance.now() (monotonic) in this process.
 * Offers that never arrive within SETTLE_MS count as slower than every delivered one, so a server that drops
 * or stalls cannot improve its p99 by losing its slowest messages.
 */
async function latency(c: Contender, ps: Pair[], rate: number): Promise<LatencyRow> {
  const start = performance.now();
  const from = start + 500; // warm-up: only offers sent inside [from, until) count
  const until = from + LATENCY_SECONDS * 1000;
  const samples: number[] = [];
  const listeners = ps.map(({ b }) => {
    const on = (raw: Buffer): void => {
      const now = performance.now();
      const sentAt = stampOf(raw);
      if (sentAt >= from && sentAt < until) samples.push(now - sentAt);
    };
    b.ws.on('message', on);
    return on;
  });
  let sentMeasured = 0;
  const late: number[] = [];
  await new Promise<void>((resolve) => {
    let k = 0;
    const tick = (): void => {
      const now = performance.now();
      if (now >= until) return resolve();
      const due = start + (k * 1000) / rate;
      if (due <= now) {
        const pair = ps[k++ % ps.length] as Pair;
        // Counted by the stamp the receiver will read (rounded to the µs), not by `now`: an offer sent just
        // after `from` whose stamp rounds below it would otherwise count as sent but never as received.
        const stamp = Number(now.toFixed(3));
        pair.a.ws.send(c.protocol.frame(pair.b.address, offer(stamp)));
        if (stamp >= from && stamp < until) {
          sentMeasured++;
          late.push(now - due);
        }
      }
      // At most one send per turn of the event loop, so received offers are timed between any two sends.
      const wait = start + (k * 1000) / rate - now;
      if (wait > 2) setTimeout(tick, wait - 1);
      else setImmediate(tick);
    };
    tick();
  });
  const settle = performance.now() + SETTLE_MS;
  while (samples.length < sentMeasured && performance.now() < settle) await sleep(20);
  ps.forEach(({ b }, i) => b.ws.off('message', listeners[i] as (raw: Buffer) => void));
  const all = samples.slice().sort((x, y) => x - y);
  for (let lost = sentMeasured - samples.length; lost > 0; lost--) all.push(Number.POSITIVE_INFINITY);
  late.sort((x, y) => x - y);
  return {
    rate,
    sent: sentMeasured,
    received: samples.length,
    p50: percentile(all, 50),
    p99: percentile(all, 99),
    lateP99: percentile(late, 99),
  };
}

interface TputRow {
  perSecond: number;
  /** Server CPU time per relayed message (µs): the relay's cost, whatever share of its core the machine gave it. */
  cpuMicros: number;
}

async function throughput(c: Contender, server: Server, ps: Pair[]): Promise<TputRow> {
  let counting = false;
  let received = 0;
  let stop = false;
  const payload = offer(0);
  const listeners = ps.map(({ a, b }) => {
    const frame = c.protocol.frame(b.address, payload);
    const on = (): void => {
      if (counting) received++;
      if (!stop) a.ws.send(frame);
    };
    b.ws.on('message', on);
    for (let i = 0; i < WINDOW; i++) a.ws.send(frame);
    return on;
  });
  await sleep(500);
  counting = true;
  const t0 = performance.now();
  const cpu0 = server.cpuSeconds();
  await sleep(TPUT_SECONDS * 1000);
  counting = false;
  const cpu = server.cpuSeconds() - cpu0;
  const perSecond = received / ((performance.now() - t0) / 1000);
  stop = true;
  await sleep(300);
  ps.forEach(({ b }, i) => b.ws.off('message', listeners[i] as () => void));
  return { perSecond, cpuMicros: received > 0 ? (cpu / received) * 1e6 : Number.NaN };
}

interface Result {
  contender: Contender;
  /** Per step, the median over the idle rounds. */
  idle: IdleRow[];
  idleRounds: IdleRow[][];
  latency: LatencyRow[][]; // [round][rate]
  tput: TputRow[]; // [round]
  /** The 1-minute load average when each round of this contender ended. */
  load: string[];
}

/** One round for one contender: fresh pairs for each figure, so no figure inherits another's backlog. */
/** Runs `use` on fresh sender→receiver pairs in room `label`, closing them afterwards whatever happens. */
async function withPairs<T>(c: Contender, server: Server, label: string, use: (ps: Pair[]) => Promise<T>): Promise<T> {
  const ps = await pairs(c, server.port, label);
  try {
    return await use(ps);
  } finally {
    await closeAll(ps.flatMap(({ a, b }) => [a, b]));
  }
}

async function round(r: Result, server: Server, n: number): Promise<void> {
  const c = r.contender;
  const rows: LatencyRow[] = [];
  for (const rate of RATES) rows.push(await withPairs(c, server, `r${n}lat${rate}`, (ps) => latency(c, ps, rate)));
  r.latency.push(rows);
  r.tput.push(await withPairs(c, server, `r${n}tput`, (ps) => throughput(c, server, ps)));
}

/**
 * One untimed closed-loop pass per server before the first round: each is then measured with its relay path
 * compiled, as a server that has been up for a while runs it, not while its JIT catches up (each server has
 * one core, so compiling in the background takes turns with relaying and showed up in round 1's p99 only).
 */
async function warm(c: Contender, server: Server): Promise<void> {
  await withPairs(c, server, 'warm', (ps) => throughput(c, server, ps));
}

const fixed = (x: number, d: number): string =>
  Number.isFinite(x) ? x.toFixed(d) : x === Number.POSITIVE_INFINITY ? `>${SETTLE_MS}` : '–';
const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

export async function run(): Promise<ScenarioResult> {
  const began = performance.now();
  const log = (line: string): void => console.error(`bench signaling [${((performance.now() - began) / 1000).toFixed(0)} s]: ${line}`);
  if (pinnable) spawnSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const loadAtStart = loadavg();
  const only = process.env.BENCH_SERVERS?.split(',');
  const results: Result[] = contenders
    .filter((c) => !only || only.includes(c.key))
    .map((contender) => ({ contender, idle: [], idleRounds: [], latency: [], tput: [], load: [] }));

  // Idle sockets: a fresh server per contender and round (rotating order), stopped afterwards, so 10k sockets'
  // leftovers never weigh on the relay.
  for (let n = 0; n < IDLE_ROUNDS; n++) {
    for (let i = 0; i < results.length; i++) {
      const r = results[(i + n) % results.length] as Result;
      if (n > 0 && r.contender.key === 'do') continue;
      log(`${r.contender.name}: idle sockets, round ${n + 1}/${IDLE_ROUNDS}`);
      const server = await r.contender.start();
      try {
        r.idleRounds.push(await idle(r.contender, server));
      } finally {
        await server.stop();
      }
      log(`${r.contender.name}: idle ${JSON.stringify(r.idleRounds.at(-1))}`);
    }
  }
  for (const r of results) {
    r.idle = IDLE_STEPS.map((n, step) => {
      const rows = r.idleRounds.map((rows) => rows[step]).filter((x): x is IdleRow => x !== undefined);
      return { n, held: Math.min(...rows.map((x) => x.held)), rssPer1kMiB: median(rows.map((x) => x.rssPer1kMiB)) };
    });
  }

  // Relay: every server up at once (idle ones cost nothing), then ROUNDS rounds in a rotating order.
  const servers: Server[] = [];
  try {
    for (const r of results) servers.push(await r.contender.start());
    for (const [i, r] of results.entries()) {
      log(`${r.contender.name}: warm-up`);
      await warm(r.contender, servers[i] as Server);
    }
    for (let n = 0; n < ROUNDS; n++) {
      for (let i = 0; i < results.length; i++) {
        const at = (i + n) % results.length;
        const r = results[at] as Result;
        await round(r, servers[at] as Server, n);
        const l = r.latency[n] ?? [];
        const t = r.tput[n];
        r.load.push(loadavg().split(' ')[0] ?? '');
        log(
          `round ${n + 1}/${ROUNDS} ${r.contender.name}: ${l.map((x) => `@${x.rate}/s p50 ${fixed(x.p50, 2)} p99 ${fixed(x.p99, 2)} ms (${x.received}/${x.sent}, late p99 ${fixed(x.lateP99, 2)})`).join(', ')}; ${fixed(t?.perSecond ?? Number.NaN, 0)} msg/s, ${fixed(t?.cpuMicros ?? Number.NaN, 1)} µs CPU/msg; load ${loadavg()}`,
        );
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
  return report(results, loadAtStart);
}

function report(results: Result[], loadAtStart: string): ScenarioResult {
  const lat = (r: Result, rate: number, pick: (l: LatencyRow) => number): number =>
    median(
      r.latency
        .map((rows) => rows.find((l) => l.rate === rate))
        .filter((l): l is LatencyRow => l !== undefined)
        .map(pick),
    );
  const idleTable = markdownTable(
    [
      'server',
      ...IDLE_STEPS.map((n) => `held / ${n}`),
      ...IDLE_STEPS.map((n) => `RSS MiB per 1k @${n / 1000}k`),
      `per round @${(IDLE_STEPS.at(-1) ?? 0) / 1000}k`,
    ],
    results.map((r) => [
      r.contender.name,
      ...r.idle.map((x) => String(x.held)),
      ...r.idle.map((x) => fixed(x.rssPer1kMiB, 2)),
      r.idleRounds.map((rows) => fixed(rows.at(-1)?.rssPer1kMiB ?? Number.NaN, 2)).join(', '),
    ]),
  );
  const latencyTable = markdownTable(
    [
      'server',
      ...RATES.flatMap((rate) => [`p50 ms @${rate}/s`, `p99 ms @${rate}/s`, `delivered @${rate}/s`, `sends late p99 ms @${rate}/s`]),
    ],
    results.map((r) => [
      r.contender.name,
      ...RATES.flatMap((rate) => {
        const rows = r.latency.map((x) => x.find((l) => l.rate === rate)).filter((l): l is LatencyRow => l !== undefined);
        const delivered = `${rows.reduce((s, l) => s + l.received, 0)}/${rows.reduce((s, l) => s + l.sent, 0)}`;
        return [
          fixed(
            lat(r, rate, (l) => l.p50),
            2,
          ),
          fixed(
            lat(r, rate, (l) => l.p99),
            2,
          ),
          delivered,
          fixed(
            lat(r, rate, (l) => l.lateP99),
            2,
          ),
        ];
      }),
    ]),
  );
  const tputTable = markdownTable(
    ['server', 'max relayed msg/s (server on one core)', 'server CPU µs per relayed msg', 'per round (msg/s)'],
    results.map((r) => [
      r.contender.name,
      fixed(median(r.tput.map((t) => t.perSecond)), 0),
      fixed(median(r.tput.map((t) => t.cpuMicros)), 1),
      r.tput.map((t) => fixed(t.perSecond, 0)).join(', '),
    ]),
  );

  const roundsTable = markdownTable(
    [
      'round',
      'server',
      'load (1 min) after',
      ...RATES.map((rate) => `p99 ms @${rate}/s`),
      'sends late p99 ms @5000/s',
      'msg/s',
      'CPU µs/msg',
    ],
    Array.from({ length: ROUNDS }, (_, n) =>
      results.map((r) => {
        const l = r.latency[n] ?? [];
        const at = (rate: number): LatencyRow | undefined => l.find((x) => x.rate === rate);
        return [
          String(n + 1),
          r.contender.name,
          r.load[n] ?? '',
          ...RATES.map((rate) => fixed(at(rate)?.p99 ?? Number.NaN, 2)),
          fixed(at(5000)?.lateP99 ?? Number.NaN, 2),
          fixed(r.tput[n]?.perSecond ?? Number.NaN, 0),
          fixed(r.tput[n]?.cpuMicros ?? Number.NaN, 1),
        ];
      }),
    ).flat(),
  );

  const o = results.find((r) => r.contender.key === 'ours');
  const p = results.find((r) => r.contender.key === 'peer');
  const last = IDLE_STEPS.length - 1;
  const tputRatio = o && p ? median(o.tput.map((t) => t.perSecond)) / median(p.tput.map((t) => t.perSecond)) : Number.NaN;
  const p99At5k = o ? lat(o, 5000, (l) => l.p99) : Number.NaN;
  const rssRatio = o && p ? (o.idle[last]?.rssPer1kMiB ?? Number.NaN) / (p.idle[last]?.rssPer1kMiB ?? Number.NaN) : Number.NaN;
  const summary = `signaling_tput_ratio_vs_peerserver=${fixed(tputRatio, 2)} p99_ms_at_5k=${fixed(p99At5k, 2)} rss_per_1k_ratio_vs_peerserver=${fixed(rssRatio, 2)}`;

  const table = [
    '# Signaling server benchmark',
    '',
    `Measured ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, 127.0.0.1 only.`,
    `Load average (1/5/15 min) at the start: ${loadAtStart}; at the end: ${loadavg()}. The machine is shared: other sessions' browser tests run meanwhile.`,
    `Each server in its own process${pinnable ? ' pinned to CPU 0 (taskset); the load generator pinned to CPU 1' : ' (no taskset: not pinned)'}.`,
    'Ours and the Worker run with the per-socket rate limit lifted (the default is 50 frames/s per socket);',
    'PeerServer with `concurrent_limit` and `alive_timeout` raised to hold 10k idle clients. The Durable Object row is workerd under Miniflare',
    'on this machine: local emulation, not Cloudflare. RSS is the server process tree (for Miniflare: node + workerd),',
    'growth over the idle server, divided by thousands of sockets held.',
    '',
    '## Idle WebSockets held, RSS growth per 1,000',
    '',
    `Median of ${IDLE_ROUNDS} rounds, a fresh server each, in a rotating order (the Durable Object: one round); "held" is the fewest held in any round.`,
    '',
    idleTable,
    '',
    `## Relay latency of a ${OFFER_BYTES}-byte offer (${PAIRS} sender→receiver pairs, ${LATENCY_SECONDS} s after 0.5 s warm-up, median of ${ROUNDS} rounds)`,
    '',
    'Sends are spread evenly (offer k at k/rate, one per turn of the event loop, no bursts); latency is receive minus send',
    `time on one monotonic clock (performance.now()), the same code for every contender; offers not delivered within ${SETTLE_MS / 1000} s`,
    'count as slower than any delivered one. "sends late" is how far the generator itself fell behind its schedule.',
    `Before the first round every server relays one untimed closed-loop pass (${TPUT_SECONDS + 0.5} s), so none is measured while its JIT warms up.`,
    '',
    latencyTable,
    '',
    `## Maximum relayed messages/s (closed loop, ${PAIRS} pairs × ${WINDOW} offers in flight, ${TPUT_SECONDS} s, median of ${ROUNDS} rounds)`,
    '',
    "Server CPU µs per relayed message is its process tree's user + system time over the window divided by the messages",
    'relayed: unlike msg/s it does not depend on the share of CPU 0 the other tenants left the server.',
    '',
    tputTable,
    '',
    '## Every round (round n starts with the n-th contender listed, then goes round the list)',
    '',
    roundsTable,
    '',
    'Goals: throughput ≥ 1.0× PeerServer, p99 < 2 ms at 5k msg/s, RSS per 1k ≤ PeerServer.',
    '',
    '```',
    summary,
    '```',
    '',
  ].join('\n');
  return { table, summary };
}
