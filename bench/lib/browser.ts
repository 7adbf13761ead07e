// Chromium as /work/shared/TESTING.md proved it: fake camera and microphone, no permission prompt, no
// outside network. Pages are served over http from the namespace address, so those origins are
// declared secure (getUserMedia needs a secure context).
import { chromium, type Browser } from 'playwright-core';

export function launchChromium(secureOrigins: string[]): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
      `--unsafely-treat-insecure-origin-as-secure=${secureOrigins.join(',')}`,
    ],
  });
}
