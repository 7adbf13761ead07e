import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { LinkState } from '../core/peer-link';
import type { LinkProblem } from '../core/reachability';
import { t, type StringKey } from './i18n';
import { buttons } from './shared-styles';

const PROBLEM_TEXT: Record<LinkProblem, StringKey> = {
  'identity-mismatch': 'identityMismatch',
  'turn-refused': 'turnRefused',
  'relay-unavailable': 'relayUnavailable',
  'no-relay': 'noRelay',
  unreachable: 'unreachable',
};

/** One participant: their video (and audio), name, and what state they are in. */
@customElement('video-tile')
export class VideoTile extends LitElement {
  @property() name = '';
  @property({ attribute: false }) stream: MediaStream | null = null;
  @property({ type: Boolean }) local = false;
  @property({ type: Boolean }) camera = true;
  @property({ type: Boolean }) mic = true;
  @property() connection: LinkState = 'connected';
  /** Empty until both fingerprints are known (and always for our own tile). */
  @property() safetyNumber = '';
  @property({ attribute: false }) problem: LinkProblem | null = null;
  @state() private verifyOpen = false;

  static styles = [buttons, css`
    :host { display: block; min-width: 0; min-height: 0; }
    .tile { position: relative; margin: 0; width: 100%; height: 100%; background: #1d2330; border-radius: 12px; overflow: hidden; aspect-ratio: 16 / 9; }
    video { width: 100%; height: 100%; object-fit: cover; display: block; }
    video.mirror { transform: scaleX(-1); }
    .off { position: absolute; inset: 0; display: grid; place-items: center; color: #fff; background: #1d2330; font-size: 1.1rem; }
    .caption { position: absolute; left: 8px; bottom: 8px; display: flex; gap: 6px; align-items: center; max-width: calc(100% - 16px);
      background: rgb(0 0 0 / 0.65); color: #fff; padding: 2px 8px; border-radius: 6px; font-size: 0.9rem; }
    .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .badge { font-size: 0.8rem; color: #ffd479; }
    .problem { position: absolute; inset: 12px 12px auto; margin: 0; padding: 10px 12px; border-radius: 8px; background: var(--warn-bg); color: var(--warn-text); }
    .verify { position: absolute; right: 8px; bottom: 8px; display: grid; justify-items: end; gap: 6px; max-width: calc(100% - 16px); }
    .verify button { min-height: 36px; padding: 0 14px; background: rgb(0 0 0 / 0.65); color: #fff; border-color: transparent; }
    .safety { margin: 0; padding: 8px 10px; border-radius: 8px; background: rgb(0 0 0 / 0.8); color: #fff; font-size: 0.85rem; max-width: 22rem; }
    .safety code { display: block; margin-top: 4px; font-size: 1.1rem; letter-spacing: 0.05em; word-spacing: 0.3em; }
  `];

  render() {
    const label = this.local ? `${this.name} ${t('you')}` : this.name;
    const linkNote = this.connection === 'connecting' ? t('connecting') : this.connection === 'reconnecting' || this.connection === 'failed' ? t('reconnecting') : null;
    return html`<div class="tile" role="group" aria-label=${label}>
      <video autoplay playsinline class=${this.local ? 'mirror' : ''} .muted=${this.local} .srcObject=${this.stream}></video>
      ${this.camera ? nothing : html`<div class="off">${t('cameraOff')}</div>`}
      <div class="caption">
        <span class="name">${label}</span>
        ${this.mic ? nothing : html`<span class="badge">${t('micOff')}</span>`}
        ${linkNote ? html`<span class="badge" role="status">${linkNote}</span>` : nothing}
      </div>
      ${this.problem ? html`<p class="problem" role="alert">${t(PROBLEM_TEXT[this.problem])}</p>` : nothing}
      ${this.safetyNumber && !this.local && !this.problem ? this.verify() : nothing}
    </div>`;
  }

  private verify() {
    return html`<div class="verify">
      <p id="safety" class="safety" ?hidden=${!this.verifyOpen}>${t('safetyNumberHelp')}<code>${this.safetyNumber}</code></p>
      <button aria-expanded=${String(this.verifyOpen)} aria-controls="safety" @click=${() => (this.verifyOpen = !this.verifyOpen)}>${t('verify')}</button>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'video-tile': VideoTile;
  }
}
