import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import type { ChatEntry } from '../../src/core/chat';
import { initialState, type CallState, type Participant } from '../../src/core/call-store';
import type { Transfer } from '../../src/core/files/transfer-progress';
import '../../src/ui/call-view';
import type { CallView } from '../../src/ui/call-view';
import { lang, setLang } from '../../src/ui/i18n';
import type { Intent, IntentEvent } from '../../src/ui/intent';
import { deepAll, deepButton, settled } from './deep';

const bob: Participant = { key: 'b', name: 'Bob', stream: null, mic: true, camera: false, connection: 'connected' };
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
const hello: ChatEntry = { id: '1', from: 'b', name: 'Bob', text: 'hello there', at: 0 };

function inCall(patch: Partial<CallState> = {}): CallState {
  return { ...initialState, phase: 'in-call', room: 'r'.repeat(22), name: 'Ana', camera: false, participants: [bob], ...patch };
}

const toasts = (view: CallView) => deepAll(view, 'article').map((a) => a.getAttribute('aria-label'));

/** The deepest focused element, through shadow roots. */
function focused(): Element | null {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}

describe('chat and files panel, toasts', () => {
  const before = lang();
  afterEach(async () => {
    setLang(before);
    await setViewport({ width: 800, height: 600 });
  });

  it('shows a file offer as a toast with Accept and Decline while the files panel is closed', async () => {
    setLang('en');
    const view = await fixture<CallView>(html`<call-view .state=${inCall({ transfers: [offer] })}></call-view>`);
    await settled(view);
    expect(toasts(view)).to.deep.equal(['File from Bob: plan.pdf']);
    expect(deepButton(view, 'Files')?.parentElement?.querySelector('.count')?.textContent).to.equal('1');
    const intents: Intent[] = [];
    view.addEventListener('intent', (e: IntentEvent) => intents.push(e.intent));
    const toast = deepAll(view, 'article')[0];
    deepButton(toast ?? view, 'Accept')?.click();
    expect(intents).to.deep.equal([{ type: 'transfer', action: 'accept', id: 'b:1' }]);
    // Once the files panel is open the offer is there, with its own Accept; no second copy on top.
    deepButton(view, 'Files')?.click();
    await settled(view);
    expect(toasts(view)).to.deep.equal([]);
  });

  it('shows a new message as a toast that opens the chat, and counts it on the Chat button until read', async () => {
    setLang('en');
    const view = await fixture<CallView>(html`<call-view .state=${inCall()}></call-view>`);
    await settled(view);
    view.state = inCall({ chat: [hello] });
    await settled(view);
    expect(toasts(view)).to.deep.equal(['Message from Bob']);
    const chat = deepButton(view, 'Chat');
    expect(chat?.parentElement?.querySelector('.count')?.textContent).to.equal('1');
    deepButton(view, 'Open chat')?.click();
    await settled(view);
    expect(chat?.getAttribute('aria-expanded')).to.equal('true');
    expect(toasts(view)).to.deep.equal([]);
    expect(chat?.parentElement?.querySelector('.count') == null).to.equal(true);
  });

  it('opens the chat beside the videos on a wide screen, Escape closes it and focus goes back to its button', async () => {
    setLang('en');
    const view = await fixture<CallView>(html`<call-view .state=${inCall()}></call-view>`);
    await settled(view);
    const chat = deepButton(view, 'Chat');
    chat?.focus();
    chat?.click();
    await settled(view);
    const panel = deepAll<HTMLDialogElement>(view, 'call-panel')[0]?.shadowRoot?.querySelector('dialog');
    expect(panel?.open).to.equal(true);
    expect(panel?.matches(':modal')).to.equal(false);
    expect(focused()?.getAttribute('aria-label')).to.equal('Message');
    panel?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    // The dialog's close event comes a task later.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await settled(view);
    expect(panel?.open).to.equal(false);
    expect(chat?.getAttribute('aria-expanded')).to.equal('false');
    // Compared as a boolean: chai would print the whole element tree on a mismatch.
    expect(focused() === chat, `focus is on ${focused()?.outerHTML.slice(0, 80)}`).to.equal(true);
  });

  it('opens as a modal bottom sheet on a phone-sized screen', async () => {
    setLang('en');
    await setViewport({ width: 390, height: 844 });
    const view = await fixture<CallView>(html`<call-view .state=${inCall()}></call-view>`);
    await settled(view);
    deepButton(view, 'Files')?.click();
    await settled(view);
    const panel = deepAll<HTMLDialogElement>(view, 'call-panel')[0]?.shadowRoot?.querySelector('dialog');
    expect(panel?.matches(':modal')).to.equal(true);
    const box = panel?.getBoundingClientRect();
    expect(Math.round(box?.bottom ?? 0)).to.equal(844);
    expect(box?.width).to.equal(document.documentElement.clientWidth);
    panel?.close();
  });
});
