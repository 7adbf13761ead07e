// Untrusted signaling, end to end: real Chromium, the real server, a tampering relay between them, and coturn.
// Run inside scripts/netns.sh after `npm run build`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  closeBrowser,
  freePort,
  launchChromium,
  newParticipant,
  sleep,
  startServer,
  waitFor,
  waitForFramesIncreasing,
  type AppServer,
} from './harness.ts';
import { startTamperRelay, type TamperRelay } from './tamper-relay.ts';

let browser: Browser;

interface Coturn {
  url: string;
  secret: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * coturn with TURN REST credentials on 127.0.0.1, like harness.ts's startTurn but verbose: the test reads
 * coturn's log to prove the media was relayed under server-issued credentials. Ready once its TCP listener
 * accepts; its own pid file, so parallel test runs don't fight over /var/run/turnserver.pid.
 */
async function startCoturn(secret = 'e2e-turn-secret'): Promise<Coturn> {
  const port = await freePort();
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
      '--verbose',
      `--pidfile=/tmp/turnserver-${port}.pid`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (log += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (log += c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, sleep(3_000).then(() => child.kill('SIGKILL'))]);
  };
  try {
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          if (child.exitCode !== null) throw new Error(`turnserver exited with ${child.exitCode}: ${log}`);
          const probe = connect(port, '127.0.0.1', () => (probe.destroy(), resolve(true)));
          probe.on('error', () => resolve(false));
        }),
      10_000,
      'turnserver to listen',
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `turn:127.0.0.1:${port}?transport=udp`, secret, output: () => log, stop };
}

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await closeBrowser(browser);
});

async function openPage(url: string): Promise<Page> {
  const context = await newParticipant(browser, new URL(url).origin);
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && console.log(`[page] ${m.text()}`));
  await page.goto(url);
  return page;
}

/** Starts a call from the home page; returns the page and the full room link (with its #secret). */
async function startCall(base: string, name: string, query = ''): Promise<{ page: Page; link: string }> {
  const page = await openPage(`${base}/${query}`);
  await page.getByRole('button', { name: 'Start a call' }).click();
  await page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}$/);
  await join(page, name);
  return { page, link: page.url() };
}

async function join(page: Page, name: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Your name' }).fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByRole('button', { name: 'Leave' }).waitFor({ timeout: 30_000 });
}

async function joinLink(link: string, name: string): Promise<Page> {
  const page = await openPage(link);
  await join(page, name);
  return page;
}

const tile = (page: Page, name: string) => page.getByRole('group', { name, exact: true });

async function readSafetyNumber(page: Page, name: string): Promise<string> {
  const verify = tile(page, name).getByRole('button', { name: 'Verify' });
  await verify.waitFor({ timeout: 40_000 });
  assert.equal(await verify.getAttribute('aria-expanded'), 'false');
  await verify.click();
  assert.equal(await verify.getAttribute('aria-expanded'), 'true');
  return (await tile(page, name).locator('code').textContent())?.trim() ?? '';
}

function signalsFrom(relay: TamperRelay): Array<{ to: string; data: string }> {
  return relay.clientFrames.map((f) => JSON.parse(f) as { type: string; to: string; data: string }).filter((m) => m.type === 'signal');
}

const TAMPER_WARNING = /failed this room's encryption check/;

