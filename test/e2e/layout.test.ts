// The call screen's layout in real Chromium, with 1, 2 and 4 people, on a phone held upright (390x844) and
// sideways (844x390) and on a desktop (1280x800): the control bar is one row inside the viewport, every tile
// is inside it and nothing scrolls, the other person fills at least 80% of a phone in a two-person call, and
// no control the device cannot use is shown. Each check runs in English and light mode, then in Spanish
// (longer labels) and dark mode. One call serves every check: people join it one by one.
// Run: bash scripts/netns.sh node --import tsx --test test/e2e/layout.test.ts (after `npm run build`)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser, launchChromium, newParticipant, startServer, waitFor, type AppServer } from './harness.ts';
import { enter, leaveAll, openMore, type Person } from './room.ts';

const PORTRAIT = { width: 390, height: 844 };
const LANDSCAPE = { width: 844, height: 390 };
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { viewport: PORTRAIT, isMobile: true, hasTouch: true };

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Measured {
  toolbar: Box | null;
  buttons: Array<{ name: string; box: Box }>;
  tiles: Array<{ name: string; box: Box }>;
  scroll: { width: number; height: number; clientWidth: number; clientHeight: number };
}

/** What the screen shows, read through the app's shadow roots in one go. */
function measure(page: Page): Promise<Measured> {
  return page.evaluate(() => {
    const all = (root: ParentNode, selector: string): Element[] => {
      const found = [...root.querySelectorAll(selector)];
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) found.push(...all(el.shadowRoot, selector));
      return found;
    };
    const box = (el: Element) => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    const shown = (el: Element) => el.checkVisibility({ visibilityProperty: true, opacityProperty: false });
    const toolbar = all(document, '[role="toolbar"]').find(shown) ?? null;
    const buttons = toolbar ? all(toolbar.getRootNode() as ParentNode, 'button.round').filter(shown) : [];
    return {
      toolbar: toolbar ? box(toolbar) : null,
      buttons: buttons.map((b) => ({ name: b.getAttribute('aria-label') ?? '', box: box(b) })),
      tiles: all(document, 'video-tile')
        .map((t) => t.shadowRoot?.querySelector('[role="group"]'))
        .filter((g): g is Element => !!g && shown(g))
        .map((g) => ({ name: g.getAttribute('aria-label') ?? '', box: box(g) })),
      scroll: {
        width: document.documentElement.scrollWidth,
        height: document.documentElement.scrollHeight,
        clientWidth: document.documentElement.clientWidth,
        clientHeight: document.documentElement.clientHeight,
      },
    };
  });
}

const inside = (b: Box, v: { width: number; height: number }) =>
  b.x >= -0.5 && b.y >= -0.5 && b.x + b.width <= v.width + 0.5 && b.y + b.height <= v.height + 0.5;

/** Switches the app's language from the More menu, as a user would. */
async function language(page: Page, to: 'en' | 'es'): Promise<void> {
  await openMore(page, to === 'es' ? 'en' : 'es');
  const select = page.getByRole('combobox', { name: to === 'es' ? 'Language' : 'Idioma' });
  await select.selectOption(to);
  await page.getByRole('button', { name: to === 'es' ? 'Salir' : 'Leave' }).waitFor();
  await page.keyboard.press('Escape');
}

interface Expect {
  /** Tile names, exactly. */
  tiles: string[];
  phone: boolean;
  /** The tile that must cover at least 80% of the screen. */
  fills?: string;
}

async function checkOnce(page: Page, view: { width: number; height: number }, want: Expect, what: string): Promise<void> {
  // Layout follows a resize or a re-render within a frame or two; the tiles may still be arriving.
  const m = await waitFor(
    async () => {
      const got = await measure(page);
      return got.tiles.length === want.tiles.length && got.buttons.length > 0 ? got : undefined;
    },
    15_000,
    `${what}: ${want.tiles.length} tiles and the control bar`,
  );
  assert.deepEqual(m.tiles.map((x) => x.name).sort(), [...want.tiles].sort(), `${what}: tile names`);
  assert.ok(
    m.scroll.width <= m.scroll.clientWidth && m.scroll.height <= m.scroll.clientHeight,
    `${what}: the page scrolls (${JSON.stringify(m.scroll)})`,
  );
  assert.ok(m.toolbar && inside(m.toolbar, view), `${what}: control bar inside the viewport (${JSON.stringify(m.toolbar)})`);
  const tops = new Set(m.buttons.map((b) => Math.round(b.box.y + b.box.height / 2)));
  assert.equal(tops.size, 1, `${what}: controls in one row (${JSON.stringify(m.buttons)})`);
  for (const b of m.buttons) assert.ok(inside(b.box, view), `${what}: "${b.name}" inside the viewport`);
  for (const x of m.tiles) assert.ok(inside(x.box, view), `${what}: tile "${x.name}" inside the viewport (${JSON.stringify(x.box)})`);
  const names = m.buttons.map((b) => b.name);
  // A phone cannot share its screen: no button for it. A desktop Chromium can.
  const share = ['Share screen', 'Compartir pantalla'].some((n) => names.includes(n));
  assert.equal(share, !want.phone, `${what}: "Share screen" shown ${share}, on a ${want.phone ? 'phone' : 'desktop'}`);
  if (want.fills) {
    const tile = m.tiles.find((x) => x.name === want.fills);
    const covered = tile ? (tile.box.width * tile.box.height) / (view.width * view.height) : 0;
    assert.ok(covered >= 0.8, `${what}: "${want.fills}" covers ${(covered * 100).toFixed(0)}% of the screen`);
  }
}

