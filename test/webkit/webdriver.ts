// A small W3C WebDriver client over Node's fetch: the commands the WebKit tests use, nothing more.
// Playwright cannot drive a system WebKit (it needs its own patched build) and WebKitWebDriver speaks plain
// W3C WebDriver, so a few typed HTTP calls do. Every request has a deadline, so a wedged browser fails a
// test instead of hanging it. Spec: https://www.w3.org/TR/webdriver2/
import { waitFor } from '../e2e/harness.ts';

/** The key under which WebDriver serialises a DOM element (W3C "web element identifier"). */
export const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';

/** A DOM element of the page, as WebDriver hands it over: pass it to commands or back into scripts. */
export interface ElementRef {
  readonly [ELEMENT_KEY]: string;
}

/** What a script may receive: JSON, and elements (WebDriver turns a reference back into the element). */
export type ScriptArg = null | boolean | number | string | ElementRef | ScriptArg[] | { [key: string]: ScriptArg };

export function isElementRef(value: unknown): value is ElementRef {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[ELEMENT_KEY] === 'string';
}

/** An error the remote end reported: `code` is the spec's error code ("no such element", "javascript error", ...). */
export class WebDriverError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

// Longer than any single command should take here (a cold page load on a loaded 2-core machine is a few seconds).
const COMMAND_TIMEOUT_MS = 30_000;

