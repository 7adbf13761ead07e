// File sharing through the UI: a 50 MB random file arrives with the sender's SHA-256 (saved from browser
// storage as a normal download); a byte channel dropped mid-way resumes and still verifies; cancel from
// either side leaves both clean; send-to-everyone reaches two people.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { closeBrowser, launchChromium, startServer, waitFor, type AppServer } from './harness.ts';
import { callOf, leaveAll, type Person } from './room.ts';

const MB = 1024 * 1024;
let server: AppServer;
let browser: Browser;
let dir: string;
let pair: Person[] = [];
let trio: Person[] = [];

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function randomFile(name: string, bytes: number): Promise<{ path: string; sha: string }> {
  const path = join(dir, name);
  const parts: Buffer[] = [];
  for (let left = bytes; left > 0; left -= 8 * MB) parts.push(randomBytes(Math.min(left, 8 * MB)));
  writeFileSync(path, Buffer.concat(parts));
  return { path, sha: await sha256(path) };
}

/** The transfer row for `file` on this page: a group named "<file>, from <name>" or "<file>, to <name>". */
function row(page: Page, file: string, peer: string, direction: 'from' | 'to'): Locator {
  return page.getByRole('group', { name: `${file}, ${direction} ${peer}`, exact: true });
}

async function send(from: Person, path: string, to = 'Everyone'): Promise<void> {
  await from.page.getByRole('combobox', { name: 'Send to' }).selectOption({ label: to });
  await from.page.getByLabel('Send file').setInputFiles(path);
}

async function percent(r: Locator): Promise<number> {
  return Number(await r.getByRole('progressbar').getAttribute('value'));
}

/** Waits for a row to say `text`; on timeout the error says what every row on both pages said instead. */
async function until(r: Locator, text: string, timeout: number, pages: Page[]): Promise<void> {
  try {
    await r.getByText(text).waitFor({ timeout });
  } catch (err) {
    const seen = await Promise.all(
      pages.map((p) =>
        p
          .getByRole('list', { name: 'Transfers' })
          .innerText({ timeout: 5_000 })
          .catch(() => '?'),
      ),
    );
    throw new Error(`${(err as Error).message}\n--- transfers ---\n${seen.join('\n---\n')}`, { cause: err });
  }
}

/** Clicks "Save" on a finished incoming transfer and hashes what the browser downloaded. */
async function savedSha(page: Page, r: Locator): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), r.getByRole('link', { name: 'Save' }).click()]);
  const path = join(dir, `dl-${randomBytes(4).toString('hex')}`);
  await download.saveAs(path);
  return sha256(path);
}

/** Files this tab keeps in its origin-private file system (partial or finished transfers). */
function storedFiles(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const names: string[] = [];
    const root = await navigator.storage.getDirectory();
    for await (const [dirName, handle] of root as unknown as AsyncIterable<[string, FileSystemHandle]>) {
      if (handle.kind !== 'directory') continue;
      for await (const [name] of handle as unknown as AsyncIterable<[string, FileSystemHandle]>) names.push(`${dirName}/${name}`);
    }
    return names;
  });
}

function openFileChannels(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as unknown as { __channels: RTCDataChannel[] }).__channels
      .filter((c) => c.label.startsWith('file:') && c.readyState !== 'closed')
      .map((c) => `${c.label} ${c.readyState}`),
  );
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'files-e2e-'));
  server = await startServer();
  browser = await launchChromium(['--disable-features=WebRtcHideLocalIpsWithMdns']);
});

