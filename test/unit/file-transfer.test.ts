// File sharing end to end inside one process (files/file-transfer.ts, file-send.ts, file-receive.ts): a
// sender's FileTransfers and a receiver's joined by fake data channels (fake-files.ts), the receiver writing
// into memory through the writer protocol. What a browser run would take minutes to show: the bytes and
// digest, decline and cancel from either side, a peer vanishing, resume offsets, the send window, and
// hostile control messages.
import assert from 'node:assert/strict';
import { resolveObjectURL } from 'node:buffer';
import { afterEach, describe, mock, test } from 'node:test';
import { BLOCK_SIZE, CHUNK_SIZE, HIGH_WATER, WINDOW } from '../../src/core/files/file-send';
import { MEMORY_SINK_LIMIT } from '../../src/core/files/file-writer-protocol';
import { fileChannelLabel } from '../../src/core/peer-protocol';
import { connect, sha256, sleep, testFile, until, vanish, type ByteLink, type Peer, type TestFile } from './fake-files';

const MiB = 1024 * 1024;
const peers: Peer[] = [];

afterEach(() => {
  // Stops what a failed test left running and the coalescing timer, so nothing outlives the test.
  for (const p of peers.splice(0)) p.files.close();
  mock.restoreAll();
});

interface Offered {
  alice: Peer;
  bob: Peer;
  file: TestFile;
  /** The transfer's id on the sender's side, and the receiver's (prefixed with the sender's key). */
  out: string;
  in: string;
}

/** Alice offers one file to Bob, and Bob sees the offer. */
async function offer(size: number): Promise<Offered> {
  const { alice, bob } = connect();
  peers.push(alice, bob);
  const file = testFile(size);
  alice.files.offer([file], [bob.key]);
  const out = alice.only().id;
  await until(() => bob.transfers.length === 1, 'the offer to arrive');
  return { alice, bob, file, out, in: `${alice.key}:${out}` };
}

async function accepted(size: number): Promise<Offered> {
  const o = await offer(size);
  await o.bob.files.accept(o.in);
  return o;
}

const done = (p: Peer, id: string) => (): boolean => p.row(id).state === 'done';

/** What Bob can save: the file behind the download link of his finished row. */
async function received(o: Offered): Promise<Uint8Array<ArrayBuffer>> {
  const url = o.bob.row(o.in).url;
  assert.ok(url, 'a finished file in browser storage has a download link');
  const blob = resolveObjectURL(url);
  assert.ok(blob, 'the download link resolves');
  return new Uint8Array(await blob.arrayBuffer());
}

async function assertIntact(o: Offered): Promise<void> {
  const bytes = await received(o);
  assert.equal(bytes.byteLength, o.file.size);
  assert.ok(Buffer.from(bytes).equals(Buffer.from(o.file.content)), 'the received bytes are the sent bytes');
  const digest = await sha256(o.file.content);
  assert.equal(await sha256(bytes), digest);
  const ends = o.alice.sentOfType('file-end').filter((m) => m.id === o.out);
  assert.ok(ends.length > 0 && ends.every((m) => m.sha256 === digest), "the sender announced the file's SHA-256");
}

/** The byte channel the sender opened once the acceptance reached it. */
async function firstLink(o: Offered): Promise<ByteLink> {
  await until(() => o.alice.links.length > 0, 'the byte channel');
  return o.alice.links[0] as ByteLink;
}

/** Lets deliveries and reads run for a while (for assertions that something did not happen). */
const quiet = (): Promise<void> => sleep(100);

