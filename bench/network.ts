// `npm run bench:network`: calls across the network lab (test/lab), the default server on the lab's internet.
// Per round, fresh browsers: connect time between two homes behind NAT against the same two people in one home
// (host candidates: the baseline a NAT must not slow down much), media back after an address change, and after
// an outage longer than the server's grace period; then, once, concealed audio from a person whose uplink is
// capped at 600 kbit/s in a 4-person call. Connect and recovery times end when each person is shown fresh
// frames of the other (10 more than before), measured the same way in every case.
import type { Browser, Page } from 'playwright-core';
import { closeBrowser, sleep, type AppServer } from '../test/e2e/harness.ts';
import { INSTRUMENT } from '../test/e2e/room.ts';
import { launchChromiumIn } from '../test/lab/browsers.ts';
import { pathTo, roomUrl, startLabServer, timeUntilAllSeeAll, type LabPerson } from '../test/lab/call-lab.ts';
import { Lab, labSupport, type Home } from '../test/lab/network.ts';
import { median, type ScenarioResult } from './lib/stats.ts';

const ROUNDS = Number(process.env.BENCH_NETWORK_ROUNDS ?? 3);
const GRACE_SECONDS = 10;
const CAP_KBIT = 600;

async function open(home: Home, server: AppServer, name: string, url: string): Promise<LabPerson> {
  const browser: Browser = await launchChromiumIn(home, { origin: server.url });
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['camera', 'microphone'], { origin: server.url });
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  await context.addInitScript(INSTRUMENT);
  context.setDefaultTimeout(60_000);
  const page: Page = await context.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.getByRole('textbox', { name: 'Your name' }).fill(name);
  // The preview is up: what is timed is the call, not the camera starting.
  await page.getByRole('button', { name: 'Join', exact: true }).waitFor();
  await page.locator('video').first().waitFor();
  return { name, context, page, browser, home };
}

/** Alice joins first; the time runs from Bob's Join to both being shown fresh frames of the other. */
async function connect(server: AppServer, homes: [Home, Home]): Promise<{ ms: number; people: LabPerson[] }> {
  const url = roomUrl(server);
  const alice = await open(homes[0], server, 'Alice', url);
  const bob = await open(homes[1], server, 'Bob', url);
  await alice.page.getByRole('button', { name: 'Join', exact: true }).click();
  await alice.page.getByRole('button', { name: 'Leave' }).waitFor();
  const started = Date.now();
  await bob.page.getByRole('button', { name: 'Join', exact: true }).click();
  await timeUntilAllSeeAll([alice, bob], 60_000);
  return { ms: Date.now() - started, people: [alice, bob] };
}

async function close(people: LabPerson[]): Promise<void> {
  await Promise.all(people.map((p) => closeBrowser(p.browser)));
}

async function cappedConcealedPct(lab: Lab, server: AppServer): Promise<number> {
  const url = roomUrl(server);
  const people: LabPerson[] = [];
  try {
    for (const [i, name] of ['Ana', 'Ben', 'Cleo', 'Dev'].entries()) {
      const p = await open(lab.home(`h${i}`), server, name, url);
      await p.page.getByRole('button', { name: 'Join', exact: true }).click();
      people.push(p);
    }
    await timeUntilAllSeeAll(people, 90_000);
    // As in test/lab/capped-uplink.test.ts: the listeners' cameras off, so 2 cores decoding four videos do not
    // conceal audio by themselves; Dev sends video to all three over the capped line.
    for (const p of people.slice(0, 3)) await p.page.getByRole('button', { name: 'Camera' }).click();
    const dev = people[3];
    if (!dev) throw new Error('no Dev');
    await dev.home.setUplink(CAP_KBIT);
    await sleep(20_000);
    const listeners = people.slice(0, 3);
    const before = await Promise.all(listeners.map((l) => pathTo(l, dev.home)));
    await sleep(20_000);
    const after = await Promise.all(listeners.map((l) => pathTo(l, dev.home)));
    const shares = listeners.map((_, i) => {
      const a = before[i];
      const b = after[i];
      return a && b && b.samples > a.samples ? (b.concealed - a.concealed) / (b.samples - a.samples) : 1;
    });
    await dev.home.setUplink(null);
    return Math.max(...shares) * 100;
  } finally {
    await close(people);
  }
}

export async function run(): Promise<ScenarioResult> {
  const reason = labSupport();
  if (reason) throw new Error(`bench:network: ${reason}`);
  const lab = await Lab.create(['h0', 'h1', 'h2', 'h3'].map((name) => ({ name })));
  const server = await startLabServer(lab, { RESUME_GRACE_SECONDS: String(GRACE_SECONDS), HEARTBEAT_SECONDS: '3' });
  const nat: number[] = [];
  const lan: number[] = [];
  const change: number[] = [];
  const outage: number[] = [];
  try {
    const [h0, h1] = [lab.home('h0'), lab.home('h1')];
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved, so a noisy moment on this shared machine hits both alike.
      const same = await connect(server, [h0, h0]);
      lan.push(same.ms);
      await close(same.people);
      const { ms, people } = await connect(server, [h0, h1]);
      nat.push(ms);
      try {
        await sleep(2_000);
        await h1.changeAddress();
        change.push(await timeUntilAllSeeAll(people, 60_000));
        await sleep(2_000);
        await h1.setOutage(true);
        await sleep((GRACE_SECONDS + 4) * 1000);
        await h1.setOutage(false);
        outage.push(await timeUntilAllSeeAll(people, 90_000));
      } finally {
        await close(people);
      }
    }
    const capped = await cappedConcealedPct(lab, server);
    const m = { nat: median(nat), lan: median(lan), change: median(change), outage: median(outage) };
    const rows = [
      `| two homes behind NAT: Join → both see each other | ${m.nat} ms | ${m.lan} ms (same home) | ${(m.nat / m.lan).toFixed(2)}× | ≤ 1.2× |`,
      `| address change mid-call → media back | ${m.change} ms | | | ≤ 5000 ms |`,
      `| outage past the ${GRACE_SECONDS} s grace period → media back after the network returns | ${m.outage} ms | | | ≤ 3000 ms |`,
      `| 4-person call, one uplink at ${CAP_KBIT} kbit/s: audio concealed (worst listener) | ${capped.toFixed(2)} % | | | ≤ 2 % |`,
    ];
    const table = [
      '## bench:network',
      '',
      `Network lab (namespaces, NAT routers, tc caps), default server settings but a ${GRACE_SECONDS} s grace period; Chromium per home; medians of ${ROUNDS} rounds.`,
      '',
      '| figure | ours | baseline | ratio | goal |',
      '|---|---|---|---|---|',
      ...rows,
      '',
      `Rounds: nat ${nat.join(', ')}; lan ${lan.join(', ')}; change ${change.join(', ')}; outage ${outage.join(', ')} (ms).`,
      '',
    ].join('\n');
    const summary = `nat_connect_ms=${m.nat} lan_connect_ms=${m.lan} change_recover_ms=${m.change} outage_recover_ms=${m.outage} capped_audio_concealed_pct=${capped.toFixed(2)}`;
    return { table, summary };
  } finally {
    await server.stop();
    await lab.close();
  }
}
