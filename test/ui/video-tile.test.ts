import { expect, fixture, html } from '@open-wc/testing';
import { initialState, type Participant } from '../../src/core/call-store';
import '../../src/ui/call-view';
import type { CallView } from '../../src/ui/call-view';
import { lang, setLang } from '../../src/ui/i18n';
import '../../src/ui/video-tile';
import type { VideoTile } from '../../src/ui/video-tile';
import { deepAll, settled } from './deep';

function coverText(tile: VideoTile | null | undefined): string | null {
  return tile?.shadowRoot?.querySelector('.off')?.textContent?.trim() ?? null;
}

function tileNamed(view: CallView, name: string): VideoTile | undefined {
  return deepAll<VideoTile>(view, 'video-tile').find((t) => t.name === name);
}

describe('video tile cover', () => {
  const before = lang();
  afterEach(() => setLang(before));

  it('shows a peer whose camera and microphone are already off at its first render as "Camera off", "Microphone off"', async () => {
    setLang('en');
    // A newcomer's tile appears once its link is up, by which time its state message may have said "off".
    const bob: Participant = { key: 'b', name: 'Bob', stream: null, mic: false, camera: false, connection: 'connected' };
    const view = await fixture<CallView>(
      html`<call-view
        .state=${{ ...initialState, phase: 'in-call', room: 'r'.repeat(22), name: 'Ana', camera: false, participants: [bob] }}
      ></call-view>`,
    );
    await settled(view);
    const tile = tileNamed(view, 'Bob');
    expect(coverText(tile)).to.equal('Camera off');
    expect(tile?.shadowRoot?.textContent).to.include('Microphone off');
    expect(coverText(tileNamed(view, 'Ana'))).to.equal('Camera off');
  });

  it('says "Camera off" when the camera is off, even if its video had been paused for a thin link', async () => {
    setLang('en');
    const tile = await fixture<VideoTile>(html`<video-tile .name=${'Bob'} .camera=${false} ?paused=${true}></video-tile>`);
    expect(coverText(tile)).to.equal('Camera off');
    tile.camera = true;
    await tile.updateComplete;
    expect(coverText(tile)).to.equal('Video paused (low bandwidth)');
    tile.paused = false;
    await tile.updateComplete;
    expect(coverText(tile)).to.equal(null);
  });
});
