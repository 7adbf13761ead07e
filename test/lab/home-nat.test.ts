// People at home behind ordinary (cone) NAT routers, the server on the internet with its default settings:
// the call connects, someone who joins before their camera is ready is seen and heard, and a call survives
// an address change, a short outage and an outage longer than the server's grace period.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  closeBrowser,
  firefoxFramesDecoded,
  launchFirefox,
  newFirefoxPage,
  sleep,
  waitFor,
  waitForFramesIncreasing,
  type AppServer,
} from '../e2e/harness.ts';
import {
  joinFrom,
  leaveLab,
  startLabServer,
  pathTo,
  paths,
  slowMediaPrompt,
  tileNames,
  tileOf,
  timeUntilAllSeeAll,
  type LabPerson,
} from './call-lab.ts';
import { INTERNET_ADDRESS, Lab, labSupport } from './network.ts';

const skip = labSupport() ?? false;
/** Short enough to test an outage past it, long enough that a short outage stays inside it. */
const GRACE_SECONDS = 7;

describe('calls between homes behind NAT, default server settings', { skip, timeout: 600_000 }, () => {
  let lab: Lab;
  let server: AppServer;
  let alice: LabPerson;
  let bob: LabPerson;
  const people: LabPerson[] = [];

  before(async () => {
    lab = await Lab.create([{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'f', here: true }]);
    // Only the grace period and heartbeat are shortened (so "longer than the grace period" fits in a test);
    // STUN and everything else are what `npm start` does.
    server = await startLabServer(lab, { RESUME_GRACE_SECONDS: String(GRACE_SECONDS), HEARTBEAT_SECONDS: '3' });
    alice = await joinFrom(lab.home('a'), server, 'Alice');
    people.push(alice);
    bob = await joinFrom(lab.home('b'), server, 'Bob', { url: alice.page.url() });
    people.push(bob);
  });

  after(async () => {
    await leaveLab(people);
    await server?.stop();
    await lab?.close();
  });

  it('connects across two NATs with no ICE settings, on a direct path', async () => {
    await timeUntilAllSeeAll([alice, bob], 30_000);
    const path = await pathTo(alice, lab.home('b'));
    assert.ok(path, `Alice's connection goes straight to Bob's router (${JSON.stringify(await paths(alice.page))})`);
    assert.notEqual(path.localType, 'relay');
  });

  it('shows and plays someone who pressed Join before their camera and microphone were ready', async () => {
    const carol = await joinFrom(lab.home('c'), server, 'Carol', { url: alice.page.url(), init: slowMediaPrompt(4_000) });
    people.push(carol);
    // Join was pressed while getUserMedia was still pending.
    assert.equal(await carol.page.evaluate(() => (window as unknown as { __mediaAsked: number }).__mediaAsked > 0), true);
    await timeUntilAllSeeAll([alice, bob, carol], 40_000);
    for (const viewer of [alice, bob]) {
      const before = await pathTo(viewer, lab.home('c'));
      await sleep(1_000);
      const now = await pathTo(viewer, lab.home('c'));
      assert.ok(before && now && now.energy > before.energy, `${viewer.name} hears Carol (${JSON.stringify([before, now])})`);
    }
    await carol.context.close();
    people.splice(people.indexOf(carol), 1);
    await carol.browser.close();
    await waitFor(async () => ((await tileNames(alice)).includes('Carol') ? undefined : true), 30_000, 'Carol to leave');
  });

  it('connects Firefox ESR behind its own NAT with Chromium behind another', async () => {
    // Firefox runs in this process's namespace (its automation port listens on loopback only), which the lab
    // routes to the internet through home f's router. The app's origin is plain http on a lab address, so it is
    // declared trustworthy, as Chromium's --unsafely-treat-insecure-origin-as-secure does.
    const firefox = await launchFirefox({
      'dom.securecontext.allowlist': INTERNET_ADDRESS,
      'media.devices.insecure.enabled': true,
      'media.getusermedia.insecure.enabled': true,
    });
    try {
      const fox = await newFirefoxPage(firefox);
      fox.setDefaultTimeout(60_000);
      await fox.goto(alice.page.url(), { timeout: 60_000, waitUntil: 'domcontentloaded' });
      // Puppeteer's ARIA selectors do not work over Firefox's BiDi: the same fields as test/e2e/firefox.test.ts.
      await (await fox.waitForSelector('call-app >>> input[name="name"]'))?.type('Fox');
      await (await fox.waitForSelector('call-app >>> button[type="submit"]'))?.click();
      await waitForFramesIncreasing(tileOf(alice, 'Fox'), { timeoutMs: 60_000, label: 'Firefox video in Chromium, across two NATs' });
      await waitForFramesIncreasing(
        async () => {
          const video = await fox.$('call-app >>> [role="group"][aria-label="Alice"] video');
          return video ? firefoxFramesDecoded(video) : -1;
        },
        { timeoutMs: 60_000, label: 'Chromium video in Firefox, across two NATs' },
      );
      const path = await pathTo(alice, lab.home('f'));
      assert.ok(path && path.localType !== 'relay', `a direct path to Firefox's router: ${JSON.stringify(await paths(alice.page))}`);
    } finally {
      await closeBrowser(firefox);
    }
    await waitFor(async () => ((await tileNames(alice)).includes('Fox') ? undefined : true), 30_000, 'Fox to leave');
  });

  it('comes back after an address change mid-call, with nobody duplicated', async () => {
    await lab.home('b').changeAddress();
    const ms = await timeUntilAllSeeAll([alice, bob], 30_000);
    console.log(`address change: media back in ${ms} ms`);
    await sleep(2_000);
    assert.deepEqual(await tileNames(alice), ['Bob']);
    assert.deepEqual(await tileNames(bob), ['Alice']);
  });

  it('rides out a short outage (same address)', async () => {
    await lab.home('a').setOutage(true);
    await sleep(4_000);
    await lab.home('a').setOutage(false);
    const ms = await timeUntilAllSeeAll([alice, bob], 30_000);
    console.log(`short outage: media back in ${ms} ms`);
    assert.deepEqual(await tileNames(alice), ['Bob']);
    assert.deepEqual(await tileNames(bob), ['Alice']);
  });

  it('brings back someone whose network was gone longer than the grace period, not a ghost', async () => {
    await lab.home('b').setOutage(true);
    // Alice's server drops Bob after the grace period: her screen says so.
    await waitFor(
      async () => ((await tileNames(alice)).includes('Bob') ? undefined : true),
      (GRACE_SECONDS + 40) * 1000,
      'Alice to see Bob leave',
    );
    await lab.home('b').setOutage(false);
    const ms = await timeUntilAllSeeAll([alice, bob], 60_000);
    console.log(`outage past the grace period: media back in ${ms} ms`);
    await sleep(2_000);
    assert.deepEqual(await tileNames(alice), ['Bob']);
    assert.deepEqual(await tileNames(bob), ['Alice']);
  });
});
