// Shared by the phone view tests: a PhoneState with something in every field, the app's real colour schemes,
// and the checks every view must pass (axe, no sideways scrolling on a phone).
import { expect } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import type { ContactEntry, PhoneState } from '../../src/core/phone/phone-state';
import { INITIAL_PHONE_STATE } from '../../src/core/phone/phone-state';
import { setLang, type Lang } from '../../src/ui/i18n';
import { qrCode } from '../../src/ui/phone/qr';
import type { Intent, IntentEvent } from '../../src/ui/intent';
import { deepAll, settled } from './deep';

/** Ids and keys of the right shape (identity.ts patterns); the views never check one against the other. */
export const ME = { id: 'M'.repeat(26) + 'A', key: 'm'.repeat(86) + 'A', name: 'Ana', link: `${location.origin}/call#${'L'.repeat(55)}` };

export function contact(id: string, patch: Partial<ContactEntry> = {}): ContactEntry {
  return {
    id: id.repeat(26).slice(0, 26) + 'A',
    key: id.repeat(86).slice(0, 86) + 'A',
    name: 'Bob',
    myToken: 't'.repeat(22),
    theirToken: 'u'.repeat(22),
    invite: null,
    verified: false,
    blocked: false,
    added: 0,
    presence: 'online',
    ...patch,
  };
}

export function phone(patch: Partial<PhoneState> = {}): PhoneState {
  return { ...INITIAL_PHONE_STATE, me: ME, registration: 'online', push: { supported: true, enabled: false, denied: false }, ...patch };
}

// The test loader cannot run the QR library (CommonJS; the app's bundler converts it): a plain square instead.
qrCode.dataUrl = (text) =>
  Promise.resolve(
    `data:image/svg+xml;charset=utf-8,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><title>${text.length}</title><rect width="1" height="1"/></svg>`)}`,
  );

/** Every intent `el` emits, in order. */
export function intentsOf(el: EventTarget): Intent[] {
  const seen: Intent[] = [];
  el.addEventListener('intent', (e) => seen.push((e as IntentEvent).intent));
  return seen;
}

let palette: Promise<string> | null = null;

/**
 * The colour variables of index.html, light or dark. Its own <style>, fetched, so the contrast axe checks is
 * the app's; for dark, the media query is made unconditional (headless browsers report light).
 */
export async function useScheme(scheme: 'light' | 'dark'): Promise<void> {
  palette ??= fetch('/index.html')
    .then((r) => r.text())
    .then((page) => /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? '');
  let css = await palette;
  if (scheme === 'dark') css = css.replace('@media (prefers-color-scheme: dark)', '@media all');
  else css = css.replace('@media (prefers-color-scheme: dark)', '@media not all');
  let style = document.getElementById('scheme');
  if (!style) {
    style = document.createElement('style');
    style.id = 'scheme';
    document.head.append(style);
  }
  style.textContent = css;
  document.documentElement.style.colorScheme = scheme;
}

/** No element wider than a 390 px phone screen, in either language: nothing to scroll sideways to. */
export async function expectFitsPhone(el: HTMLElement): Promise<void> {
  await setViewport({ width: 390, height: 844 });
  for (const l of ['en', 'es'] as const) {
    setLang(l);
    await settled(el);
    expect(document.documentElement.scrollWidth, `page width (${l})`).to.be.at.most(390);
    const wide = [el, ...deepAll(el, '*')].filter((x) => x.getBoundingClientRect().right > 390.5 && x.checkVisibility());
    expect(
      wide.map((x) => `${x.tagName.toLowerCase()}.${x.className}`),
      `elements past the right edge (${l})`,
    ).to.deep.equal([]);
  }
  setLang('en');
}

/** All the text under `el`, through shadow roots (styles left out). */
export function deepText(el: Element): string {
  const roots = [el, ...deepAll(el, '*')].map((x) => x.shadowRoot).filter((r): r is ShadowRoot => r !== null);
  const text = (n: Node): string =>
    n instanceof HTMLStyleElement ? '' : n.nodeType === Node.TEXT_NODE ? (n.textContent ?? '') : [...n.childNodes].map(text).join(' ');
  return roots.map(text).join(' ').replace(/\s+/g, ' ').trim();
}

/**
 * axe finds nothing, in both languages and both colour schemes; and the switch to Spanish re-rendered the same
 * element in place (its LangController), so the words changed without re-creating it.
 */
export async function expectAccessible(el: HTMLElement, langs: Lang[] = ['en', 'es']): Promise<void> {
  const seen = new Map<Lang, string>();
  for (const l of langs) {
    setLang(l);
    for (const scheme of ['light', 'dark'] as const) {
      await useScheme(scheme);
      await settled(el);
      await expect(el).to.be.accessible();
    }
    seen.set(l, deepText(el));
  }
  if (seen.has('en') && seen.has('es')) expect(seen.get('es'), 'text after switching to Spanish').to.not.equal(seen.get('en'));
  setLang('en');
  await useScheme('light');
}
