import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, loadEnv, type Plugin } from 'vite';
import { compression } from 'vite-plugin-compression2';
import { VitePWA } from 'vite-plugin-pwa';

const signaling = process.env.SIGNALING_TARGET ?? 'http://127.0.0.1:8080';
// Stamped into index.html, so each deploy (and the e2e update test's rebuild) changes the precached shell,
// which changes sw.js, which is how the browser learns that a new version exists.
const appVersion = process.env.APP_VERSION ?? process.env.npm_package_version ?? 'dev';

/**
 * The page's Content-Security-Policy, as a <meta> tag so it travels with dist/ to any static host. What the app
 * needs: its own scripts plus WebAssembly (hash-wasm hashes files), Lit's styles and the inline boot style,
 * the QR code as a data: image, and a WebSocket to the signaling server: its own origin unless the build names
 * another with VITE_SIGNALING_URL. WebRTC itself is outside CSP. frame-ancestors only works as a header
 * (signaling/src/node/static.ts sends it).
 */
function contentSecurityPolicy(signalingUrl: string | undefined): string {
  const signaling = signalingUrl ? ` ${new URL(signalingUrl).origin.replace(/^http/, 'ws')}` : '';
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    `connect-src 'self'${signaling}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** The text files the server sends compressed: it serves the .br and .gz written next to them (signaling/src/node/static.ts). */
const COMPRESSIBLE = /\.(html|js|css|json|webmanifest|svg|txt|wasm)$/;

/**
 * vite-plugin-compression2 compresses the app's own bundle, but VitePWA writes sw.js afterwards, in its own build
 * from its closeBundle hook: this runs after that (sequential, order post) and compresses it the same way.
 */
function compressServiceWorker(): Plugin {
  let outDir = 'dist';
  return {
    name: 'compress-service-worker',
    apply: 'build',
    configResolved: (config) => {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle: {
      sequential: true,
      order: 'post',
      async handler() {
        const file = resolve(outDir, 'sw.js');
        const raw = await readFile(file);
        await writeFile(`${file}.br`, brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
        await writeFile(`${file}.gz`, gzipSync(raw, { level: 9 }));
      },
    },
  };
}

export default defineConfig(({ mode }) => ({
  build: { target: 'es2022' },
  server: { proxy: { '/ws': { target: signaling, ws: true } } },
  plugins: [
    {
      name: 'content-security-policy',
      apply: 'build',
      transformIndexHtml: (page: string) =>
        page.replace(
          '<meta charset="utf-8" />',
          `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(loadEnv(mode, process.cwd(), 'VITE_').VITE_SIGNALING_URL)}" />`,
        ),
    },
    {
      name: 'app-version',
      transformIndexHtml: (page: string) => page.replace('</head>', `  <meta name="app-version" content="${appVersion}" />\n  </head>`),
    },
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      injectRegister: false,
      registerType: 'prompt',
      injectManifest: { globPatterns: ['**/*.{js,css,html}'] },
      manifest: {
        id: '/',
        name: 'P2P Call',
        short_name: 'P2P Call',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#1f6feb',
        background_color: '#0f1218',
        description: 'Video calls straight from browser to browser. Open a link, talk, share files.',
        lang: 'en',
        categories: ['communication', 'productivity'],
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        // A file shared from the phone's share sheet is POSTed here; src/sw.ts keeps it for the page.
        share_target: {
          action: '/share-target',
          method: 'POST',
          enctype: 'multipart/form-data',
          params: { title: 'title', text: 'text', url: 'url', files: [{ name: 'files', accept: ['*/*'] }] },
        },
        // Sharing into the app while a call is open must not open a second copy that would leave the call.
        launch_handler: { client_mode: 'focus-existing' },
      },
      includeManifestIcons: true,
    }),
    // At build time, so brotli can take its best quality (11): the server never compresses.
    compression({ include: COMPRESSIBLE, algorithms: ['gzip', 'brotliCompress'] }),
    compressServiceWorker(),
  ],
}));
