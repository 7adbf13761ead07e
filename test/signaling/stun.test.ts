// The built-in STUN server: real UDP on 127.0.0.1, answers checked byte for byte where it matters (the
// XOR-MAPPED-ADDRESS is the client's own address), junk and oversized datagrams dropped without harm, and the
// welcome advertising it at the host the browser used.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { test } from 'node:test';
import { loadConfig } from '../../signaling/src/core/config.ts';
import { createSignalingServer } from '../../signaling/src/node/server.ts';
import { looksLikeBindingRequest, MAX_BINDING_BYTES, startStun } from '../../signaling/src/node/stun.ts';
import { ROOM, TestClient } from './client.ts';

const COOKIE = Buffer.from([0x21, 0x12, 0xa4, 0x42]);

function bindingRequest(): { bytes: Buffer; id: Buffer } {
  const id = randomBytes(12);
  return { bytes: Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00]), COOKIE, id]), id };
}

/** The XOR-MAPPED-ADDRESS of a Binding success response, or null if it is something else. */
function mappedAddress(msg: Buffer, id: Buffer): { ip: string; port: number } | null {
  if (msg.readUInt16BE(0) !== 0x0101 || !msg.subarray(8, 20).equals(id)) return null;
  for (let at = 20; at + 4 <= msg.length;) {
    const type = msg.readUInt16BE(at);
    const len = msg.readUInt16BE(at + 2);
    if (type === 0x0020) {
      const port = msg.readUInt16BE(at + 6) ^ 0x2112;
      const ip = [0, 1, 2, 3].map((i) => (msg[at + 8 + i] ?? 0) ^ (COOKIE[i] ?? 0)).join('.');
      return { ip, port };
    }
    at += 4 + len + ((4 - (len % 4)) % 4);
  }
  return null;
}

/** Sends Binding requests (retransmitting, as a STUN client does) until one is answered, or gives up. */
async function ask(client: Socket, port: number, ms = 3_000): Promise<{ ip: string; port: number }> {
  const { bytes, id } = bindingRequest();
  return new Promise((resolve, reject) => {
    const onMessage = (msg: Buffer) => {
      const mapped = mappedAddress(msg, id);
      if (mapped) finish(() => resolve(mapped));
    };
    const resend = setInterval(() => client.send(bytes, port, '127.0.0.1'), 100);
    const timer = setTimeout(() => finish(() => reject(new Error(`no Binding response within ${ms} ms`))), ms);
    const finish = (then: () => void) => {
      clearInterval(resend);
      clearTimeout(timer);
      client.off('message', onMessage);
      then();
    };
    client.on('message', onMessage);
    client.send(bytes, port, '127.0.0.1');
  });
}

async function udpClient(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  return s;
}

test('a Binding request gets the address it came from', async () => {
  const stun = await startStun('127.0.0.1', 0);
  const client = await udpClient();
  try {
    assert.deepEqual(await ask(client, stun.port), { ip: '127.0.0.1', port: client.address().port });
  } finally {
    client.close();
    await stun.close();
  }
});

