// Calls across the network lab: the real server (and coturn) on the lab's internet, one Chromium per home,
// and what a person would notice measured from inside the pages (frames presented, audio received/concealed,
// which kind of path ICE chose).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  closeBrowser,
  GiveUp,
  startServer,
  track,
  videoFramesDecoded,
  waitFor,
  type AppServer,
  type RunningProcess,
} from '../e2e/harness.ts';
import { enter, type Person } from '../e2e/room.ts';
import { launchChromiumIn } from './browsers.ts';
import { INTERNET_ADDRESS, type Home, type Lab } from './network.ts';

/** `npm start` on the lab's internet, with whatever settings the test adds (none: the defaults). */
export function startLabServer(lab: Lab, env: Record<string, string> = {}): Promise<AppServer> {
  return startServer({ host: INTERNET_ADDRESS, env, spawn: (command, args, options) => lab.spawnInternet(command, args, options) });
}

export interface LabTurn extends RunningProcess {
  /** For TURN_URLS. */
  url: string;
  secret: string;
}

/** coturn on the lab's internet with TURN REST credentials (the server's TURN_SECRET), UDP and TCP. */
export async function startLabTurn(lab: Lab, secret = 'lab-turn-secret'): Promise<LabTurn> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-turn-'));
  const child = lab.spawnInternet('turnserver', [
    '-n',
    `--listening-ip=${INTERNET_ADDRESS}`,
    `--relay-ip=${INTERNET_ADDRESS}`,
    '--listening-port=3478',
    '--min-port=49160',
    '--max-port=49400',
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    '--realm=lab.test',
    '--no-cli',
    '--no-tls',
    '--no-dtls',
    '--no-multicast-peers',
    process.env.TURN_LOG ? `--log-file=${process.env.TURN_LOG}` : '--log-file=stdout',
    '--simple-log',
    ...(process.env.TURN_LOG ? ['--verbose'] : []),
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    `--userdb=${join(dir, 'turndb')}`,
  ]);
  const proc = track(child);
  const stop = async (graceMs?: number) => {
    await proc.stop(graceMs);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new GiveUp(`turnserver exited with ${child.exitCode}`);
        // Its later lines ("listener opened") stay in coturn's stdout buffer when that is a pipe; the
        // listeners open right after the relay ports, and browsers launch for seconds before they ask.
        return (
          /Relay ports initialization done/.test(process.env.TURN_LOG ? readFileSync(process.env.TURN_LOG, 'utf8') : proc.output()) ||
          undefined
        );
      },
      10_000,
      'turnserver to initialise its relay ports',
      50,
    );
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- turnserver output ---\n${proc.output()}`);
  }
  return { ...proc, stop, url: `turn:${INTERNET_ADDRESS}:3478?transport=udp`, secret };
}

/** A fresh room link, as "Start a call" makes one; `query` (e.g. ?relay=1) goes before the secret fragment. */
export function roomUrl(server: AppServer, query = ''): string {
  const b64 = (n: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(n))).toString('base64url');
  return `${server.url}/r/${b64(16)}${query}#${b64(32)}`;
}

export interface LabPerson extends Person {
  browser: Browser;
  home: Home;
}

export interface JoinOptions {
  /** The call's link; null starts a new call. */
  url?: string | null;
  /** Runs in the page before the app (e.g. a slow camera). */
  init?: string;
  /** Extra Chromium flags, e.g. to leave out the fake media prompt. */
  args?: string[];
  /** Joins with the camera off (set on the pre-join screen). */
  cameraOff?: boolean;
}

/** A person at `home` who opens the app in their own browser and joins. */
export async function joinFrom(home: Home, server: AppServer, name: string, opts: JoinOptions = {}): Promise<LabPerson> {
  const browser = await launchChromiumIn(home, { origin: server.url, args: opts.args });
  try {
    const person = await enter(browser, server.url, name, opts.url ?? null, { init: opts.init, cameraOff: opts.cameraOff });
    return { ...person, browser, home };
  } catch (error) {
    await closeBrowser(browser);
    throw error;
  }
}

export async function leaveLab(people: LabPerson[]): Promise<void> {
  await Promise.all(people.map((p) => closeBrowser(p.browser)));
}

export function tileOf(viewer: Person, name: string) {
  return viewer.page.getByRole('group', { name, exact: true });
}

/** Frames `viewer` has been shown of `name`'s camera so far. */
export function framesOf(viewer: Person, name: string): Promise<number> {
  return videoFramesDecoded(tileOf(viewer, name));
}

export interface PathInfo {
  /** The remote end's address as ICE sees it: for a direct path through a cone NAT, the other home's router. */
  remote: string;
  localType: string;
  remoteType: string;
  /** Audio from that peer: samples received, of which concealed (lost or late), and energy heard. */
  samples: number;
  concealed: number;
  energy: number;
}

/**
 * One entry per live peer connection of the page (recorded by room.ts's INSTRUMENT): its selected path and
 * the audio it received. A connection with no selected pair yet reports empty types.
 */