describe('a file offered and accepted', () => {
  test('arrives intact: same bytes, SHA-256 checked, both rows done', async () => {
    const o = await accepted(3 * MiB + 12_345);
    assert.deepEqual(
      { name: o.bob.row(o.in).name, size: o.bob.row(o.in).size, direction: o.bob.row(o.in).direction },
      { name: 'photo.bin', size: o.file.size, direction: 'in' },
    );
    await until(done(o.bob, o.in), 'the receiver to finish');
    await until(done(o.alice, o.out), 'the sender to see it verified');
    await assertIntact(o);
    assert.equal(o.alice.sentOfType('file-end').length, 1);
    assert.deepEqual(
      o.alice.links.map((l) => l.local.label),
      [fileChannelLabel(o.out, 0)],
    );
    const [link] = o.alice.links;
    assert.ok(link && link.local.largestMessage <= CHUNK_SIZE, `no message over ${CHUNK_SIZE} bytes`);
    assert.equal(o.alice.row(o.out).bytes, o.file.size);
    assert.deepEqual(o.bob.writers[0]?.requests.at(-1), 'finish');
    assert.equal(o.bob.writers[0]?.terminated, true, 'the writer is let go once done');
  });

  test('an empty file arrives as an empty file', async () => {
    const o = await accepted(0);
    await until(done(o.bob, o.in), 'the receiver to finish');
    await until(done(o.alice, o.out), 'the sender to see it verified');
    await assertIntact(o);
  });

  test('bytes changed on the way fail the digest on both sides, and nothing is offered for saving', async () => {
    const warn = mock.method(console, 'warn', () => undefined);
    const o = await offer(2 * MiB);
    const accepting = o.bob.files.accept(o.in);
    const link = await firstLink(o);
    link.tamper = (data, at) => {
      if (at <= MiB && MiB < at + data.byteLength) new Uint8Array(data)[MiB - at] ^= 1;
    };
    await accepting;
    await until(() => o.alice.row(o.out).state === 'failed', 'the sender to hear of it');
    assert.deepEqual([o.bob.row(o.in).state, o.bob.row(o.in).reason, o.alice.row(o.out).reason], ['failed', 'corrupt', 'corrupt']);
    assert.equal(o.bob.row(o.in).url, null);
    assert.deepEqual(o.bob.sentOfType('file-verified'), []);
    assert.match(String(warn.mock.calls[0]?.arguments[0]), /SHA-256 [0-9a-f]{64} does not match/);
  });
});

describe('offers and rows', () => {
  test('an offer made before the control channel opened is sent again when it opens', async () => {
    const { alice, bob } = connect();
    peers.push(alice, bob);
    alice.open = false;
    alice.files.offer([testFile(10)], [bob.key]);
    await quiet();
    assert.deepEqual(bob.transfers, []);
    alice.open = true;
    alice.files.peerOpen(bob.key);
    alice.files.peerOpen(bob.key);
    await until(() => bob.transfers.length === 1, 'the offer to arrive');
    await quiet();
    assert.equal(bob.transfers.length, 1, 'an offer sent twice is one row');
    assert.equal(alice.only().state, 'waiting');
  });

  test('a file too big for memory, with no disk to write to, is refused and the sender told why', async () => {
    const { alice, bob } = connect();
    peers.push(alice, bob);
    mock.method(console, 'warn', () => undefined);
    const id = 'BigFile000000001';
    bob.deliver(JSON.stringify({ type: 'file-offer', id, name: 'huge.iso', size: MEMORY_SINK_LIMIT + 1, mime: '' }));
    await until(() => bob.transfers.length === 1, 'the offer');
    await bob.files.accept(`${alice.key}:${id}`);
    assert.deepEqual([bob.only().state, bob.only().reason], ['failed', 'no-storage']);
    assert.deepEqual(bob.sent, [{ type: 'file-cancel', id, reason: 'no-storage' }]);
  });

  test('dismiss drops a finished row and its download link, but not a row still running', async () => {
    const o = await accepted(1000);
    await until(done(o.bob, o.in), 'the receiver to finish');
    const url = o.bob.row(o.in).url ?? '';
    assert.ok(resolveObjectURL(url));
    o.bob.files.dismiss(o.in);
    assert.deepEqual(o.bob.transfers, []);
    assert.equal(resolveObjectURL(url), undefined, 'the download link is revoked');

    const running = await offer(MiB);
    running.bob.files.dismiss(running.in);
    assert.equal(running.bob.transfers.length, 1, 'an unanswered offer stays');
  });
});

