// Scenario "ring": calling a person through the UI, against joining a room in the same run.
//   ring_ms            A presses Call on B's link → B's incoming-call screen is in B's page (both epoch clocks).
//   accept_to_frame_ms B presses Accept → B's first remote video frame (both sides then join the ring's room).
//   setup_ms           B presses Join on a room link A waits in → B's first remote frame (bench "setup"'s "ours").
// Runs interleave ring and setup, every run with fresh browser contexts; the same probe (bench/pages/probe.ts)
// takes every click and frame timestamp. Goals (issue 16): ring_ms ≤ 300 on a LAN, accept_to_frame ≤ 1.1 × setup.
import { cpus, loadavg } from 'node:os';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './lib/browser.ts';
import { bundlePages } from './lib/pages.ts';
import { benchHost, buildIfStale, startOurServer, type Running } from './lib/servers.ts';
import { markdownTable, median, ms, scenarioResult, type ScenarioResult } from './lib/stats.ts';

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 7));
const WARMUP_ROUNDS = 1;
const STEP_TIMEOUT = 30_000;
const SETTLE_MS = 500;

interface RingSample {
  ring: number;
  acceptToFrame: number;
}

// Records when B's incoming-call screen first exists, polling every few ms (a MutationObserver cannot see into
// the shadow roots the screen is rendered in without knowing them).
const WATCH_RING = `(() => {
  const find = () => document.querySelector('call-app')?.shadowRoot?.querySelector('incoming-call');
  const tick = () => { if (find()) window.__ringShownAt = performance.timeOrigin + performance.now(); else setTimeout(tick, 2); };
  tick();
})()`;

declare global {
  interface Window {
    __ringShownAt?: number;
  }
}

async function newPage(browser: Browser, probe: string, contexts: BrowserContext[], origin: string): Promise<Page> {
  const context = await browser.newContext();
  await context.grantPermissions(['camera', 'microphone', 'clipboard-read', 'clipboard-write'], { origin });
  contexts.push(context);
  await context.addInitScript({ content: probe });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  return page;
}

async function marks(page: Page): Promise<{ click?: number; frame?: number }> {
  return page.evaluate(() => ({ click: window.__bench.marks.click, frame: window.__bench.marks.frame }));
}

async function ringOnce(browser: Browser, probe: string, origin: string): Promise<RingSample> {
  const contexts: BrowserContext[] = [];
  try {
    const b = await newPage(browser, probe, contexts, origin);
    const a = await newPage(browser, probe, contexts, origin);
    await b.goto(`${origin}/me`);
    await b.getByRole('textbox', { name: 'Your name' }).fill('Bob');
    await b.getByText('Online: your link rings here.').waitFor();
    await b.getByRole('button', { name: 'Copy link' }).click();
    await b.waitForFunction(async () => (await navigator.clipboard.readText()).includes('/call#'));
    const link = await b.evaluate(() => navigator.clipboard.readText());
    await a.goto(link);
    await a.getByRole('textbox', { name: 'Your name' }).fill('Alice');
    await a.waitForTimeout(SETTLE_MS);
    await b.evaluate(WATCH_RING);
    await a.evaluate(() => window.__bench.arm());
    await a.getByRole('button', { name: 'Call', exact: true }).click();
    await b.waitForFunction(() => window.__ringShownAt !== undefined);
    const ringShown = await b.evaluate(() => window.__ringShownAt ?? NaN);
    const calledAt = (await marks(a)).click ?? NaN;
    await b.waitForTimeout(SETTLE_MS);
    await b.evaluate(() => window.__bench.arm());
    await b.getByRole('button', { name: 'Accept' }).click();
    await b.waitForFunction(() => window.__bench.marks.frame !== undefined);
    const bm = await marks(b);
    if (bm.click === undefined || bm.frame === undefined) throw new Error('ring: B marks missing');
    if (process.env.BENCH_STEPS) {
      for (const [who, page] of [
        ['A', a],
        ['B', b],
      ] as const) {
        const all = await page.evaluate(() => window.__bench.marks);
        console.error(
          who,
          Object.entries(all)
            .map(([k, v]) => `${k}=${Math.round((v ?? 0) - (bm.click ?? 0))}`)
            .join(' '),
        );
      }
    }
    return { ring: ringShown - calledAt, acceptToFrame: bm.frame - bm.click };
  } finally {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  }
}

