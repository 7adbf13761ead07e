import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const signaling = process.env.SIGNALING_TARGET ?? 'http://127.0.0.1:8080';
// Stamped into index.html, so each deploy (and the e2e update test's rebuild) changes the precached shell,
// which changes sw.js, which is how the browser learns that a new version exists.
const appVersion = process.env.APP_VERSION ?? process.env.npm_package_version ?? 'dev';

export default defineConfig({
  build: { target: 'es2022' },
  server: { proxy: { '/ws': { target: signaling, ws: true } } },
  plugins: [
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
  ],
});
