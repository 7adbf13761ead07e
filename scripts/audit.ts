// `npm run audit`: builds the app into a temporary directory, serves it with the real server, runs
// Lighthouse 12.2.3 against the home page and a room link in Debian's Chromium, and reports the scores next
// to the size of the JavaScript each loads, gzipped (the home page against the 40 KB budget). The last line
// is machine-readable:
//   lighthouse_perf=<n> lighthouse_a11y=<n> lighthouse_bp=<n> initial_js_gz_kb=<n> room_perf=<n> room_a11y=<n> room_bp=<n> room_js_gz_kb=<n>
// Exits non-zero when a score is below 100 or the budget is exceeded.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { newRoomId, newRoomSecret, roomLink } from '../src/core/room-link.ts';
import { CHROMIUM_PATH, CHROMIUM_QUIET_ARGS } from './browsers.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CHROME = CHROMIUM_PATH;
const BUDGET_KB = 40;
const CHROME_FLAGS = ['--headless=new', ...CHROMIUM_QUIET_ARGS].join(' ');

interface Run {
  code: number | null;
  output: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c));
    child.stderr.on('data', (c: Buffer) => (output += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out after ${timeoutMs} ms\n${output}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** The real server on a free port; resolves with its base URL once it says it is listening. */
function serve(distDir: string): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/src/node/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DIST_DIR: distDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${output}`));
    }, 30_000);
    const onData = (c: Buffer) => {
      output += c;
      const url = /Listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, child });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

interface LighthouseReport {
  environment?: { benchmarkIndex?: number };
  categories: Record<string, { score: number | null }>;
  audits: Record<string, { displayValue?: string; details?: { items?: Array<{ url?: string; resourceType?: string }> } }>;
}

interface PageScores {
  perf: number;
  a11y: number;
  bp: number;
  /** The JavaScript the page itself loaded, gzipped. */
  kb: number;
}

/** One Lighthouse run against `url`; prints its scores, metrics and scripts. */
async function audit(label: string, url: string, origin: string, dist: string, report: string): Promise<PageScores> {
  const lh = await run(
    process.execPath,
    [
      'node_modules/lighthouse/cli/index.js',
      url,
      '--quiet',
      `--chrome-flags=${CHROME_FLAGS}`,
      '--only-categories=performance,accessibility,best-practices,seo',
      '--output=json',
      `--output-path=${report}`,
    ],
    { ...process.env, CHROME_PATH: CHROME },
    240_000,
  );
  if (lh.code !== 0) throw new Error(`lighthouse failed on the ${label}:\n${lh.output}`);
  const result = JSON.parse(await readFile(report, 'utf8')) as LighthouseReport;
  const score = (id: string) => Math.round((result.categories[id]?.score ?? 0) * 100);

  // The JavaScript the page itself loaded, as Lighthouse saw it (the service worker's own script is fetched by
  // the browser after load for the next visit, so it is not part of the page's cost).
  const scripts = (result.audits['network-requests']?.details?.items ?? [])
    .filter((i) => i.resourceType === 'Script' && i.url?.startsWith(origin))
    .map((i) => new URL(i.url ?? '').pathname)
    .filter((p) => p !== '/sw.js');
  if (scripts.length === 0) throw new Error(`Lighthouse recorded no script requests for the ${label}`);
  let totalGz = 0;
  console.log(`Initial JavaScript of the ${label} (gzip):`);
  for (const path of new Set(scripts)) {
    const gz = gzipSync(await readFile(join(dist, path))).length;
    totalGz += gz;
    console.log(`  ${path}  ${(gz / 1024).toFixed(1)} KB`);
  }
  const scores = {
    perf: score('performance'),
    a11y: score('accessibility'),
    bp: score('best-practices'),
    kb: Math.round((totalGz / 1024) * 10) / 10,
  };
  console.log(
    `Lighthouse 12.2.3, ${label}: performance ${scores.perf}, accessibility ${scores.a11y}, best practices ${scores.bp}, SEO ${score('seo')} (goal 100 each)`,
  );
  // Lighthouse simulates a slow phone by scaling the CPU time it observed, so a busy machine (other browsers,
  // builds) inflates Total Blocking Time and with it the performance score: show the context.
  const metrics = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index']
    .map((id) => `${id} ${result.audits[id]?.displayValue ?? '?'}`)
    .join(', ');
  console.log(`  ${metrics}`);
  console.log(
    `  CPU benchmark index ${result.environment?.benchmarkIndex ?? '?'} (an idle desktop is ~1000-2500), load average ${loadavg()[0].toFixed(1)}`,
  );
  console.log(`  initial JS gzipped: ${scores.kb} KB`);
  return scores;
}

async function main(): Promise<number> {
  const dist = await mkdtemp(join(tmpdir(), 'audit-dist-'));
  const report = join(dist, '..', `${dist.split('/').pop()}-lighthouse.json`);
  let server: ChildProcess | undefined;
  try {
    const build = await run(
      process.execPath,
      ['node_modules/vite/bin/vite.js', 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn'],
      process.env,
      180_000,
    );
    if (build.code !== 0) throw new Error(`vite build failed:\n${build.output}`);
    const started = await serve(dist);
    server = started.child;
    const home = await audit('home page', `${started.url}/`, started.url, dist, report);
    // A call link as people receive it: the pre-join screen, with the call engine loaded. Lighthouse's Chromium
    // has no camera, so it shows the pre-join screen's "no camera" state.
    const room = await audit('room page', `${started.url}${roomLink(newRoomId(), newRoomSecret())}`, started.url, dist, report);
    console.log(`Initial JS of the home page gzipped: ${home.kb} KB (goal: ${BUDGET_KB} KB or less)`);
    console.log(
      `lighthouse_perf=${home.perf} lighthouse_a11y=${home.a11y} lighthouse_bp=${home.bp} initial_js_gz_kb=${home.kb} ` +
        `room_perf=${room.perf} room_a11y=${room.a11y} room_bp=${room.bp} room_js_gz_kb=${room.kb}`,
    );
    const perfect = (s: PageScores) => s.perf === 100 && s.a11y === 100 && s.bp === 100;
    return perfect(home) && perfect(room) && home.kb <= BUDGET_KB ? 0 : 1;
  } finally {
    server?.kill('SIGTERM');
    await rm(dist, { recursive: true, force: true });
    if (!process.env.KEEP_REPORT) await rm(report, { force: true });
    else console.log(`report: ${report}`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
