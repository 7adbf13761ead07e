// The one-to-one call as two people would have it: two Chromium contexts against the real server and the
// built app, media over a real peer connection inside the test's network namespace. Controls are found by
// role and accessible name only, so this test reads like the UI contract it checks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  closeBrowser,
  launchChromium,
  newParticipant,
  startServer,
  videoFramesDecoded,
  waitFor,
  waitForFramesIncreasing,
  type AppServer,
} from './harness.ts';
import { openMore } from './room.ts';

const STEP = { timeout: 90_000 };

describe('one-to-one call', { timeout: 480_000 }, () => {
  let server: AppServer;
  let browser: Browser;
  let alice: Page;
  let bob: Page;
  const contexts: BrowserContext[] = [];

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    for (let i = 0; i < 2; i++) contexts.push(await newParticipant(browser, server.url));
    alice = await contexts[0].newPage();
    bob = await contexts[1].newPage();
  });

  after(async () => {
    await closeBrowser(browser);
    await server?.stop();
  });

  /** The tile of `name` as seen from `page`: a group named exactly after that participant. */
  const tile = (page: Page, name: string) => page.getByRole('group', { name, exact: true });

  async function join(page: Page, name: string): Promise<void> {
    await page.getByRole('textbox', { name: 'Your name' }).fill(name);
    await page.getByRole('button', { name: 'Join' }).click();
    await tile(page, `${name} (you)`).waitFor();
  }

  it('starts a call on a fresh room link', STEP, async () => {
    await alice.goto(`${server.url}/`);
    await alice.getByRole('button', { name: 'Start a call' }).click();
    await alice.waitForURL(/\/r\/[A-Za-z0-9_-]{22,}#[A-Za-z0-9_-]{22,}$/);
    assert.match(new URL(alice.url()).pathname, /^\/r\/[A-Za-z0-9_-]{22,}$/);
  });

  it(
    'shows the pre-join screen with name, toggles, a microphone level, device pickers under Settings and a live preview',
    STEP,
    async () => {
      await bob.goto(alice.url());
      for (const page of [alice, bob]) {
        await page.getByRole('textbox', { name: 'Your name' }).waitFor();
        assert.equal(await page.getByRole('button', { name: 'Microphone' }).getAttribute('aria-pressed'), 'true');
        assert.equal(await page.getByRole('button', { name: 'Camera' }).getAttribute('aria-pressed'), 'true');
        await page.getByRole('meter', { name: 'Microphone level' }).waitFor();
        await page.getByRole('button', { name: 'Settings' }).click();
        await page.getByRole('combobox', { name: 'Microphone' }).waitFor();
        await page.getByRole('combobox', { name: 'Camera' }).waitFor();
        await page.getByRole('button', { name: 'Join' }).waitFor();
        await waitForFramesIncreasing(page.locator('body'), { label: 'local preview' });
      }
    },
  );

  it("joins both and each decodes the other one's video", STEP, async () => {
    await join(alice, 'Alice');
    await join(bob, 'Bob');
    await waitForFramesIncreasing(tile(alice, 'Bob'), { label: "Alice's view of Bob" });
    await waitForFramesIncreasing(tile(bob, 'Alice'), { label: "Bob's view of Alice" });
  });

  it('copies the room link to the clipboard from the More menu', STEP, async () => {
    await openMore(alice);
    await alice.getByRole('button', { name: 'Copy link' }).click();
    const copied = await waitFor(
      async () => (await alice.evaluate(() => navigator.clipboard.readText())) || undefined,
      10_000,
      'the clipboard to hold the link',
    );
    assert.equal(copied, alice.url());
  });

  it('shows "Camera off" to the other side while the camera is off, and video again after', STEP, async () => {
    const camera = alice.getByRole('button', { name: 'Camera', exact: true });
    assert.equal(await camera.getAttribute('aria-pressed'), 'true');

    await camera.click();
    await waitFor(async () => (await camera.getAttribute('aria-pressed')) === 'false', 5_000, 'Camera pressed=false');
    await tile(bob, 'Alice').getByText('Camera off').waitFor();

    await camera.click();
    await waitFor(async () => (await camera.getAttribute('aria-pressed')) === 'true', 5_000, 'Camera pressed=true');
    await tile(bob, 'Alice').getByText('Camera off').waitFor({ state: 'detached' });
    const resumed = await waitForFramesIncreasing(tile(bob, 'Alice'), { label: "Bob's view of Alice after camera on" });
    assert.ok(resumed > 0);
  });

  it("removes the leaver's tile for the one who stays, and the leaver lands on the home page", STEP, async () => {
    await bob.getByRole('button', { name: 'Leave' }).click();
    await bob.getByRole('button', { name: 'Start a call' }).waitFor();
    await tile(alice, 'Bob').waitFor({ state: 'detached', timeout: 20_000 });
    // Alice is still in her call, with her own tile and camera.
    await waitForFramesIncreasing(tile(alice, 'Alice (you)'), { label: "Alice's own preview" });
    assert.ok((await videoFramesDecoded(tile(alice, 'Alice (you)'))) > 0);
  });
});
