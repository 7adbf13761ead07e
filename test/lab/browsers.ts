// Browsers that live in a lab home: their traffic leaves through that home's router, as a person's would.
// Playwright and Puppeteer start a browser by its executable path; a two-line wrapper that enters the home's
// namespace first is enough (the DevTools pipe survives the exec). Pages are served over plain http from the
// internet's address, so that origin is declared secure (getUserMedia, WebCrypto and service workers need it).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/browsers.mjs';
import type { Home } from './network.ts';

const dirs: string[] = [];
process.once('exit', () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function wrapper(ns: string, executable: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lab-browser-'));
  dirs.push(dir);
  const path = join(dir, 'browser');
  writeFileSync(path, `#!/bin/sh\nexec ip netns exec ${ns} ${executable} "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

export interface LabBrowserOptions {
  /** The app's origin, e.g. http://198.51.100.1:8080. */
  origin: string;
  /** Leave out the fake camera and microphone flags (a test that controls getUserMedia itself). */
  args?: string[];
}

/** One Chromium process per home: each home is a different person's machine. */
export function launchChromiumIn(home: Home, opts: LabBrowserOptions): Promise<Browser> {
  return chromium.launch({
    executablePath: wrapper(home.ns, CHROMIUM_PATH),
    headless: true,
    timeout: 60_000,
    args: [...CHROMIUM_ARGS, `--unsafely-treat-insecure-origin-as-secure=${opts.origin}`, ...(opts.args ?? [])],
  });
}
