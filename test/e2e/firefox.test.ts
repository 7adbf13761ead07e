// Interop through the real app: a Chromium participant (playwright-core) and a Firefox ESR participant
// (puppeteer-core over WebDriver BiDi) call each other; each must decode the other's video.
// Run inside scripts/netns.sh, after `npm run build`.
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Browser as FirefoxBrowser, Page as FirefoxPage } from 'puppeteer-core';
import {
  closeBrowser,
  launchChromium,
  launchFirefox,
  newFirefoxPage,
  newParticipant,
  startServer,
  waitForFramesIncreasing,
  type AppServer,
} from './harness.ts';

/** Frames Firefox presented for the video in `name`'s tile; rVFC because Firefox's playback quality
 *  counters stay at zero for MediaStream sources. -1 while the tile or its video is not there yet. */
async function firefoxFrames(page: FirefoxPage, name: string): Promise<number> {
  const video = await page.$(`call-app >>> [role="group"][aria-label="${name}"] video`);
  if (!video) return -1;
  return video.evaluate((v) => {
    const el = v as HTMLVideoElement & { framesSeen?: number };
    if (el.framesSeen === undefined) {
      el.framesSeen = 0;
      const count = () =>
        el.requestVideoFrameCallback(() => {
          el.framesSeen = (el.framesSeen ?? 0) + 1;
          count();
        });
      count();
    }
    return el.framesSeen;
  });
}

describe('Chromium and Firefox in one call', () => {
  let server: AppServer;
  let chromium: Browser;
  let firefox: FirefoxBrowser;

  before(async () => {
    server = await startServer();
    chromium = await launchChromium();
    firefox = await launchFirefox();
  });

  after(async () => {
    await closeBrowser(chromium);
    await closeBrowser(firefox);
    await server?.stop();
  });

  it("each decodes the other's video", { timeout: 180_000 }, async () => {
    const url = `${server.url}/r/${randomBytes(16).toString('base64url')}#${randomBytes(16).toString('base64url')}`;

    const context = await newParticipant(chromium, server.url);
    context.setDefaultTimeout(45_000);
    const ann = await context.newPage();
    await ann.goto(url, { waitUntil: 'domcontentloaded' });
    await ann.getByRole('textbox', { name: 'Your name' }).fill('Ann');
    await ann.getByRole('button', { name: 'Join', exact: true }).click();
    await ann.getByRole('button', { name: 'Leave' }).waitFor();

    const fox = await newFirefoxPage(firefox);
    fox.setDefaultTimeout(45_000);
    await fox.goto(url, { timeout: 60_000, waitUntil: 'domcontentloaded' });
    const input = await fox.waitForSelector('call-app >>> input[name="name"]');
    await input!.type('Fox');
    await (await fox.waitForSelector('call-app >>> button[type="submit"]'))!.click();
    await fox.waitForSelector('call-app >>> [role="group"][aria-label="Fox (you)"]');

    await waitForFramesIncreasing(ann.getByRole('group', { name: 'Fox', exact: true }), {
      timeoutMs: 60_000,
      label: 'Firefox video in Chromium',
    });
    await waitForFramesIncreasing(() => firefoxFrames(fox, 'Ann'), { timeoutMs: 60_000, label: 'Chromium video in Firefox' });
  });
});
