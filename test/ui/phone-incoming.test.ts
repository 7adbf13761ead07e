import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import type { IncomingRing, RingEnd } from '../../src/core/phone/phone-state';
import { lang, setLang } from '../../src/ui/i18n';
import '../../src/ui/phone/incoming-call';
import type { IncomingCall } from '../../src/ui/phone/incoming-call';
import { deepButton, settled } from './deep';
import { contact, expectAccessible, expectFitsPhone, intentsOf, phone } from './phone-fixtures';

const ring = (patch: Partial<IncomingRing> = {}): IncomingRing => ({
  call: 'c'.repeat(22),
  from: 'B'.repeat(26) + 'A',
  name: 'Bob',
  trust: 'known',
  busy: false,
  phase: 'ringing',
  ...patch,
});

async function incoming(r: IncomingRing | null) {
  const el = await fixture<IncomingCall>(html`<incoming-call .state=${phone({ incoming: r })}></incoming-call>`);
  await settled(el);
  await el.ringtone.settled();
  return el;
}

async function show(el: IncomingCall, r: IncomingRing | null) {
  el.state = phone({ incoming: r });
  await settled(el);
  await el.ringtone.settled();
}

const dialogOf = (el: IncomingCall) => el.shadowRoot?.querySelector('dialog') as HTMLDialogElement;
const text = (el: IncomingCall) => (dialogOf(el).textContent ?? '').replace(/\s+/g, ' ').trim();
/** Playing, or waiting for a user gesture to be allowed to: either way a context that is not closed. */
const ringing = (el: IncomingCall) => el.ringtone.state === 'running' || el.ringtone.state === 'suspended';

