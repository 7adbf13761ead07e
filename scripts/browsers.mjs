// The one definition of how tests, benchmarks and the audit start Debian's browsers (never downloaded ones):
// no sandbox (root in a container), no GPU, no outside network, fake camera and microphone with no prompt.
// Plain JavaScript so that web-test-runner.config.mjs can import it without a TypeScript loader.

export const CHROMIUM_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
export const FIREFOX_PATH = '/usr/bin/firefox-esr';

/** Quiet Chromium: nothing phones home, nothing updates itself mid-run. */
export const CHROMIUM_QUIET_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Quiet Chromium plus fake media devices granted without a prompt, and video that plays unmuted. */
export const CHROMIUM_ARGS = [
  ...CHROMIUM_QUIET_ARGS,
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

/** Firefox's equivalents: fake devices, no permission prompt, real host addresses in candidates, autoplay. */
export const FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.autoplay.default': 0,
  'permissions.default.camera': 1,
  'permissions.default.microphone': 1,
};
