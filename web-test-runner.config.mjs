// Browser tests for src/core and src/ui, run in Debian's Chromium and Firefox ESR (never downloaded browsers).
// WebRTC needs a non-loopback interface, so run this through scripts/netns.sh (`npm run test:browser`).
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { puppeteerLauncher } from '@web/test-runner-puppeteer';
import { CHROMIUM_ARGS, CHROMIUM_PATH, FIREFOX_PATH, FIREFOX_PREFS } from './scripts/browsers.mjs';
import './scripts/firefox-bidi-compat.mjs';

const chromiumArgs = [
  ...CHROMIUM_ARGS,
  // Data-only connections would otherwise offer mDNS names that nothing in the namespace resolves.
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['test/core/**/*.test.ts', 'test/ui/**/*.test.ts'],
  nodeResolve: true,
  plugins: [
    esbuildPlugin({
      ts: true,
      target: 'auto',
      tsconfig: './tsconfig.json',
      // What Vite puts in import.meta.env with no VITE_ variables set, so the root element (call-app) loads here too.
      define: { 'import.meta.env': JSON.stringify({ MODE: 'test', DEV: true, PROD: false, SSR: false, BASE_URL: '/' }) },
    }),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: CHROMIUM_PATH, headless: true, args: chromiumArgs },
    }),
    puppeteerLauncher({
      launchOptions: {
        browser: 'firefox',
        executablePath: FIREFOX_PATH,
        headless: true,
        extraPrefsFirefox: FIREFOX_PREFS,
      },
    }),
  ],
  // One test file per browser at a time: two cores, and each file may hold several peer connections.
  concurrency: 1,
  browserStartTimeout: 60_000,
  testsStartTimeout: 60_000,
  testsFinishTimeout: 180_000,
  testFramework: { config: { timeout: 20_000 } },
};
