import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import type { CallLinkError } from '../../src/core/phone/call-link';
import type { OutgoingRing, RingEnd } from '../../src/core/phone/phone-state';
import { lang, setLang } from '../../src/ui/i18n';
import '../../src/ui/phone/call-link-view';
import type { CallLinkView } from '../../src/ui/phone/call-link-view';
import '../../src/ui/phone/outgoing-call';
import type { OutgoingCall } from '../../src/ui/phone/outgoing-call';
import { deepButton, settled } from './deep';
import { contact, expectAccessible, expectFitsPhone, intentsOf, phone } from './phone-fixtures';

const bob = contact('b');
const text = (el: Element) => (el.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim();

async function linkView(calleeId: string | null, linkError: CallLinkError | null = null) {
  const el = await fixture<CallLinkView>(
    html`<call-link-view .state=${phone({ contacts: [bob] })} .calleeId=${calleeId} .linkError=${linkError}></call-link-view>`,
  );
  await settled(el);
  return el;
}

const ring = (patch: Partial<OutgoingRing> = {}): OutgoingRing => ({
  call: 'c'.repeat(22),
  to: bob.id,
  name: 'Bob',
  trust: 'known',
  phase: 'calling',
  ...patch,
});

async function outgoing(r: OutgoingRing | null) {
  const el = await fixture<OutgoingCall>(html`<outgoing-call .state=${phone({ outgoing: r })}></outgoing-call>`);
  await settled(el);
  return el;
}

describe('a call link, before it rings', () => {
  const before = lang();
  beforeEach(() => setLang('en'));
  afterEach(async () => {
    setLang(before);
    await setViewport({ width: 800, height: 600 });
  });

  it("names a contact's link by the contact's name, any other by its owner", async () => {
    expect((await linkView(bob.id)).shadowRoot?.querySelector('h1')?.textContent).to.equal('Call Bob');
    expect((await linkView('Z'.repeat(26) + 'A')).shadowRoot?.querySelector('h1')?.textContent).to.equal('Call the owner of this link');
  });

  it('rings this page’s link from a click and from Enter in the name field', async () => {
    const el = await linkView(null);
    const intents = intentsOf(el);
    deepButton(el, 'Call')?.click();
    const input = el.shadowRoot?.querySelector('input[name="name"]') as HTMLInputElement;
    input.focus();
    await sendKeys({ press: 'Enter' });
    deepButton(el, 'Call')?.focus();
    await sendKeys({ press: ' ' });
    expect(intents).to.deep.equal([
      { type: 'phone-call', link: location.href },
      { type: 'phone-call', link: location.href },
      { type: 'phone-call', link: location.href },
    ]);
  });

  it('explains a broken link, and offers no Call button', async () => {
    const messages = new Set<string>();
    for (const error of ['not-a-call-link', 'unknown-version', 'truncated', 'checksum'] as const) {
      const el = await linkView(null, error);
      expect(deepButton(el, 'Call')).to.equal(undefined);
      const alert = el.shadowRoot?.querySelector('[role="alert"]')?.textContent?.trim() ?? '';
      expect(alert).to.not.equal('');
      messages.add(alert);
      el.remove();
    }
    expect(messages.size).to.equal(4);
    expect([...messages]).to.include('This call link has a typo in it. Copy it again rather than retyping it.');
  });

  it('is accessible in English and Spanish, light and dark, and fits a phone', async () => {
    const el = await linkView(bob.id);
    await expectAccessible(el);
    await expectFitsPhone(el);
    el.remove();
    const broken = await linkView(null, 'truncated');
    await expectAccessible(broken);
    await expectFitsPhone(broken);
  });
});

describe('my ring, while it rings and once it ended', () => {
  const before = lang();
  beforeEach(() => setLang('en'));
  afterEach(async () => {
    setLang(before);
    await setViewport({ width: 800, height: 600 });
  });

  it('says whom it is calling, with Cancel from a click and from the keyboard', async () => {
    const el = await outgoing(ring());
    expect(el.shadowRoot?.querySelector('h1')?.textContent).to.equal('Calling Bob…');
    expect(el.shadowRoot?.querySelector('main.calling .avatar')).to.exist;
    const intents = intentsOf(el);
    deepButton(el, 'Cancel')?.click();
    deepButton(el, 'Cancel')?.focus();
    await sendKeys({ press: 'Enter' });
    expect(intents).to.deep.equal([{ type: 'phone-cancel' }, { type: 'phone-cancel' }]);
    const nameless = await outgoing(ring({ name: '' }));
    expect(nameless.shadowRoot?.querySelector('h1')?.textContent).to.equal('Calling the owner of this link…');
  });

  it('renders nothing without a ring', async () => {
    expect(text(await outgoing(null))).to.equal('');
  });

  it('gives every way a ring ends its own message, and Back', async () => {
    const ends: RingEnd[] = [
      'declined',
      'no-answer',
      'cancelled',
      'busy',
      'unknown-link',
      'rate-limited',
      'bad-link',
      'failed',
      'answered-elsewhere',
    ];
    const messages = new Map<RingEnd, string>();
    for (const ended of ends) {
      const el = await outgoing(ring({ phase: 'ended', ended }));
      messages.set(ended, el.shadowRoot?.querySelector('[role="status"]')?.textContent?.trim() ?? '');
      expect(deepButton(el, 'Cancel')).to.equal(undefined);
      expect(deepButton(el, 'Back')).to.exist;
      el.remove();
    }
    expect(new Set(messages.values()).size).to.equal(ends.length);
    expect(messages.get('unknown-link')).to.equal('This link no longer rings: ask for a new one.');
    expect(messages.get('declined')).to.equal('Call declined.');
    expect(messages.get('busy')).to.contain('in another call');
    expect(messages.get('no-answer')).to.contain('No answer');
    expect(messages.get('rate-limited')).to.contain('Too many calls');
  });

  it('moves focus to Back when the ring ends, and Back dismisses from a click and from the keyboard', async () => {
    const el = await outgoing(ring());
    deepButton(el, 'Cancel')?.focus();
    el.state = phone({ outgoing: ring({ phase: 'ended', ended: 'declined' }) });
    await settled(el);
    const back = deepButton(el, 'Back');
    expect(el.shadowRoot?.activeElement).to.equal(back);
    const intents = intentsOf(el);
    await sendKeys({ press: 'Enter' });
    back?.click();
    expect(intents).to.deep.equal([{ type: 'phone-dismiss' }, { type: 'phone-dismiss' }]);
  });

  it("warns, Signal style, when the contact's safety number changed", async () => {
    const el = await outgoing(ring({ trust: 'key-changed' }));
    const alert = el.shadowRoot?.querySelector('[role="alert"]');
    expect(alert?.textContent).to.contain('Bob’s safety number changed');
    expect(alert?.textContent).to.contain('intercept');
    for (const trust of ['new', 'known', 'verified'] as const) {
      const calm = await outgoing(ring({ trust }));
      expect(calm.shadowRoot?.querySelector('[role="alert"]')).to.equal(null);
      calm.remove();
    }
  });

  it('is accessible in English and Spanish, light and dark, and fits a phone', async () => {
    const calling = await outgoing(ring({ trust: 'key-changed', name: 'Bartholomew Featherstonehaugh-Cholmondeley' }));
    await expectAccessible(calling);
    await expectFitsPhone(calling);
    calling.remove();
    const ended = await outgoing(ring({ phase: 'ended', ended: 'unknown-link' }));
    await expectAccessible(ended);
    await expectFitsPhone(ended);
  });
});