async function send(url: string, method: 'GET' | 'POST' | 'DELETE', body?: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(COMMAND_TIMEOUT_MS),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new WebDriverError('unknown error', `${method} ${url}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  const value = typeof parsed === 'object' && parsed !== null ? (parsed as { value?: unknown }).value : undefined;
  if (!res.ok) {
    const err = typeof value === 'object' && value !== null ? (value as { error?: unknown; message?: unknown }) : {};
    throw new WebDriverError(String(err.error ?? `HTTP ${res.status}`), `${method} ${url}: ${String(err.message ?? text.slice(0, 200))}`);
  }
  return value;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Finds candidates for a role-and-name query anywhere in the page, through open shadow roots (the app is
 * Lit components): elements whose aria-label, <label> text or text content contains the name, deepest first.
 * Only a pre-filter; the browser's own accessibility computation (computedrole/computedlabel) decides.
 */
const CANDIDATES = `
const [name] = arguments;
const found = [];
const visit = (root) => {
  for (const el of root.querySelectorAll('*')) {
    const label = el.getAttribute('aria-label');
    const labels = 'labels' in el && el.labels ? [...el.labels].map((l) => l.textContent || '').join(' ') : '';
    if ((label && label.includes(name)) || labels.includes(name) || (!label && (el.textContent || '').includes(name))) found.push(el);
    if (el.shadowRoot) visit(el.shadowRoot);
  }
};
visit(document);
const depth = (el) => { let d = 0; for (let n = el; n; n = n.parentNode || n.host) d++; return d; };
return found.sort((a, b) => depth(b) - depth(a)).slice(0, 40);
`;

/**
 * True when a user can see and reach the element: rendered, not visibility:hidden, and not inside an inert
 * subtree (looked up through shadow hosts). WebDriver's own "displayed" does not see through shadow roots
 * for visibility, and nothing in WebDriver reports inert.
 */
const SHOWN = `
const [el] = arguments;
if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: false })) return false;
for (let n = el; n; n = n.parentNode || n.host) if (n.nodeType === 1 && n.hasAttribute('inert')) return false;
return true;
`;

export class Session {
  private constructor(
    private readonly base: string,
    readonly id: string,
  ) {}

  /** POST /session on the driver at `driverUrl` (e.g. http://127.0.0.1:4444). */
  static async create(driverUrl: string, capabilities: Record<string, unknown>): Promise<Session> {
    const value = await send(`${driverUrl}/session`, 'POST', { capabilities: { alwaysMatch: capabilities } });
    const id = typeof value === 'object' && value !== null ? (value as { sessionId?: unknown }).sessionId : undefined;
    if (typeof id !== 'string') throw new WebDriverError('session not created', `no sessionId in ${JSON.stringify(value)}`);
    return new Session(`${driverUrl}/session/${id}`, id);
  }

  private cmd(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    return send(`${this.base}${path}`, method, body);
  }

  /** Navigates and waits for the load (WebDriver's "normal" page load strategy). */
  async navigate(url: string): Promise<void> {
    await this.cmd('POST', '/url', { url });
  }

  async url(): Promise<string> {
    return String(await this.cmd('GET', '/url'));
  }

  async refresh(): Promise<void> {
    await this.cmd('POST', '/refresh', {});
  }

  /**
   * Runs `script` (a function body; `arguments` holds `args`) in the page and returns its result. The type
   * parameter is the caller's word for what the script returns: nothing checks it, as with any page script.
   */
  async execute<T>(script: string, ...args: ScriptArg[]): Promise<T> {
    return (await this.cmd('POST', '/execute/sync', { script, args })) as T;
  }

  /** Like execute, for a script that returns a promise: WebDriver awaits it. */
  async evaluate<T>(asyncBody: string, ...args: ScriptArg[]): Promise<T> {
    return this.execute<T>(`return (async (...args) => { ${asyncBody} })(...arguments);`, ...args);
  }

  async computedRole(el: ElementRef): Promise<string> {
    return String(await this.cmd('GET', `/element/${el[ELEMENT_KEY]}/computedrole`));
  }

  async computedLabel(el: ElementRef): Promise<string> {
    return String(await this.cmd('GET', `/element/${el[ELEMENT_KEY]}/computedlabel`));
  }

  async text(el: ElementRef): Promise<string> {
    return String(await this.cmd('GET', `/element/${el[ELEMENT_KEY]}/text`));
  }

  async displayed(el: ElementRef): Promise<boolean> {
    return (await this.cmd('GET', `/element/${el[ELEMENT_KEY]}/displayed`)) === true;
  }

  async rect(el: ElementRef): Promise<Rect> {
    return (await this.cmd('GET', `/element/${el[ELEMENT_KEY]}/rect`)) as Rect;
  }

  /** A real click: WebDriver scrolls the element into view and sends pointer events at its centre. */
  async click(el: ElementRef): Promise<void> {
    await this.cmd('POST', `/element/${el[ELEMENT_KEY]}/click`, {});
  }

  /** Types `text` into the element as key presses. */
  async type(el: ElementRef, text: string): Promise<void> {
    await this.cmd('POST', `/element/${el[ELEMENT_KEY]}/value`, { text });
  }

  async clear(el: ElementRef): Promise<void> {
    await this.cmd('POST', `/element/${el[ELEMENT_KEY]}/clear`, {});
  }

  /** The viewport as a PNG (for a failure message or a look by hand). */
  async screenshot(): Promise<Buffer> {
    return Buffer.from(String(await this.cmd('GET', '/screenshot')), 'base64');
  }

  /**
   * The visible element whose computed ARIA role is `role` and whose computed accessible name is `name`
   * (exactly), or undefined. Reads through shadow roots; WebKit computes role and name, not this code.
   */
  async queryByRole(role: string, name: string): Promise<ElementRef | undefined> {
    const candidates = await this.execute<unknown[]>(CANDIDATES, name);
    for (const el of candidates.filter(isElementRef)) {
      // An element may go away between the query and these reads (a re-render): it is then not a match.
      try {
        if ((await this.computedRole(el)) !== role || (await this.computedLabel(el)).trim() !== name) continue;
        if (await this.execute<boolean>(SHOWN, el)) return el;
      } catch (error) {
        if (!(error instanceof WebDriverError && error.code === 'stale element reference')) throw error;
      }
    }
    return undefined;
  }

  /** Waits (bounded) for queryByRole to find the element. */
  async findByRole(role: string, name: string, ms = 15_000): Promise<ElementRef> {
    return waitFor(() => this.queryByRole(role, name), ms, `${role} "${name}"`, 200);
  }

  /** Ends the session; the driver closes the browser. A session already gone is not an error. */
  async delete(): Promise<void> {
    try {
      await this.cmd('DELETE', '');
    } catch {
      // The browser may have quit before answering (it exits when its last window closes).
    }
  }
}
