// Serves the built app (Vite's dist/) for the one-command start, with sirv. The build writes .br and .gz next to
// every text file (vite.config.ts), so nothing is compressed here: sirv sends the brotli one when the request's
// Accept-Encoding names br, else the gzip one when it names gzip, else the file, with `Vary: Accept-Encoding`
// and an ETag per variant. Paths without a file extension
// fall back to index.html so deep links such as /r/<roomId> load the app. Hashed /assets/* are cached for a
// year; everything else, index.html and sw.js above all, is revalidated on every load so a deploy shows up at
// once. Room ids travel in the path, so responses carry `Referrer-Policy: no-referrer`. The page's own
// Content-Security-Policy is a <meta> tag written by the build (vite.config.ts), which knows the signaling URL
// the app connects to; this server adds what only a header can say: no framing.

import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import sirv from 'sirv';

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // frame-ancestors is ignored in a <meta> policy, so it is the header's part; X-Frame-Options for old browsers.
  'Content-Security-Policy': "frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
/**
 * A hashed build output: a file name with an extension directly under /assets/. sirv falls back to index.html
 * only for paths without an extension, and no `..` fits the pattern, so a match is that file or a 404, never the
 * app shell (which must not be cached for a year).
 */
const HASHED_ASSET = /^\/assets\/[\w-]+(?:\.[\w-]+)+$/;

/** Handles GET and HEAD for the files under `distDir`. */
export function staticFiles(distDir: string): (req: IncomingMessage, res: ServerResponse) => void {
  const root = resolve(distDir);
  const serve = sirv(root, {
    // sirv's other mode reads the file list and sizes once at start-up; a rebuild under a running server (a deploy,
    // the e2e update test) would then 404 the new hashed files and send index.html with its old Content-Length.
    // This one looks each request's file up on disk.
    dev: true,
    etag: true,
    brotli: true,
    gzip: true,
    single: true,
    extensions: ['html'],
    onNoMatch: (_req, res) => {
      // The app may be missing altogether (a server started before `npm run build`): say so.
      const missingApp = !existsSync(join(root, 'index.html'));
      res.setHeader('Cache-Control', 'no-cache');
      res.removeHeader('Vary');
      res
        .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end(missingApp ? 'Not Found (the app is not built: run npm run build)\n' : 'Not Found\n');
    },
  });

  return (req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('Method Not Allowed\n');
      return;
    }
    // Set before sirv runs so its 304s carry them too (it answers those before its own header hook).
    res.setHeader('Cache-Control', HASHED_ASSET.test((req.url ?? '/').split('?')[0] ?? '/') ? IMMUTABLE : 'no-cache');
    res.setHeader('Vary', 'Accept-Encoding');
    // sirv pipes a file stream without an error listener: a file deleted between its lookup and the read (a
    // rebuild empties dist/) would otherwise throw from the stream and take the whole server down.
    res.once('pipe', (source: Readable) => source.once('error', () => res.destroy()));
    serve(req, res);
  };
}
