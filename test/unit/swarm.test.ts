// A file sent to several people at once (files/swarm-send.ts, swarm-receive.ts), in one process: four tabs in a
// full mesh of fake channels (fake-files.ts). What each test can fail on is in its title: the sender's uplink
// carrying the file about once, every receiver's bytes and digest, a receiver leaving halfway, a receiver that
// forwards spoiled pieces, a late accept, and hostile frames.
import assert from 'node:assert/strict';
import { resolveObjectURL } from 'node:buffer';
import { afterEach, test } from 'node:test';
import { pieceChannelLabel } from '../../src/core/peer-protocol';
import { PIECE_SIZE } from '../../src/core/files/swarm-wire';
import { ByteLink, leave, mesh, sha256, testFile, until, type Peer, type TestFile } from './fake-files';

const MiB = 1024 * 1024;
const live: Peer[] = [];

afterEach(() => {
  for (const p of live.splice(0)) p.files.close();
});

interface Swarm {
  sender: Peer;
  receivers: Peer[];
  file: TestFile;
  rowOf(p: Peer): string;
}

async function offered(size: number, n = 3): Promise<Swarm> {
  const peers = mesh(n + 1);
  live.push(...peers);
  const [sender, ...receivers] = peers as [Peer, ...Peer[]];
  const file = testFile(size);
  sender.files.offer(
    [file],
    receivers.map((r) => r.key),
  );
  await until(() => receivers.every((r) => r.transfers.length === 1), 'every receiver to see the offer');
  const wire = (receivers[0] as Peer).only().id.split(':')[1] as string;
  return { sender, receivers, file, rowOf: () => `${sender.key}:${wire}` };
}

const bytesOf = async (p: Peer, id: string): Promise<Uint8Array> => {
  const url = p.row(id).url;
  assert.ok(url, `${p.key} has a download link`);
  const blob = resolveObjectURL(url);
  assert.ok(blob);
  return new Uint8Array(await blob.arrayBuffer());
};

/** Bytes a peer put on piece channels (its uplink for the file). */
const uplink = (p: Peer): number => p.links.filter((l) => l.local.label.startsWith('piece:')).reduce((a, l) => a + l.local.sentBytes, 0);

async function assertAllIntact(s: Swarm, who: readonly Peer[] = s.receivers): Promise<void> {
  const want = await sha256(s.file.content);
  for (const r of who) {
    assert.equal(r.row(s.rowOf(r)).state, 'done', `${r.key} finished`);
    assert.equal(await sha256((await bytesOf(r, s.rowOf(r))) as Uint8Array<ArrayBuffer>), want, `${r.key} has the same bytes`);
  }
}

test('a file to three people leaves the sender about once, and each of them gets it whole', async () => {
  const s = await offered(20 * MiB + 12345);
  for (const r of s.receivers) await r.files.accept(s.rowOf(r));
  await until(() => s.receivers.every((r) => r.row(s.rowOf(r)).state === 'done'), 'every receiver done', 20_000);
  await assertAllIntact(s);
  const sent = uplink(s.sender);
  assert.ok(sent < s.file.size * 1.1, `the sender sent ${(sent / MiB).toFixed(1)} MiB of a ${(s.file.size / MiB).toFixed(1)} MiB file`);
  // Each receiver forwarded its share to the two others.
  for (const r of s.receivers) assert.ok(uplink(r) > s.file.size * 0.4, `${r.key} forwarded ${(uplink(r) / MiB).toFixed(1)} MiB`);
  await until(() => s.sender.transfers.every((t) => t.state === 'done'), "the sender's rows to say done");
  assert.equal(s.sender.transfers.length, 3, 'one row per recipient on the sending side');
});

test('a receiver leaving halfway costs the others nothing: what it seeded comes from the sender', async () => {
  const s = await offered(24 * MiB);
  const [leaver, ...stay] = s.receivers as [Peer, ...Peer[]];
  // The leaver's forwards are held back (a slow uplink), so it leaves owing the others the pieces it seeded.
  leaver.holdNewLinks = true;
  for (const r of s.receivers) await r.files.accept(s.rowOf(r));
  await until(() => leaver.row(s.rowOf(leaver)).bytes >= s.file.size / 2, 'the leaver to be halfway', 20_000);
  leave(leaver, [s.sender, ...s.receivers]);
  await until(() => stay.every((r) => r.row(s.rowOf(r)).state === 'done'), 'the two others done', 20_000);
  await assertAllIntact(s, stay);
  assert.equal(s.sender.transfers.find((t) => t.peer === leaver.key)?.reason, 'peer-left');
  for (const r of stay) assert.ok(r.sentOfType('file-need').length > 0, `${r.key} asked the sender for what the leaver owed`);
});

