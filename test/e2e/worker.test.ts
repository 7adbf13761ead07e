// A one-to-one call with the Cloudflare Worker + Durable Object (workerd under Miniflare, local emulation) as
// signaling: the app is built with VITE_SIGNALING_URL pointing at the Worker — the one setting a split
// deployment needs — and served as static files by the Node server, which then carries no signaling at all.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startLocalWorker, type LocalWorker } from '../../scripts/worker-local.ts';
import { closeBrowser, launchChromium, newParticipant, ROOT, startServer, waitForFramesIncreasing, type AppServer } from './harness.ts';

const STEP = { timeout: 120_000 };

describe('call with the Worker as signaling', { timeout: 400_000 }, () => {
  let worker: LocalWorker;
  let server: AppServer;
  let browser: Browser;
  let alice: Page;
  let bob: Page;
  const outDir = mkdtempSync(joinPath(tmpdir(), 'app-for-worker-'));

  before(async () => {
    worker = await startLocalWorker();
    const build = spawnSync(
      process.execPath,
      [joinPath(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', outDir, '--emptyOutDir'],
      {
        cwd: ROOT,
        env: { ...process.env, VITE_SIGNALING_URL: `ws://127.0.0.1:${worker.port}/ws` },
        encoding: 'utf8',
        timeout: 180_000,
      },
    );
    assert.equal(build.status, 0, `vite build failed:\n${build.stdout}\n${build.stderr}`);
    // The entry is named so the harness does not insist on ./dist: this app lives in outDir.
    server = await startServer({ entry: 'signaling/src/node/main.ts', env: { DIST_DIR: outDir } });
    browser = await launchChromium();
    alice = await (await newParticipant(browser, server.url)).newPage();
    bob = await (await newParticipant(browser, server.url)).newPage();
  });

  after(async () => {
    await closeBrowser(browser);
    await server?.stop();
    await worker?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  const tile = (page: Page, name: string) => page.getByRole('group', { name, exact: true });

  async function join(page: Page, name: string): Promise<void> {
    await page.getByRole('textbox', { name: 'Your name' }).fill(name);
    await page.getByRole('button', { name: 'Join' }).click();
    await tile(page, `${name} (you)`).waitFor();
  }

  it("two Chromium participants call each other and decode each other's video", STEP, async () => {
    await alice.goto(`${server.url}/`);
    await alice.getByRole('button', { name: 'Start a call' }).click();
    await alice.waitForURL(/\/r\/[A-Za-z0-9_-]{22,}#[A-Za-z0-9_-]{22,}$/);
    await bob.goto(alice.url());
    await join(alice, 'Alice');
    await join(bob, 'Bob');
    await waitForFramesIncreasing(tile(alice, 'Bob'), { label: "Alice's view of Bob", timeoutMs: 60_000 });
    await waitForFramesIncreasing(tile(bob, 'Alice'), { label: "Bob's view of Alice", timeoutMs: 60_000 });
  });

  it('signaling went through the Worker, not the Node server that served the app', STEP, async () => {
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { rooms: number; sockets: number };
    assert.deepEqual({ rooms: health.rooms, sockets: health.sockets }, { rooms: 0, sockets: 0 });
  });
});
