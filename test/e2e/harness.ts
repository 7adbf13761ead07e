// End-to-end helpers: the real server as a child process, Debian's Chromium through playwright-core and
// Firefox ESR through puppeteer-core. Run inside scripts/netns.sh (WebRTC gathers nothing on loopback alone).
// Every wait here is bounded, so a broken app fails a test instead of hanging CI.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator } from 'playwright-core';
import puppeteer, { type Browser as FirefoxBrowser, type ElementHandle } from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, FIREFOX_PATH, FIREFOX_PREFS } from '../../scripts/browsers.mjs';
import '../../scripts/firefox-bidi-compat.mjs';
import { freshDataDir } from '../../scripts/data-dir.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Set by scripts/netns.sh. Outside a namespace on Linux, peers gather no candidates and calls never connect. */
export const INSIDE_NETNS = process.env.NETNS_INSIDE === '1';

function requireNetns(): void {
  if (!INSIDE_NETNS && process.platform === 'linux') {
    throw new Error('e2e tests need a network namespace: run them with `npm run test:e2e` (scripts/netns.sh)');
  }
}

// Pages are served from 127.0.0.1 because it is a secure context: getUserMedia and the clipboard API are
// refused on plain http://10.77.0.1. ICE still uses the veth interface, so media flows across the namespace.
export const APP_HOST = '127.0.0.1';

export { CHROMIUM_ARGS, CHROMIUM_PATH, FIREFOX_PATH, FIREFOX_PREFS };

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with `label` if `promise` does not settle within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${label}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Thrown from a waitFor check to stop waiting at once (a child process died, say) instead of retrying. */
export class GiveUp extends Error {}

/**
 * Polls `check` until it returns a value other than undefined/false, or fails after `ms`. A check that
 * throws is retried (the element may not exist yet) unless it throws GiveUp.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  ms: number,
  label: string,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + ms;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (error instanceof GiveUp) throw error;
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${ms} ms waiting for ${label}${cause}`);
    }
    await sleep(intervalMs);
  }
}

export async function freePort(host = APP_HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  readonly child: ChildProcess;
  /** Everything the process printed so far, for assertion messages. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

export function track(child: ChildProcess): RunningProcess {
  let log = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    child,
    output: () => log,
    async stop(graceMs = 5_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const gone = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
        if (!gone) child.kill('SIGKILL');
      }
      await withTimeout(exited, graceMs, `process ${child.pid} to exit`);
    },
  };
}

export interface AppServer extends RunningProcess {
  /** Base URL of the app, e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  readonly port: number;
}

export interface ServerOptions {
  /** Extra environment: ROOM_CAP, TURN_SECRET, TURN_URLS, ... (PORT and HOST are set here). */
  env?: Record<string, string>;
  host?: string;
  /** Entry file relative to the repo root; tests of the harness itself point it elsewhere. */
  entry?: string;
  startTimeoutMs?: number;
  /** Starts the process somewhere else (the network lab's internet, say); plain `spawn` by default. */
  spawn?: (command: string, args: string[], options: SpawnOptions) => ChildProcess;
}

/** Starts the real server (which also serves dist/) on a free port and waits for its "Listening on" line. */
export async function startServer(options: ServerOptions = {}): Promise<AppServer> {
  const entry = options.entry ?? 'signaling/src/node/main.ts';
  if (!options.entry && !existsSync(`${ROOT}dist/index.html`)) {
    throw new Error('dist/index.html is missing: run `npm run build` before the e2e tests');
  }
  const host = options.host ?? APP_HOST;
  const child = (options.spawn ?? spawn)(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: freshDataDir(), ...options.env, PORT: '0', HOST: host },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = track(child);
  const timeoutMs = options.startTimeoutMs ?? 20_000;
  try {
    const url = await waitFor(
      () => {
        if (child.exitCode !== null) throw new GiveUp(`server exited with ${child.exitCode}`);
        return /Listening on (http:\/\/[^\s/]+)/.exec(proc.output())?.[1];
      },
      timeoutMs,
      `"Listening on http://..." from ${entry}`,
      50,
    );
    return { ...proc, url, port: Number(new URL(url).port) };
  } catch (error) {
    await proc.stop();
    throw new Error(`${(error as Error).message}\n--- server output ---\n${proc.output()}`);
  }
}

