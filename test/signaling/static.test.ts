// Serving the built app from a temporary dist/: content types, SPA fallback, cache headers, no escaping dist/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createSignalingServer, type SignalingServer } from '../../signaling/src/node.ts';

let dir: string;
let server: SignalingServer;
const INDEX = '<!doctype html><title>app</title><call-app></call-app>';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dist-'));
  mkdirSync(join(dir, 'assets'));
  mkdirSync(join(dir, 'icons'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch",()=>{})');
  writeFileSync(join(dir, 'assets', 'index-AbC123.js'), 'console.log(1)');
  writeFileSync(join(dir, 'assets', 'index-AbC123.css'), 'body{}');
  writeFileSync(join(dir, 'manifest.webmanifest'), '{"name":"app"}');
  writeFileSync(join(dir, 'icons', 'icon-192.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  writeFileSync(join(tmpdir(), 'outside-secret.txt'), 'secret');
  server = await createSignalingServer({ port: 0, distDir: dir });
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${server.port}${path}`, { headers });
}

test('files are served with their content types and cache policy', async () => {
  const cases: [string, string, string][] = [
    ['/', 'text/html; charset=utf-8', 'no-cache'],
    ['/index.html', 'text/html; charset=utf-8', 'no-cache'],
    ['/sw.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['/assets/index-AbC123.js', 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['/assets/index-AbC123.css', 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['/manifest.webmanifest', 'application/manifest+json; charset=utf-8', 'no-cache'],
    ['/icons/icon-192.png', 'image/png', 'no-cache'],
  ];
  for (const [path, type, cache] of cases) {
    const res = await get(path);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('content-type'), type, path);
    assert.equal(res.headers.get('cache-control'), cache, path);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    await res.arrayBuffer();
  }
  assert.equal(await (await get('/assets/index-AbC123.js')).text(), 'console.log(1)');
});

test('SPA routes without an extension get index.html; missing files with one get 404', async () => {
  for (const path of ['/r/abcdefghijklmnopqrstuv', '/r/abcdefghijklmnopqrstuv/', '/settings']) {
    const res = await get(path);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(await res.text(), INDEX);
  }
  for (const path of ['/assets/missing-123.js', '/favicon.ico', '/r/x.png']) {
    const res = await get(path);
    assert.equal(res.status, 404, path);
    await res.arrayBuffer();
  }
});

test('conditional GET, HEAD and other methods', async () => {
  const first = await get('/sw.js');
  const etag = first.headers.get('etag');
  await first.arrayBuffer();
  assert.ok(etag);
  assert.equal((await get('/sw.js', { 'If-None-Match': etag })).status, 304);
  const head = await fetch(`http://127.0.0.1:${server.port}/`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(INDEX.length));
  const post = await fetch(`http://127.0.0.1:${server.port}/`, { method: 'POST', body: 'x' });
  assert.equal(post.status, 405);
  await post.arrayBuffer();
});

test('paths cannot escape the dist directory', async () => {
  // fetch() normalises "..", so send the raw request line.
  for (const path of ['/../outside-secret.txt', '/%2e%2e/outside-secret.txt', '/assets/..%2f..%2foutside-secret.txt', '/%00']) {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.ok(!body.includes('secret'), `${path} leaked a file outside dist (${status})`);
    assert.ok(status === 404 || status === 400, `${path}: ${status}`);
  }
});

test('healthz is JSON with counts only', async () => {
  const res = await get('/healthz');
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.deepEqual(await res.json(), { ok: true, rooms: 0, sockets: 0 });
});
