// Scenario "mesh": 2, 3 and 4 participants, our app against a textbook raw RTCPeerConnection mesh
// (bench/pages/raw-mesh.ts), interleaved. For each size, the last one to arrive clicks Join while the others
// already talk; we time Join -> first remote frame and -> every remote video decoding.
// Then, with everyone in our app, each sender's outgoing bitrate per peer is read from the app's own uplink
// report (getStats, bytes sent between two polls) and checked against the uplink budget it split (bitrate.ts).
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, TRACE_CATEGORIES } from './lib/browser.ts';
import { bundlePages } from './lib/pages.ts';
import { startRelay, type Relay } from './lib/relay.ts';
import { benchHost, buildIfStale, startOurServer, type Running } from './lib/servers.ts';
import { markdownTable, median, ms, scenarioResult, type ScenarioResult } from './lib/stats.ts';

const SIZES = (process.env.BENCH_MESH_SIZES ?? '2,3,4').split(',').map(Number);
const STEP_TIMEOUT = 60_000;
/** Bandwidth estimation ramps up over seconds; measure once it had time to reach the caps. */
const RAMP_MS = 12_000;
const SAMPLES = 3;
/** Interleaved rounds per size and contender; the median is reported. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
/** BENCH_TRACE=<file>: a Chrome trace (every page) of each contender's and size's last round, to <file>.<name>.<N>.json. */
const TRACE = process.env.BENCH_TRACE;
const NAMES = ['Ann', 'Bea', 'Cid', 'Dan'];

interface UplinkReport {
  budgetBps: number;
  peers: { key: string; videoBps: number; sentBps: number; maxBitrate: number; paused: boolean }[];
}

interface SizeResult {
  n: number;
  firstFrameMs: number;
  allFramesMs: number;
  /** Per sender: mean per-peer video bps, mean total sent bps, the per-peer cap, the budget. */
  senders: { name: string; perPeerVideo: number[]; totalBps: number; maxBitrate: number; budgetBps: number }[];
}

interface Contender {
  name: 'ours' | 'raw';
  /** A fresh room's link. */
  room(): string;
  /** Opens the link, fills whatever comes before Join, and waits until Join can be pressed. */
  open(page: Page, url: string, name: string): Promise<void>;
}

const token = (): string => randomBytes(16).toString('base64url');

function contenders(ours: Running, relay: Relay): Contender[] {
  return [
    {
      name: 'ours',
      room: () => `${ours.origin}/r/${token()}#${token()}`,
      async open(page, url, name) {
        await page.goto(url, { waitUntil: 'domcontentloaded' });
        await page.getByRole('textbox', { name: 'Your name' }).fill(name);
        // Ready when the pre-join preview has the camera (the probe marks getUserMedia, where it is injected).
        await page.waitForFunction(() => window.__bench === undefined || window.__bench.marks.gum !== undefined);
      },
    },
    {
      name: 'raw',
      room: () => `${relay.origin}/raw-mesh?room=${token()}`,
      async open(page, url) {
        await page.goto(url, { waitUntil: 'domcontentloaded' });
      },
    },
  ];
}

const joinButton = (page: Page) => page.getByRole('button', { name: 'Join', exact: true });

/** Frames decoded by each remote tile's video, by tile name. */
function remoteFrames(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const out: number[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) walk(el.shadowRoot);
        if (el.getAttribute('role') === 'group' && !(el.getAttribute('aria-label') ?? '(you)').endsWith('(you)')) {
          const v = el.querySelector('video');
          out.push(v ? v.getVideoPlaybackQuality().totalVideoFrames : 0);
        }
      }
    };
    walk(document);
    return out;
  });
}

async function waitAllDecoding(page: Page, remotes: number): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT;
  while ((await remoteFrames(page)).filter((n) => n > 0).length < remotes) {
    if (Date.now() > deadline) throw new Error(`${remotes} remote videos not decoding after ${STEP_TIMEOUT} ms`);
    await page.waitForTimeout(50);
  }
}

function uplink(page: Page): Promise<UplinkReport | null> {
  return page.evaluate(() => {
    const app = document.querySelector('call-app') as (Element & { call?: { uplink(): UplinkReport | null } }) | null;
    return app?.call?.uplink() ?? null;
  });
}