export interface TurnServer extends RunningProcess {
  readonly url: string;
  readonly secret: string;
}

/** True once a STUN binding request to udp://host:port gets any answer: the listener is really up. */
async function stunAnswers(host: string, port: number, ms: number): Promise<boolean> {
  const socket = createSocket('udp4');
  try {
    const answered = new Promise<boolean>((resolve) => socket.once('message', () => resolve(true)));
    // Binding request: type 0x0001, length 0, magic cookie, 12-byte transaction id.
    const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), randomBytes(12)]);
    socket.send(request, port, host);
    return await Promise.race([answered, sleep(ms).then(() => false)]);
  } finally {
    socket.close();
  }
}

/** coturn with time-limited (TURN REST API) credentials on 127.0.0.1, for relay-only tests. */
export async function startTurn(secret = 'e2e-turn-secret'): Promise<TurnServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'e2e-turn-'));
  const child = spawn(
    'turnserver',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      '--min-port=49160',
      '--max-port=49200',
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=test.local',
      '--allow-loopback-peers',
      '--no-cli',
      '--no-tls',
      '--no-dtls',
      '--no-multicast-peers',
      '--log-file=stdout',
      '--simple-log',
      // Private pid file and user db, so parallel runs and a system coturn do not collide.
      `--pidfile=${join(dir, 'turnserver.pid')}`,
      `--userdb=${join(dir, 'turndb')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const proc = track(child);
  const stop = async (graceMs?: number) => {
    await proc.stop(graceMs);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new GiveUp(`turnserver exited with ${child.exitCode}`);
        return stunAnswers('127.0.0.1', port, 200);
      },
      10_000,
      'turnserver to answer a STUN binding request',
      50,
    );
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- turnserver output ---\n${proc.output()}`);
  }
  return { ...proc, stop, url: `turn:127.0.0.1:${port}?transport=udp`, secret };
}

