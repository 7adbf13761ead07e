import { expect, fixture, html } from '@open-wc/testing';
import { initialState, type CallState } from '../../src/core/call-store';
import '../../src/ui/call-app';
import type { CallApp } from '../../src/ui/call-app';
import '../../src/ui/call-view';
import type { CallView } from '../../src/ui/call-view';
import { chooseLang, lang, setLang } from '../../src/ui/i18n';
import type { IntentEvent } from '../../src/ui/intent';
import '../../src/ui/shared-offer';
import type { SharedOffer } from '../../src/ui/shared-offer';
import { buttonNames, deepAll, deepButton, settled } from './deep';

function inCall(patch: Partial<CallState>): CallState {
  return { ...initialState, phase: 'in-call', room: 'r'.repeat(22), name: 'Ana', ...patch };
}

/** What a user reads as labels: button names, aria-labels, form labels and headings, whitespace collapsed. */
function labels(root: Element): string[] {
  return deepAll(root, 'button, [aria-label], label, h1, h2, h3, legend')
    .map((el) => (el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '');
}

function shadowButtons(root: ShadowRoot | null): string[] {
  return [...(root?.querySelectorAll('button') ?? [])].map((b) => b.textContent?.trim() ?? '');
}

describe('in-call controls for phones', () => {
  const before = lang();
  afterEach(() => {
    localStorage.removeItem('p2p-call:lang');
    setLang(before);
  });

  it('offers "Switch camera" (under More) only with two cameras, and asks for the switch as an intent', async () => {
    setLang('en');
    const one = await fixture<CallView>(html`<call-view .state=${inCall({ devices: { audio: [], video: [{ id: 'a', label: 'Front' }] } })}></call-view>`);
    await settled(one);
    expect(buttonNames(one)).to.not.include('Switch camera');

    const two = await fixture<CallView>(
      html`<call-view .state=${inCall({ devices: { audio: [], video: [{ id: 'a', label: 'Front' }, { id: 'b', label: 'Back' }] }, videoId: 'a' })}></call-view>`,
    );
    await settled(two);
    const intents: string[] = [];
    two.addEventListener('intent', (e: IntentEvent) => intents.push(e.intent.type));
    const button = deepButton(two, 'Switch camera');
    expect(button).to.exist;
    button?.click();
    expect(intents).to.deep.equal(['switch-camera']);
  });

  it('switches every label to Spanish from the in-call language picker, and remembers it', async () => {
    setLang('en');
    // The root, not a bare call-view: a language change reaches the call screen through it.
    const app = await fixture<CallApp>(html`<call-app></call-app>`);
    app.store.set(inCall({}));
    // The root renders store changes a task later (StoreController).
    await new Promise((resolve) => setTimeout(resolve, 0));
    await settled(app);
    const english = labels(app);
    expect(english).to.include('Leave');
    const select = deepAll(app, 'lang-select')[0]?.shadowRoot?.querySelector('select');
    expect(select).to.exist;
    if (!select) return;
    select.value = 'es';
    select.dispatchEvent(new Event('change'));
    expect(lang()).to.equal('es');
    expect(document.documentElement.lang).to.equal('es');
    expect(localStorage.getItem('p2p-call:lang')).to.equal('es');
    await settled(app);
    const spanish = labels(app);
    expect(spanish).to.include('Salir');
    expect(spanish.filter((l) => l.startsWith('Idioma'))).to.have.length(1);
    expect(spanish.length).to.equal(english.length);
    // "Chat" is the same word in both languages; every other label must have changed.
    expect(spanish.filter((l) => english.includes(l) && l !== 'Chat')).to.deep.equal([]);
    chooseLang('en');
  });

  it('offers a shared file for sending in the call, and explains what to do before one', async () => {
    setLang('en');
    const file = new File(['x'], 'plan.pdf');
    const home = await fixture<SharedOffer>(html`<shared-offer .files=${[file]}></shared-offer>`);
    expect(home.shadowRoot?.textContent).to.contain('Shared file ready: plan.pdf');
    expect(home.shadowRoot?.textContent).to.contain('Start or join a call');
    expect(shadowButtons(home.shadowRoot)).to.deep.equal(['Dismiss']);

    const call = await fixture<SharedOffer>(html`<shared-offer in-call can-send .files=${[file]}></shared-offer>`);
    const intents: string[] = [];
    call.addEventListener('intent', (e: IntentEvent) => intents.push(e.intent.type));
    const send = call.shadowRoot?.querySelector('button.primary') as HTMLButtonElement;
    expect(send.textContent?.trim()).to.equal('Send to everyone');
    expect(send.disabled).to.equal(false);
    send.click();
    expect(intents).to.deep.equal(['send-shared']);

    const none = await fixture<SharedOffer>(html`<shared-offer in-call .files=${[]}></shared-offer>`);
    expect(none.hidden).to.equal(true);
  });
});
