import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import { lang, setLang } from '../../src/ui/i18n';
import '../../src/ui/home-view';
import type { HomeView } from '../../src/ui/home-view';
import '../../src/ui/phone/my-link-view';
import type { MyLinkView } from '../../src/ui/phone/my-link-view';
import { deepAll, deepButton, settled } from './deep';
import { expectAccessible, expectFitsPhone, intentsOf, ME, phone } from './phone-fixtures';

const view = async (state = phone()) => {
  const el = await fixture<MyLinkView>(html`<my-link-view .state=${state}></my-link-view>`);
  await settled(el);
  return el;
};
const text = (el: Element) => (el.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ');

describe('my call link (/me)', () => {
  const before = lang();
  beforeEach(() => setLang('en'));
  afterEach(async () => {
    setLang(before);
    await setViewport({ width: 800, height: 600 });
  });

  it('shows the link with its QR code, and copies it from a click and from the keyboard', async () => {
    const el = await view();
    expect(text(el)).to.contain(ME.link);
    await waitUntil(() => el.shadowRoot?.querySelector('img.qr'), 'QR code drawn');
    expect(el.shadowRoot?.querySelector('img.qr')?.getAttribute('alt')).to.equal('QR code of your call link');
    const intents = intentsOf(el);
    deepButton(el, 'Copy link')?.click();
    deepButton(el, 'Copy link')?.focus();
    await sendKeys({ press: 'Enter' });
    await sendKeys({ press: ' ' });
    expect(intents).to.deep.equal([{ type: 'phone-copy-link' }, { type: 'phone-copy-link' }, { type: 'phone-copy-link' }]);
  });

  it('offers Share only where the browser has a share sheet', async () => {
    const el = await view();
    expect(Boolean(deepButton(el, 'Share link'))).to.equal(typeof navigator.share === 'function');
  });

  it('asks before making a new link, and says the old ones stop ringing', async () => {
    const el = await view();
    const intents = intentsOf(el);
    const dialog = el.shadowRoot?.querySelector('dialog');
    deepButton(el, 'New link')?.click();
    expect(dialog?.open).to.equal(true);
    expect(dialog?.textContent).to.contain('links you gave out stop ringing');
    // Escape, or Cancel (focused first), changes nothing.
    await sendKeys({ press: 'Escape' });
    expect(dialog?.open).to.equal(false);
    deepButton(el, 'New link')?.click();
    await sendKeys({ press: 'Enter' });
    expect(dialog?.open).to.equal(false);
    expect(intents).to.deep.equal([]);
    deepButton(el, 'New link')?.click();
    deepButton(el, 'Make a new link')?.focus();
    await sendKeys({ press: 'Enter' });
    expect(dialog?.open).to.equal(false);
    expect(intents).to.deep.equal([{ type: 'phone-new-link' }]);
  });

  it('sends my name as I type it', async () => {
    const el = await view();
    const intents = intentsOf(el);
    const input = el.shadowRoot?.querySelector('input[name="name"]') as HTMLInputElement;
    expect(input.value).to.equal('Ana');
    input.focus();
    await sendKeys({ press: 'End' });
    await sendKeys({ type: 'x' });
    expect(intents).to.deep.equal([{ type: 'phone-name', name: 'Anax' }]);
  });

  it('says whether my link rings here, with a clear sentence when the server refused', async () => {
    const expected = {
      online: 'Online: your link rings here.',
      connecting: 'Connecting to the server…',
      refused: 'The server refused this device',
      off: 'Offline: your link does not ring here right now.',
    } as const;
    for (const [registration, sentence] of Object.entries(expected)) {
      const el = await view(phone({ registration: registration as keyof typeof expected }));
      expect(el.shadowRoot?.querySelector('p.status[role="status"]')?.textContent).to.contain(sentence);
      el.remove();
    }
  });

  it('has the "Ring me when the app is closed" switch where push exists, and explains a refusal', async () => {
    const none = await view(phone({ push: { supported: false, enabled: false, denied: false } }));
    expect(none.shadowRoot?.querySelector('[role="switch"]')).to.equal(null);

    const el = await view();
    const intents = intentsOf(el);
    const toggle = el.shadowRoot?.querySelector('[role="switch"]') as HTMLInputElement;
    expect(toggle.closest('label')?.textContent).to.contain('Ring me when the app is closed');
    expect(toggle.checked).to.equal(false);
    toggle.click();
    toggle.focus();
    await sendKeys({ press: ' ' });
    expect(intents).to.deep.equal([
      { type: 'phone-push', enabled: true },
      { type: 'phone-push', enabled: false },
    ]);

    const denied = await view(phone({ push: { supported: true, enabled: false, denied: true } }));
    expect(text(denied)).to.contain('Notifications are blocked for this site');
    expect(denied.shadowRoot?.querySelector<HTMLInputElement>('[role="switch"]')?.disabled).to.equal(true);
  });

  it('shows a notice in a status region, and links to Contacts', async () => {
    const el = await view(phone({ notice: { key: 'linkCopied' } }));
    expect(el.shadowRoot?.querySelector('[role="status"].notice')?.textContent?.trim()).to.equal('Link copied');
    expect(el.shadowRoot?.querySelector('a[href="/contacts"]')?.textContent?.trim()).to.equal('Contacts');
    const unknown = await view(phone({ notice: { key: 'no-such-key' } }));
    expect(unknown.shadowRoot?.querySelector('[role="status"].notice')?.textContent?.trim()).to.equal('');
  });

  it('re-renders in Spanish in place, keeping the name being typed', async () => {
    const el = await view();
    const input = el.shadowRoot?.querySelector('input[name="name"]') as HTMLInputElement;
    input.value = 'Ana María';
    setLang('es');
    await settled(el);
    expect(text(el)).to.contain('Mi enlace de llamada');
    expect(el.shadowRoot?.querySelector('input[name="name"]')).to.equal(input);
    expect(input.value).to.equal('Ana María');
  });

  it('is accessible in English and Spanish, light and dark, and fits a phone', async () => {
    const el = await view(phone({ notice: { key: 'linkCopied' }, push: { supported: true, enabled: false, denied: true } }));
    await waitUntil(() => el.shadowRoot?.querySelector('img.qr'));
    await expectAccessible(el);
    await expectFitsPhone(el);
    el.remove();
    const loading = await view(phone({ me: null, registration: 'refused' }));
    await expectAccessible(loading);
    await expectFitsPhone(loading);
  });
});

describe('home page entry points', () => {
  it('links to My call link and Contacts beside Start a call', async () => {
    setLang('en');
    const home = await fixture<HomeView>(html`<home-view></home-view>`);
    await settled(home);
    const links = deepAll<HTMLAnchorElement>(home, 'a').map((a) => [a.getAttribute('href'), a.textContent?.trim()]);
    expect(links).to.deep.equal([
      ['/me', 'My call link'],
      ['/contacts', 'Contacts'],
    ]);
    await expectAccessible(home);
    await expectFitsPhone(home);
    await setViewport({ width: 800, height: 600 });
  });
});