/** TURN REST API credentials: username `<expiry>:<name>`, credential base64(HMAC-SHA1(secret, username)). */
export function turnCredentials(secret: string, name = 'e2e', ttlSeconds = 3_600): { username: string; credential: string } {
  const username = `${Math.floor(Date.now() / 1000) + ttlSeconds}:${name}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** Like withTimeout, but a browser that finishes launching after we gave up is closed, not leaked. */
async function launchBounded<B extends { close(): Promise<void> }>(launch: Promise<B>, ms: number, label: string): Promise<B> {
  try {
    return await withTimeout(launch, ms, label);
  } catch (error) {
    launch.then((late) => late.close()).catch(() => undefined);
    throw error;
  }
}

// Generous: on a busy 2-core machine a cold browser start has taken 10-40 s.
const LAUNCH_TIMEOUT_MS = 60_000;

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  requireNetns();
  return launchBounded(
    chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] }),
    LAUNCH_TIMEOUT_MS,
    'Chromium to launch',
  );
}

/**
 * One participant = one incognito context (its own storage, devices and permissions).
 * The init script defines esbuild's `__name` helper: tsx compiles these tests with keepNames, so a named
 * function inside a callback passed to `evaluate` would otherwise throw "__name is not defined" in the page.
 */
export async function newParticipant(browser: Browser, origin?: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 }, ...options });
  await context.grantPermissions(['camera', 'microphone', 'clipboard-read', 'clipboard-write'], origin ? { origin } : undefined);
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  // Generous because a loaded 2-core runner has been seen to take 15 s to acknowledge one click.
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(30_000);
  if (process.env.E2E_DEBUG) {
    context.on('console', (m) => console.error(`[page ${m.type()}] ${m.text()}`));
    context.on('weberror', (e) => console.error(`[page error] ${e.error().message}`));
    context.on('response', (r) => {
      if (r.status() >= 400) console.error(`[page http ${r.status()}] ${r.url()}`);
    });
  }
  return context;
}

/** Closes a browser without letting a wedged one hang the test run. */
export async function closeBrowser(browser: Browser | FirefoxBrowser | undefined): Promise<void> {
  if (!browser) return;
  try {
    await withTimeout(browser.close(), 10_000, 'browser to close');
  } catch {
    const pid = 'process' in browser && typeof browser.process === 'function' ? browser.process()?.pid : undefined;
    if (pid) process.kill(pid, 'SIGKILL');
  }
}

/** Firefox ESR through WebDriver BiDi; Playwright cannot drive stock Firefox. */
export async function launchFirefox(extraPrefs: Record<string, string | number | boolean> = {}): Promise<FirefoxBrowser> {
  requireNetns();
  return launchBounded(
    puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless: true,
      extraPrefsFirefox: { ...FIREFOX_PREFS, ...extraPrefs },
    }),
    LAUNCH_TIMEOUT_MS,
    'Firefox ESR to launch',
  );
}

/** Frames decoded so far by the first <video> inside `scope` (a participant tile, say). */
/**
 * Frames decoded so far by the first <video> inside `scope` (a participant tile, say), counted on the element.
 * Chromium restarts getVideoPlaybackQuality() at zero when a remote stream's resolution changes (the
 * bitrate budget scales video as the room grows), so the count accumulates its increases across restarts.
 * A replaced <video> element starts again from zero, so a re-created tile still shows as a stall.
 */
export async function videoFramesDecoded(scope: Locator): Promise<number> {
  return scope
    .locator('video')
    .first()
    .evaluate(
      (video: HTMLVideoElement & { e2eLast?: number; e2eTotal?: number }) => {
        const now = video.getVideoPlaybackQuality().totalVideoFrames;
        const last = video.e2eLast ?? 0;
        video.e2eTotal = (video.e2eTotal ?? 0) + (now >= last ? now - last : now);
        video.e2eLast = now;
        return video.e2eTotal;
      },
      undefined,
      { timeout: 5_000 },
    );
}

/**
 * Frames presented by a puppeteer (Firefox) element that is or contains the <video>, or -1 if there is none.
 * Firefox keeps getVideoPlaybackQuality() at zero for MediaStream sources, so the first call installs a
 * requestVideoFrameCallback counter on the element and later calls read it.
 */
export async function firefoxFramesDecoded(scope: ElementHandle<Element>): Promise<number> {
  return scope.evaluate((el) => {
    const video = (el instanceof HTMLVideoElement ? el : el.querySelector('video')) as (HTMLVideoElement & { e2eFrames?: number }) | null;
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
}

export type FrameReader = Locator | (() => Promise<number>);

/**
 * Resolves once the video has decoded at least `frames` more frames than when called: proof that media is
 * flowing now, not that it flowed once. The fake camera runs at ~30 fps; the default asks for ~0.3 s of it.
 */
export async function waitForFramesIncreasing(
  source: FrameReader,
  { frames = 10, timeoutMs = 20_000, label = 'video frames' }: { frames?: number; timeoutMs?: number; label?: string } = {},
): Promise<number> {
  const read = typeof source === 'function' ? source : () => videoFramesDecoded(source);
  const start = await waitFor(
    async () => {
      const n = await read();
      return n >= 0 ? n : undefined;
    },
    timeoutMs,
    `${label}: a <video> to read`,
  );
  let last = start;
  try {
    return await waitFor(
      async () => {
        last = await read();
        return last >= start + frames ? last : undefined;
      },
      timeoutMs,
      `${label} to increase by ${frames}`,
      200,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message} (from ${start} to ${last})`);
  }
}

/** Resolves once the video decodes no new frames for `quietMs`: the sender stopped or muted its track. */
export async function waitForFramesStalled(
  source: FrameReader,
  { quietMs = 1_500, timeoutMs = 15_000, label = 'video frames' }: { quietMs?: number; timeoutMs?: number; label?: string } = {},
): Promise<number> {
  const read = typeof source === 'function' ? source : () => videoFramesDecoded(source);
  let last = await read();
  let since = Date.now();
  return waitFor(
    async () => {
      const now = await read();
      if (now !== last) {
        last = now;
        since = Date.now();
        return undefined;
      }
      return Date.now() - since >= quietMs ? now : undefined;
    },
    timeoutMs,
    `${label} to stop increasing`,
    200,
  );
}

/** A Firefox page with the same `__name` shim as newParticipant (see there). */
export async function newFirefoxPage(browser: FirefoxBrowser) {
  const page = await browser.newPage();
  await page.evaluateOnNewDocument('globalThis.__name = (fn) => fn;');
  page.setDefaultTimeout(30_000);
  page.setDefaultNavigationTimeout(30_000);
  return page;
}
