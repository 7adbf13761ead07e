// Serves the built app (Vite's dist/) for the one-command start. Paths without a file extension that are not
// files fall back to index.html so deep links such as /r/<roomId> load the app. Hashed /assets/* are cached
// for a year; everything else, index.html and sw.js above all, is revalidated on every load so a deploy shows
// up at once. Text files go out compressed when the browser accepts it (brotli, else gzip), each compressed
// once per file version and kept in memory; `Vary: Accept-Encoding` tells caches that the bytes depend on it.
// Room ids travel in the path, so responses carry `Referrer-Policy: no-referrer`. The page's own
// Content-Security-Policy is a <meta> tag written by the build (vite.config.ts), which knows the signaling URL
// the app connects to; this server adds what only a header can say: no framing.

import { createReadStream, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** Worth compressing: text and wasm. Images and fonts are compressed formats already. */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.webmanifest', '.txt', '.xml', '.svg', '.wasm']);
/** Larger files are streamed as they are rather than held in memory. */
const MAX_COMPRESSED_SOURCE = 4 * 1024 * 1024;
/**
 * Brotli 6: the first request for a file waits for it, and on the call chunk (90 KB) quality 11 took over a
 * second on a busy 2-core machine for 7% fewer bytes, quality 6 about 25 ms (still 7% smaller than gzip -9).
 */
const BROTLI_QUALITY = 6;
/** Compressed variants kept; a long-running server sees old hashed assets disappear with each deploy. */
const MAX_CACHED = 256;

export const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // frame-ancestors is ignored in a <meta> policy, so it is the header's part; X-Frame-Options for old browsers.
  'Content-Security-Policy': "frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

export type Encoding = 'br' | 'gzip' | 'identity';

const compressors = {
  br: promisify(brotliCompress),
  gzip: promisify(gzip),
};

export function contentType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The encoding to send for an Accept-Encoding header: the highest q-value among br and gzip (br on a tie),
 * identity when neither is acceptable. `*` stands for any coding not named.
 */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding {
  if (!acceptEncoding) return 'identity';
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const of = (name: string) => q.get(name) ?? q.get('*') ?? 0;
  const br = of('br');
  const gz = Math.max(of('gzip'), q.get('x-gzip') ?? 0);
  if (br > 0 && br >= gz) return 'br';
  if (gz > 0) return 'gzip';
  return 'identity';
}

/** Handles GET and HEAD for the files under `distDir`; each server makes one, with its own compression cache. */
export function staticFiles(distDir: string): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const root = resolve(distDir);
  const compressed = new Map<string, Promise<Buffer | null>>();

  /** The file in `encoding`, or null when compressing does not make it smaller. Keyed by version (the ETag). */
  const variant = (path: string, etag: string, encoding: 'br' | 'gzip'): Promise<Buffer | null> => {
    const key = `${encoding} ${etag} ${path}`;
    let entry = compressed.get(key);
    if (!entry) {
      entry = readFile(path).then(async (raw) => {
        const out =
          encoding === 'br'
            ? await compressors.br(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } })
            : await compressors.gzip(raw, { level: 9 });
        return out.length < raw.length ? out : null;
      });
      // A failed read is not remembered: the next request tries again.
      entry.catch(() => compressed.delete(key));
      compressed.set(key, entry);
      const oldest = compressed.keys().next();
      if (compressed.size > MAX_CACHED && !oldest.done) compressed.delete(oldest.value);
    }
    return entry;
  };

  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end('Method Not Allowed\n');
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end('Bad Request\n');
      return;
    }
    const file = pathname.includes('\0') ? null : resolve(join(root, pathname));
    const inside = file !== null && (file === root || file.startsWith(root + sep));

    let target = inside ? (file === root ? join(root, 'index.html') : file) : null;
    let info = target === null ? null : await fileStat(target);
    if (!info && inside && extname(pathname) === '') {
      target = join(root, 'index.html');
      info = await fileStat(target);
    }
    if (!info || target === null) {
      const missingApp = !(await fileStat(join(root, 'index.html')));
      res
        .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS })
        .end(missingApp ? 'Not Found (the app is not built: run npm run build)\n' : 'Not Found\n');
      return;
    }

    const version = `${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}`;
    const relative = target.slice(root.length).split(sep).join('/');
    const compressible = COMPRESSIBLE.has(extname(target).toLowerCase());
    let encoding = compressible && info.size <= MAX_COMPRESSED_SOURCE ? chooseEncoding(req.headers['accept-encoding']) : 'identity';
    let body: Buffer | null = null;
    if (encoding !== 'identity') {
      body = await variant(target, version, encoding).catch(() => null);
      if (!body) encoding = 'identity';
    }

    // One ETag per representation, so a cache never answers a gzip request with a brotli body.
    const etag = `W/"${version}${encoding === 'identity' ? '' : `-${encoding}`}"`;
    const headers: Record<string, string> = {
      'Content-Type': contentType(target),
      'Cache-Control': relative.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      ETag: etag,
      ...(compressible ? { Vary: 'Accept-Encoding' } : {}),
      ...(encoding === 'identity' ? {} : { 'Content-Encoding': encoding }),
      ...SECURITY_HEADERS,
    };
    if (matches(req.headers['if-none-match'], etag)) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': String(body ? body.length : info.size) });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    if (body) {
      res.end(body);
      return;
    }
    const stream = createReadStream(target);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };
}

/** If-None-Match: `*` or a comma-separated list of ETags, compared weakly (the W/ prefix does not matter). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

async function fileStat(path: string): Promise<Stats | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? s : null;
  } catch {
    return null;
  }
}
