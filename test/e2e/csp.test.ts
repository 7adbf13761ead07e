// The built app under its Content-Security-Policy (a <meta> tag from vite.config.ts, plus the server's
// frame-ancestors header): a call with video, a file sent and saved (WebAssembly hashing on the page and in
// the writer worker), and the QR code (a data: image) all work, and the policy blocks nothing on the way.
// Run after `npm run build`: bash scripts/netns.sh node --import tsx --test test/e2e/csp.test.ts
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser, launchChromium, startServer, videoFramesDecoded, waitFor, type AppServer } from './harness.ts';
import { callOf, leaveAll, openMore, type Person } from './room.ts';

let server: AppServer;
let browser: Browser;
let dir: string;
let people: Person[] = [];

function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'csp-e2e-'));
  server = await startServer();
  browser = await launchChromium(['--disable-features=WebRtcHideLocalIpsWithMdns']);
});

after(async () => {
  await leaveAll(people);
  await closeBrowser(browser);
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the page carries the policy and the server forbids framing', async () => {
  const res = await fetch(`${server.url}/`);
  const html = await res.text();
  const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  assert.match(policy, /default-src 'self'/);
  assert.match(policy, /connect-src 'self'/);
  assert.doesNotMatch(policy, /script-src[^;]*'unsafe-inline'/, 'no inline scripts allowed');
  assert.equal(res.headers.get('content-security-policy'), "frame-ancestors 'none'");
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
});

test('a call, a file transfer and the QR code run with nothing blocked', { timeout: 240_000 }, async () => {
  people = await callOf(browser, server.url, ['Alice', 'Bob']);
  const [alice, bob] = people as [Person, Person];
  await waitFor(
    async () => (await videoFramesDecoded(bob.page.getByRole('group', { name: 'Alice', exact: true }))) > 0,
    30_000,
    "Alice's video at Bob",
  );

  const path = join(dir, 'hello.bin');
  writeFileSync(path, randomBytes(256 * 1024));
  await alice.page.getByLabel('Send file').setInputFiles(path);
  const incoming = bob.page.getByRole('group', { name: 'hello.bin, from Alice', exact: true });
  await incoming.getByRole('button', { name: 'Accept' }).click();
  await incoming.getByText('Done, checksum verified').waitFor({ timeout: 60_000 });
  const [download] = await Promise.all([bob.page.waitForEvent('download'), incoming.getByRole('link', { name: 'Save' }).click()]);
  await download.saveAs(join(dir, 'saved.bin'));

  await openMore(alice.page);
  await alice.page.getByRole('button', { name: 'QR code' }).click();
  const qr = alice.page.getByRole('img', { name: 'QR code of the call link' });
  await waitFor(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 15_000, 'the QR code to render');

  assert.deepEqual(await violations(alice.page), [], 'blocked by the policy at Alice');
  assert.deepEqual(await violations(bob.page), [], 'blocked by the policy at Bob');
});
