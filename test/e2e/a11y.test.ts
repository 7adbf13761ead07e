// Accessibility of the three screens a user meets (home, pre-join, in-call): axe-core finds no violations in
// light and dark colour schemes, everything is reachable and operable by keyboard with a visible focus ring,
// and a small portrait phone (360x640) needs no sideways scrolling. Needs `npm run build` first.
// Run: bash scripts/netns.sh node --import tsx --test test/e2e/a11y.test.ts
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ROOT, closeBrowser, launchChromium, newParticipant, startServer, waitFor, type AppServer } from './harness.ts';
import { pageErrors } from './page-errors.ts';
import { callOf, leaveAll, openMore, openPanel } from './room.ts';

const AXE = `${ROOT}node_modules/axe-core/axe.min.js`;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/**
 * Runs axe-core on the whole page (it descends into open shadow roots) and returns its violations. axe is
 * evaluated through the DevTools protocol: the app's Content-Security-Policy rightly refuses a <script> tag.
 */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(AXE, 'utf8'));
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}

function describeViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`).join('\n');
}

/** The focused element, looking through shadow roots, described for assertions. */
async function focused(page: Page): Promise<{ tag: string; name: string; outline: string }> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return { tag: '', name: '', outline: '' };
    const style = getComputedStyle(el);
    const name = el.getAttribute('aria-label') ?? (el.closest('label')?.textContent ?? el.textContent ?? '').trim();
    return { tag: el.tagName.toLowerCase(), name, outline: `${style.outlineStyle} ${style.outlineWidth}` };
  });
}

/** Presses Tab until the focused element's name contains `name`; fails after `max` presses. */
async function tabTo(page: Page, name: string, max = 25): Promise<{ tag: string; outline: string }> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f.name.includes(name)) return f;
  }
  throw new Error(`"${name}" was not reached with ${max} Tab presses`);
}

function assertVisibleFocus(f: { outline: string }, what: string): void {
  assert.doesNotMatch(f.outline, /^none|^\S+ 0px$/, `${what} shows a focus ring (outline: ${f.outline})`);
}

describe('accessibility', () => {
  let server: AppServer;
  let browser: Browser;

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
  });

  after(async () => {
    await closeBrowser(browser);
    await server?.stop();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`axe finds no violations on home, pre-join and in-call (${colorScheme})`, async () => {
      const context = await newParticipant(browser, server.url);
      const errors = pageErrors(context);
      try {
        const page = await context.newPage();
        await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
        await page.goto(`${server.url}/`);
        await page.getByRole('button', { name: 'Start a call' }).waitFor();
        assert.equal(describeViolations(await axeViolations(page)), '', 'home');

        await page.getByRole('button', { name: 'Start a call' }).click();
        await page.getByRole('button', { name: 'Join' }).waitFor();
        await page.getByRole('button', { name: 'Settings' }).click();
        await page.getByRole('combobox', { name: 'Camera' }).waitFor();
        // The call screen is built ahead, while the pre-join screen shows: it must be out of sight and reach.
        await page.waitForFunction(() => document.querySelector('call-app')?.shadowRoot?.querySelector('call-view') != null);
        assert.equal(await page.getByRole('button', { name: 'Leave' }).count(), 0, 'the call screen is not exposed before Join');
        assert.equal(describeViolations(await axeViolations(page)), '', 'pre-join');

        await page.getByRole('button', { name: 'Join' }).click();
        await page.getByRole('button', { name: 'Leave' }).waitFor();
        await page.getByRole('group', { name: /\(you\)$/ }).waitFor();
        assert.equal(describeViolations(await axeViolations(page)), '', 'in-call');

        await openMore(page);
        assert.equal(describeViolations(await axeViolations(page)), '', 'in-call with More open');
        await page.getByRole('button', { name: 'QR code' }).click();
        await page.getByRole('img', { name: 'QR code of the call link' }).waitFor();
        assert.equal(describeViolations(await axeViolations(page)), '', 'in-call with the QR code open');
        errors.assertNone();
      } finally {
        await context.close();
      }
    });
  }

  test('everything works by keyboard, with a visible focus ring', async () => {
    const context = await newParticipant(browser, server.url);
    const errors = pageErrors(context);
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/`);
      await page.getByRole('button', { name: 'Start a call' }).waitFor();

      assertVisibleFocus(await tabTo(page, 'Language'), 'the language picker');
      assertVisibleFocus(await tabTo(page, 'Start a call'), '"Start a call"');
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Join' }).waitFor();

      assertVisibleFocus(await tabTo(page, 'Your name'), 'the name field');
      await page.keyboard.type('Keyboard Kim');
      assertVisibleFocus(await tabTo(page, 'Join'), '"Join"');
      await page.keyboard.press('Enter');
      await page.getByRole('group', { name: 'Keyboard Kim (you)' }).waitFor();

      const mic = page.getByRole('button', { name: 'Microphone' });
      assert.equal(await mic.getAttribute('aria-pressed'), 'true');
      assertVisibleFocus(await tabTo(page, 'Microphone'), '"Microphone"');
      await page.keyboard.press('Space');
      await waitFor(async () => (await mic.getAttribute('aria-pressed')) === 'false', 5_000, 'Microphone pressed=false');
      assert.equal(await mic.getAttribute('aria-pressed'), 'false');

      // "More" opens a popover that Tab walks into; the QR code in it opens a modal dialog that Escape
      // closes, handing focus back to its button; a second Escape closes More, back on its button.
      assertVisibleFocus(await tabTo(page, 'More'), '"More"');
      await page.keyboard.press('Enter');
      assertVisibleFocus(await tabTo(page, 'QR code'), '"QR code"');
      await page.keyboard.press('Enter');
      await page.getByRole('img', { name: 'QR code of the call link' }).waitFor();
      assert.equal((await focused(page)).name, 'Close');
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
      assert.equal((await focused(page)).name, 'QR code');
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Copy link' }).waitFor({ state: 'hidden' });
      assert.equal((await focused(page)).name, 'More');

      assertVisibleFocus(await tabTo(page, 'Leave'), '"Leave"');
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Start a call' }).waitFor();
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  test(
    'axe is clean with the panel open and closed and with incoming toasts; the phone sheet traps and returns focus',
    { timeout: 240_000 },
    async () => {
      const [ann, ben] = await callOf(browser, server.url, ['Ann', 'Ben']);
      if (!ann || !ben) throw new Error('no call');
      try {
        // callOf leaves the files panel open.
        for (const scheme of ['light', 'dark'] as const) {
          await ann.page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
          assert.equal(describeViolations(await axeViolations(ann.page)), '', `in-call with the files panel open (${scheme})`);
        }
        await ann.page.getByRole('toolbar').getByRole('button', { name: 'Files', exact: true }).click();
        assert.equal(describeViolations(await axeViolations(ann.page)), '', 'in-call with the panel closed');

        // Ben is on a phone-sized screen with his panel closed: what arrives shows as toasts.
        await ben.page.getByRole('toolbar').getByRole('button', { name: 'Files', exact: true }).click();
        await ben.page.setViewportSize({ width: 390, height: 844 });
        await openPanel(ann.page, 'Chat');
        await ann.page.getByRole('textbox', { name: 'Message' }).fill('hi Ben');
        await ann.page.getByRole('button', { name: 'Send', exact: true }).click();
        await ben.page.getByRole('article', { name: 'Message from Ann' }).waitFor();
        await openPanel(ann.page, 'Files');
        await ann.page.getByLabel('Send file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
        const offer = ben.page.getByRole('article', { name: 'File from Ann: notes.txt' });
        await offer.waitFor();
        for (const scheme of ['light', 'dark'] as const) {
          await ben.page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
          assert.equal(describeViolations(await axeViolations(ben.page)), '', `incoming message and file toasts (${scheme})`);
        }
        await offer.getByRole('button', { name: 'Decline' }).click();
        await offer.waitFor({ state: 'detached' });

        // The bottom sheet: opened from the keyboard, Tab stays inside it, Escape returns to its button.
        await ben.page.getByRole('toolbar').getByRole('button', { name: 'Chat', exact: true }).focus();
        await ben.page.keyboard.press('Enter');
        await ben.page.getByRole('textbox', { name: 'Message' }).waitFor();
        assert.equal((await focused(ben.page)).name, 'Message', 'focus starts in the message field');
        assert.equal(describeViolations(await axeViolations(ben.page)), '', 'the chat as a bottom sheet');
        const inSheet = () =>
          ben.page.evaluate(() => {
            let el: Element | null = document.activeElement;
            while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
            const root = el?.getRootNode();
            const host = root instanceof ShadowRoot ? root.host : null;
            // The message field and Send live in chat-panel, the close button in call-panel; both inside the sheet.
            return host?.tagName === 'CHAT-PANEL' || host?.tagName === 'CALL-PANEL';
          });
        for (let i = 0; i < 8; i++) {
          await ben.page.keyboard.press('Tab');
          assert.ok(await inSheet(), `focus stays in the sheet after ${i + 1} Tab presses (at "${(await focused(ben.page)).name}")`);
        }
        await ben.page.keyboard.press('Escape');
        await ben.page.getByRole('textbox', { name: 'Message' }).waitFor({ state: 'hidden' });
        assert.equal((await focused(ben.page)).name, 'Chat', 'focus is back on the Chat button');
      } finally {
        await leaveAll([ann, ben]);
      }
    },
  );

  test('a browser without WebRTC gets a page that says so for a call link, and a working home page', async () => {
    const context = await newParticipant(browser, server.url);
    const errors = pageErrors(context);
    try {
      await context.addInitScript('delete window.RTCPeerConnection;');
      const page = await context.newPage();
      await page.goto(`${server.url}/`);
      await page.getByText('This browser cannot make calls (it has no WebRTC)').waitFor();
      assert.equal(describeViolations(await axeViolations(page)), '', 'home without WebRTC');
      await page.getByRole('button', { name: 'Start a call' }).click();
      await page.getByRole('heading', { name: 'This browser cannot make calls' }).waitFor();
      await page.getByText(page.url()).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Join', exact: true }).count(), 0, 'no pre-join screen');
      assert.equal(describeViolations(await axeViolations(page)), '', 'the cannot-call page');
      await page.getByRole('combobox', { name: 'Language' }).selectOption('es');
      await page.getByRole('heading', { name: 'Este navegador no puede hacer llamadas' }).waitFor();
      await page.getByRole('combobox', { name: 'Idioma' }).selectOption('en');
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  test('a small portrait phone (360x640) needs no sideways scrolling on any screen', async () => {
    const context = await browser.newContext({ locale: 'es-ES', viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
    const errors = pageErrors(context);
    await context.grantPermissions(['camera', 'microphone'], { origin: server.url });
    try {
      const page = await context.newPage();
      const fits = async (screen: string) => {
        const { scroll, client } = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
        }));
        assert.ok(scroll <= client, `${screen}: content is ${scroll}px wide in a ${client}px viewport`);
      };
      // Spanish labels are longer than English ones: the tighter case.
      await page.goto(`${server.url}/`);
      await page.getByRole('button', { name: 'Iniciar una llamada' }).waitFor();
      await fits('home');
      await page.getByRole('button', { name: 'Iniciar una llamada' }).click();
      await page.getByRole('button', { name: 'Unirse' }).waitFor();
      await fits('pre-join');
      await page.getByRole('button', { name: 'Unirse' }).click();
      await page.getByRole('button', { name: 'Salir' }).waitFor();
      await fits('in-call');
      // The controls stay on screen with the video: nothing to scroll to for "Leave".
      const leave = await page.getByRole('button', { name: 'Salir' }).boundingBox();
      assert.ok(
        leave && leave.y + leave.height <= 640,
        `"Salir" is within the first screen (bottom at ${leave && leave.y + leave.height})`,
      );
      errors.assertNone();
    } finally {
      await context.close();
    }
  });
});
