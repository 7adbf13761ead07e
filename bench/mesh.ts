// Scenario "mesh": our app with 2, 3 and 4 participants. For each size, the last one to arrive clicks Join
// while the others already talk; we time Join -> first remote frame and -> every remote video decoding.
// Then, with everyone in, each sender's outgoing bitrate per peer is read from the app's own uplink report
// (getStats, bytes sent between two polls) and checked against the uplink budget it split (bitrate.ts).
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './lib/browser.ts';
import { bundlePages } from './lib/pages.ts';
import { benchHost, buildIfStale, startOurServer, type Running } from './lib/servers.ts';
import { markdownTable, median, ms } from './lib/stats.ts';

const SIZES = [2, 3, 4] as const;
const STEP_TIMEOUT = 60_000;
/** Bandwidth estimation ramps up over seconds; measure once it had time to reach the caps. */
const RAMP_MS = 12_000;
const SAMPLES = 3;
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

async function join(page: Page, url: string, name: string): Promise<void> {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.getByRole('textbox', { name: 'Your name' }).fill(name);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
}

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

async function runSize(browser: Browser, origin: string, probe: string, n: number): Promise<SizeResult> {
  const contexts: BrowserContext[] = [];
  try {
    const url = `${origin}/r/${randomBytes(16).toString('base64url')}#${randomBytes(16).toString('base64url')}`;
    const pages: Page[] = [];
    for (let i = 0; i < n; i++) {
      const context = await browser.newContext();
      contexts.push(context);
      if (i === n - 1) await context.addInitScript({ content: probe });
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT);
      pages.push(page);
    }
    const early = pages.slice(0, -1);
    for (const [i, page] of early.entries()) await join(page, url, NAMES[i] ?? `P${i}`);
    for (const page of early) await waitAllDecoding(page, early.length - 1);

    const last = pages[n - 1] as Page;
    await last.goto(url, { waitUntil: 'domcontentloaded' });
    await last.getByRole('textbox', { name: 'Your name' }).fill(NAMES[n - 1] ?? 'Last');
    const button = last.getByRole('button', { name: 'Join', exact: true });
    await last.waitForFunction(() => window.__bench.marks.gum !== undefined);
    await last.waitForTimeout(500);
    await last.evaluate(() => window.__bench.arm());
    await button.click();
    await last.waitForFunction(() => window.__bench.marks.frame !== undefined, null, { timeout: STEP_TIMEOUT });
    await waitAllDecoding(last, n - 1);
    const allAt = await last.evaluate(() => performance.timeOrigin + performance.now());
    const marks = await last.evaluate(() => ({ ...window.__bench.marks }));
    if (marks.click === undefined || marks.frame === undefined) throw new Error('probe marks missing');
    for (const page of early) await waitAllDecoding(page, n - 1);

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
      n,
      firstFrameMs: marks.frame - marks.click,
      allFramesMs: allAt - marks.click,
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

export async function run(): Promise<{ table: string; summary: string }> {
  const host = benchHost();
  buildIfStale((line) => console.error(`[mesh] ${line}`));
  const { probe } = await bundlePages();
  let server: Running | null = null;
  let browser: Browser | null = null;
  try {
    server = await startOurServer(host);
    browser = await launchChromium([server.origin]);
    const results: SizeResult[] = [];
    for (const n of SIZES) {
      const r = await runSize(browser, server.origin, probe, n);
      console.error(`[mesh] N=${n}: first remote frame ${ms(r.firstFrameMs)} ms, all ${ms(r.allFramesMs)} ms`);
      results.push(r);
    }
    const setupTable = markdownTable(
      ['participants', 'Join -> first remote frame (ms)', 'Join -> all remote videos (ms)'],
      results.map((r) => [String(r.n), ms(r.firstFrameMs), ms(r.allFramesMs)]),
    );
    let within = true;
    const uplinkRows = results.flatMap((r) =>
      r.senders.map((s) => {
        const ok = s.totalBps <= s.budgetBps;
        within &&= ok;
        return [
          String(r.n), s.name, s.perPeerVideo.map(kbps).join(' / '), kbps(s.maxBitrate), kbps(s.totalBps), kbps(s.budgetBps), ok ? 'yes' : 'NO',
        ];
      }),
    );
    const uplinkTable = markdownTable(
      ['N', 'sender', 'video to each peer (kbps)', 'cap per peer (kbps)', 'total uplink (kbps)', 'budget (kbps)', 'within'],
      uplinkRows,
    );
    const mesh4 = results.find((r) => r.n === 4);
    const summary = `mesh4_setup_ms=${mesh4 ? mesh4.allFramesMs.toFixed(0) : 'n/a'} uplink_within_budget=${within ? 1 : 0}`;
    const table = [
      '# Benchmark: mesh',
      '',
      'Our app only. For each room size N the last participant clicks Join while the others already talk;',
      'first remote frame is the probe\'s requestVideoFrameCallback mark, "all" is when every remote tile decodes.',
      '',
      setupTable,
      '',
      '## Uplink budget',
      '',
      `Each sender splits its uplink budget over its N-1 peers (audio first, RTCRtpSender.setParameters maxBitrate`,
      `and scaleResolutionDownBy). Bitrates are the app's own getStats readings (payload bytes between 2 s polls),`,
      `averaged over ${SAMPLES} polls taken ${RAMP_MS / 1000} s after everyone decoded everyone. Total includes audio.`,
      '',
      uplinkTable,
      '',
      '## Conditions',
      '',
      `- Chromium ${browser.version()} headless, fake 1280x720 camera, one browser, a context per participant, inside the network namespace (${host}).`,
      `- Machine: ${(await import('node:os')).cpus().length} cores shared by every participant; setup times are wall clock.`,
      `- Median of the Join -> all figure across sizes: ${ms(median(results.map((r) => r.allFramesMs)))} ms.`,
      '',
      summary,
      '',
    ].join('\n');
    return { table, summary };
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop().catch(() => {});
  }
}
