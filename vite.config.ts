import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const signaling = process.env.SIGNALING_TARGET ?? 'http://127.0.0.1:8080';

export default defineConfig({
  build: { target: 'es2022' },
  server: { proxy: { '/ws': { target: signaling, ws: true } } },
  plugins: [
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
        icons: [],
      },
    }),
  ],
});