async function runSize(
  browser: Browser,
  who: Contender,
  probe: string,
  n: number,
  uplinkToo: boolean,
  tracePath?: string,
): Promise<SizeResult> {
  const contexts: BrowserContext[] = [];
  try {
    const url = who.room();
    const pages: Page[] = [];
    for (let i = 0; i < n; i++) {
      const context = await browser.newContext();
      contexts.push(context);
      // tsx names the functions passed to page.evaluate with a helper the page lacks.
      await context.addInitScript('globalThis.__name = (fn) => fn;');
      if (i === n - 1) await context.addInitScript({ content: probe });
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT);
      pages.push(page);
    }
    const early = pages.slice(0, -1);
    for (const [i, page] of early.entries()) {
      await who.open(page, url, NAMES[i] ?? `P${i}`);
      await joinButton(page).click();
    }
    for (const page of early) await waitAllDecoding(page, early.length - 1);

    const last = pages[n - 1] as Page;
    // Started before the last page opens: starting the CPU profiler interrupts every page's thread for a while.
    if (tracePath) await browser.startTracing(undefined, { path: tracePath, categories: TRACE_CATEGORIES });
    await who.open(last, url, NAMES[n - 1] ?? 'Last');
    await last.waitForTimeout(500);
    await last.evaluate(() => window.__bench.arm());
    await joinButton(last).click();
    // "All" is the latest of the remote tiles' first frames, as the probe saw them presented; a DOM walk polled
    // from here would add its own period and the walk's cost, which grows with the page's DOM.
    await last
      .waitForFunction((remotes) => Object.keys(window.__bench.tileFrames).length >= remotes, n - 1, { timeout: STEP_TIMEOUT })
      .catch(() => {
        throw new Error(`${n - 1} remote videos not all showing frames after ${STEP_TIMEOUT} ms`);
      });
    if (tracePath) await browser.stopTracing();
    const { marks, allAt } = await last.evaluate(() => ({
      marks: { ...window.__bench.marks },
      allAt: Math.max(...Object.values(window.__bench.tileFrames)),
    }));
    if (marks.click === undefined || marks.frame === undefined) throw new Error('probe marks missing');
    for (const page of early) await waitAllDecoding(page, n - 1);
    const timing = { n, firstFrameMs: marks.frame - marks.click, allFramesMs: allAt - marks.click };
    if (!uplinkToo) return { ...timing, senders: [] };

    await last.waitForTimeout(RAMP_MS);
    const sums = pages.map(() => ({ video: new Map<string, number>(), total: 0, maxBitrate: 0, budget: 0 }));
    for (let s = 0; s < SAMPLES; s++) {
      for (const [i, page] of pages.entries()) {
        const r = await uplink(page);
        if (!r) throw new Error(`no uplink report from ${NAMES[i]}`);
        const acc = sums[i]!;
        acc.budget = r.budgetBps;
        for (const p of r.peers) {
          acc.video.set(p.key, (acc.video.get(p.key) ?? 0) + p.videoBps / SAMPLES);
          acc.total += p.sentBps / SAMPLES;
          acc.maxBitrate = p.maxBitrate;
        }
      }
      await last.waitForTimeout(2_100);
    }
    for (const page of pages) if ((await remoteFrames(page)).length !== n - 1) throw new Error('wrong number of remote tiles');
    return {
      ...timing,
      senders: sums.map((acc, i) => ({
        name: NAMES[i] ?? `P${i}`,
        perPeerVideo: [...acc.video.values()],
        totalBps: acc.total,
        maxBitrate: acc.maxBitrate,
        budgetBps: acc.budget,
      })),
    };
  } finally {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  }
}

const kbps = (bps: number): string => (bps / 1000).toFixed(0);

