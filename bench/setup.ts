// Scenario "setup": time from B pressing Join to the first remote video frame B shows, while A is already
// waiting in the call. Contenders: our app (built, served by our server), a raw RTCPeerConnection page,
// simple-peer 9 and PeerJS 1.5. Runs are interleaved; every run gets fresh browser contexts; the same
// probe (bench/pages/probe.ts) takes every timestamp, so the measurement is identical across contenders.
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { MarkName } from './pages/probe.ts';
import { launchChromium, TRACE_CATEGORIES } from './lib/browser.ts';
import { bundlePages, type Bundles } from './lib/pages.ts';
import { startRelay, type Relay } from './lib/relay.ts';
import { benchHost, buildIfStale, startOurServer, startPeerServer, type Running } from './lib/servers.ts';
import { markdownTable, median, ms, scenarioResult, type ScenarioResult } from './lib/stats.ts';

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 7));
const WARMUP_ROUNDS = 1;
const STEP_TIMEOUT = 30_000;
/** A idles this long in the call before B joins; B idles this long on its ready pre-join screen. */
const SETTLE_MS = 500;
/** BENCH_TRACE=<file>: a Chrome trace (both renderers) of the last run of each contender, written to <file>.<name>.json. */
const TRACE = process.env.BENCH_TRACE;

type Marks = Partial<Record<MarkName, number>>;

interface Contender {
  name: string;
  /** Opens A's page, joins, and returns the URL that B opens. */
  startA(page: Page): Promise<string>;
  /** Opens B's page and fills whatever comes before Join. */
  prepareB(page: Page, url: string): Promise<void>;
}

interface Servers {
  relay: Relay;
  peer: Running & { port: number };
  ours: Running | null;
}

const join = (page: Page) => page.getByRole('button', { name: 'Join', exact: true });
// Hex: PeerJS rejects ids that start or end with '-' or '_'.
const token = (): string => randomBytes(12).toString('hex');

function contenders(s: Servers): Contender[] {
  const relayPage = (name: string, pageName = name, flags = ''): Contender => ({
    name,
    async startA(page) {
      const url = `${s.relay.origin}/${pageName}?room=${token()}${flags}`;
      await page.goto(url);
      await join(page).click();
      return url;
    },
    async prepareB(page, url) {
      await page.goto(url);
    },
  });
  const peerjs: Contender = {
    name: 'peerjs',
    async startA(page) {
      const a = token();
      const common = `${s.relay.origin}/peerjs?peerPort=${s.peer.port}`;
      await page.goto(`${common}&id=${a}`);
      await join(page).click();
      return `${common}&id=${token()}&callee=${a}`;
    },
    async prepareB(page, url) {
      await page.goto(url);
    },
  };
  const list = [relayPage('raw')];
  // Only on request (BENCH_CONTENDERS): the raw page with our app's structural choices, to find their cost.
  const experiments = [
    relayPage('raw-waiting-offers', 'raw', '&offerer=waiting'),
    relayPage('raw-transceivers', 'raw', '&transceivers=1'),
    relayPage('raw-dc', 'raw', '&dc=1'),
    relayPage('raw-own-stream', 'raw', '&stream=own'),
    relayPage('raw-like-ours', 'raw', '&offerer=waiting&transceivers=1&dc=1&stream=own'),
  ];
  const ours = s.ours;
  if (ours) {
    list.push({
      name: 'ours',
      async startA(page) {
        await page.goto(`${ours.origin}/`);
        await page.getByRole('button', { name: 'Start a call' }).click();
        await page.waitForURL(/\/r\/[A-Za-z0-9_-]+/, { timeout: STEP_TIMEOUT });
        await page.getByRole('textbox', { name: 'Your name' }).fill('Alice');
        await join(page).click();
        return page.url();
      },
      async prepareB(page, url) {
        await page.goto(url);
        await page.getByRole('textbox', { name: 'Your name' }).fill('Bob');
      },
    });
  }
  list.push(relayPage('simple-peer'), peerjs);
  const only = process.env.BENCH_CONTENDERS?.split(',');
  return only ? [...list, ...experiments].filter((c) => only.includes(c.name)) : list;
}

interface Sample {
  /** B's click to B's first remote frame: the figure. */
  b: number;
  /** B's click to A's first frame of B (two pages, one clock). */
  a: number;
  /** Every mark relative to B's click, prefixed A. or B. */
  steps: Record<string, number>;
  /** Size of the first remote frame B showed. */
  size: string;
}

async function marksOf(page: Page): Promise<{ marks: Marks; tile: string | null; size: string | null }> {
  return page.evaluate(() => ({ marks: { ...window.__bench.marks }, tile: window.__bench.frameTile, size: window.__bench.frameSize }));
}