describe('decline and cancel', () => {
  test('a declined offer ends on both sides without a byte channel or a writer', async () => {
    const o = await offer(MiB);
    o.bob.files.decline(o.in);
    await until(() => o.alice.row(o.out).state === 'declined', 'the sender to see the decline');
    assert.equal(o.bob.row(o.in).state, 'declined');
    await quiet();
    assert.deepEqual(o.alice.links, []);
    assert.deepEqual(o.bob.writers, []);
    assert.deepEqual(o.file.reads, [], 'nothing was read from the file');
  });

  test('the sender cancelling mid-transfer stops reading, and the receiver drops its partial file', async () => {
    const o = await accepted(20 * MiB);
    await until(() => (o.bob.writers[0]?.written ?? 0) >= 2 * MiB, 'some bytes to be written');
    o.alice.files.cancel(o.out);
    assert.equal(o.alice.row(o.out).state, 'cancelled');
    await until(() => o.bob.row(o.in).state === 'cancelled', 'the receiver to hear of it');
    const reads = o.file.reads.length;
    await quiet();
    assert.equal(o.file.reads.length, reads, 'no block was read after the cancel');
    assert.ok(o.file.reads.length < 20, 'the file was not read to the end');
    assert.equal(o.alice.links[0]?.local.readyState, 'closed');
    const writer = o.bob.writers[0];
    assert.ok(writer);
    await until(() => writer.terminated, 'the writer to be let go');
    assert.equal(writer.requests.at(-1), 'abort', 'the partial file is deleted');
    assert.deepEqual(o.bob.sentOfType('file-resume'), [], 'the closed channel is not taken for a drop');
    assert.equal(o.bob.row(o.in).url, null);
  });

  test('the receiver cancelling mid-transfer stops the sender', async () => {
    const o = await accepted(20 * MiB);
    await until(() => (o.bob.writers[0]?.written ?? 0) >= 2 * MiB, 'some bytes to be written');
    o.bob.files.cancel(o.in);
    assert.equal(o.bob.row(o.in).state, 'cancelled');
    await until(() => o.alice.row(o.out).state === 'cancelled', 'the sender to hear of it');
    const reads = o.file.reads.length;
    await quiet();
    assert.equal(o.file.reads.length, reads, 'no block was read after the cancel');
    assert.ok(reads < 20, 'the file was not read to the end');
    assert.equal(o.alice.links[0]?.local.readyState, 'closed');
    assert.deepEqual(o.alice.sentOfType('file-end'), []);
    await until(() => o.bob.writers[0]?.requests.at(-1) === 'abort', 'the partial file to be deleted');
  });
});

describe('a peer vanishing', () => {
  test('mid-transfer: both rows fail as peer-left, the sender stops, the writer is aborted', async () => {
    const o = await accepted(20 * MiB);
    await until(() => (o.alice.links[0]?.delivered ?? 0) >= MiB, 'some bytes to arrive');
    // The network stalls first, so the sender is parked waiting for its buffer to drain when the peer goes.
    const [link] = o.alice.links;
    assert.ok(link);
    link.paused = true;
    await quiet();
    assert.ok(link.local.bufferedAmount > 0 && link.local.sentBytes < o.file.size, 'the sender is parked mid-file');
    vanish(o.alice, o.bob);
    for (const [p, id] of [
      [o.alice, o.out],
      [o.bob, o.in],
    ] as const)
      assert.deepEqual([p.row(id).state, p.row(id).reason, p.row(id).speed, p.row(id).eta], ['failed', 'peer-left', 0, null]);
    const reads = o.file.reads.length;
    await quiet();
    assert.equal(o.file.reads.length, reads, 'the parked sender woke and exited instead of reading on');
    assert.equal(link.local.readyState, 'closed');
    await until(() => o.bob.writers[0]?.requests.at(-1) === 'abort', 'the partial file to be deleted');
    assert.deepEqual(o.bob.sentOfType('file-resume'), [], 'no resume is asked of a peer that left');
    // Cancel and dismiss still work on the failed rows.
    o.bob.files.cancel(o.in);
    o.bob.files.dismiss(o.in);
    assert.deepEqual(o.bob.transfers, []);
  });

  test('while the writer is still opening: accept() returns instead of hanging, and nothing is accepted', async () => {
    const o = await offer(MiB);
    o.bob.writerOptions = { neverOpens: true };
    const accepting = o.bob.files.accept(o.in);
    await until(() => o.bob.writers.length === 1, 'the writer to start');
    vanish(o.alice, o.bob);
    const outcome = await Promise.race([accepting.then(() => 'returned'), sleep(1000).then(() => 'still waiting')]);
    assert.equal(outcome, 'returned');
    assert.deepEqual([o.bob.row(o.in).state, o.bob.row(o.in).reason], ['failed', 'peer-left']);
    assert.deepEqual(o.bob.sentOfType('file-accept'), []);
    await until(() => o.bob.writers[0]?.requests.at(-1) === 'abort', 'the writer to be told to abort');
  });

  test('before answering: an unanswered offer fails as peer-left on both sides', async () => {
    const o = await offer(MiB);
    vanish(o.alice, o.bob);
    assert.deepEqual([o.alice.row(o.out).state, o.alice.row(o.out).reason], ['failed', 'peer-left']);
    assert.deepEqual([o.bob.row(o.in).state, o.bob.row(o.in).reason], ['failed', 'peer-left']);
    await o.bob.files.accept(o.in);
    assert.deepEqual(o.bob.writers, [], 'a failed offer cannot be accepted');
  });
});