test('a receiver forwarding spoiled pieces is caught by the piece hashes and routed around', async () => {
  const s = await offered(12 * MiB);
  const [liar, ...honest] = s.receivers as [Peer, ...Peer[]];
  for (const r of s.receivers) await r.files.accept(s.rowOf(r));
  // Every piece the liar forwards has one byte changed on the way.
  await until(() => liar.links.some((l) => l.local.label === pieceChannelLabel(s.rowOf(liar).split(':')[1] as string)), 'a forward');
  for (const l of liar.links) l.tamper = (data) => void (new Uint8Array(data)[100] ^= 1);
  await until(() => honest.every((r) => r.row(s.rowOf(r)).state === 'done'), 'the honest receivers done', 20_000);
  await assertAllIntact(s, honest);
  for (const r of honest) {
    const needs = r.sentOfType('file-need').flatMap((m) => m.pieces);
    assert.ok(needs.length > 0, `${r.key} asked the sender for what the liar seeded`);
  }
});

test('someone who accepts late gets what went by from the sender, and the file whole', async () => {
  const s = await offered(10 * MiB);
  const [late, ...early] = s.receivers as [Peer, ...Peer[]];
  for (const r of early) await r.files.accept(s.rowOf(r));
  await until(() => early.every((r) => r.row(s.rowOf(r)).bytes >= 4 * MiB), 'the early ones to be under way');
  await late.files.accept(s.rowOf(late));
  await until(() => s.receivers.every((r) => r.row(s.rowOf(r)).state === 'done'), 'all done', 20_000);
  await assertAllIntact(s);
});

test('one declining leaves the swarm to the others', async () => {
  const s = await offered(6 * MiB);
  const [no, ...yes] = s.receivers as [Peer, ...Peer[]];
  no.files.decline(s.rowOf(no));
  for (const r of yes) await r.files.accept(s.rowOf(r));
  await until(() => yes.every((r) => r.row(s.rowOf(r)).state === 'done'), 'the others done', 20_000);
  await assertAllIntact(s, yes);
  assert.equal(s.sender.transfers.find((t) => t.peer === no.key)?.state, 'declined');
});

test('a fellow receiver sending frames that do not fit a piece is no longer trusted, and nothing bad is written', async () => {
  const s = await offered(8 * MiB, 2);
  const [a, b] = s.receivers as [Peer, Peer];
  // b's own forwards wait (a slow uplink), so a is still receiving when the bad frame comes.
  b.holdNewLinks = true;
  for (const r of s.receivers) await r.files.accept(s.rowOf(r));
  await until(() => b.links.length > 0, "b's forwarding channel to a");
  const wire = s.rowOf(a).split(':')[1] as string;
  const hostile = new ByteLink(pieceChannelLabel(wire), (remote) => a.files.channel(b.key, remote as unknown as RTCDataChannel));
  await until(() => hostile.local.readyState === 'open', 'the hostile channel to open');
  const frame = new Uint8Array(8 + 100);
  new DataView(frame.buffer).setUint32(0, 9999); // no such piece
  hostile.local.send(frame);
  await until(() => hostile.local.readyState === 'closed', 'a to close the channel of the peer it no longer trusts');
  await until(() => a.row(s.rowOf(a)).state === 'done', 'a done anyway', 20_000);
  await assertAllIntact(s, [a]);
  assert.ok(a.sentOfType('file-need').length > 0, 'what b seeded was asked of the sender instead');
  // Whole pieces only, each written once at a piece boundary.
  const at = a.writers[0]?.pieces ?? [];
  assert.equal(at.length, 8);
  assert.equal(new Set(at).size, 8);
  assert.ok(at.every((o) => o % PIECE_SIZE === 0));
});

test('a piece channel from someone the sender never named is closed', async () => {
  const peers = mesh(3);
  live.push(...peers);
  const [alice, bob, mallory] = peers as [Peer, Peer, Peer];
  // zed is in the call but was never offered the file, so never named a receiver.
  alice.files.offer([testFile(2 * MiB)], [bob.key, mallory.key]);
  await until(() => bob.transfers.length === 1, 'the offer');
  const wire = bob.only().id.split(':')[1] as string;
  await bob.files.accept(bob.only().id);
  const link = new ByteLink(pieceChannelLabel(wire), (remote) =>
    bob.files.channel('zed-key-0000000000', remote as unknown as RTCDataChannel),
  );
  await until(() => link.local.readyState === 'closed' || link.local.readyState === 'closing', 'the stranger channel to be closed');
});
