import { expect, fixture, html } from '@open-wc/testing';
import type { ChatEntry } from '../../src/core/chat';
import { initialState, type CallState, type Participant } from '../../src/core/call-store';
import type { Transfer } from '../../src/core/files/transfer-progress';
import '../../src/ui/call-app';
import type { CallApp } from '../../src/ui/call-app';
import '../../src/ui/call-view';
import type { CallView } from '../../src/ui/call-view';
import { chooseLang, lang, setLang } from '../../src/ui/i18n';
import type { IntentEvent } from '../../src/ui/intent';
import '../../src/ui/prejoin-view';
import '../../src/ui/shared-offer';
import type { SharedOffer } from '../../src/ui/shared-offer';
import { buttonNames, deepAll, deepButton, settled } from './deep';

function inCall(patch: Partial<CallState>): CallState {
  return { ...initialState, phase: 'in-call', room: 'r'.repeat(22), name: 'Ana', ...patch };
}

/**
 * Every piece of text a user meets, seen or heard: text nodes (however deep in shadow roots) and the names
 * and descriptions in aria-label, title and alt, whitespace collapsed.
 */
function texts(root: Element): string[] {
  const found: string[] = [];
  const visit = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) found.push(node.textContent ?? '');
    if (node instanceof Element) {
      for (const attr of ['aria-label', 'title', 'alt']) found.push(node.getAttribute(attr) ?? '');
      if (node.shadowRoot) for (const child of node.shadowRoot.childNodes) visit(child);
    }
    // A <style> holds CSS, not words.
    if (!(node instanceof HTMLStyleElement)) for (const child of node.childNodes) visit(child);
  };
  visit(root);
  return found.map((x) => x.replace(/\s+/g, ' ').trim()).filter((x) => x !== '');
}

/** Names people chose, what they typed, sizes and speeds, and words spelled the same in English and Spanish. */
const SAME_IN_BOTH = new Set([
  'Ana',
  'Bob',
  'Bob:',
  'hello there',
  'plan.pdf',
  'notes.txt',
  'Front',
  'Back',
  'English',
  'Español',
  '1 KB',
  '2 KB',
  '· 500 B/s',
  'Chat',
]);

