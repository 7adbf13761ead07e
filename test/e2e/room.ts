// Helpers for tests that need several people in one call, driven through the UI like users.
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { newParticipant, waitFor } from './harness.ts';

/**
 * Runs in every page before the app: records every RTCPeerConnection and data channel (so a test can drop
 * a byte channel mid-transfer), hides the save picker so received files go to the origin-private file
 * system and come out as a normal download, which Playwright can capture, and records what the page's
 * Content-Security-Policy blocked.
 */
export const INSTRUMENT = `
  Object.defineProperty(window, 'showSaveFilePicker', { value: undefined, configurable: true });
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
  window.__pcs = [];
  window.__channels = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(config) {
      super(config);
      window.__pcs.push(this);
      this.addEventListener('datachannel', (e) => window.__channels.push(e.channel));
    }
    createDataChannel(label, init) {
      const channel = super.createDataChannel(label, init);
      window.__channels.push(channel);
      return channel;
    }
  };
`;

export interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
}

/**
 * Opens the chat or files panel from the control bar, unless it is open already. Their controls (the
 * message field, "Send to", the transfer rows) are out of sight and out of the accessibility tree while
 * the panel is closed, as a user would find them. `lang` is the page's language.
 */
export async function openPanel(page: Page, panel: 'Chat' | 'Files', lang: 'en' | 'es' = 'en'): Promise<void> {
  const name = lang === 'es' && panel === 'Files' ? 'Archivos' : panel;
  const button = page.getByRole('toolbar').getByRole('button', { name, exact: true });
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  await waitFor(async () => (await button.getAttribute('aria-expanded')) === 'true', 10_000, `the ${panel} panel to open`);
}

/** Opens "More" (copy link, QR code, devices, language) unless it is open; `lang` is the page's language. */
export async function openMore(page: Page, lang: 'en' | 'es' = 'en'): Promise<void> {
  const button = page.getByRole('button', { name: lang === 'es' ? 'Más' : 'More', exact: true });
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  await page.getByRole('button', { name: lang === 'es' ? 'Copiar enlace' : 'Copy link' }).waitFor();
}

/**
 * Joins as `name`: a new call when `url` is null, else the call at `url`. `init` runs in the page before the
 * app (a slow camera, say); `cameraOff` turns the camera off on the pre-join screen, as someone joining
 * just to listen would; the rest are the browser context's options (a phone's viewport).
 */
export async function enter(
  browser: Browser,
  origin: string,
  name: string,
  url: string | null,
  { init, cameraOff, ...options }: BrowserContextOptions & { init?: string; cameraOff?: boolean } = {},
): Promise<Person> {
  const context = await newParticipant(browser, origin, options);
  await context.addInitScript(INSTRUMENT);
  if (init) await context.addInitScript(init);
  // LAB_DEBUG=1: what each page logs, tagged with who it is (the call engine warns on every recovery step).
  if (process.env.LAB_DEBUG) context.on('console', (m) => console.log(`[${name} ${m.type()}] ${m.text()}`));
  // Several browsers share two cores with media running: clicks and waits get slack, still bounded.
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(60_000);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`${name} pageerror: ${e.message}`));
  if (url === null) {
    await page.goto(origin, { waitUntil: 'domcontentloaded' });
    await page.getByRole('button', { name: 'Start a call' }).click();
    await page.waitForURL(/\/r\/[A-Za-z0-9_-]+/);
  } else {
    await page.goto(url, { waitUntil: 'domcontentloaded' });
  }
  await page.getByRole('textbox', { name: 'Your name' }).fill(name);
  if (cameraOff) await page.getByRole('button', { name: 'Camera', exact: true }).click();
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await page.getByRole('button', { name: 'Leave' }).waitFor();
  return { name, context, page };
}

/** The first person starts a call; the others join by its link. Resolves when everyone sees everyone. */
export async function callOf(browser: Browser, origin: string, names: string[]): Promise<Person[]> {
  const [first, ...rest] = names;
  if (first === undefined) throw new Error('no names');
  const host = await enter(browser, origin, first, null);
  const people = [host];
  for (const name of rest) people.push(await enter(browser, origin, name, host.page.url()));
  for (const p of people) {
    for (const other of people) {
      if (other === p) continue;
      await p.page.getByRole('group', { name: other.name, exact: true }).waitFor({ timeout: 30_000 });
    }
  }
  // The control channels are open once everyone's "Send to" list names everyone else. The files panel stays
  // open for the tests that send files.
  for (const p of people) {
    await openPanel(p.page, 'Files');
    await waitFor(
      async () => (await p.page.getByRole('combobox', { name: 'Send to' }).locator('option').allTextContents()).length === people.length,
      30_000,
      `${p.name}'s recipient list`,
    );
  }
  return people;
}

export async function leaveAll(people: Person[]): Promise<void> {
  await Promise.all(people.map((p) => p.context.close().catch(() => undefined)));
}