export async function run(): Promise<ScenarioResult> {
  const host = benchHost();
  buildIfStale((line) => console.error(`[mesh] ${line}`));
  const loadBefore = loadavg()[0] ?? 0;
  const bundles = await bundlePages();
  const medians = new Map<number, number>();
  let server: Running | null = null;
  let relay: Relay | null = null;
  let browser: Browser | null = null;
  try {
    server = await startOurServer(host);
    relay = await startRelay(host, bundles);
    browser = await launchChromium([server.origin, relay.origin]);
    const results: SizeResult[] = [];
    const rows: string[][] = [];
    for (const n of SIZES) {
      const times = new Map<string, SizeResult[]>();
      for (let round = 0; round < ROUNDS; round++) {
        for (const who of contenders(server, relay)) {
          const trace = TRACE && round === ROUNDS - 1 ? `${TRACE}.${who.name}.${n}.json` : undefined;
          const r = await runSize(browser, who, bundles.probe, n, who.name === 'ours' && round === 0, trace);
          console.error(
            `[mesh] N=${n} ${who.name} round ${round + 1}/${ROUNDS}: first remote frame ${ms(r.firstFrameMs)} ms, all ${ms(r.allFramesMs)} ms`,
          );
          times.set(who.name, [...(times.get(who.name) ?? []), r]);
          if (r.senders.length > 0) results.push(r);
        }
      }
      const med = (who: string, pick: (r: SizeResult) => number): number => median((times.get(who) ?? []).map(pick));
      const first = [med('ours', (r) => r.firstFrameMs), med('raw', (r) => r.firstFrameMs)] as const;
      const all = [med('ours', (r) => r.allFramesMs), med('raw', (r) => r.allFramesMs)] as const;
      medians.set(n, all[0]);
      rows.push([
        String(n),
        ms(first[0]),
        ms(first[1]),
        (first[0] / first[1]).toFixed(2),
        ms(all[0]),
        ms(all[1]),
        (all[0] / all[1]).toFixed(2),
      ]);
    }
    const setupTable = markdownTable(
      [
        'participants',
        'ours: Join -> first remote frame (ms)',
        'raw mesh',
        'ratio',
        'ours: Join -> all remote videos (ms)',
        'raw mesh',
        'ratio',
      ],
      rows,
    );
    let within = true;
    const uplinkRows = results.flatMap((r) =>
      r.senders.map((s) => {
        const ok = s.totalBps <= s.budgetBps;
        within &&= ok;
        return [
          String(r.n),
          s.name,
          s.perPeerVideo.map(kbps).join(' / '),
          kbps(s.maxBitrate),
          kbps(s.totalBps),
          kbps(s.budgetBps),
          ok ? 'yes' : 'NO',
        ];
      }),
    );
    const uplinkTable = markdownTable(
      ['N', 'sender', 'video to each peer (kbps)', 'cap per peer (kbps)', 'total uplink (kbps)', 'budget (kbps)', 'within'],
      uplinkRows,
    );
    const mesh4 = medians.get(4);
    const summary = `mesh4_setup_ms=${mesh4 !== undefined ? mesh4.toFixed(0) : 'n/a'} uplink_within_budget=${within ? 1 : 0}`;
    return scenarioResult(
      [
        '# Benchmark: mesh',
        '',
        `Our app against a textbook raw RTCPeerConnection mesh (bench/pages/raw-mesh.ts: addTrack, trickle ICE over a bare`,
        `relay, no encryption), ${ROUNDS} interleaved rounds per size, medians. For each room size N the last participant`,
        "clicks Join while the others already talk; first remote frame is the probe's requestVideoFrameCallback mark,",
        '"all" is when the last remote tile presented its first frame (the same probe, per tile).',
        '',
        setupTable,
        '',
        '## Uplink budget',
        '',
        `Each sender splits its uplink budget over its N-1 peers (audio first, RTCRtpSender.setParameters maxBitrate`,
        `and scaleResolutionDownBy). Bitrates are the app's own getStats readings (payload bytes between 2 s polls),`,
        `averaged over ${SAMPLES} polls taken ${RAMP_MS / 1000} s after everyone decoded everyone. Total includes audio.`,
        `On this machine every participant's encoders share 2 cores, so the measured bitrates sit below the caps the app`,
        `applies (cap per peer = what it sets with setParameters); the split itself is unit-tested in test/unit/bitrate.test.ts.`,
        '',
        uplinkTable,
        '',
        '## Conditions',
        '',
        `- Chromium ${browser.version()} headless, fake 1280x720 camera, one browser, a context per participant, inside the network namespace (${host}).`,
        `- Machine: ${cpus().length} cores shared by every participant; setup times are wall clock; 1-minute load average ${loadBefore.toFixed(1)} before, ${(loadavg()[0] ?? 0).toFixed(1)} after.`,
      ],
      summary,
    );
  } finally {
    await browser?.close().catch(() => {});
    await relay?.close().catch(() => {});
    await server?.stop().catch(() => {});
  }
}
