import { expect, fixture, html } from '@open-wc/testing';
import { initialState, type CallState } from '../../src/core/call-store';
import '../../src/ui/control-bar';
import { canShareScreen, type ControlBar, type PanelEvent } from '../../src/ui/control-bar';
import { lang, setLang } from '../../src/ui/i18n';
import type { IntentEvent } from '../../src/ui/intent';
import { buttonName, buttonNames, deepAll, deepButton, settled } from './deep';

function inCall(patch: Partial<CallState> = {}): CallState {
  return { ...initialState, phase: 'in-call', room: 'r'.repeat(22), name: 'Ana', ...patch };
}

async function bar(state: CallState, width = 390, extra: Partial<ControlBar> = {}): Promise<ControlBar> {
  const el = await fixture<ControlBar>(
    html`<control-bar
      style="width: ${width}px"
      .state=${state}
      .unreadChat=${extra.unreadChat ?? 0}
      .pendingFiles=${extra.pendingFiles ?? 0}
      .panel=${extra.panel ?? null}
    ></control-bar>`,
  );
  await settled(el);
  return el;
}

/** The buttons of the bar's own row (not those inside the closed More popover). */
function rowButtons(el: ControlBar): HTMLButtonElement[] {
  return deepAll<HTMLButtonElement>(el, 'button').filter((b) => b.classList.contains('round'));
}

describe('control bar', () => {
  const before = lang();
  afterEach(() => setLang(before));

  for (const l of ['en', 'es'] as const) {
    it(`is one row of round buttons that fits a 390 px phone (${l})`, async () => {
      setLang(l);
      const el = await bar(inCall());
      const rows = new Set(rowButtons(el).map((b) => Math.round(b.getBoundingClientRect().top)));
      expect(rows.size).to.equal(1);
      const box = el.getBoundingClientRect();
      for (const b of rowButtons(el)) {
        const r = b.getBoundingClientRect();
        expect(r.left).to.be.at.least(box.left);
        expect(r.right).to.be.at.most(box.right);
        expect(r.width).to.be.at.least(44, `${buttonName(b)} is a comfortable touch target`);
      }
    });
  }

  it('names every control, icons hidden, with a tooltip repeating the name', async () => {
    setLang('en');
    const el = await bar(inCall());
    const names = rowButtons(el).map(buttonName);
    expect(names).to.include.members(['Microphone', 'Camera', 'Chat', 'Files', 'More', 'Leave']);
    for (const b of rowButtons(el)) {
      expect(b.querySelector('svg')?.getAttribute('aria-hidden')).to.equal('true');
      expect(b.querySelector('.tip')?.textContent).to.equal(buttonName(b));
    }
  });

  it('offers "Share screen" exactly when this browser can share one', async () => {
    setLang('en');
    const el = await bar(inCall());
    expect(buttonNames(el).includes('Share screen')).to.equal(canShareScreen());
    // A touch-only device (a phone) gets no button, whatever its API says.
    const real = window.matchMedia;
    window.matchMedia = (q: string) => ({
      ...real.call(window, q),
      matches: q === '(any-pointer: fine)' ? false : real.call(window, q).matches,
    });
    try {
      expect(canShareScreen()).to.equal(false);
    } finally {
      window.matchMedia = real;
    }
  });

  it('toggles microphone and camera as intents and shows their state with aria-pressed', async () => {
    setLang('en');
    const el = await bar(inCall({ mic: true, camera: false }));
    const intents: string[] = [];
    el.addEventListener('intent', (e: IntentEvent) => intents.push(e.intent.type));
    const mic = deepButton(el, 'Microphone');
    const camera = deepButton(el, 'Camera');
    expect(mic?.getAttribute('aria-pressed')).to.equal('true');
    expect(camera?.getAttribute('aria-pressed')).to.equal('false');
    mic?.click();
    camera?.click();
    deepButton(el, 'Leave')?.click();
    expect(intents).to.deep.equal(['toggle-mic', 'toggle-camera', 'leave']);
  });

  it('opens and closes the chat and files panels, and shows unread counts', async () => {
    setLang('en');
    const el = await bar(inCall(), 390, { unreadChat: 3, pendingFiles: 1, panel: 'files' });
    const asked: Array<string | null> = [];
    el.addEventListener('panel', (e: PanelEvent) => asked.push(e.panel));
    const chat = deepButton(el, 'Chat');
    const files = deepButton(el, 'Files');
    expect(chat?.getAttribute('aria-expanded')).to.equal('false');
    expect(files?.getAttribute('aria-expanded')).to.equal('true');
    expect(chat?.parentElement?.querySelector('.count')?.textContent).to.equal('3');
    const described = el.shadowRoot?.getElementById(chat?.getAttribute('aria-describedby') ?? '');
    expect(described?.textContent).to.equal('3 new');
    chat?.click();
    files?.click();
    expect(asked).to.deep.equal(['chat', null]);
  });

  it('keeps copy link, QR code, devices and language under More', async () => {
    setLang('en');
    const el = await bar(inCall({ devices: { audio: [{ id: 'm', label: 'Mic' }], video: [{ id: 'c', label: 'Cam' }] } }));
    const more = deepButton(el, 'More');
    const panel = deepAll(el, '[popover]')[0];
    expect(more?.getAttribute('aria-expanded')).to.equal('false');
    expect(panel?.matches(':popover-open')).to.equal(false);
    more?.click();
    // The popover's toggle event, which the button's aria-expanded follows, comes a task later.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await settled(el);
    expect(panel?.matches(':popover-open')).to.equal(true);
    expect(more?.getAttribute('aria-expanded')).to.equal('true');
    const inside = buttonNames(panel ?? el);
    expect(inside).to.include.members(['Copy link', 'QR code']);
    const labels = deepAll(panel ?? el, 'label').map((l) => l.textContent?.trim().split(/\s/)[0]);
    expect(labels).to.include.members(['Microphone', 'Camera', 'Language']);
    (panel as HTMLElement).hidePopover();
  });
});