/** A call with something in every corner of the screen: a peer with a safety number, chat, transfers, a shared screen. */
function busyCall(): CallState {
  const bob: Participant = {
    key: 'b',
    name: 'Bob',
    stream: null,
    mic: false,
    camera: true,
    connection: 'connected',
    screen: new MediaStream(),
    quality: 'good',
    safetyNumber: '12345 67890 12345 67890 12345 67890',
  };
  const offer: Transfer = {
    id: 'b:1',
    direction: 'in',
    peer: 'b',
    peerName: 'Bob',
    name: 'plan.pdf',
    size: 1000,
    bytes: 0,
    state: 'offered',
    reason: null,
    speed: 0,
    eta: null,
    url: null,
  };
  const sending: Transfer = {
    id: '2',
    direction: 'out',
    peer: 'b',
    peerName: 'Bob',
    name: 'notes.txt',
    size: 2000,
    bytes: 1000,
    state: 'active',
    reason: null,
    speed: 500,
    eta: 2,
    url: null,
  };
  const hello: ChatEntry = { id: '1', from: 'b', name: 'Bob', text: 'hello there', at: 0 };
  return inCall({
    participants: [bob],
    chat: [hello],
    transfers: [offer, sending],
    camera: false,
    devices: {
      audio: [{ id: 'm', label: 'Front' }],
      video: [
        { id: 'a', label: 'Front' },
        { id: 'b', label: 'Back' },
      ],
    },
  });
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
    const one = await fixture<CallView>(
      html`<call-view .state=${inCall({ devices: { audio: [], video: [{ id: 'a', label: 'Front' }] } })}></call-view>`,
    );
    await settled(one);
    expect(buttonNames(one)).to.not.include('Switch camera');

    const two = await fixture<CallView>(
      html`<call-view
        .state=${inCall({
          devices: {
            audio: [],
            video: [
              { id: 'a', label: 'Front' },
              { id: 'b', label: 'Back' },
            ],
          },
          videoId: 'a',
        })}
      ></call-view>`,
    );
    await settled(two);
    const intents: string[] = [];
    two.addEventListener('intent', (e: IntentEvent) => intents.push(e.intent.type));
    const button = deepButton(two, 'Switch camera');
    expect(button).to.exist;
    button?.click();
    expect(intents).to.deep.equal(['switch-camera']);
  });

  it('switches every label on the call screen to Spanish in place, keeping the draft, the choices and the videos, and remembers it', async () => {
    setLang('en');
    // The root, not a bare call-view: a language change reaches the call screen through it.
    const app = await fixture<CallApp>(html`<call-app></call-app>`);
    app.store.set(busyCall());
    // The root renders store changes a task later (StoreController).
    await new Promise((resolve) => setTimeout(resolve, 0));
    await settled(app);
    deepButton(app, 'Chat')?.click();
    await settled(app);
    deepButton(app, 'Verify')?.click();
    const draft = deepAll<HTMLInputElement>(app, 'input[aria-label="Message"]')[0];
    const sendTo = deepAll<HTMLSelectElement>(app, 'transfer-list')[0]?.shadowRoot?.querySelector('select');
    expect(draft).to.exist;
    expect(sendTo).to.exist;
    if (!draft || !sendTo) return;
    draft.value = 'half a thought';
    draft.dispatchEvent(new Event('input'));
    sendTo.value = 'b';
    sendTo.dispatchEvent(new Event('change'));
    await settled(app);
    const english = texts(app);
    expect(english).to.include.members([
      'Leave',
      'Verify',
      'Send to',
      'Message',
      'Connection good',
      'Microphone off',
      "Bob's screen",
      'to Bob',
      '· 2 s left',
    ]);
    const elements = deepAll(app, 'call-view, video-tile, video, chat-panel, transfer-list, control-bar, more-menu');

    const select = deepAll(app, 'lang-select')[0]?.shadowRoot?.querySelector('select');
    expect(select).to.exist;
    if (!select) return;
    select.value = 'es';
    select.dispatchEvent(new Event('change'));
    expect(lang()).to.equal('es');
    expect(document.documentElement.lang).to.equal('es');
    expect(localStorage.getItem('p2p-call:lang')).to.equal('es');
    await settled(app);

    const spanish = texts(app);
    expect(spanish).to.include.members([
      'Salir',
      'Verificar',
      'Enviar a',
      'Mensaje',
      'Conexión buena',
      'Micrófono apagado',
      'Pantalla de Bob',
      'para Bob',
      '· quedan 2 s',
      'Controles de la llamada',
      'Participantes',
      'Archivos',
      'Más',
      'Idioma',
      'Cerrar',
      'Aceptar',
      'Rechazar',
      'Archivo de Bob: plan.pdf',
      'Transfiriendo',
      'Mensajes',
    ]);
    expect(spanish.length).to.equal(english.length);
    // Only what people typed or named (and words both languages share) may read the same in both.
    const unchanged = spanish.filter((x) => english.includes(x) && !SAME_IN_BOTH.has(x) && x !== location.href && /\p{L}/u.test(x));
    expect(unchanged).to.deep.equal([]);
    // In place: no element was re-created, so nothing the user had done is lost and no video was re-attached.
    expect(deepAll(app, 'call-view, video-tile, video, chat-panel, transfer-list, control-bar, more-menu')).to.deep.equal(elements);
    expect(draft.isConnected).to.equal(true);
    expect(draft.value).to.equal('half a thought');
    expect(sendTo.value).to.equal('b');
    const verify = deepButton(app, 'Verificar');
    expect(verify?.getAttribute('aria-expanded')).to.equal('true');
    expect(deepAll(app, '.safety').filter((el) => !el.hidden)).to.have.length(1);
    expect(deepButton(app, 'Chat')?.getAttribute('aria-expanded')).to.equal('true');
    chooseLang('en');
  });

  it('switches the pre-join screen to Spanish in place from its header picker, keeping the typed name', async () => {
    setLang('en');
    const app = await fixture<CallApp>(html`<call-app></call-app>`);
    app.store.set({ ...initialState, phase: 'prejoin', room: 'r'.repeat(22), name: 'Ana' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    await settled(app);
    const view = deepAll(app, 'prejoin-view')[0];
    const name = deepAll<HTMLInputElement>(app, 'input[name="name"]')[0];
    expect(texts(app)).to.include.members(['Join', 'Your name', 'Settings', 'Microphone level', 'Language']);
    const select = deepAll(app, 'lang-select')[0]?.shadowRoot?.querySelector('select');
    if (!select || !name) throw new Error('no language picker or name field');
    name.value = 'Ana María';
    select.value = 'es';
    select.dispatchEvent(new Event('change'));
    await settled(app);
    expect(texts(app)).to.include.members(['Unirse', 'Tu nombre', 'Ajustes', 'Nivel del micrófono', 'Idioma']);
    expect(texts(app)).to.not.include.members(['Join']);
    expect(deepAll(app, 'prejoin-view')[0]).to.equal(view);
    expect(name.value).to.equal('Ana María');
    // A picker the user has touched still shows a language chosen elsewhere (another picker, say).
    chooseLang('en');
    await settled(app);
    expect(select.value).to.equal('en');
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