describe('encrypted signaling through an untrusted server', { timeout: 240_000 }, () => {
  let server: AppServer;
  let relay: TamperRelay;

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await relay?.close();
    await server.stop();
  });

  test('the server relays only ciphertext; both sides show the same safety number', async () => {
    relay = await startTamperRelay(server.url);
    const alice = await startCall(relay.url, 'Alice Liddell');
    const bob = await joinLink(alice.link, 'Bob Builder');
    try {
      await waitForFramesIncreasing(tile(alice.page, 'Bob Builder'), { label: 'Bob at Alice', timeoutMs: 40_000 });
      await waitForFramesIncreasing(tile(bob, 'Alice Liddell'), { label: 'Alice at Bob', timeoutMs: 40_000 });
      const [atAlice, atBob] = [await readSafetyNumber(alice.page, 'Bob Builder'), await readSafetyNumber(bob, 'Alice Liddell')];
      assert.match(atAlice, /^\d{5}( \d{5}){5}$/);
      assert.equal(atAlice, atBob, 'safety numbers differ between the two sides');

      const signals = signalsFrom(relay);
      assert.ok(signals.length >= 4, `only ${signals.length} signals went through the server`);
      for (const s of signals) assert.match(s.data, /^e1\.\d+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      const everything = [...relay.clientFrames, ...relay.serverFrames].join('\n');
      // Only needles that random base64url ciphertext cannot plausibly contain: a three-letter name such as
      // "Bob" turns up by chance in tens of kilobytes of ciphertext.
      for (const secret of ['v=0', 'a=fingerprint', 'candidate', '"sdp"', 'hello', 'Alice Liddell', 'Liddell', 'Bob Builder', 'Builder']) {
        assert.ok(!everything.includes(secret), `the server saw "${secret}"`);
      }
      assert.ok(!everything.includes(new URL(alice.link).hash.slice(1)), 'the server saw the room secret');
      for (const page of [alice.page, bob])
        assert.equal(await page.getByText(TAMPER_WARNING).count(), 0, 'an honest call raised the tampering warning');
    } finally {
      await alice.page.context().close();
      await bob.context().close();
      await relay.close();
    }
  });

  test('a link without its secret is refused with a clear message', async () => {
    const page = await openPage(`${server.url}/r/AAAAAAAAAAAAAAAAAAAAAA`);
    try {
      await page.getByRole('alert').filter({ hasText: 'link is incomplete' }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Join' }).count(), 0);
    } finally {
      await page.context().close();
    }
  });

  test('a rewritten signaling payload is dropped, the user is warned, and no call is made from it', async () => {
    relay = await startTamperRelay(server.url);
    const alice = await startCall(relay.url, 'Alice');
    const aliceConn = relay.conns[0];
    let seen = 0;
    let tampered = 0;
    // Alice's first signal (her hello) passes; every later one (offer with its fingerprint, candidates) is
    // rewritten. The relay cannot find the fingerprint in ciphertext, so it flips bytes instead.
    relay.rules.fromClient = (text, conn) => {
      const m = JSON.parse(text) as { type: string; to: string; data: string };
      if (conn !== aliceConn || m.type !== 'signal' || ++seen === 1) return text;
      tampered++;
      const at = m.data.length - 10;
      const data = m.data.includes('a=fingerprint:')
        ? m.data.replace(/a=fingerprint:sha-256 [0-9A-F:]+/g, `a=fingerprint:sha-256 ${Array(32).fill('66').join(':')}`)
        : m.data.slice(0, at) + (m.data[at] === 'A' ? 'B' : 'A') + m.data.slice(at + 1);
      return JSON.stringify({ ...m, data });
    };
    const bob = await joinLink(alice.link, 'Bob');
    try {
      await bob.getByText(TAMPER_WARNING).waitFor({ timeout: 40_000 });
      assert.ok(tampered > 0);
      // Bob knows Alice from her (intact) hello, but nothing she "sent" afterwards was applied.
      await tile(bob, 'Alice').waitFor();
      const frames = await tile(bob, 'Alice')
        .locator('video')
        .evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);
      assert.equal(frames, 0, 'video arrived over a connection negotiated with tampered signaling');
      await tile(bob, 'Alice')
        .getByText(/Can't reach the other person/)
        .waitFor({ timeout: 30_000 });
    } finally {
      await alice.page.context().close();
      await bob.context().close();
      await relay.close();
    }
  });

  test('an injected participant, a forged hello and a replayed message are ignored', async () => {
    relay = await startTamperRelay(server.url);
    const alice = await startCall(relay.url, 'Alice');
    let injected = false;
    const captured: string[] = [];
    relay.rules.fromServer = (text, conn) => {
      const m = JSON.parse(text) as { type: string; from?: string; data?: string };
      if (conn.index !== 1 || m.type !== 'signal') return text;
      captured.push(text);
      if (!injected) {
        injected = true;
        const intruder = 'intruder-0001';
        const forgedHello = JSON.stringify({ kind: 'hello', key: 'intruder-key-00000000', name: 'Mallory', ack: false });
        setTimeout(() => {
          conn.toClient(JSON.stringify({ type: 'peer-joined', id: intruder }));
          conn.toClient(JSON.stringify({ type: 'signal', from: intruder, data: forgedHello }));
          conn.toClient(JSON.stringify({ type: 'signal', from: intruder, data: `e1.1.${'A'.repeat(16)}.${'B'.repeat(80)}` }));
          // A real sealed message, restamped as the intruder's and replayed as Alice's.
          conn.toClient(JSON.stringify({ type: 'signal', from: intruder, data: m.data }));
          conn.toClient(text);
        }, 50);
      }
      return text;
    };
    const bob = await joinLink(alice.link, 'Bob');
    try {
      await bob.getByText(TAMPER_WARNING).waitFor({ timeout: 40_000 });
      await waitForFramesIncreasing(tile(bob, 'Alice'), { label: 'Alice at Bob despite the intruder', timeoutMs: 40_000 });
      await waitForFramesIncreasing(tile(alice.page, 'Bob'), { label: 'Bob at Alice despite the intruder', timeoutMs: 40_000 });
      assert.ok(injected);
      assert.equal(await bob.getByRole('group', { name: /Mallory/ }).count(), 0, 'the intruder got a tile');
      const tiles = await waitFor(
        async () => {
          const n = await bob.locator('[role="group"][aria-label]').count();
          return n === 2 ? n : undefined;
        },
        5_000,
        'exactly two tiles at Bob',
      );
      assert.equal(tiles, 2);
    } finally {
      await alice.page.context().close();
      await bob.context().close();
      await relay.close();
    }
  });
});

