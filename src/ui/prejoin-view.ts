import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { CallState } from '../core/call-store';
import type { MediaProblem } from '../core/media';
import { t, type StringKey } from './i18n';
import { emit } from './intent';
import './device-pickers';
import { buttons } from './shared-styles';

const PROBLEM_TEXT: Record<MediaProblem, StringKey> = {
  denied: 'mediaDenied',
  missing: 'mediaMissing',
  'in-use': 'mediaInUse',
  failed: 'mediaFailed',
};

/** The moment before joining: see yourself, pick devices, say your name. */
@customElement('prejoin-view')
export class PrejoinView extends LitElement {
  @property({ attribute: false }) state!: CallState;

  static styles = [
    buttons,
    css`
      :host { display: block; padding: 16px; }
      main { display: grid; gap: 16px; grid-template-columns: minmax(0, 3fr) minmax(240px, 2fr); max-width: 960px; margin: 0 auto; align-items: start; }
      @media (max-width: 700px) { main { grid-template-columns: 1fr; } }
      video { width: 100%; aspect-ratio: 16 / 9; background: #1d2330; border-radius: 12px; transform: scaleX(-1); object-fit: cover; }
      form { display: grid; gap: 12px; }
      label { display: grid; gap: 4px; font-weight: 600; }
      input { min-height: 44px; padding: 0 10px; border-radius: 8px; border: 1px solid var(--line); background: var(--surface); color: var(--text); }
      .problem { padding: 10px 12px; border-radius: 8px; background: var(--warn-bg); color: var(--warn-text); margin: 0; }
    `,
  ];

  private submit(e: Event) {
    e.preventDefault();
    emit(this, { type: 'join' });
  }

  render() {
    const s = this.state;
    const joining = s.phase === 'joining';
    return html`<main>
      <h1 class="visually-hidden">${t('prejoinTitle')}</h1>
      <video aria-label=${t('preview')} autoplay playsinline .muted=${true} .srcObject=${live(s.localStream)}></video>
      <form @submit=${this.submit}>
        ${s.notice === 'server-refused' ? html`<p class="problem" role="alert">${t('serverRefused')}</p>` : nothing}
        ${s.notice === 'bad-room' ? html`<p class="problem" role="alert">${t('badRoom')}</p>` : nothing}
        ${s.mediaProblem ? html`<p class="problem" role="alert">${t(PROBLEM_TEXT[s.mediaProblem])}</p>` : nothing}
        <label>${t('yourName')}
          <input name="name" autocomplete="nickname" maxlength="64" .value=${s.name}
            @input=${(e: Event) => emit(this, { type: 'name', name: (e.target as HTMLInputElement).value })} />
        </label>
        <device-pickers .state=${s}></device-pickers>
        <button class="primary" type="submit" ?disabled=${joining}>${joining ? t('joining') : t('join')}</button>
      </form>
    </main>`;
  }
}