describe('an incoming ring', () => {
  const before = lang();
  beforeEach(() => setLang('en'));
  afterEach(async () => {
    setLang(before);
    await setViewport({ width: 800, height: 600 });
  });

  it('is a modal alert dialog named after the caller, with focus on Accept', async () => {
    const el = await incoming(ring());
    const dialog = dialogOf(el);
    expect(dialog.open).to.equal(true);
    expect(dialog.matches(':modal')).to.equal(true);
    expect(dialog.getAttribute('role')).to.equal('alertdialog');
    const label = el.shadowRoot?.getElementById(dialog.getAttribute('aria-labelledby') ?? '');
    expect(label?.textContent).to.equal('Bob is calling');
    expect(el.shadowRoot?.activeElement).to.equal(deepButton(el, 'Accept'));
  });

  it('accepts and declines from a click and from the keyboard', async () => {
    const el = await incoming(ring());
    const intents = intentsOf(el);
    await sendKeys({ press: 'Enter' });
    deepButton(el, 'Accept')?.click();
    deepButton(el, 'Decline')?.click();
    deepButton(el, 'Decline')?.focus();
    await sendKeys({ press: ' ' });
    expect(intents.map((i) => i.type)).to.deep.equal(['phone-accept', 'phone-accept', 'phone-decline', 'phone-decline']);
  });

  it('treats Escape as "silence the ringtone", never as an answer, and keeps the screen', async () => {
    const el = await incoming(ring());
    const intents = intentsOf(el);
    expect(ringing(el)).to.equal(true);
    deepButton(el, 'Accept')?.focus();
    await sendKeys({ press: 'Escape' });
    // Under load Firefox may deliver the key a little after sendKeys returns.
    await waitUntil(() => el.ringtone.state === 'closed', 'ringtone silenced by Escape');
    await settled(el);
    expect(text(el)).to.contain('Ringtone silenced');
    await sendKeys({ press: 'Escape' });
    await settled(el);
    expect(dialogOf(el).open).to.equal(true);
    expect(intents).to.deep.equal([]);
    // Still silent as the state changes under it (a presence update, say); a new call rings again.
    await show(el, { ...ring(), busy: true });
    expect(el.ringtone.state).to.equal('closed');
    await show(el, ring({ call: 'd'.repeat(22) }));
    expect(ringing(el)).to.equal(true);
    expect(text(el)).to.not.contain('Ringtone silenced');
  });

  it('shows "Verified contact" only for a verified contact', async () => {
    const shown = { verified: 'Verified contact', known: 'Contact', new: 'Not in your contacts' } as const;
    for (const [trust, badge] of Object.entries(shown)) {
      const el = await incoming(ring({ trust: trust as keyof typeof shown }));
      const badges = [...(el.shadowRoot?.querySelectorAll('.badge') ?? [])].map((b) => b.textContent?.trim());
      expect(badges).to.deep.equal([badge]);
      el.remove();
    }
    const changed = await incoming(ring({ trust: 'key-changed' }));
    expect(text(changed)).to.not.contain('Verified');
  });

  it("warns when the caller's safety number changed", async () => {
    const el = await incoming(ring({ trust: 'key-changed' }));
    const alert = el.shadowRoot?.querySelector('[role="alert"]');
    expect(alert?.textContent).to.contain('Bob’s safety number changed');
  });

  it("says that someone new using a saved contact's name is not that contact", async () => {
    const saved = contact('s', { name: 'Bob' });
    const el = await fixture<IncomingCall>(
      html`<incoming-call .state=${phone({ contacts: [saved], incoming: ring({ trust: 'new' }) })}></incoming-call>`,
    );
    await settled(el);
    expect(el.shadowRoot?.querySelector('[role="alert"]')?.textContent).to.contain('Not your saved contact Bob');
    expect(text(el)).to.contain('Not in your contacts');
    const known = await fixture<IncomingCall>(
      html`<incoming-call .state=${phone({ contacts: [saved], incoming: ring({ from: saved.id, trust: 'known' }) })}></incoming-call>`,
    );
    await settled(known);
    expect(known.shadowRoot?.querySelector('[role="alert"]')).to.equal(null);
  });

  it('says that accepting ends the call I am in', async () => {
    expect(text(await incoming(ring({ busy: true })))).to.contain('You are in a call: accepting ends it.');
    expect(text(await incoming(ring({ busy: false })))).to.not.contain('You are in a call');
  });

  it('tells how a ring ended, with Close, focused, to dismiss it', async () => {
    const el = await incoming(ring());
    await show(el, ring({ phase: 'ended', ended: 'cancelled' }));
    expect(text(el)).to.contain('Missed call from Bob');
    const close = deepButton(el, 'Close');
    expect(el.shadowRoot?.activeElement).to.equal(close);
    expect(deepButton(el, 'Accept')).to.equal(undefined);
    const intents = intentsOf(el);
    await sendKeys({ press: 'Enter' });
    close?.click();
    expect(intents).to.deep.equal([{ type: 'phone-dismiss' }, { type: 'phone-dismiss' }]);

    const expected: Partial<Record<RingEnd, string>> = {
      'no-answer': 'Missed call from Bob',
      cancelled: 'Missed call from Bob',
      'answered-elsewhere': 'Answered on another device',
      declined: 'You declined the call from Bob.',
      busy: 'You were in a call',
      failed: 'The call from Bob could not be connected.',
    };
    for (const [ended, message] of Object.entries(expected)) {
      await show(el, ring({ phase: 'ended', ended: ended as RingEnd }));
      expect(el.shadowRoot?.querySelector('[role="status"]')?.textContent, ended).to.contain(message);
    }
  });

  it('rings while it rings, and stops when answered elsewhere, taken away, or removed', async () => {
    const el = await incoming(ring());
    expect(ringing(el)).to.equal(true);
    await show(el, ring({ phase: 'ended', ended: 'answered-elsewhere' }));
    expect(el.ringtone.state).to.equal('closed');

    await show(el, ring({ call: 'e'.repeat(22) }));
    expect(ringing(el)).to.equal(true);
    await show(el, null);
    expect(el.ringtone.state).to.equal('closed');
    expect(dialogOf(el).open).to.equal(false);

    await show(el, ring({ call: 'f'.repeat(22) }));
    expect(ringing(el)).to.equal(true);
    el.remove();
    await el.ringtone.settled();
    expect(el.ringtone.state).to.equal('closed');
  });

  it('stays silent without a ring', async () => {
    const el = await incoming(null);
    expect(el.ringtone.state).to.equal('idle');
    expect(dialogOf(el).open).to.equal(false);
  });

  it('is accessible in English and Spanish, light and dark, and fits a phone', async () => {
    const el = await incoming(ring({ trust: 'key-changed', busy: true, name: 'Bartholomew Featherstonehaugh-Cholmondeley' }));
    await expectAccessible(el);
    await expectFitsPhone(el);
    await show(el, ring({ phase: 'ended', ended: 'no-answer', trust: 'verified' }));
    await expectAccessible(el);
    await expectFitsPhone(el);
  });
});