describe('TURN relays in relay-only mode', { timeout: 240_000 }, () => {
  let turn: Coturn;

  before(async () => {
    turn = await startCoturn();
  });
  after(async () => {
    await turn.stop();
  });

  test('two participants connect through coturn with server-issued credentials', async () => {
    const server = await startServer({ env: { TURN_SECRET: turn.secret, TURN_URLS: turn.url } });
    const alice = await startCall(server.url, 'Alice', '?relay=1');
    const link = alice.link.replace('#', '?relay=1#');
    const bob = await joinLink(link, 'Bob');
    try {
      await waitForFramesIncreasing(tile(alice.page, 'Bob'), { label: 'Bob at Alice via TURN', timeoutMs: 30_000 });
      await waitForFramesIncreasing(tile(bob, 'Alice'), { label: 'Alice at Bob via TURN', timeoutMs: 30_000 });
      // Both relayed paths were allocated by coturn under a server-issued "<expiry>:<peer id>" username.
      const log = turn.output();
      assert.match(log, /user <\d+:[A-Za-z0-9_-]{8,}>: incoming packet ALLOCATE processed, success/);
      assert.match(log, /user <\d+:[A-Za-z0-9_-]{8,}>: incoming packet (CREATE_PERMISSION|CHANNEL_BIND) processed, success/);
    } finally {
      await alice.page.context().close();
      await bob.context().close();
      await server.stop();
    }
  });

  test('a credential coturn refuses ends in a clear "can\'t reach" message, not a hang', async () => {
    const server = await startServer({ env: { TURN_SECRET: 'not-the-coturn-secret', TURN_URLS: turn.url } });
    const alice = await startCall(server.url, 'Alice', '?relay=1');
    const bob = await joinLink(alice.link.replace('#', '?relay=1#'), 'Bob');
    try {
      for (const [page, other] of [
        [alice.page, 'Bob'],
        [bob, 'Alice'],
      ] as const) {
        const alert = tile(page, other).getByRole('alert');
        await alert.waitFor({ timeout: 40_000 });
        assert.match((await alert.textContent()) ?? '', /Can't reach the other person: the relay server refused our credentials/);
      }
    } finally {
      await alice.page.context().close();
      await bob.context().close();
      await server.stop();
    }
  });
});
