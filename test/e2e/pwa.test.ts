// The installable app: manifest, service worker control, offline shell, share target, language, and the
// update prompt after a rebuild. The app is built into a temporary directory (dist/ belongs to whoever ran
// `npm run build`) and served by the real server with DIST_DIR, so the update test can rebuild under it.
// Run: bash scripts/netns.sh node --import tsx --test test/e2e/pwa.test.ts
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ROOT, closeBrowser, launchChromium, newParticipant, startServer, waitFor, withTimeout, type AppServer } from './harness.ts';
import { pageErrors } from './page-errors.ts';

/** `vite build` into `outDir`; APP_VERSION lands in index.html, so a new value is a new deploy. */
async function build(outDir: string, version: string): Promise<void> {
  const child = spawn(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
    {
      cwd: ROOT,
      env: { ...process.env, APP_VERSION: version },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stdout.on('data', (c: Buffer) => (log += c));
  child.stderr.on('data', (c: Buffer) => (log += c));
  const code = await withTimeout(new Promise<number | null>((resolve) => child.once('exit', resolve)), 180_000, 'vite build');
  assert.equal(code, 0, `vite build failed:\n${log}`);
}

/** Visits the app until its service worker controls the page (the first visit installs, a reload is controlled). */
/**
 * Chromium 150 (Debian 12's today) blocks the network of an offline context across a reload, but the new document's
 * `navigator.onLine` reads true: the emulation is re-applied so the page sees what a really offline device reports.
 * The requests of the reload itself were refused all the same, so the shell still came from the service worker.
 */
async function stillOffline(context: BrowserContext): Promise<void> {
  await context.setOffline(false);
  await context.setOffline(true);
}

async function controlledPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await withTimeout(
    page.evaluate(() => navigator.serviceWorker.ready.then(() => true)),
    30_000,
    'service worker ready',
  );
  await page.reload();
  await waitFor(() => page.evaluate(() => navigator.serviceWorker.controller !== null), 15_000, 'the service worker to control the page');
  return page;
}

function pngSize(bytes: Buffer): { width: number; height: number } {
  assert.equal(bytes.subarray(1, 4).toString('ascii'), 'PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

interface ManifestIcon {
  src: string;
  sizes: string;
  type?: string;
  purpose?: string;
}

describe('installable PWA', () => {
  let dir: string;
  let server: AppServer;
  let browser: Browser;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pwa-dist-'));
    await build(dir, 'one');
    server = await startServer({ env: { DIST_DIR: dir } });
    browser = await launchChromium();
  });

  after(async () => {
    await closeBrowser(browser);
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('the manifest has the fields an install needs, and its icons are real PNGs of the stated size', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    assert.match(html, /<link rel="manifest" href="\/manifest\.webmanifest"/);
    const res = await fetch(`${server.url}/manifest.webmanifest`);
    assert.equal(res.status, 200);
    const m = (await res.json()) as Record<string, unknown>;
    for (const field of ['name', 'short_name', 'id', 'start_url', 'scope', 'theme_color', 'background_color']) {
      assert.equal(typeof m[field], 'string', `manifest.${field}`);
    }
    assert.equal(m.display, 'standalone');
    assert.equal(m.start_url, '/');
    assert.equal(m.scope, '/');
    const icons = m.icons as ManifestIcon[];
    const want = [
      { sizes: '192x192', purpose: 'any' },
      { sizes: '512x512', purpose: 'any' },
      { sizes: '512x512', purpose: 'maskable' },
    ];
    for (const w of want) {
      const icon = icons.find((i) => i.sizes === w.sizes && (i.purpose ?? 'any').split(' ').includes(w.purpose));
      assert.ok(icon, `a ${w.purpose} icon of ${w.sizes}`);
      const img = await fetch(new URL(icon.src, server.url));
      assert.equal(img.headers.get('content-type'), 'image/png');
      const { width, height } = pngSize(Buffer.from(await img.arrayBuffer()));
      assert.equal(`${width}x${height}`, w.sizes);
    }
    assert.deepEqual(m.share_target, {
      action: '/share-target',
      method: 'POST',
      enctype: 'multipart/form-data',
      params: { title: 'title', text: 'text', url: 'url', files: [{ name: 'files', accept: ['*/*'] }] },
    });
    assert.deepEqual(m.launch_handler, { client_mode: 'focus-existing' });
  });

  test('the home page loads no call engine; "Start a call" loads it', async () => {
    const context = await newParticipant(browser, server.url);
    const errors = pageErrors(context);
    try {
      const page = await context.newPage();
      const scripts: string[] = [];
      page.on('request', (r) => {
        if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
      });
      await page.goto(`${server.url}/`, { waitUntil: 'load' });
      await page.getByRole('button', { name: 'Start a call' }).waitFor();
      await page.waitForLoadState('networkidle');
      assert.deepEqual(
        scripts.filter((p) => /call-engine|update-prompt/.test(p)),
        [],
        `home loaded ${scripts.join(', ')}`,
      );
      await page.getByRole('button', { name: 'Start a call' }).click();
      await page.getByRole('textbox', { name: 'Your name' }).waitFor();
      assert.ok(
        scripts.some((p) => p.includes('call-engine')),
        `after Start: ${scripts.join(', ')}`,
      );
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  test('a call link whose engine failed to load opens once the browser is back online', async () => {
    const context = await newParticipant(browser, server.url);
    try {
      const page = await context.newPage();
      let refused = (): void => undefined;
      const refusedOnce = new Promise<void>((resolve) => (refused = resolve));
      await page.route('**/assets/call-engine-*', (r) => {
        refused();
        return r.abort('internetdisconnected');
      });
      await page.goto(`${server.url}/r/retry_room_0123456789abcdef#retry_secret_0123456789abcdef`);
      await withTimeout(refusedOnce, 15_000, 'the call chunk to be requested');
      await page.getByRole('button', { name: 'Start a call' }).waitFor();
      assert.equal(await page.getByRole('textbox', { name: 'Your name' }).count(), 0);
      await page.unroute('**/assets/call-engine-*');
      await context.setOffline(true);
      await context.setOffline(false);
      await page.getByRole('textbox', { name: 'Your name' }).waitFor();
    } finally {
      await context.close();
    }
  });

  test('the service worker controls the page, and an offline reload still renders the shell', async () => {
    const context = await newParticipant(browser, server.url);
    const errors = pageErrors(context);
    try {
      const page = await controlledPage(context, `${server.url}/`);
      await page.getByRole('button', { name: 'Start a call' }).waitFor();
      await context.setOffline(true);
      await page.reload();
      await page.getByRole('button', { name: 'Start a call' }).waitFor();
      await stillOffline(context);
      await page.getByText('You are offline').waitFor();
      // A call link opened offline gets the shell too (the navigation route), not the browser's error page.
      await page.goto(`${server.url}/r/offline_room_0123456789abcdef#offline_secret_0123456789abcdef`);
      await page.getByRole('textbox', { name: 'Your name' }).waitFor();
      await stillOffline(context);
      await page.getByText('calls need a connection').waitFor();
      await context.setOffline(false);
      await page.getByText('You are offline').waitFor({ state: 'detached' });
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  test('a share_target POST with a file reaches the app and offers the file, on home and then in the call', async () => {
    const context = await newParticipant(browser, server.url);
    const errors = pageErrors(context);
    try {
      const page = await controlledPage(context, `${server.url}/`);
      const bytes = randomBytes(256 * 1024);
      await shareFile(page, 'holiday.bin', bytes);
      await page.getByText('Shared file ready: holiday.bin').waitFor();
      assert.equal(new URL(page.url()).search, '', 'the ?shared=1 marker is cleared');
      assert.equal(await offeredHash(page), createHash('sha256').update(bytes).digest('hex'));

      // The offer follows the user into a call, ready to send.
      await page.getByRole('button', { name: 'Start a call' }).click();
      await page.getByRole('button', { name: 'Join' }).click();
      await page.getByRole('button', { name: 'Leave' }).waitFor();
      await page.getByText('Shared file ready: holiday.bin').waitFor();
      await page.getByRole('button', { name: 'Send to everyone' }).waitFor();

      // With a call open, a new share (here from a second tab, as the share sheet would deliver it) is
      // announced by the service worker and offered in the call without leaving it.
      const other = await context.newPage();
      await other.goto(`${server.url}/`);
      await waitFor(() => other.evaluate(() => navigator.serviceWorker.controller !== null), 15_000, 'second tab controlled');
      await shareFile(other, 'second.txt', Buffer.from('hello from the share sheet'));
      await page.getByText('holiday.bin, second.txt').waitFor();
      await page.getByRole('button', { name: 'Leave' }).waitFor();

      await page.getByRole('button', { name: 'Dismiss' }).click();
      await page.getByText('Shared files ready').waitFor({ state: 'detached' });
      await page.reload();
      await page.getByRole('button', { name: 'Join' }).waitFor();
      assert.equal(await page.getByText('Shared file').count(), 0, 'dismissed files are gone for good');
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  test('a Spanish-language browser gets Spanish labels, and the choice of language is remembered', async () => {
    const context = await browser.newContext({ locale: 'es-ES' });
    const errors = pageErrors(context);
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/`);
      await page.getByRole('button', { name: 'Iniciar una llamada' }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'es');
      await page.getByRole('combobox', { name: 'Idioma' }).selectOption('en');
      await page.getByRole('button', { name: 'Start a call' }).waitFor();
      await page.reload();
      await page.getByRole('button', { name: 'Start a call' }).waitFor();
      await page.getByRole('combobox', { name: 'Language' }).selectOption('es');
      await page.getByRole('button', { name: 'Iniciar una llamada' }).click();
      await page.getByRole('button', { name: 'Unirse' }).waitFor();
      await page.getByRole('textbox', { name: 'Tu nombre' }).waitFor();
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  // Last: it replaces the build the other tests use.
  test('after a rebuild, "A new version is available" appears, the call goes on, and Reload loads the new version', async () => {
    const context = await newParticipant(browser, server.url);
    const errors = pageErrors(context);
    try {
      const page = await controlledPage(context, `${server.url}/`);
      assert.equal(await appVersion(page), 'one');
      await page.getByRole('button', { name: 'Start a call' }).click();
      await page.getByRole('button', { name: 'Join' }).click();
      await page.getByRole('button', { name: 'Leave' }).waitFor();
      await page.evaluate(() => Object.assign(window, { stillThisPage: true }));

      await build(dir, 'two');
      // Browsers check for a new worker on navigations and periodically; a long call may see neither, so
      // ask, as the browser eventually would.
      await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()));
      await page.getByText('A new version is available').waitFor({ timeout: 30_000 });
      assert.equal(await page.evaluate(() => 'stillThisPage' in window), true, 'the page did not reload by itself');
      await page.getByRole('button', { name: 'Leave' }).waitFor();

      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Reload' }).click()]);
      await waitFor(async () => (await appVersion(page)) === 'two', 15_000, 'the new version to load');
      assert.equal(await page.evaluate(() => 'stillThisPage' in window), false);
      errors.assertNone();
    } finally {
      await context.close();
    }
  });
});

/** Posts `bytes` as a file to the share target, the way the share sheet does: a multipart form navigation. */
async function shareFile(page: Page, name: string, bytes: Buffer): Promise<void> {
  await page.evaluate(() => {
    const form = document.createElement('form');
    form.method = 'post';
    form.enctype = 'multipart/form-data';
    form.action = '/share-target';
    form.id = 'share-form';
    const input = document.createElement('input');
    input.type = 'file';
    input.name = 'files';
    input.id = 'share-files';
    form.append(input);
    document.body.append(form);
  });
  await page.setInputFiles('#share-files', { name, mimeType: 'application/octet-stream', buffer: bytes });
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/' && u.searchParams.has('shared'), { waitUntil: 'commit' }).catch(() => undefined),
    page.evaluate(() => (document.getElementById('share-form') as HTMLFormElement).submit()),
  ]);
}

/** SHA-256 of the first file the app offers, computed in the page from the File it holds. */
async function offeredHash(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const app = document.querySelector('call-app') as unknown as { store: { get(): { offeredFiles: File[] } } };
    const digest = await crypto.subtle.digest('SHA-256', await app.store.get().offeredFiles[0].arrayBuffer());
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  });
}

async function appVersion(page: Page): Promise<string | null> {
  return page.evaluate(() => document.querySelector('meta[name="app-version"]')?.getAttribute('content') ?? null);
}