export function paths(page: Page): Promise<PathInfo[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState !== 'closed');
    const out: PathInfo[] = [];
    for (const pc of pcs) {
      const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
      const byId = new Map(stats.map((s) => [s.id, s]));
      const transport = stats.find((s) => s.type === 'transport');
      const pair = byId.get(transport?.selectedCandidatePairId);
      const local = byId.get(pair?.localCandidateId);
      const remote = byId.get(pair?.remoteCandidateId);
      const audio = stats.filter((s) => s.type === 'inbound-rtp' && s.kind === 'audio');
      const sum = (key: string) => audio.reduce((n, s) => n + (Number(s[key]) || 0), 0);
      out.push({
        remote: String(remote?.address ?? remote?.ip ?? ''),
        localType: String(local?.candidateType ?? ''),
        remoteType: String(remote?.candidateType ?? ''),
        samples: sum('totalSamplesReceived'),
        concealed: sum('concealedSamples'),
        energy: sum('totalAudioEnergy'),
      });
    }
    return out;
  });
}

/** The connection of `viewer` whose remote end is `home` (direct paths only: a relay hides who is behind it). */
export async function pathTo(viewer: Person, home: Home): Promise<PathInfo | undefined> {
  return (await paths(viewer.page)).find((p) => p.remote === home.wanAddress);
}

/** Resolves once `viewer` is shown fresh frames of every one of `names` (waitForFramesIncreasing for several). */
export async function seesEveryone(viewer: Person, names: string[], timeoutMs = 30_000): Promise<void> {
  for (const name of names) {
    const start = await waitFor(
      async () => {
        const n = await framesOf(viewer, name).catch(() => -1);
        return n >= 0 ? n : undefined;
      },
      timeoutMs,
      `${viewer.name} to show a video of ${name}`,
    );
    await waitFor(
      async () => ((await framesOf(viewer, name).catch(() => start)) >= start + 10 ? true : undefined),
      timeoutMs,
      `${viewer.name}'s video of ${name} to advance`,
      200,
    );
  }
}

/**
 * Milliseconds until every person sees fresh frames of every other, polled; throws after `timeoutMs`, with
 * what each page's connections and video elements were doing, to tell a dead path from a frozen picture.
 */
export async function timeUntilAllSeeAll(people: Person[], timeoutMs: number): Promise<number> {
  const started = Date.now();
  try {
    await Promise.all(
      people.map((p) =>
        seesEveryone(
          p,
          people.filter((o) => o !== p).map((o) => o.name),
          timeoutMs,
        ),
      ),
    );
  } catch (error) {
    const reports = await Promise.all(people.map(async (p) => `${p.name}: ${await linkReport(p.page).catch((e: unknown) => String(e))}`));
    throw new Error(`${(error as Error).message}\n${reports.join('\n')}`);
  }
  return Date.now() - started;
}

/** One line per peer connection and per video element of the page: states, path, video packets and frames. */
export function linkReport(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState !== 'closed');
    const lines: string[] = [];
    for (const pc of pcs) {
      const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
      const byId = new Map(stats.map((s) => [s.id, s]));
      const transport = stats.find((s) => s.type === 'transport');
      const pair = byId.get(transport?.selectedCandidatePairId);
      const type = (id: unknown) => String(byId.get(id)?.candidateType ?? '-');
      const video = stats
        .filter((s) => s.type === 'inbound-rtp' && s.kind === 'video')
        .map((s) => `in ${s.packetsReceived}p ${s.framesDecoded}f`);
      const out = stats
        .filter((s) => s.type === 'outbound-rtp' && s.kind === 'video')
        .map((s) => `out ${s.packetsSent}p ${s.framesEncoded}f`);
      lines.push(
        `pc ${pc.connectionState}/${pc.iceConnectionState}/${pc.signalingState} ${type(pair?.localCandidateId)}->${type(pair?.remoteCandidateId)} ${[...video, ...out].join(' ')}`,
      );
    }
    const all = (root: ParentNode): HTMLVideoElement[] => {
      const found = [...root.querySelectorAll('video')];
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) found.push(...all(el.shadowRoot));
      return found;
    };
    for (const v of all(document)) {
      const tracks =
        v.srcObject instanceof MediaStream ? v.srcObject.getVideoTracks().map((t) => `${t.readyState}${t.muted ? ' muted' : ''}`) : [];
      lines.push(
        `video ready=${v.readyState} paused=${v.paused} frames=${v.getVideoPlaybackQuality().totalVideoFrames} tracks=[${tracks.join(',')}]`,
      );
    }
    return lines.join('; ');
  });
}

/** The names of the tiles `viewer` shows (other people only), to catch duplicates and ghosts. */
export async function tileNames(viewer: Person): Promise<string[]> {
  const names = await viewer.page.getByRole('group').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  return names.filter((n) => n !== '' && !n.endsWith('(you)') && !n.endsWith("'s screen")).sort();
}

/** Delays getUserMedia by `ms`, as a person who takes a while to press "Allow", or a slow phone camera. */
export function slowMediaPrompt(ms: number): string {
  return `{
    const md = navigator.mediaDevices;
    const real = md.getUserMedia.bind(md);
    md.getUserMedia = (c) => new Promise((resolve) => setTimeout(resolve, ${ms})).then(() => real(c));
    window.__mediaAsked = 0;
    const count = md.getUserMedia;
    md.getUserMedia = (c) => { window.__mediaAsked++; return count(c); };
  }`;
}
