// The built app against the real server in WebKitGTK (the engine of iOS Safari) under Xvfb, through
// WebKitWebDriver (test/webkit/session.ts). Debian 12's WebKit has no RTCPeerConnection, so a room link must
// show the "this browser cannot make calls" page; the pre-join and call screens are checked with a stand-in
// RTCPeerConnection (test/webkit/webrtc-stand-in.js) that is enough for a call nobody else joins.
// Skips itself, saying why, where WebKitWebDriver, Xvfb or PyGObject's WebKit are missing.
// Run: bash scripts/netns.sh npm run --silent test:webkit (after `npm run build`)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, waitFor, type AppServer } from '../e2e/harness.ts';
import { WEBRTC_STAND_IN, startWebKit, webkitSupport, type BrowserOptions, type WebKit, type WebKitBrowser } from './session.ts';
import type { Session } from './webdriver.ts';

const reason = webkitSupport();
if (reason) console.log(`# WebKit tests skipped: ${reason}`);

/** Every element matching `selector` through open shadow roots, as a script fragment's helper. */
const DEEP = `const all = (root, selector) => { const found = [...root.querySelectorAll(selector)];
  for (const el of root.querySelectorAll('*')) if (el.shadowRoot) found.push(...all(el.shadowRoot, selector)); return found; };`;

async function assertNoPageErrors(s: Session): Promise<void> {
  assert.deepEqual(await s.execute<string[]>('return window.__pageErrors ?? []'), [], 'uncaught errors in the page');
}