async function setupOnce(browser: Browser, probe: string, origin: string): Promise<number> {
  const contexts: BrowserContext[] = [];
  try {
    const a = await newPage(browser, probe, contexts, origin);
    const b = await newPage(browser, probe, contexts, origin);
    await a.goto(`${origin}/`);
    await a.getByRole('button', { name: 'Start a call' }).click();
    await a.waitForURL(/\/r\/[A-Za-z0-9_-]+/);
    await a.getByRole('textbox', { name: 'Your name' }).fill('Alice');
    await a.getByRole('button', { name: 'Join', exact: true }).click();
    await a.waitForFunction(() => window.__bench.marks.gum !== undefined && window.__bench.marks.wsMessage !== undefined);
    await a.waitForTimeout(SETTLE_MS);
    await b.goto(a.url());
    await b.getByRole('textbox', { name: 'Your name' }).fill('Bob');
    const join = b.getByRole('button', { name: 'Join', exact: true });
    await join.waitFor();
    await b.waitForTimeout(SETTLE_MS);
    await b.evaluate(() => window.__bench.arm());
    await join.click();
    await b.waitForFunction(() => window.__bench.marks.frame !== undefined);
    const bm = await marks(b);
    if (bm.click === undefined || bm.frame === undefined) throw new Error('setup: B marks missing');
    return bm.frame - bm.click;
  } finally {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  }
}

export async function run(): Promise<ScenarioResult> {
  const host = benchHost();
  const log = (line: string): void => console.error(`[ring] ${line}`);
  buildIfStale(log);
  const { probe } = await bundlePages();
  let server: Running | null = null;
  let browser: Browser | null = null;
  try {
    server = await startOurServer(host);
    browser = await launchChromium([server.origin]);
    const loadBefore = loadavg()[0] ?? 0;
    const rings: RingSample[] = [];
    const setups: number[] = [];
    for (let round = -WARMUP_ROUNDS; round < RUNS; round++) {
      const r = await ringOnce(browser, probe, server.origin);
      const s = await setupOnce(browser, probe, server.origin);
      log(
        `${round < 0 ? 'warm-up' : `run ${round + 1}/${RUNS}`}: ring ${ms(r.ring)} ms, accept→frame ${ms(r.acceptToFrame)} ms, setup ${ms(s)} ms`,
      );
      if (round < 0) continue;
      rings.push(r);
      setups.push(s);
    }
    const ring = median(rings.map((r) => r.ring));
    const accept = median(rings.map((r) => r.acceptToFrame));
    const setup = median(setups);
    const all = (xs: number[]): string => xs.map(ms).join(', ');
    const table = markdownTable(
      ['figure', 'median ms', 'every run (ms)', 'goal'],
      [
        ['ring: Call pressed → ring shown', ms(ring), all(rings.map((r) => r.ring)), '≤ 300'],
        [
          'accept → first remote frame',
          ms(accept),
          all(rings.map((r) => r.acceptToFrame)),
          `≤ 1.1 × setup (${(accept / setup).toFixed(2)}×)`,
        ],
        ['setup: Join → first remote frame (baseline)', ms(setup), all(setups), ''],
      ],
    );
    return scenarioResult(
      [
        '# Benchmark: ringing a person',
        '',
        'Through the UI of the built app and the real server: B has "My call link" open; A opens it, presses Call;',
        "B presses Accept and both go into the ring's private room. The baseline, in the same run, is the room join",
        'of bench "setup" (B presses Join while A waits in the call).',
        '',
        table,
        '',
        '## Conditions',
        '',
        `- Chromium ${browser.version()} headless, fake camera/microphone, fresh contexts per run, inside a private network namespace.`,
        `- ${RUNS} runs after ${WARMUP_ROUNDS} warm-up round, ring and setup interleaved; ${SETTLE_MS} ms idle before each measured click.`,
        `- Machine: ${cpus().length} cores, 1-minute load average ${loadBefore.toFixed(1)} before and ${(loadavg()[0] ?? 0).toFixed(1)} after.`,
      ],
      `ring_ms=${ms(ring)} accept_to_frame_ms=${ms(accept)} setup_ms=${ms(setup)}`,
    );
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop().catch(() => {});
  }
}
