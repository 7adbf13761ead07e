// Picture in picture, as someone who switches to another app mid-call would use it: "Picture in picture" in
// More opens a small window (Document Picture-in-Picture, which Chromium has) that plays the other person and
// carries mute and hang-up; those buttons act on the call, and leaving closes the window.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser, launchChromium, startServer, waitFor, waitForFramesIncreasing, type AppServer } from './harness.ts';
import { enter, leaveAll, openMore, type Person } from './room.ts';

describe('picture in picture', { timeout: 240_000 }, () => {
  let server: AppServer;
  let browser: Browser;
  let people: Person[] = [];

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
  });

  after(async () => {
    await leaveAll(people);
    await closeBrowser(browser);
    await server?.stop();
  });

  /** Frames the first <video> of the window's document has presented, counted by requestVideoFrameCallback. */
  const windowFrames = (win: Page) => () =>
    win.evaluate(() => {
      const video = document.querySelector('video') as (HTMLVideoElement & { e2eFrames?: number }) | null;
      if (!video) return -1;
      if (video.e2eFrames === undefined) {
        video.e2eFrames = 0;
        const tick = () => {
          video.e2eFrames = (video.e2eFrames ?? 0) + 1;
          video.requestVideoFrameCallback(tick);
        };
        video.requestVideoFrameCallback(tick);
      }
      return video.e2eFrames;
    });

  it('opens from More, plays the other person, and its mute and hang-up act on the call', { timeout: 180_000 }, async () => {
    const ann = await enter(browser, server.url, 'Ann', null);
    const bob = await enter(browser, server.url, 'Bob', ann.page.url());
    people = [ann, bob];
    await ann.page.getByRole('group', { name: 'Bob', exact: true }).waitFor();

    await openMore(ann.page);
    const opened = ann.context.waitForEvent('page');
    await ann.page.getByRole('button', { name: 'Picture in picture' }).click();
    const win = await opened;
    // The popover closes once its action is taken, leaving the call as it was.
    await waitFor(async () => !(await ann.page.getByRole('button', { name: 'Copy link' }).isVisible()), 10_000, 'More to close');

    await win.getByRole('toolbar', { name: 'Call controls' }).waitFor();
    assert.equal(await win.locator('video').getAttribute('aria-label'), 'Bob');
    await waitForFramesIncreasing(windowFrames(win), { label: "the window's video of Bob", timeoutMs: 30_000 });

    const barMic = ann.page.getByRole('toolbar', { name: 'Call controls' }).getByRole('button', { name: 'Microphone', exact: true });
    assert.equal(await barMic.getAttribute('aria-pressed'), 'true');
    await win.getByRole('button', { name: 'Microphone' }).click();
    await waitFor(async () => (await barMic.getAttribute('aria-pressed')) === 'false', 10_000, "the call's microphone to turn off");
    // The window shows the new state too, and Bob hears that Ann muted.
    await waitFor(
      async () => (await win.getByRole('button', { name: 'Microphone' }).getAttribute('aria-pressed')) === 'false',
      10_000,
      "the window's button to say muted",
    );
    await bob.page.getByRole('group', { name: 'Ann', exact: true }).getByText('Microphone off').waitFor({ timeout: 15_000 });

    const closed = win.waitForEvent('close');
    await win.getByRole('button', { name: 'Leave' }).click();
    await ann.page.getByRole('button', { name: 'Start a call' }).waitFor({ timeout: 15_000 });
    await closed;
    await bob.page.getByRole('group', { name: 'Ann', exact: true }).waitFor({ state: 'detached', timeout: 30_000 });
  });
});
