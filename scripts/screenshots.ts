// Screenshots of every call layout for docs/screenshots/ (shown in the README): the real built app and server,
// Debian's Chromium with its fake camera, people joining through the UI. Needs `npm run build` first.
// Run: bash scripts/netns.sh node --import tsx scripts/screenshots.ts [out-dir]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, closeBrowser, launchChromium, startServer, waitFor } from '../test/e2e/harness.ts';
import { enter, openPanel, type Person } from '../test/e2e/room.ts';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const out = process.argv[2] ?? join(ROOT, 'docs/screenshots');
mkdirSync(out, { recursive: true });

async function shot(page: Page, name: string): Promise<void> {
  // Let layout transitions and the first frames settle.
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(out, `${name}.png`) });
  console.log(`${name}.png`);
}

const server = await startServer();
const browser = await launchChromium();
const people: Person[] = [];
try {
  const home = await browser.newPage(PHONE);
  await home.goto(server.url);
  await home.getByRole('button', { name: 'Start a call' }).waitFor();
  await shot(home, 'phone-home');
  await home.close();
  const noWebRtc = await browser.newContext(PHONE);
  await noWebRtc.addInitScript('delete window.RTCPeerConnection;');
  const cannot = await noWebRtc.newPage();
  await cannot.goto(`${server.url}/r/AAAAAAAAAAAAAAAAAAAAAA#AAAAAAAAAAAAAAAAAAAAAA`);
  await cannot.getByRole('heading', { name: 'This browser cannot make calls' }).waitFor();
  await shot(cannot, 'phone-cannot-call');
  await noWebRtc.close();

  const pre = await browser.newContext({ ...PHONE, permissions: ['camera', 'microphone'] });
  const prePage = await pre.newPage();
  await prePage.goto(server.url);
  await prePage.getByRole('button', { name: 'Start a call' }).click();
  await prePage.getByRole('meter', { name: 'Microphone level' }).waitFor();
  await shot(prePage, 'phone-prejoin');
  await pre.close();

  const alice = await enter(browser, server.url, 'Alice', null, PHONE);
  people.push(alice);
  await shot(alice.page, 'phone-alone');
  const bob = await enter(browser, server.url, 'Bob', alice.page.url(), DESKTOP);
  people.push(bob);
  await alice.page.getByRole('group', { name: 'Bob', exact: true }).waitFor();
  await shot(alice.page, 'phone-two');
  await alice.page.setViewportSize({ width: 844, height: 390 });
  await shot(alice.page, 'phone-two-landscape');
  await alice.page.setViewportSize(PHONE.viewport);
  await shot(bob.page, 'desktop-two');

  await openPanel(bob.page, 'Chat');
  await bob.page.getByRole('textbox', { name: 'Message' }).fill('Hi Alice! The plan is in the files.');
  await bob.page.getByRole('button', { name: 'Send', exact: true }).click();
  await shot(bob.page, 'desktop-chat');
  await alice.page.getByRole('article', { name: 'Message from Bob' }).waitFor();
  await shot(alice.page, 'phone-toast');
  await openPanel(alice.page, 'Chat');
  await shot(alice.page, 'phone-chat');
  await alice.page.keyboard.press('Escape');
  await bob.page.getByRole('toolbar').getByRole('button', { name: 'Chat', exact: true }).click();

  for (const name of ['Carol', 'Dan'])
    people.push(await enter(browser, server.url, name, alice.page.url(), { viewport: { width: 640, height: 480 } }));
  for (const name of ['Carol', 'Dan']) await alice.page.getByRole('group', { name, exact: true }).waitFor();
  await shot(alice.page, 'phone-four');
  await shot(bob.page, 'desktop-four');
  await bob.page.emulateMedia({ colorScheme: 'dark' });
  await shot(bob.page, 'desktop-four-dark');
  await bob.page.emulateMedia({ colorScheme: 'light' });

  await bob.page.getByRole('button', { name: 'Share screen' }).click();
  await waitFor(async () => (await alice.page.getByRole('group', { name: "Bob's screen" }).count()) > 0, 15_000, "Bob's screen at Alice");
  await shot(alice.page, 'phone-screen');
  await shot(bob.page, 'desktop-screen');
} finally {
  await Promise.all(people.map((p) => p.context.close().catch(() => undefined)));
  await closeBrowser(browser);
  await server.stop();
}