/** The checks in English and light mode, then in Spanish and dark mode, at each of the given sizes. */
async function check(page: Page, views: Array<{ width: number; height: number }>, want: Expect, what: string): Promise<void> {
  for (const variant of ['en light', 'es dark'] as const) {
    const es = variant === 'es dark';
    await page.emulateMedia({ colorScheme: es ? 'dark' : 'light' });
    if (es) await language(page, 'es');
    const named = (n: string) => (es ? n.replace('(you)', '(tú)') : n);
    for (const view of views) {
      await page.setViewportSize(view);
      await checkOnce(
        page,
        view,
        { ...want, tiles: want.tiles.map(named), fills: want.fills && named(want.fills) },
        `${what} at ${view.width}x${view.height}, ${variant}`,
      );
    }
    if (es) await language(page, 'en');
  }
  await page.setViewportSize(views[0] ?? DESKTOP);
}

describe('call layout', { timeout: 600_000 }, () => {
  let server: AppServer;
  let browser: Browser;
  const people: Person[] = [];

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
  });

  after(async () => {
    await leaveAll(people);
    await closeBrowser(browser);
    await server?.stop();
  });

  let dee: Person;
  let pat: Person;

  it('alone: your own picture fills the screen, on a phone and a desktop', { timeout: 120_000 }, async () => {
    dee = await enter(browser, server.url, 'Dee', null);
    people.push(dee);
    await check(dee.page, [DESKTOP], { tiles: ['Dee (you)'], phone: false, fills: 'Dee (you)' }, 'desktop alone');
    // The phone user first calls into an empty room of their own, then comes to Dee's.
    pat = await enter(browser, server.url, 'Pat', null, PHONE);
    people.push(pat);
    await check(pat.page, [PORTRAIT, LANDSCAPE], { tiles: ['Pat (you)'], phone: true, fills: 'Pat (you)' }, 'phone alone');
    await pat.page.getByRole('button', { name: 'Leave' }).click();
    await pat.page.goto(dee.page.url());
    await pat.page.getByRole('button', { name: 'Join', exact: true }).click();
    await pat.page.getByRole('group', { name: 'Dee', exact: true }).waitFor();
  });

  it('two people: the other person fills the phone, you are a small picture', { timeout: 120_000 }, async () => {
    await check(pat.page, [PORTRAIT, LANDSCAPE], { tiles: ['Pat (you)', 'Dee'], phone: true, fills: 'Dee' }, 'phone, two people');
    await check(dee.page, [DESKTOP], { tiles: ['Dee (you)', 'Pat'], phone: false, fills: 'Pat' }, 'desktop, two people');
  });

  it('four people: a grid of every tile, nothing scrolls', { timeout: 300_000 }, async () => {
    for (const name of ['Cy', 'Bo']) {
      // Two more encoders on two cores slow everyone down (and after the group test, a loaded machine):
      // these two are here to be tiles, so they turn their camera off on the pre-join screen.
      const context = await newParticipant(browser, server.url, { viewport: { width: 480, height: 360 } });
      context.setDefaultTimeout(60_000);
      const page = await context.newPage();
      people.push({ name, context, page });
      await page.goto(dee.page.url());
      await page.getByRole('textbox', { name: 'Your name' }).fill(name);
      await page.getByRole('button', { name: 'Camera', exact: true }).click();
      await page.getByRole('button', { name: 'Join', exact: true }).click();
      await page.getByRole('button', { name: 'Leave' }).waitFor();
    }
    for (const name of ['Cy', 'Bo']) await pat.page.getByRole('group', { name, exact: true }).waitFor();
    await check(pat.page, [PORTRAIT, LANDSCAPE], { tiles: ['Pat (you)', 'Dee', 'Cy', 'Bo'], phone: true }, 'phone, four people');
    await check(dee.page, [DESKTOP], { tiles: ['Dee (you)', 'Pat', 'Cy', 'Bo'], phone: false }, 'desktop, four people');
  });

  it('a shared screen goes on stage, the cameras in a strip', { timeout: 90_000 }, async () => {
    await dee.page.getByRole('button', { name: 'Share screen' }).click();
    const tiles = ['Pat (you)', 'Dee', "Dee's screen", 'Cy', 'Bo'];
    for (const view of [PORTRAIT, LANDSCAPE]) {
      await pat.page.setViewportSize(view);
      await checkOnce(pat.page, view, { tiles, phone: true }, `phone with a shared screen at ${view.width}x${view.height}`);
      const m = await measure(pat.page);
      const area = (b: Box) => b.width * b.height;
      const biggest = [...m.tiles].sort((a, b) => area(b.box) - area(a.box))[0];
      assert.equal(biggest?.name, "Dee's screen", `the screen is the largest tile at ${view.width}x${view.height}`);
    }
    await dee.page.getByRole('button', { name: 'Share screen' }).click();
    await pat.page.getByRole('group', { name: "Dee's screen" }).waitFor({ state: 'detached' });
  });
});