test('flooded with junk and oversized datagrams, it keeps answering valid requests and drops the rest unparsed', async () => {
  const stun = await startStun('127.0.0.1', 0);
  const flooder = await udpClient();
  const client = await udpClient();
  let flooding = true;
  const junk = [
    randomBytes(1),
    randomBytes(19),
    randomBytes(200),
    randomBytes(1400),
    // Binding-shaped but lying about its length, or too big to be one.
    Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x40]), COOKIE, randomBytes(12)]),
    Buffer.concat([Buffer.from([0x00, 0x01, 0x05, 0xd4]), COOKIE, randomBytes(12), randomBytes(1492)]),
    // A TURN Allocate: this server relays nothing.
    Buffer.concat([Buffer.from([0x00, 0x03, 0x00, 0x08]), COOKIE, randomBytes(12), Buffer.from([0x00, 0x19, 0x00, 0x04, 17, 0, 0, 0])]),
  ];
  const flood = (async () => {
    for (let i = 0; flooding; i++) {
      // Tens of thousands per second: a flood, yet one that leaves the kernel's receive buffer room for the
      // valid requests (this process is both flooder and server, so an unpaced loop only measures itself).
      for (let k = 0; k < 20; k++) flooder.send(junk[(i + k) % junk.length] ?? Buffer.alloc(1), stun.port, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  const replies: Buffer[] = [];
  flooder.on('message', (m: Buffer) => replies.push(m));
  try {
    for (let waited = 0; stun.counts().dropped < 1_000 && waited < 5_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    assert.ok(stun.counts().dropped >= 1_000, `the flood reaches the server (${stun.counts().dropped} dropped)`);
    for (let i = 0; i < 5; i++) assert.equal((await ask(client, stun.port)).port, client.address().port);
    assert.equal(replies.length, 0, 'junk is never answered');
  } finally {
    flooding = false;
    await flood;
    flooder.close();
    client.close();
    await stun.close();
  }
});

test('the pre-filter accepts exactly the shape of a Binding request', () => {
  assert.equal(looksLikeBindingRequest(bindingRequest().bytes), true);
  const withAttr = Buffer.concat([
    Buffer.from([0x00, 0x01, 0x00, 0x08]),
    COOKIE,
    randomBytes(12),
    Buffer.from([0x80, 0x28, 0, 4, 1, 2, 3, 4]),
  ]);
  assert.equal(looksLikeBindingRequest(withAttr), true);
  const success = Buffer.concat([Buffer.from([0x01, 0x01, 0x00, 0x00]), COOKIE, randomBytes(12)]);
  assert.equal(looksLikeBindingRequest(success), false, 'a response is not a request');
  const badCookie = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 1, 2, 3, 4]), randomBytes(12)]);
  assert.equal(looksLikeBindingRequest(badCookie), false);
  const odd = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x02]), COOKIE, randomBytes(14)]);
  assert.equal(looksLikeBindingRequest(odd), false, 'attribute lengths are padded to 4');
  const big = Buffer.concat([Buffer.from([0x00, 0x01]), Buffer.alloc(2), COOKIE, randomBytes(MAX_BINDING_BYTES)]);
  big.writeUInt16BE(big.length - 20, 2);
  assert.equal(looksLikeBindingRequest(big), false, 'too large');
});

test('the welcome advertises the STUN port at the host the browser reached the server by, before other servers', async () => {
  const server = await createSignalingServer({
    port: 0,
    host: '127.0.0.1',
    distDir: '/nonexistent',
    stunPort: 'http',
    iceServers: () => [{ urls: ['turn:t.example:3478'], username: 'u', credential: 'c' }],
  });
  const client = await udpClient();
  try {
    assert.equal(server.stunPort, server.port, "'http' means the HTTP port's number, on UDP");
    const a = await TestClient.joined(server.port);
    assert.deepEqual(a.welcome.iceServers, [
      { urls: [`stun:127.0.0.1:${server.port}`] },
      { urls: ['turn:t.example:3478'], username: 'u', credential: 'c' },
    ]);
    const b = await TestClient.open(server.port, { Host: `call.example:${server.port}` });
    b.send({ type: 'join', room: ROOM });
    assert.deepEqual((await b.next('welcome')).iceServers[0], { urls: [`stun:call.example:${server.port}`] });
    const c = await TestClient.open(server.port, { Host: '[::1]:443' });
    c.send({ type: 'join', room: ROOM });
    assert.deepEqual((await c.next('welcome')).iceServers[0], { urls: [`stun:[::1]:${server.port}`] });
    assert.equal((await ask(client, server.port)).port, client.address().port);
    await Promise.all([a, b, c].map((x) => x.close()));
  } finally {
    client.close();
    await server.close();
  }
});

test('STUN settings: on by default at the HTTP port, replaced by ICE_SERVERS, off or moved by STUN_PORT', () => {
  assert.equal(loadConfig({}).stunPort, 'http');
  assert.equal(loadConfig({ ICE_SERVERS: '[{"urls":"stun:stun.example.org"}]' }).stunPort, null);
  assert.equal(loadConfig({ ICE_SERVERS: '[{"urls":"stun:stun.example.org"}]', STUN_PORT: '3478' }).stunPort, 3478);
  assert.equal(loadConfig({ STUN_PORT: 'off' }).stunPort, null);
  assert.equal(loadConfig({ STUN_PORT: 'OFF' }).stunPort, null);
  assert.throws(() => loadConfig({ STUN_PORT: '70000' }), /STUN_PORT/);
  assert.throws(() => loadConfig({ STUN_PORT: 'udp' }), /STUN_PORT/);
});

test('a STUN port that is taken stops the start with a message that says what to do', async () => {
  const taken = await udpClient();
  try {
    await assert.rejects(
      createSignalingServer({ port: 0, host: '127.0.0.1', distDir: '/nonexistent', stunPort: taken.address().port }),
      /STUN_PORT/,
    );
  } finally {
    taken.close();
  }
});
