// Serving the built app from a temporary dist/ laid out as `vite build` writes it (text files with .br and .gz
// next to them): content types, SPA fallback, cache headers, precompressed variants, security headers, no
// escaping dist/, and a rebuild under the running server.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { createSignalingServer, type SignalingServer } from '../../signaling/src/node/server.ts';

let dir: string;
let server: SignalingServer;
const INDEX = '<!doctype html><title>app</title><call-app></call-app>';
/** Big and repetitive enough that compressing it pays. */
const BIG_JS = Array.from({ length: 400 }, (_, i) => `export const value${i} = 'some text that repeats';`).join('\n');

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dist-'));
  mkdirSync(join(dir, 'assets'));
  mkdirSync(join(dir, 'icons'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch",()=>{})');
  writeFileSync(join(dir, 'assets', 'index-AbC123.js'), 'console.log(1)');
  writeFileSync(join(dir, 'assets', 'index-AbC123.css'), 'body{}');
  writeFileSync(join(dir, 'assets', 'big-XyZ789.js'), BIG_JS);
  writeCompressed(join(dir, 'assets', 'big-XyZ789.js'), BIG_JS);
  writeCompressed(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'icons', 'big.png'), Buffer.from(BIG_JS));
  writeFileSync(join(dir, 'manifest.webmanifest'), '{"name":"app"}');
  writeFileSync(join(dir, 'icons', 'icon-192.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  writeFileSync(join(tmpdir(), 'outside-secret.txt'), 'secret');
  server = await createSignalingServer({ port: 0, distDir: dir });
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What the build's compression step leaves next to a text file. */
function writeCompressed(file: string, text: string): void {
  writeFileSync(`${file}.br`, brotliCompressSync(text));
  writeFileSync(`${file}.gz`, gzipSync(text));
}

async function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${server.port}${path}`, { headers });
}

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request exactly as given: fetch() would normalise the path and decompress the body. */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('files are served with their content types and cache policy', async () => {
  const cases: [string, string, string][] = [
    ['/', 'text/html', 'no-cache'],
    ['/index.html', 'text/html', 'no-cache'],
    ['/sw.js', 'text/javascript', 'no-cache'],
    ['/assets/index-AbC123.js', 'text/javascript', 'public, max-age=31536000, immutable'],
    ['/assets/index-AbC123.css', 'text/css', 'public, max-age=31536000, immutable'],
    ['/manifest.webmanifest', 'application/manifest+json', 'no-cache'],
    ['/icons/icon-192.png', 'image/png', 'no-cache'],
  ];
  for (const [path, type, cache] of cases) {
    const res = await get(path);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('content-type')?.split(';')[0], type, path);
    assert.equal(res.headers.get('cache-control'), cache, path);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    await res.arrayBuffer();
  }
  assert.match((await get('/')).headers.get('content-type') ?? '', /charset=utf-8/i);
  assert.equal(await (await get('/assets/index-AbC123.js')).text(), 'console.log(1)');
  // Only a real hashed file is immutable: the app shell never is, whatever path reached it.
  for (const path of ['/assets/', '/assets/not-a-file', '/assets/%2e%2e/index.html']) {
    const { status, headers } = await raw(path);
    assert.notEqual(headers['cache-control'], 'public, max-age=31536000, immutable', `${path} (${status})`);
  }
});

test('SPA routes without an extension get index.html; missing files with one get 404', async () => {
  for (const path of ['/r/abcdefghijklmnopqrstuv', '/r/abcdefghijklmnopqrstuv/', '/settings']) {
    const res = await get(path);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('content-type')?.split(';')[0], 'text/html');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(await res.text(), INDEX);
  }
  for (const path of ['/assets/missing-123.js', '/favicon.ico', '/r/x.png']) {
    const res = await get(path);
    assert.equal(res.status, 404, path);
    assert.equal(res.headers.get('cache-control'), 'no-cache', path);
    await res.arrayBuffer();
  }
});

test('conditional GET, HEAD and other methods', async () => {
  const first = await get('/sw.js');
  const etag = first.headers.get('etag');
  await first.arrayBuffer();
  assert.ok(etag);
  const notModified = await get('/sw.js', { 'If-None-Match': etag });
  assert.equal(notModified.status, 304);
  assert.equal(notModified.headers.get('cache-control'), 'no-cache', 'a 304 keeps the revalidation policy');
  assert.equal(notModified.headers.get('x-frame-options'), 'DENY');
  const head = await raw('/', {}, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], String(INDEX.length));
  assert.equal(head.body.length, 0);
  const post = await fetch(`http://127.0.0.1:${server.port}/`, { method: 'POST', body: 'x' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
  assert.equal(post.headers.get('content-security-policy'), "frame-ancestors 'none'");
  await post.arrayBuffer();
});

test('paths cannot escape the dist directory', async () => {
  // fetch() normalises "..", so send the raw request line.
  const paths = [
    '/../outside-secret.txt',
    '/%2e%2e/outside-secret.txt',
    '/assets/..%2f..%2foutside-secret.txt',
    '/assets/..%5c..%5coutside-secret.txt',
    '/%00',
  ];
  const variants: Record<string, string>[] = [{}, { 'Accept-Encoding': 'gzip, br' }];
  for (const path of paths) {
    for (const headers of variants) {
      const { status, body } = await raw(path, headers);
      assert.ok(!body.toString('latin1').includes('secret'), `${path} leaked a file outside dist (${status})`);
      // A path with no extension (here /%00) is a deep link as far as the server knows: it gets the app shell.
      const shell = status === 200 && (body.toString() === INDEX || brotliOrGzip(body, headers) === INDEX);
      assert.ok(status === 404 || status === 400 || shell, `${path}: ${status}`);
    }
  }
});

function brotliOrGzip(body: Buffer, headers: Record<string, string>): string {
  if (!headers['Accept-Encoding']) return body.toString();
  try {
    return brotliDecompressSync(body).toString();
  } catch {
    return gunzipSync(body).toString();
  }
}

test('healthz is JSON with counts only', async () => {
  const res = await get('/healthz');
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.deepEqual(await res.json(), { ok: true, rooms: 0, sockets: 0 });
});

test("the build's brotli or gzip variant is sent when accepted, the file as it is otherwise, with Vary and a true Content-Length", async () => {
  const path = '/assets/big-XyZ789.js';
  const gz = await raw(path, { 'Accept-Encoding': 'gzip, deflate' });
  assert.equal(gz.status, 200);
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gz.headers.vary, 'Accept-Encoding');
  assert.equal(gz.headers['content-length'], String(gz.body.length));
  assert.ok(gz.body.length < BIG_JS.length / 4, `gzip body ${gz.body.length} bytes`);
  assert.equal(gunzipSync(gz.body).toString(), BIG_JS);
  assert.equal(gz.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(String(gz.headers['content-type']).split(';')[0], 'text/javascript');

  const br = await raw(path, { 'Accept-Encoding': 'gzip, deflate, br' });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(br.headers['content-length'], String(br.body.length));
  assert.equal(brotliDecompressSync(br.body).toString(), BIG_JS);

  const variants: Record<string, string>[] = [{}, { 'Accept-Encoding': 'identity' }, { 'Accept-Encoding': 'deflate' }];
  for (const headers of variants) {
    const plain = await raw(path, headers);
    assert.equal(plain.headers['content-encoding'], undefined, JSON.stringify(headers));
    assert.equal(plain.headers.vary, 'Accept-Encoding');
    assert.equal(plain.headers['content-length'], String(Buffer.byteLength(BIG_JS)));
    assert.equal(plain.body.toString(), BIG_JS);
  }

  // The SPA fallback gets index.html's variants too.
  const index = await raw('/r/abcdefghijklmnopqrstuv', { 'Accept-Encoding': 'gzip, deflate, br' });
  assert.equal(index.headers['content-encoding'], 'br');
  assert.equal(index.headers.vary, 'Accept-Encoding');
  assert.equal(brotliDecompressSync(index.body).toString(), INDEX);
  // A file the build left without variants (too small to gain) goes out as it is.
  const small = await raw('/assets/index-AbC123.js', { 'Accept-Encoding': 'gzip, br' });
  assert.equal(small.headers['content-encoding'], undefined);
  assert.equal(small.body.toString(), 'console.log(1)');
});

test('HEAD and conditional GET follow the encoding; images are never re-compressed', async () => {
  const path = '/assets/big-XyZ789.js';
  const gz = await raw(path, { 'Accept-Encoding': 'gzip' });
  const head = await raw(path, { 'Accept-Encoding': 'gzip' }, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-encoding'], 'gzip');
  assert.equal(head.headers['content-length'], gz.headers['content-length']);
  assert.equal(head.body.length, 0);

  const plain = await raw(path);
  const gzTag = String(gz.headers.etag);
  assert.notEqual(gzTag, plain.headers.etag, 'each representation has its own ETag');
  assert.equal((await raw(path, { 'Accept-Encoding': 'gzip', 'If-None-Match': gzTag })).status, 304);
  const mismatch = await raw(path, { 'If-None-Match': gzTag });
  assert.equal(mismatch.status, 200, 'a gzip ETag does not validate the identity body');
  assert.equal(mismatch.body.toString(), BIG_JS);

  const png = await raw('/icons/big.png', { 'Accept-Encoding': 'gzip, br' });
  assert.equal(png.headers['content-encoding'], undefined);
  assert.equal(png.body.length, Buffer.byteLength(BIG_JS));
});

test('every response carries the security headers', async () => {
  for (const path of ['/', '/assets/big-XyZ789.js', '/missing.js', '/r/abcdefghijklmnopqrstuv', '/../outside-secret.txt']) {
    const res = await raw(path, { 'Accept-Encoding': 'gzip' });
    assert.equal(res.headers['x-content-type-options'], 'nosniff', path);
    assert.equal(res.headers['referrer-policy'], 'no-referrer', path);
    assert.equal(res.headers['content-security-policy'], "frame-ancestors 'none'", path);
    assert.equal(res.headers['x-frame-options'], 'DENY', path);
  }
});

// Last: it rewrites the files the other tests read.
test('a rebuild under the running server is served at once: new files, new sizes, variants gone', async () => {
  const NEW_INDEX = `${INDEX}<script type="module" src="/assets/index-New456.js"></script>`;
  writeFileSync(join(dir, 'index.html'), NEW_INDEX);
  writeCompressed(join(dir, 'index.html'), NEW_INDEX);
  writeFileSync(join(dir, 'assets', 'index-New456.js'), 'console.log(2)');
  unlinkSync(join(dir, 'assets', 'big-XyZ789.js.br'));

  const index = await raw('/r/abcdefghijklmnopqrstuv', { 'Accept-Encoding': 'br' });
  assert.equal(brotliDecompressSync(index.body).toString(), NEW_INDEX);
  assert.equal(index.headers['content-length'], String(index.body.length));
  const plain = await raw('/');
  assert.equal(plain.body.toString(), NEW_INDEX);
  assert.equal(plain.headers['content-length'], String(Buffer.byteLength(NEW_INDEX)));
  assert.equal((await raw('/assets/index-New456.js')).body.toString(), 'console.log(2)');
  const big = await raw('/assets/big-XyZ789.js', { 'Accept-Encoding': 'gzip, br' });
  assert.equal(big.headers['content-encoding'], 'gzip');
  assert.equal(gunzipSync(big.body).toString(), BIG_JS);
});
