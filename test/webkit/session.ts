// WebKitGTK (the engine of iOS Safari) for end-to-end tests: Xvfb (WebKitGTK has no headless mode), one
// WebKitWebDriver, and per session our own small browser (test/webkit/browser.py: exact window sizes down
// to a phone's, a chosen language, real storage, mock camera and microphone). Debian 12's WebKit has no
// WebRTC at all, so these tests cover what a browser shows before and without a call. `webkitSupport()` says
// why the tests cannot run here; every process started here is stopped by `close()`.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { Readable } from 'node:stream';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GiveUp, ROOT, freePort, sleep, track, waitFor, withTimeout, type RunningProcess } from '../e2e/harness.ts';
import { Session } from './webdriver.ts';

const BROWSER = fileURLToPath(new URL('./browser.py', import.meta.url));
/** Defines a stand-in RTCPeerConnection before the page's scripts run; see the file for what it does. */
export const WEBRTC_STAND_IN = fileURLToPath(new URL('./webrtc-stand-in.js', import.meta.url));
/** Keeps the page's uncaught errors in window.__pageErrors; every browser gets it (see pageErrors()). */
const PAGE_ERRORS = fileURLToPath(new URL('./page-errors.js', import.meta.url));
// Debian's Python, which has PyGObject (python3-gi); a python3 earlier on PATH (pyenv, say) may not.
const PYTHON = '/usr/bin/python3';

/** Why WebKit tests cannot run here (with the Debian packages that fix it), or null if they can. */
export function webkitSupport(): string | null {
  if (process.platform !== 'linux') return 'the WebKit tests need Linux (WebKitGTK under Xvfb)';
  for (const [tool, pkg] of [
    ['WebKitWebDriver', 'webkit2gtk-driver'],
    ['Xvfb', 'xvfb'],
  ]) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `the WebKit tests need \`${tool}\` (Debian: ${pkg})`;
    }
  }
  try {
    execFileSync(PYTHON, ['-c', 'import gi; gi.require_version("Gtk", "3.0"); gi.require_version("WebKit2", "4.1")'], { stdio: 'ignore' });
  } catch {
    return `the WebKit tests need ${PYTHON} with PyGObject and WebKit2 4.1 (Debian: python3-gi gir1.2-webkit2-4.1)`;
  }
  if (!existsSync(`${ROOT}dist/index.html`)) return 'dist/index.html is missing: run `npm run build` first';
  return null;
}

export interface BrowserOptions {
  /** Window (= viewport) size; the browser has no toolbar. */
  width?: number;
  height?: number;
  /** The browser's preferred language, as navigator.languages reports it. */
  lang?: string;
  /** Script files run in every page before the page's own scripts (after page-errors.js). */
  scripts?: string[];
}

export interface WebKitBrowser {
  readonly session: Session;
  /** Ends the session and makes sure the browser process is gone; removes its profile. */
  close(): Promise<void>;
}

export interface WebKit {
  /** One browser window with a fresh profile; WebKitWebDriver serves one session at a time. */
  open(options?: BrowserOptions): Promise<WebKitBrowser>;
  /** Stops WebKitWebDriver and Xvfb (after any open browser). */
  close(): Promise<void>;
}

/** Starts Xvfb on a display it picks itself (-displayfd: no collision with parallel runs) and returns ":N". */
async function startXvfb(): Promise<{ proc: RunningProcess; display: string }> {
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1600x1200x24', '-nolisten', 'tcp', '-noreset'], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const proc = track(child);
  let written = '';
  // fd 3 is a pipe Xvfb writes its display number to.
  (child.stdio[3] as Readable | null)?.setEncoding('utf8').on('data', (chunk: string) => (written += chunk));
  try {
    const display = await waitFor(
      () => {
        if (child.exitCode !== null) throw new GiveUp(`Xvfb exited with ${child.exitCode}`);
        return /^\d+\n/.test(written) ? `:${written.trim()}` : undefined;
      },
      15_000,
      'Xvfb to pick a display',
      50,
    );
    return { proc, display };
  } catch (error) {
    await proc.stop();
    throw new Error(`${(error as Error).message}\n--- Xvfb output ---\n${proc.output()}`);
  }
}

async function startDriver(display: string): Promise<{ proc: RunningProcess; url: string }> {
  const port = await freePort('127.0.0.1');
  const child = spawn('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], {
    // The driver starts the browser with its own environment: that is how the browser finds the display.
    env: { ...process.env, DISPLAY: display },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = track(child);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new GiveUp(`WebKitWebDriver exited with ${child.exitCode}`);
        const res = await fetch(`${url}/status`, { signal: AbortSignal.timeout(1_000) });
        return res.ok;
      },
      15_000,
      'WebKitWebDriver to answer /status',
      100,
    );
    return { proc, url };
  } catch (error) {
    await proc.stop();
    throw new Error(`${(error as Error).message}\n--- WebKitWebDriver output ---\n${proc.output()}`);
  }
}

/** Kills the browser process of a profile if it outlived its session (it writes its pid there). */
async function killBrowser(profile: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(join(profile, 'browser.pid'), 'utf8'));
  } catch {
    return;
  }
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  // Bounded: a browser that ignores SIGTERM for 3 s gets SIGKILL.
  for (let i = 0; i < 30 && alive(); i++) await sleep(100);
  if (alive()) process.kill(pid, 'SIGKILL');
}

export async function startWebKit(): Promise<WebKit> {
  const xvfb = await startXvfb();
  let driver: { proc: RunningProcess; url: string };
  try {
    driver = await startDriver(xvfb.display);
  } catch (error) {
    await xvfb.proc.stop();
    throw error;
  }
  const open = new Set<WebKitBrowser>();
  return {
    async open(options = {}) {
      const profile = await mkdtemp(join(tmpdir(), 'webkit-profile-'));
      const args = [
        BROWSER,
        `--data-dir=${profile}`,
        `--size=${options.width ?? 1280}x${options.height ?? 800}`,
        `--lang=${options.lang ?? 'en-US'}`,
        ...[PAGE_ERRORS, ...(options.scripts ?? [])].map((file) => `--script=${file}`),
      ];
      let session: Session;
      try {
        session = await withTimeout(
          Session.create(driver.url, { 'webkitgtk:browserOptions': { binary: PYTHON, args } }),
          30_000,
          'a WebKit session',
        );
      } catch (error) {
        await killBrowser(profile);
        await rm(profile, { recursive: true, force: true });
        throw new Error(`${(error as Error).message}\n--- WebKitWebDriver output ---\n${driver.proc.output()}`);
      }
      const browser: WebKitBrowser = {
        session,
        async close() {
          open.delete(browser);
          await withTimeout(session.delete(), 10_000, 'the WebKit session to end').catch(() => undefined);
          await killBrowser(profile);
          await rm(profile, { recursive: true, force: true });
        },
      };
      open.add(browser);
      return browser;
    },
    async close() {
      for (const browser of [...open]) await browser.close();
      await driver.proc.stop();
      await xvfb.proc.stop();
    },
  };
}