async function newPage(browser: Browser, probe: string, log: string[], who: string): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext();
  await context.addInitScript({ content: probe });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  page.on('console', (m) => log.push(`${who} ${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`${who} pageerror: ${e.message}`));
  return [context, page];
}

async function runOnce(browser: Browser, probe: string, c: Contender, tracePath?: string): Promise<Sample> {
  const log: string[] = [];
  const contexts: BrowserContext[] = [];
  try {
    const [ctxA, pageA] = await newPage(browser, probe, log, 'A');
    const [ctxB, pageB] = await newPage(browser, probe, log, 'B');
    contexts.push(ctxA, ctxB);
    const url = await c.startA(pageA);
    // "In the call": A has its camera and has heard back from its signaling server.
    await pageA.waitForFunction(() => window.__bench.marks.gum !== undefined && window.__bench.marks.wsMessage !== undefined, null, {
      timeout: STEP_TIMEOUT,
    });
    await pageA.waitForTimeout(SETTLE_MS);
    await c.prepareB(pageB, url);
    const button = join(pageB);
    await button.waitFor({ state: 'visible' });
    await pageB.waitForFunction((el) => !(el as HTMLButtonElement).disabled, await button.elementHandle(), { timeout: STEP_TIMEOUT });
    await pageB.waitForTimeout(SETTLE_MS);
    await pageB.evaluate(() => window.__bench.arm());
    if (tracePath) await browser.startTracing(undefined, { path: tracePath, categories: TRACE_CATEGORIES });
    await button.click();
    await pageB.waitForFunction(() => window.__bench.marks.frame !== undefined, null, { timeout: STEP_TIMEOUT });
    await pageA.waitForFunction(() => window.__bench.marks.frame !== undefined, null, { timeout: STEP_TIMEOUT });
    if (tracePath) await browser.stopTracing();
    const [a, b] = await Promise.all([marksOf(pageA), marksOf(pageB)]);
    const t0 = b.marks.click;
    if (t0 === undefined || b.marks.frame === undefined || a.marks.frame === undefined) throw new Error('marks missing');
    if (c.name === 'ours' && b.tile !== 'Alice') throw new Error(`B's first remote frame was not in Alice's tile (${b.tile})`);
    const steps: Record<string, number> = {};
    for (const [who, m] of [
      ['A', a.marks],
      ['B', b.marks],
    ] as const) {
      for (const [k, v] of Object.entries(m)) steps[`${who}.${k}`] = v - t0;
    }
    return { b: b.marks.frame - t0, a: a.marks.frame - t0, steps, size: b.size ?? '?' };
  } catch (err) {
    for (const ctx of contexts) {
      const marks = await ctx
        .pages()[0]
        ?.evaluate(() => JSON.stringify(window.__bench.marks))
        .catch(() => '?');
      log.push(`${ctx === contexts[0] ? 'A' : 'B'} marks: ${marks}`);
    }
    const detail = log.slice(-40).join('\n');
    throw new Error(`${c.name}: ${err instanceof Error ? err.message : String(err)}\n--- page console ---\n${detail}`, { cause: err });
  } finally {
    await Promise.all(contexts.map((ctx) => ctx.close().catch(() => {})));
  }
}

/** The steps worth showing, in the order they happen in a textbook call setup. */
const STEPS = [
  'B.gum',
  'B.wsOpen',
  'B.wsMessage',
  'B.localOffer',
  'A.remoteOffer',
  'A.localAnswer',
  'A.localOffer',
  'B.remoteOffer',
  'B.localAnswer',
  'A.remoteAnswer',
  'B.remoteAnswer',
  'A.iceConnected',
  'B.iceConnected',
  'B.connected',
  'B.track',
  'B.decoded',
  'B.frameReceived',
  'B.playing',
  'B.frame',
  'A.frame',
];

function report(names: string[], samples: Map<string, Sample[]>, notes: string[]): ScenarioResult {
  const med = (name: string, pick: (s: Sample) => number): number => median((samples.get(name) ?? []).map(pick));
  const raw = med('raw', (s) => s.b);
  const rows = names.map((name) => {
    const bs = (samples.get(name) ?? []).map((s) => s.b);
    const m = median(bs);
    const sizes = [...new Set((samples.get(name) ?? []).map((s) => s.size))].join(', ');
    return [name, ms(m), `${ms(Math.min(...bs))} / ${ms(Math.max(...bs))}`, (m / raw).toFixed(2), ms(med(name, (s) => s.a)), sizes];
  });
  const main = markdownTable(['contender', 'median ms', 'min / max ms', 'ratio vs raw', 'A sees B, median ms', 'first frame'], rows);
  const stepRows = STEPS.map((step) => [
    step,
    ...names.map((name) => {
      const xs = (samples.get(name) ?? []).map((s) => s.steps[step]).filter((x): x is number => x !== undefined);
      return xs.length ? ms(median(xs)) : '';
    }),
  ]);
  const steps = markdownTable(['step (ms after B clicks Join, median)', ...names], stepRows);
  const perRun = markdownTable(
    ['contender', 'B first frame, every run (ms)'],
    names.map((name) => [name, (samples.get(name) ?? []).map((s) => ms(s.b)).join(', ')]),
  );
  const ours = med('ours', (s) => s.b);
  const summary = Number.isFinite(ours) ? `setup_ratio_vs_raw=${(ours / raw).toFixed(2)}` : 'setup_ratio_vs_raw=n/a (ours not run)';
  return scenarioResult(
    [
      '# Benchmark: call setup',
      '',
      'Time from B clicking Join to the first decoded remote video frame B shows (requestVideoFrameCallback',
      "presentationTime on the video in A's tile), while A already waits in the call. Two participants.",
      '',
      main,
      '',
      '## Where the time goes',
      '',
      'First occurrence of each event, measured by the same injected probe in every contender. Negative: before',
      'the click (e.g. a camera preview on the pre-join screen). Empty: the contender never did it on that side.',
      '',
      steps,
      '',
      perRun,
      '',
      '## Conditions',
      '',
      ...notes.map((n) => `- ${n}`),
    ],
    summary,
  );
}

export async function run(): Promise<ScenarioResult> {
  const host = benchHost();
  const log = (line: string): void => console.error(`[setup] ${line}`);
  const withOurs = !process.env.BENCH_CONTENDERS || process.env.BENCH_CONTENDERS.split(',').includes('ours');
  if (withOurs) buildIfStale(log);
  const bundles: Bundles = await bundlePages();
  const stops: (() => Promise<void>)[] = [];
  let browser: Browser | null = null;
  try {
    const relay = await startRelay(host, bundles);
    stops.push(() => relay.close());
    const peer = await startPeerServer(host);
    stops.push(() => peer.stop());
    let ours: Running | null = null;
    if (withOurs) {
      ours = await startOurServer(host);
      stops.push(() => (ours as Running).stop());
    }
    const list = contenders({ relay, peer, ours });
    if (!list.some((c) => c.name === 'raw')) throw new Error('the raw baseline must run: every ratio is against it');
    browser = await launchChromium([relay.origin, ...(ours ? [ours.origin] : [])]);
    const loadBefore = loadavg()[0] ?? 0;
    const samples = new Map<string, Sample[]>(list.map((c) => [c.name, []]));
    for (let round = -WARMUP_ROUNDS; round < RUNS; round++) {
      for (const c of list) {
        const s = await runOnce(browser, bundles.probe, c, TRACE && round === RUNS - 1 ? `${TRACE}.${c.name}.json` : undefined);
        log(`${round < 0 ? 'warm-up' : `run ${round + 1}/${RUNS}`} ${c.name}: ${ms(s.b)} ms (A sees B ${ms(s.a)} ms)`);
        if (round >= 0) samples.get(c.name)?.push(s);
      }
    }
    const notes = [
      `Chromium ${browser.version()} headless, fake camera/microphone, one browser, two fresh contexts per run, ` +
        `inside a private network namespace (host candidates on ${host}, no STUN/TURN for any contender).`,
      `${RUNS} runs per contender after ${WARMUP_ROUNDS} warm-up round, interleaved (${list.map((c) => c.name).join(', ')}, ...).`,
      'Every contender asks for the same media as our app: audio with echo cancellation and noise suppression, ' +
        'video ideal 1280x720 at 30 fps (the fake device grants it); "first frame" is the size B decoded first.',
      'Baselines open their socket and the camera in parallel on Join; the newcomer B offers (simple-peer: B is ' +
        'initiator; PeerJS: B calls A by id). Raw and simple-peer use a bench-only ws relay, PeerJS a local PeerServer.',
      `A idles ${SETTLE_MS} ms in the call before B opens the room; B idles ${SETTLE_MS} ms on its ready pre-join screen before the click.`,
      `Machine: ${cpus().length} cores, 1-minute load average ${loadBefore.toFixed(1)} before and ` +
        `${(loadavg()[0] ?? 0).toFixed(1)} after (other work shares the machine); figures are wall-clock, both peers on the same cores.`,
    ];
    return report(
      list.map((c) => c.name),
      samples,
      notes,
    );
  } finally {
    await browser?.close().catch(() => {});
    for (const stop of stops.reverse()) await stop().catch(() => {});
  }
}
