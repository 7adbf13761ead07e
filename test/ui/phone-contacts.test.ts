import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import type { ContactEntry, PhoneState } from '../../src/core/phone/phone-state';
import { groupDigits, safetyNumber } from '../../src/core/phone/safety-number';
import { lang, setLang } from '../../src/ui/i18n';
import type { ContactCard } from '../../src/ui/phone/contact-card';
import '../../src/ui/phone/contacts-view';
import type { ContactsView } from '../../src/ui/phone/contacts-view';
import '../../src/ui/phone/save-contact';
import type { SaveContact } from '../../src/ui/phone/save-contact';
import { deepAll, deepButton, settled } from './deep';
import { contact, expectAccessible, expectFitsPhone, intentsOf, ME, phone } from './phone-fixtures';

const bob = contact('b', { name: 'Bob', presence: 'online' });
const cleo = contact('c', { name: 'Cleo', presence: 'push', verified: true });
const dan = contact('d', { name: 'Dan', presence: 'unknown', blocked: true });

async function contactsView(state: PhoneState = phone({ contacts: [bob, cleo, dan] })) {
  const el = await fixture<ContactsView>(html`<contacts-view .state=${state}></contacts-view>`);
  await settled(el);
  return el;
}

const cards = (el: ContactsView) => deepAll<ContactCard>(el, 'contact-card');
const cardOf = (el: ContactsView, c: ContactEntry) => cards(el).find((x) => x.contact.id === c.id) as ContactCard;
const text = (el: Element) => (el.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('contacts', () => {
  const before = lang();
  beforeEach(() => setLang('en'));
  afterEach(async () => {
    setLang(before);
    await setViewport({ width: 800, height: 600 });
  });

  it('lists every contact with presence as words and an icon, not colour alone', async () => {
    const el = await contactsView();
    expect(cards(el).map((c) => c.shadowRoot?.querySelector('h2')?.textContent)).to.deep.equal(['Bob', 'Cleo', 'Dan']);
    const presence = cards(el).map((c) => c.shadowRoot?.querySelector('.presence'));
    expect(presence.map((p) => p?.textContent?.trim())).to.deep.equal(['Online', 'Reachable by push', 'Status unknown']);
    for (const p of presence) expect(p?.querySelector('svg')).to.exist;
    expect(text(cardOf(el, cleo))).to.contain('Verified contact');
    expect(text(cardOf(el, bob))).to.not.contain('Verified');
    expect(text(cardOf(el, dan))).to.contain('Blocked');
  });

  it('calls a contact in one click, or from the keyboard', async () => {
    const el = await contactsView();
    const intents = intentsOf(el);
    deepButton(el, 'Call Bob')?.click();
    deepButton(el, 'Call Cleo')?.focus();
    await sendKeys({ press: 'Enter' });
    expect(intents).to.deep.equal([
      { type: 'phone-call', contact: bob.id },
      { type: 'phone-call', contact: cleo.id },
    ]);
  });

  it('renames inline: Enter saves, Escape leaves the name as it was', async () => {
    const el = await contactsView();
    const card = cardOf(el, bob);
    const intents = intentsOf(el);
    deepButton(card, 'Rename')?.click();
    await settled(card);
    const input = card.shadowRoot?.querySelector('input[name="rename"]') as HTMLInputElement;
    expect(card.shadowRoot?.activeElement).to.equal(input);
    expect(input.getAttribute('aria-label')).to.equal('New name for Bob');
    expect(deepButton(card, 'Rename')).to.equal(undefined);
    await sendKeys({ type: 'Robert' });
    await sendKeys({ press: 'Enter' });
    await settled(card);
    expect(card.shadowRoot?.querySelector('input[name="rename"]')).to.equal(null);
    expect(card.shadowRoot?.activeElement).to.equal(deepButton(card, 'Rename'));
    deepButton(card, 'Rename')?.click();
    await settled(card);
    await sendKeys({ type: 'Bobby' });
    await sendKeys({ press: 'Escape' });
    await settled(card);
    expect(card.shadowRoot?.querySelector('input[name="rename"]')).to.equal(null);
    expect(intents).to.deep.equal([{ type: 'contact-rename', id: bob.id, name: 'Robert' }]);
  });

  it('shows the safety number of my key and theirs under Verify, with "Mark as verified"', async () => {
    const el = await contactsView();
    const card = cardOf(el, bob);
    const verify = deepButton(card, 'Verify');
    expect(verify?.getAttribute('aria-expanded')).to.equal('false');
    verify?.click();
    await settled(card);
    expect(verify?.getAttribute('aria-expanded')).to.equal('true');
    const expected = await safetyNumber(ME, bob);
    expect(expected).to.match(/^\d{60}$/);
    await waitUntil(() => card.shadowRoot?.querySelector('.digits'), 'safety number shown', { timeout: 5000 });
    const digits = card.shadowRoot?.querySelector('.digits');
    expect([...(digits?.querySelectorAll('span') ?? [])].map((s) => s.textContent).join(' ')).to.equal(groupDigits(expected ?? ''));
    expect(digits?.closest('figure')?.querySelector('figcaption')?.textContent).to.equal('Your safety number with Bob');

    const intents = intentsOf(el);
    const toggle = card.shadowRoot?.querySelector('[role="switch"]') as HTMLInputElement;
    expect(toggle.closest('label')?.textContent?.trim()).to.equal('Mark as verified');
    toggle.click();
    toggle.focus();
    await sendKeys({ press: ' ' });
    expect(intents).to.deep.equal([
      { type: 'contact-verify', id: bob.id, verified: true },
      { type: 'contact-verify', id: bob.id, verified: false },
    ]);
  });

  it('blocks and unblocks', async () => {
    const el = await contactsView();
    const intents = intentsOf(el);
    deepButton(cardOf(el, bob), 'Block')?.click();
    deepButton(cardOf(el, dan), 'Unblock')?.focus();
    await sendKeys({ press: 'Enter' });
    expect(intents).to.deep.equal([
      { type: 'contact-block', id: bob.id, blocked: true },
      { type: 'contact-block', id: dan.id, blocked: false },
    ]);
  });

  it('removes only after a confirmation', async () => {
    const el = await contactsView();
    const card = cardOf(el, bob);
    const intents = intentsOf(el);
    const dialog = card.shadowRoot?.querySelector('dialog') as HTMLDialogElement;
    deepButton(card, 'Remove')?.click();
    expect(dialog.open).to.equal(true);
    expect(dialog.textContent).to.contain('Remove Bob?');
    // Cancel has the focus: Enter keeps the contact.
    await sendKeys({ press: 'Enter' });
    expect(dialog.open).to.equal(false);
    deepButton(card, 'Remove')?.click();
    await sendKeys({ press: 'Escape' });
    expect(dialog.open).to.equal(false);
    expect(intents).to.deep.equal([]);
    deepButton(card, 'Remove')?.click();
    [...dialog.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Remove')?.click();
    expect(dialog.open).to.equal(false);
    expect(intents).to.deep.equal([{ type: 'contact-remove', id: bob.id }]);
  });

  it('exports, and imports the file picked', async () => {
    const el = await contactsView();
    const intents = intentsOf(el);
    deepButton(el, 'Export')?.click();
    const input = el.shadowRoot?.querySelector('input[type="file"]') as HTMLInputElement;
    const file = new File(['{}'], 'contacts.json', { type: 'application/json' });
    const picked = new DataTransfer();
    picked.items.add(file);
    input.files = picked.files;
    input.dispatchEvent(new Event('change'));
    expect(intents).to.deep.equal([{ type: 'contacts-export' }, { type: 'contacts-import', file }]);
    expect(input.value).to.equal('');
    let opened = false;
    input.addEventListener('click', (e) => {
      opened = true;
      e.preventDefault();
    });
    deepButton(el, 'Import')?.click();
    expect(opened).to.equal(true);
  });

  it('has an empty state, and shows the notice in a status region', async () => {
    const el = await contactsView(phone({ contacts: [], notice: { key: 'contactsImported', params: { n: '3' } } }));
    expect(text(el)).to.contain('No contacts yet');
    expect(el.shadowRoot?.querySelector('[role="status"]')?.textContent?.trim()).to.equal('Imported 3 contacts.');
    expect(el.shadowRoot?.querySelector('a[href="/me"]')).to.exist;
  });

  it('keeps an open rename and Verify as they were across a language switch', async () => {
    const el = await contactsView();
    const card = cardOf(el, bob);
    deepButton(card, 'Verify')?.click();
    deepButton(card, 'Rename')?.click();
    await settled(card);
    const input = card.shadowRoot?.querySelector('input[name="rename"]') as HTMLInputElement;
    input.value = 'Rob';
    setLang('es');
    await settled(el);
    expect(deepButton(card, 'Verificar')?.getAttribute('aria-expanded')).to.equal('true');
    expect(card.shadowRoot?.querySelector('input[name="rename"]')).to.equal(input);
    expect(input.value).to.equal('Rob');
    expect(deepButton(card, 'Llamar a Bob')).to.exist;
  });

  it('is accessible in English and Spanish, light and dark, and fits a phone', async () => {
    const el = await contactsView(phone({ contacts: [bob, cleo, dan], notice: { key: 'contactSaved', params: { name: 'Bob' } } }));
    const card = cardOf(el, bob);
    deepButton(card, 'Verify')?.click();
    deepButton(card, 'Rename')?.click();
    await settled(card);
    await waitUntil(() => card.shadowRoot?.querySelector('.digits'), 'safety number shown', { timeout: 5000 });
    await expectAccessible(el);
    await expectFitsPhone(el);
    el.remove();
    const empty = await contactsView(phone({ contacts: [] }));
    await expectAccessible(empty);
    await expectFitsPhone(empty);
  });
});

describe('save contact, after a call', () => {
  const before = lang();
  beforeEach(() => setLang('en'));
  afterEach(async () => {
    setLang(before);
    await setViewport({ width: 800, height: 600 });
  });

  const peer = { id: 'P'.repeat(26) + 'A', key: 'p'.repeat(86) + 'A', name: 'Bob', saved: false };
  const prompt = async (lastPeer: PhoneState['lastPeer']) => {
    const el = await fixture<SaveContact>(html`<save-contact .lastPeer=${lastPeer}></save-contact>`);
    await settled(el);
    return el;
  };

  it('asks "Save Bob as a contact?" and saves from a click and from the keyboard', async () => {
    const el = await prompt(peer);
    expect(el.shadowRoot?.querySelector('h2')?.textContent).to.equal('Save Bob as a contact?');
    const intents = intentsOf(el);
    deepButton(el, 'Save')?.click();
    deepButton(el, 'Save')?.focus();
    await sendKeys({ press: 'Enter' });
    expect(intents).to.deep.equal([{ type: 'contact-save' }, { type: 'contact-save' }]);
  });

  it('goes away with "Not now", and for someone already saved', async () => {
    const el = await prompt(peer);
    deepButton(el, 'Not now')?.focus();
    await sendKeys({ press: 'Enter' });
    await settled(el);
    expect(text(el)).to.equal('');
    expect(text(await prompt({ ...peer, saved: true }))).to.equal('');
    expect(text(await prompt(null))).to.equal('');
  });

  it('is accessible in English and Spanish, light and dark, and fits a phone', async () => {
    const el = await prompt({ ...peer, name: 'Bartholomew Featherstonehaugh-Cholmondeley' });
    await expectAccessible(el);
    await expectFitsPhone(el);
  });
});