after(async () => {
  await leaveAll([...pair, ...trio]);
  await closeBrowser(browser);
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("a 50 MB file arrives intact: the saved download has the sender's SHA-256", { timeout: 240_000 }, async () => {
  pair = await callOf(browser, server.url, ['Alice', 'Bob']);
  const [alice, bob] = pair as [Person, Person];
  const file = await randomFile('random-50.bin', 50 * MB);
  await send(alice, file.path);
  const incoming = row(bob.page, 'random-50.bin', 'Alice', 'from');
  await incoming.getByText('Wants to send you this file').waitFor();
  assert.match(await incoming.innerText(), /52\.4 MB/, 'the receiver sees the size before accepting');
  await incoming.getByRole('button', { name: 'Accept' }).click();
  await until(incoming, 'Done, checksum verified', 180_000, [alice.page, bob.page]);
  await row(alice.page, 'random-50.bin', 'Bob', 'to').getByText('Done, checksum verified').waitFor({ timeout: 20_000 });
  assert.equal(await percent(incoming), 100);
  assert.equal(await savedSha(bob.page, incoming), file.sha);
});

test('a byte channel dropped mid-transfer resumes from the confirmed offset and verifies', { timeout: 240_000 }, async () => {
  const [alice, bob] = pair as [Person, Person];
  const file = await randomFile('resume-40.bin', 40 * MB);
  await send(alice, file.path);
  const incoming = row(bob.page, 'resume-40.bin', 'Alice', 'from');
  await incoming.getByRole('button', { name: 'Accept' }).click();
  await waitFor(async () => (await percent(incoming)) >= 15, 120_000, 'the transfer to pass 15%', 50);
  // The blip: the receiver's byte channel goes away (an SCTP stream reset both sides see) and ICE restarts,
  // as after a network change. Bytes in flight are lost; the receiver must ask to resume where its disk is.
  const dropped = await bob.page.evaluate(() => {
    const w = window as unknown as { __channels: RTCDataChannel[]; __pcs: RTCPeerConnection[] };
    const live = w.__channels.filter((c) => c.label.startsWith('file:') && c.readyState === 'open');
    for (const c of live) c.close();
    for (const pc of w.__pcs) if (pc.connectionState !== 'closed') pc.restartIce();
    return live.map((c) => c.label);
  });
  assert.equal(dropped.length, 1, `one byte channel was live: ${dropped.join()}`);
  await incoming.getByText('Done, checksum verified').waitFor({ timeout: 180_000 });
  const labels = await bob.page.evaluate(() =>
    (window as unknown as { __channels: RTCDataChannel[] }).__channels.map((c) => c.label).filter((l) => l.startsWith('file:')),
  );
  const resumed = labels.map((l) => Number(l.split(':')[2])).filter((offset) => offset > 0);
  assert.equal(resumed.length, 1, `exactly one resumed channel: ${labels.join(', ')}`);
  assert.ok(resumed[0]! > 0 && resumed[0]! < 40 * MB && resumed[0]! % (64 * 1024) === 0, `resumed mid-file at ${resumed[0]}`);
  assert.equal(await savedSha(bob.page, incoming), file.sha, 'nothing lost, nothing duplicated');
});

for (const who of ['receiver', 'sender'] as const) {
  test(`cancel by the ${who} leaves both sides clean`, { timeout: 180_000 }, async () => {
    const [alice, bob] = pair as [Person, Person];
    const name = `cancel-by-${who}.bin`;
    const file = await randomFile(name, 40 * MB);
    const before = await storedFiles(bob.page);
    await send(alice, file.path);
    const incoming = row(bob.page, name, 'Alice', 'from');
    const outgoing = row(alice.page, name, 'Bob', 'to');
    await incoming.getByRole('button', { name: 'Accept' }).click();
    await waitFor(async () => (await percent(incoming)) >= 5, 120_000, 'the transfer to pass 5%', 50);
    await (who === 'receiver' ? incoming : outgoing).getByRole('button', { name: 'Cancel' }).click();
    await incoming.getByText('Cancelled', { exact: true }).waitFor({ timeout: 20_000 });
    await outgoing.getByText('Cancelled', { exact: true }).waitFor({ timeout: 20_000 });
    await waitFor(async () => (await storedFiles(bob.page)).length === before.length, 20_000, 'the partial file to be deleted');
    assert.deepEqual(await storedFiles(bob.page), before);
    await waitFor(async () => (await openFileChannels(alice.page)).length === 0, 20_000, "the sender's byte channel to close");
    await waitFor(async () => (await openFileChannels(bob.page)).length === 0, 20_000, "the receiver's byte channel to close");
    assert.equal(await incoming.getByRole('button', { name: 'Cancel' }).count(), 0);
    assert.equal(await outgoing.getByRole('button', { name: 'Cancel' }).count(), 0);
  });
}

test('send to everyone in a 3-person call', { timeout: 480_000 }, async () => {
  await leaveAll(pair);
  pair = [];
  trio = await callOf(browser, server.url, ['Ana', 'Ben', 'Cleo']);
  const [ana, ben, cleo] = trio as [Person, Person, Person];
  // Three browsers encoding video on two cores starve the transfer; this test is about fan-out, not media.
  for (const p of trio) await p.page.getByRole('button', { name: 'Camera' }).click();
  const file = await randomFile('for-all.bin', 6 * MB);
  await send(ana, file.path, 'Everyone');
  for (const p of [ben, cleo]) {
    const incoming = row(p.page, 'for-all.bin', 'Ana', 'from');
    await incoming.getByRole('button', { name: 'Accept' }).click();
  }
  for (const p of [ben, cleo]) {
    const incoming = row(p.page, 'for-all.bin', 'Ana', 'from');
    await until(incoming, 'Done, checksum verified', 180_000, [ana.page, p.page]);
    assert.equal(await savedSha(p.page, incoming), file.sha, `${p.name} got the same bytes`);
    await row(ana.page, 'for-all.bin', p.name, 'to').getByText('Done, checksum verified').waitFor({ timeout: 20_000 });
  }
});