describe('resume after the byte channel drops', () => {
  test('resumes from what the receiver wrote, on a new channel, and arrives intact', async () => {
    const o = await accepted(6 * MiB + 777);
    await until(() => (o.bob.writers[0]?.written ?? 0) >= 2 * MiB, 'some bytes to be written');
    const first = await firstLink(o);
    first.drop();
    await until(() => o.alice.links.length === 2, 'the sender to open a second channel');
    const writer = o.bob.writers[0];
    assert.ok(writer);
    const [resume] = o.bob.sentOfType('file-resume');
    assert.ok(resume, 'the receiver asked for a resume');
    assert.equal(resume.offset, first.delivered, 'from exactly what reached the receiver (and its writer)');
    assert.ok(resume.offset > 0 && resume.offset < o.file.size);
    const second = o.alice.links[1];
    assert.equal(second?.local.label, fileChannelLabel(o.out, resume.offset));
    await until(done(o.bob, o.in), 'the receiver to finish');
    await until(done(o.alice, o.out), 'the sender to see it verified');
    await assertIntact(o);
    assert.equal(second.local.sentBytes, o.file.size - resume.offset, 'only the missing bytes were sent again');
    assert.ok(
      o.file.reads.some((r) => r.start === resume.offset),
      'the sender read on from the resume offset',
    );
    assert.equal(writer.written, o.file.size, 'no byte was written twice');
  });

  test('shows interrupted on both sides and waits for the control channel before asking', async () => {
    const o = await accepted(6 * MiB);
    await until(() => (o.bob.writers[0]?.written ?? 0) >= MiB, 'some bytes to be written');
    o.alice.open = o.bob.open = false;
    o.alice.links[0]?.drop();
    await until(() => o.bob.row(o.in).state === 'interrupted', 'the receiver to show the drop');
    await until(() => o.alice.row(o.out).state === 'interrupted', 'the sender to show the drop');
    await quiet();
    assert.equal(o.alice.links.length, 1, 'no resume while the control channel is down');
    o.alice.open = o.bob.open = true;
    o.bob.files.peerOpen(o.alice.key);
    o.alice.files.peerOpen(o.bob.key);
    await until(done(o.bob, o.in), 'the receiver to finish');
    await until(done(o.alice, o.out), 'the sender to see it verified');
    assert.equal(o.bob.sentOfType('file-resume').length, 1);
    await assertIntact(o);
  });

  test('after the sender sent everything and file-end, the lost tail is sent again and verified', async () => {
    const o = await accepted(3 * MiB);
    const first = await firstLink(o);
    await until(() => first.delivered >= MiB, 'a first MiB to arrive');
    first.paused = true;
    await until(() => o.alice.sentOfType('file-end').length === 1, 'the sender to finish sending');
    await until(() => o.bob.writers[0]?.written === first.delivered, 'what arrived to be written');
    first.drop();
    await until(done(o.bob, o.in), 'the receiver to finish');
    await until(done(o.alice, o.out), 'the sender to see it verified');
    const ends = o.alice.sentOfType('file-end');
    assert.equal(ends.length, 2, 'file-end again after the resent tail');
    assert.equal(ends[0]?.sha256, ends[1]?.sha256, 'the digest is the one computed the first time');
    assert.equal(ends[0]?.sha256, await sha256(o.file.content));
    assert.ok(Buffer.from(await received(o)).equals(Buffer.from(o.file.content)));
  });
});

