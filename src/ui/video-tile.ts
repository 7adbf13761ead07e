import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { LinkState } from '../core/peer-link';
import { t } from './i18n';

/** One participant: their video (and audio), name, and what state they are in. */
@customElement('video-tile')
export class VideoTile extends LitElement {
  @property() name = '';
  @property({ attribute: false }) stream: MediaStream | null = null;
  @property({ type: Boolean }) local = false;
  @property({ type: Boolean }) camera = true;
  @property({ type: Boolean }) mic = true;
  @property() connection: LinkState = 'connected';

  static styles = css`
    :host { display: block; min-width: 0; min-height: 0; }
    .tile { position: relative; margin: 0; width: 100%; height: 100%; background: #1d2330; border-radius: 12px; overflow: hidden; aspect-ratio: 16 / 9; }
    video { width: 100%; height: 100%; object-fit: cover; display: block; }
    video.mirror { transform: scaleX(-1); }
    .off { position: absolute; inset: 0; display: grid; place-items: center; color: #fff; background: #1d2330; font-size: 1.1rem; }
    .caption { position: absolute; left: 8px; bottom: 8px; display: flex; gap: 6px; align-items: center; max-width: calc(100% - 16px);
      background: rgb(0 0 0 / 0.65); color: #fff; padding: 2px 8px; border-radius: 6px; font-size: 0.9rem; }
    .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .badge { font-size: 0.8rem; color: #ffd479; }
  `;

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
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'video-tile': VideoTile;
  }
}