describe('WebKit', { skip: reason ?? false, timeout: 120_000 }, () => {
  let server: AppServer;
  let webkit: WebKit;
  let browser: WebKitBrowser | undefined;

  before(async () => {
    server = await startServer();
    webkit = await startWebKit();
  });

  after(async () => {
    await browser?.close();
    await webkit?.close();
    await server?.stop();
  });

  /** One browser per test (WebKitWebDriver serves one session at a time); the previous one is closed. */
  async function open(options: BrowserOptions = {}): Promise<Session> {
    await browser?.close();
    browser = await webkit.open(options);
    return browser.session;
  }

  test('the home page renders; "Start a call" opens a room link, which says this browser cannot make calls', async () => {
    const s = await open();
    await s.navigate(`${server.url}/`);
    await s.findByRole('heading', 'P2P Call');
    await s
      .findByRole(
        'status',
        'This browser cannot make calls (it has no WebRTC). Open this page in Chrome, Edge, Firefox or Safari to start one.',
      )
      .catch(async () => {
        // The notice is a status region whose name WebKit may leave empty: its text is what the user reads.
        const text = await s.execute<string>(`${DEEP} return all(document, '[role="status"]').map((e) => e.textContent).join(' ')`);
        assert.match(text, /This browser cannot make calls/);
      });
    await s.click(await s.findByRole('button', 'Start a call'));
    await waitFor(async () => /\/r\/[\w-]+#[\w-]+$/.test(await s.url()), 10_000, 'a room link in the address bar');
    await s.findByRole('heading', 'This browser cannot make calls');
    await s.findByRole('button', 'Copy link');
    const broken = await s.execute<number>(`${DEEP} return all(document, 'prejoin-view, call-view').length`);
    assert.equal(broken, 0, 'no pre-join or call screen without WebRTC');
    await assertNoPageErrors(s);
  });

  test('a room link opened directly gets the cannot-call page, with the link to open elsewhere', async () => {
    const s = await open();
    const link = `${server.url}/r/webkit_room_0123456789abcdef#webkit_secret_0123456789abcdef`;
    await s.navigate(link);
    await s.findByRole('heading', 'This browser cannot make calls');
    const shown = await s.execute<string>(`${DEEP} return all(document, '.link').map((e) => e.textContent).join('')`);
    assert.equal(shown, link);
    await assertNoPageErrors(s);
  });

  test('pre-join with the mock camera: the preview plays, and Join opens the call screen', async () => {
    const s = await open({ scripts: [WEBRTC_STAND_IN] });
    await s.navigate(`${server.url}/`);
    await s.click(await s.findByRole('button', 'Start a call'));
    const name = await s.findByRole('textbox', 'Your name');
    await s.findByRole('button', 'Microphone');
    await s.findByRole('button', 'Camera');
    // Playing = frames arriving: currentTime advances and the mock camera's size is known.
    const first = await waitFor(
      () =>
        s
          .execute<{ t: number; w: number } | null>(
            `${DEEP} const v = all(document, 'prejoin-view')[0].shadowRoot.querySelector('video');
        return v && v.readyState >= 2 && !v.paused && v.videoWidth > 0 ? { t: v.currentTime, w: v.videoWidth } : null`,
          )
          .then((v) => v ?? undefined),
      15_000,
      'the preview to play',
    );
    await waitFor(
      async () =>
        (await s.execute<number>(`${DEEP} return all(document, 'prejoin-view')[0].shadowRoot.querySelector('video').currentTime`)) >
        first.t + 0.2,
      10_000,
      'the preview time to advance',
    );
    await s.type(name, 'Wes');
    await s.click(await s.findByRole('button', 'Join'));
    await s.findByRole('button', 'Leave');
    await s.findByRole('toolbar', 'Call controls');
    await assertNoPageErrors(s);
  });

  test('a Spanish-language browser gets Spanish labels', async () => {
    const s = await open({ lang: 'es-ES' });
    await s.navigate(`${server.url}/`);
    await s.findByRole('button', 'Iniciar una llamada');
    assert.equal(await s.execute<string>('return document.documentElement.lang'), 'es');
    await assertNoPageErrors(s);
  });

  test('the service worker controls the page, and with the server gone a reload still renders the shell', async () => {
    // Its own server, stopped mid-test: WebDriver cannot take the browser offline, so the network goes instead.
    const own = await startServer();
    try {
      const s = await open();
      await s.navigate(`${own.url}/`);
      await s.evaluate<boolean>('await navigator.serviceWorker.ready; return true;');
      await s.refresh();
      await waitFor(
        () => s.execute<boolean>('return navigator.serviceWorker.controller !== null'),
        15_000,
        'the service worker to control the page',
      );
      await own.stop();
      await s.refresh();
      await s.findByRole('button', 'Start a call');
      assert.equal(await s.execute<boolean>('return navigator.serviceWorker.controller !== null'), true);
      await assertNoPageErrors(s);
    } finally {
      await own.stop();
    }
  });

  test('a phone-width window (390x844): the control bar of the call screen is one row inside the viewport', async () => {
    const s = await open({ width: 390, height: 844, scripts: [WEBRTC_STAND_IN] });
    await s.navigate(`${server.url}/`);
    await s.click(await s.findByRole('button', 'Start a call'));
    await s.click(await s.findByRole('button', 'Join'));
    await s.findByRole('button', 'Leave');
    const boxes = await s.execute<Array<{ name: string; x: number; y: number; width: number; height: number }>>(`${DEEP}
      const bar = all(document, '[role="toolbar"]').find((e) => e.checkVisibility());
      return all(bar.getRootNode(), 'button.round').concat(all(bar.getRootNode(), 'more-menu').flatMap((m) => all(m.shadowRoot, 'button.round').slice(0, 1)))
        .filter((b) => b.checkVisibility()).map((b) => { const r = b.getBoundingClientRect();
          return { name: b.getAttribute('aria-label'), x: r.x, y: r.y, width: r.width, height: r.height }; });`);
    assert.ok(boxes.length >= 6, `control bar buttons: ${JSON.stringify(boxes)}`);
    assert.equal(new Set(boxes.map((b) => Math.round(b.y + b.height / 2))).size, 1, `one row: ${JSON.stringify(boxes)}`);
    for (const b of boxes)
      assert.ok(
        b.x >= 0 && b.x + b.width <= 390 && b.y >= 0 && b.y + b.height <= 844,
        `"${b.name}" inside the viewport: ${JSON.stringify(b)}`,
      );
    await assertNoPageErrors(s);
  });
});
