import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { CallState } from '../core/call-store';
import type { MediaProblem } from '../core/media';
import { t, type PlainKey } from './i18n';
import { emit } from './intent';
import { LocalizedElement } from './lang-controller';
import './device-pickers';
import { icon, type IconName } from './icons';
import './mic-meter';
import { fields, roundButtons, warning } from './shared-styles';

const PROBLEM_TEXT: Record<MediaProblem, PlainKey> = {
  denied: 'mediaDenied',
  missing: 'mediaMissing',
  'in-use': 'mediaInUse',
  failed: 'mediaFailed',
};

/** The moment before joining: see yourself, pick devices, say your name. */
@customElement('prejoin-view')
export class PrejoinView extends LocalizedElement {
  @property({ attribute: false }) state!: CallState;
  /** Device choice is behind the settings button: most people keep the default. */
  @state() private settings = false;

  static styles = [
    roundButtons,
    fields,
    css`
      :host {
        display: block;
        padding: 16px;
      }
      main {
        display: grid;
        gap: 16px;
        grid-template-columns: minmax(0, 3fr) minmax(240px, 2fr);
        max-width: 960px;
        margin: 0 auto;
        align-items: start;
      }
      @media (max-width: 700px) {
        main {
          grid-template-columns: 1fr;
        }
      }
      .preview {
        position: relative;
        border-radius: 12px;
        overflow: hidden;
        background: #1d2330;
      }
      video {
        display: block;
        width: 100%;
        aspect-ratio: 16 / 9;
        transform: scaleX(-1);
        object-fit: cover;
      }
      .over {
        position: absolute;
        inset: auto 0 0;
        display: grid;
        gap: 10px;
        justify-items: center;
        padding: 12px;
        background: linear-gradient(transparent, rgb(0 0 0 / 0.55));
      }
      mic-meter {
        width: min(240px, 70%);
      }
      .toggles {
        display: flex;
        gap: 12px;
      }
      form {
        display: grid;
        gap: 12px;
      }
      label {
        display: grid;
        gap: 4px;
        font-weight: 600;
      }
      device-pickers[hidden] {
        display: none;
      }
      .problem {
        ${warning}
      }
    `,
  ];

  private submit(e: Event) {
    e.preventDefault();
    emit(this, { type: 'join' });
  }

  private toggle(label: 'microphone' | 'camera', on: boolean, glyph: IconName, off: IconName) {
    return html`<button
      type="button"
      class="round toggle ${on ? '' : 'off'}"
      aria-label=${t(label)}
      aria-pressed=${String(on)}
      @click=${() => emit(this, { type: label === 'microphone' ? 'toggle-mic' : 'toggle-camera' })}
    >
      ${icon(on ? glyph : off)}<span class="tip" aria-hidden="true">${t(label)}</span>
    </button>`;
  }

  render() {
    const s = this.state;
    const joining = s.phase === 'joining';
    return html`<main>
      <h1 class="visually-hidden">${t('prejoinTitle')}</h1>
      <div class="preview">
        <video aria-label=${t('preview')} autoplay playsinline .muted=${true} .srcObject=${live(s.localStream)}></video>
        <div class="over">
          <mic-meter .stream=${s.mic ? s.localStream : null}></mic-meter>
          <div class="toggles">
            ${this.toggle('microphone', s.mic, 'mic', 'micOff')} ${this.toggle('camera', s.camera, 'camera', 'cameraOff')}
            <button
              type="button"
              class="round"
              aria-label=${t('settings')}
              aria-expanded=${String(this.settings)}
              aria-controls="devices"
              @click=${() => (this.settings = !this.settings)}
            >
              ${icon('settings')}<span class="tip" aria-hidden="true">${t('settings')}</span>
            </button>
          </div>
        </div>
      </div>
      <form @submit=${this.submit}>
        ${s.notice === 'server-refused' ? html`<p class="problem" role="alert">${t('serverRefused')}</p>` : nothing}
        ${s.notice === 'bad-room' ? html`<p class="problem" role="alert">${t('badRoom')}</p>` : nothing}
        ${s.mediaProblem ? html`<p class="problem" role="alert">${t(PROBLEM_TEXT[s.mediaProblem])}</p>` : nothing}
        <label
          >${t('yourName')}
          <input
            name="name"
            autocomplete="nickname"
            maxlength="64"
            .value=${s.name}
            @input=${(e: Event) => emit(this, { type: 'name', name: (e.target as HTMLInputElement).value })}
          />
        </label>
        <device-pickers id="devices" .state=${s} ?hidden=${!this.settings}></device-pickers>
        <button class="primary" type="submit" ?disabled=${joining}>${joining ? t('joining') : t('join')}</button>
      </form>
    </main>`;
  }
}