describe('flow control', () => {
  test('the sender keeps its channel buffer bounded and waits for it to drain', async () => {
    const o = await offer(20 * MiB);
    const accepting = o.bob.files.accept(o.in);
    const link = await firstLink(o);
    link.paused = true;
    await accepting;
    await until(() => link.local.sentBytes > HIGH_WATER, 'the sender to fill the buffer');
    await quiet();
    const bound = HIGH_WATER + BLOCK_SIZE;
    assert.ok(link.local.bufferedAmount <= bound, `buffered ${link.local.bufferedAmount} > ${bound} while the network stalls`);
    link.resume();
    await until(done(o.bob, o.in), 'the receiver to finish');
    assert.ok(link.local.maxBuffered <= bound, `buffered at most ${link.local.maxBuffered}, bound ${bound}`);
    await assertIntact(o);
  });

  test('the sender never has more than its window sent and unacknowledged', async () => {
    const o = await accepted(40 * MiB);
    const link = await firstLink(o);
    const writer = o.bob.writers[0];
    assert.ok(writer);
    // The disk stops: bytes keep arriving but nothing is written, so nothing is acked.
    writer.held = true;
    // The furthest ack sent (none reach the sender while the disk is stopped).
    const acked = (): number => Math.max(0, ...o.bob.sentOfType('file-ack').map((m) => m.offset));
    const bound = WINDOW + BLOCK_SIZE;
    await until(() => link.local.sentBytes - acked() > WINDOW, 'the sender to fill its window');
    await quiet();
    assert.ok(link.local.sentBytes - acked() <= bound, `${link.local.sentBytes - acked()} in flight, window ${bound}`);
    writer.release();
    await until(done(o.bob, o.in), 'the receiver to finish');
    await until(done(o.alice, o.out), 'the sender to see it verified');
    await assertIntact(o);
  });
});

