// A participant who refuses camera and microphone still gets into the call: a clear message before joining,
// the others' video once in, and the others see them as "Camera off" rather than a frozen black box.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  closeBrowser,
  launchChromium,
  newParticipant,
  startServer,
  waitForFramesIncreasing,
  type AppServer,
} from './harness.ts';

describe('denied camera and microphone', { timeout: 240_000 }, () => {
  let server: AppServer;
  let browser: Browser;
  let deniedBrowser: Browser;
  let alice: Page;
  let bob: Page;

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    alice = await (await newParticipant(browser, server.url)).newPage();
    // Without the fake-UI flag and with prompts denied, getUserMedia fails with NotAllowedError, as when a
    // person clicks "Block".
    const { chromium } = await import('playwright-core');
    deniedBrowser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream'), '--deny-permission-prompts'],
    });
    const ctx = await deniedBrowser.newContext({ locale: 'en-US' });
    await ctx.addInitScript('globalThis.__name = (fn) => fn;');
    bob = await ctx.newPage();
  });

  after(async () => {
    await closeBrowser(browser);
    await closeBrowser(deniedBrowser);
    await server?.stop();
  });

  it('explains the refusal, joins anyway, receives video and shows as camera off', { timeout: 180_000 }, async () => {
    await alice.goto(`${server.url}/`);
    await alice.getByRole('button', { name: 'Start a call' }).click();
    await alice.waitForURL(/\/r\//);
    await bob.goto(alice.url());
    const alert = bob.getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    assert.match(await alert.innerText(), /denied/i);

    await alice.getByRole('textbox', { name: 'Your name' }).fill('Alice');
    await alice.getByRole('button', { name: 'Join' }).click();
    await bob.getByRole('textbox', { name: 'Your name' }).fill('Bob');
    await bob.getByRole('button', { name: 'Join' }).click();

    await waitForFramesIncreasing(bob.getByRole('group', { name: 'Alice', exact: true }), { label: "Bob's view of Alice" });
    const bobTile = alice.getByRole('group', { name: 'Bob', exact: true });
    await bobTile
      .getByText('Camera off')
      .waitFor({ timeout: 30_000 })
      .catch(async (err: unknown) => {
        // What Alice shows instead tells a missing tile, a lost state message and a "paused" notice apart.
        const shown = (await bobTile.count()) ? await bobTile.innerText() : 'no tile named Bob';
        throw new Error(`Alice's tile of Bob never said "Camera off"; it shows: ${JSON.stringify(shown)}`, { cause: err });
      });
    assert.equal(await bob.getByRole('button', { name: 'Camera' }).getAttribute('aria-pressed'), 'false');
  });

  it('starts sending as soon as the permission is granted after a refusal, without rejoining', { timeout: 180_000 }, async () => {
    const ctx = await deniedBrowser.newContext({ locale: 'en-US' });
    await ctx.addInitScript('globalThis.__name = (fn) => fn;');
    const cleo = await ctx.newPage();
    try {
      await cleo.goto(alice.url());
      await cleo.getByRole('alert').waitFor({ timeout: 30_000 });
      await cleo.getByRole('textbox', { name: 'Your name' }).fill('Cleo');
      await cleo.getByRole('button', { name: 'Join' }).click();
      const tile = alice.getByRole('group', { name: 'Cleo', exact: true });
      await tile.getByText('Camera off').waitFor({ timeout: 30_000 });
      // The person changes their mind in the browser's site settings: no click in the app, no new offer.
      await ctx.grantPermissions(['camera', 'microphone'], { origin: new URL(alice.url()).origin });
      await waitForFramesIncreasing(tile, { timeoutMs: 30_000, label: "Alice's view of Cleo once allowed" });
      assert.equal(await cleo.getByRole('button', { name: 'Camera' }).getAttribute('aria-pressed'), 'true');
    } finally {
      await ctx.close();
    }
  });
});
