// File sharing through the UI: a 50 MB random file arrives with the sender's SHA-256 (saved from browser
// storage as a normal download); a byte channel dropped mid-way resumes and still verifies; cancel from
// either side leaves both clean. Sending to everyone (a swarm) is tested across the network lab: test/lab/swarm.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { closeBrowser, launchChromium, startServer, waitFor, type AppServer } from './harness.ts';
import { callOf, leaveAll, type Person } from './room.ts';
import { autoSavedSha, randomFile, row, send, until } from './files-ui.ts';

const MB = 1024 * 1024;
let server: AppServer;
let browser: Browser;
let dir: string;
let pair: Person[] = [];

async function percent(r: Locator): Promise<number> {
  return Number(await r.getByRole('progressbar').getAttribute('value'));
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
  await leaveAll(pair);
  await closeBrowser(browser);
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("a 50 MB file arrives intact and saves itself, with the sender's SHA-256", { timeout: 240_000 }, async () => {
  pair = await callOf(browser, server.url, ['Alice', 'Bob']);
  const [alice, bob] = pair as [Person, Person];
  const file = await randomFile(dir, 'random-50.bin', 50 * MB);
  await send(alice, file.path);
  const incoming = row(bob.page, 'random-50.bin', 'Alice', 'from');
  await incoming.getByText('Wants to send you this file').waitFor();
  assert.match(await incoming.innerText(), /52\.4 MB/, 'the receiver sees the size before accepting');
  // No "Save" click: a finished file downloads by itself.
  const saved = autoSavedSha(dir, bob.page, 'random-50.bin');
  await incoming.getByRole('button', { name: 'Accept' }).click();
  await until(incoming, 'Done, checksum verified', 180_000, [alice.page, bob.page]);
  await row(alice.page, 'random-50.bin', 'Bob', 'to').getByText('Done, checksum verified').waitFor({ timeout: 20_000 });
  assert.equal(await percent(incoming), 100);
  assert.equal(await saved, file.sha);
});

test('a byte channel dropped mid-transfer resumes from the confirmed offset and verifies', { timeout: 240_000 }, async () => {
  const [alice, bob] = pair as [Person, Person];
  const file = await randomFile(dir, 'resume-40.bin', 40 * MB);
  await send(alice, file.path);
  const incoming = row(bob.page, 'resume-40.bin', 'Alice', 'from');
  const saved = autoSavedSha(dir, bob.page, 'resume-40.bin');
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
  assert.equal(await saved, file.sha, 'nothing lost, nothing duplicated');
});

for (const who of ['receiver', 'sender'] as const) {
  test(`cancel by the ${who} leaves both sides clean`, { timeout: 180_000 }, async () => {
    const [alice, bob] = pair as [Person, Person];
    const name = `cancel-by-${who}.bin`;
    const file = await randomFile(dir, name, 40 * MB);
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