describe('hostile or broken peers', () => {
  /** Alice offers two files to Bob, who accepts both. */
  async function two(size: number): Promise<{ alice: Peer; bob: Peer; a: Offered; b: Offered }> {
    const { alice, bob } = connect();
    peers.push(alice, bob);
    const files = [testFile(size, 'a.bin'), testFile(size + 1, 'b.bin')];
    alice.files.offer(files, [bob.key]);
    await until(() => bob.transfers.length === 2, 'both offers');
    const pair = files.map((file, i): Offered => {
      const out = alice.transfers[i]?.id ?? '';
      return { alice, bob, file, out, in: `${alice.key}:${out}` };
    });
    const [a, b] = pair as [Offered, Offered];
    await bob.files.accept(a.in);
    await bob.files.accept(b.in);
    return { alice, bob, a, b };
  }

  test('malformed and oversized control messages are refused at the boundary, and transfers carry on', async () => {
    const warn = mock.method(console, 'warn', () => undefined);
    const { alice, bob, a, b } = await two(3 * MiB);
    const junk = [
      '{"type":"file-ack"',
      JSON.stringify({ type: 'file-offer', id: 'X'.repeat(16), name: 'x'.repeat(17_000), size: 1, mime: '' }),
      JSON.stringify({ type: 'file-offer', id: 'Y'.repeat(16), name: '../../etc/passwd', size: 1, mime: '' }),
      JSON.stringify({ type: 'file-offer', id: 'Z'.repeat(16), name: 'ok.txt', size: -1, mime: '' }),
      JSON.stringify({ type: 'file-end', id: a.out, sha256: 'A'.repeat(64) }),
      JSON.stringify({ type: 'file-cancel', id: 'short', reason: 'cancelled' }),
    ];
    for (const text of junk) bob.deliver(text);
    for (const text of [
      JSON.stringify({ type: 'file-ack', id: a.out, offset: -1 }),
      JSON.stringify({ type: 'file-resume', id: b.out, offset: 1.5 }),
    ])
      alice.deliver(text);
    // Well-formed, but for transfers that do not exist: logged, not acted on.
    bob.deliver(JSON.stringify({ type: 'file-cancel', id: 'N'.repeat(16), reason: 'cancelled' }));
    alice.deliver(JSON.stringify({ type: 'file-accept', id: 'N'.repeat(16) }));
    for (const o of [a, b]) {
      await until(done(bob, o.in), `${o.file.name} to arrive`);
      await until(done(alice, o.out), `${o.file.name} to be verified`);
      await assertIntact(o);
    }
    assert.deepEqual(bob.dropped, [
      'not JSON',
      'message too large',
      'malformed file-offer: file name contains a path separator',
      'malformed file-offer: bad size',
      'malformed file-end: bad sha256',
      'malformed file-cancel: bad id',
    ]);
    assert.deepEqual(alice.dropped, ['malformed file-ack: bad offset', 'malformed file-resume: bad offset']);
    assert.equal(bob.transfers.length, 2, 'no offer got through');
    assert.equal(warn.mock.calls.filter((c) => String(c.arguments[0]).includes('never offered')).length, 2);
  });

  test('an ack or resume beyond the file fails that transfer only', async () => {
    mock.method(console, 'warn', () => undefined);
    const { alice, bob, a, b } = await two(3 * MiB);
    alice.deliver(JSON.stringify({ type: 'file-ack', id: a.out, offset: a.file.size + 1 }));
    await until(() => alice.row(a.out).state === 'failed', 'the lying ack to fail its transfer');
    assert.equal(alice.row(a.out).reason, 'bad-data');
    await until(() => bob.row(a.in).state === 'failed', 'the receiver to be told');
    assert.equal(bob.row(a.in).reason, 'bad-data');
    await until(done(bob, b.in), 'the other file to arrive');
    await until(done(alice, b.out), 'the other file to be verified');
    await assertIntact(b);

    const c = await offer(3 * MiB);
    await c.bob.files.accept(c.in);
    // Resuming past what the sender has read and hashed would leave a hole in the digest.
    c.alice.deliver(JSON.stringify({ type: 'file-resume', id: c.out, offset: c.file.size }));
    await until(() => c.alice.row(c.out).state === 'failed', 'the resume past the hashed bytes to fail it');
    assert.equal(c.alice.row(c.out).reason, 'bad-data');
  });

  test('more bytes than offered, or text on a byte channel, fail that transfer only', async () => {
    mock.method(console, 'warn', () => undefined);
    const { alice, bob, a, b } = await two(2 * MiB);
    await until(() => alice.links.length === 2 && alice.links.every((l) => l.remote.readyState === 'open'), 'both byte channels');
    const [linkA, linkB] = alice.links;
    assert.ok(linkA && linkB);
    assert.equal(linkA.local.label, fileChannelLabel(a.out, 0));
    linkA.paused = true;
    // Bob's end of a's channel gets a text message, as if the sender's browser misbehaved.
    linkA.remote.receive('not bytes');
    await until(() => bob.row(a.in).state === 'failed', 'the text message to fail the transfer');
    assert.equal(bob.row(a.in).reason, 'bad-data');
    await until(() => alice.row(a.out).state === 'failed', 'the sender to be told');
    await until(done(bob, b.in), 'the other file to arrive');
    await assertIntact(b);

    const c = await offer(100);
    await c.bob.files.accept(c.in);
    const link = await firstLink(c);
    await until(() => link.remote.readyState === 'open', 'the channel to open');
    link.remote.receive(new ArrayBuffer(101));
    await until(() => c.bob.row(c.in).state === 'failed', 'the extra byte to fail it');
    assert.equal(c.bob.row(c.in).reason, 'bad-data');
    assert.equal(c.bob.writers[0]?.written, 0, 'the oversized message never reached the disk');
  });

  test('a byte channel for a transfer never offered, or not yet accepted, is closed', async () => {
    const warn = mock.method(console, 'warn', () => undefined);
    const o = await offer(MiB);
    const closed: string[] = [];
    const channel = (label: string): RTCDataChannel => {
      const dc = new EventTarget() as RTCDataChannel;
      Object.assign(dc, { label, close: () => closed.push(label) });
      return dc;
    };
    o.bob.files.channel(o.alice.key, channel('file:not-a-transfer-id:0'));
    o.bob.files.channel(o.alice.key, channel('chat'));
    o.bob.files.channel(o.alice.key, channel(fileChannelLabel(o.out, 0)));
    assert.deepEqual(closed, ['file:not-a-transfer-id:0', 'chat', fileChannelLabel(o.out, 0)]);
    assert.equal(warn.mock.calls.length, 3);
    assert.equal(o.bob.row(o.in).state, 'offered', 'the offer is still there to accept');
  });

  test('a peer cannot leave more than 50 offers unanswered', async () => {
    mock.method(console, 'warn', () => undefined);
    const { alice, bob } = connect();
    peers.push(alice, bob);
    alice.files.offer(
      Array.from({ length: 51 }, (_, i) => testFile(1, `f${i}.bin`)),
      [bob.key],
    );
    await until(() => alice.transfers.some((t) => t.state === 'declined'), 'the 51st offer to be declined');
    assert.equal(bob.transfers.length, 50);
    assert.deepEqual(
      alice.transfers.filter((t) => t.state === 'declined').map((t) => t.name),
      ['f50.bin'],
    );
  });
});
