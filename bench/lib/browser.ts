// Chromium as /work/shared/TESTING.md proved it: fake camera and microphone, no permission prompt, no
// outside network. Pages are served over http from the namespace address, so those origins are
// declared secure (getUserMedia needs a secure context).
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/browsers.mjs';

export function launchChromium(secureOrigins: string[]): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: 30_000,
    args: [...CHROMIUM_ARGS, `--unsafely-treat-insecure-origin-as-secure=${secureOrigins.join(',')}`],
  });
}

/** Trace categories for BENCH_TRACE: the page's thread, script with a CPU profile, and WebRTC's own threads. */
export const TRACE_CATEGORIES = [
  'devtools.timeline',
  'v8.execute',
  'blink.user_timing',
  'toplevel',
  'webrtc',
  'disabled-by-default-v8.cpu_profiler',
];
