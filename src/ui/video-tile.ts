import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { LinkState } from '../core/peer-link';
import type { LinkProblem } from '../core/reachability';
import type { Quality } from '../core/quality/stats';
import { t, type PlainKey } from './i18n';
import { LocalizedElement } from './lang-controller';
import { buttons, warning } from './shared-styles';

const QUALITY_TEXT: Record<Quality, PlainKey> = { good: 'qualityGood', fair: 'qualityFair', poor: 'qualityPoor' };

const PROBLEM_TEXT: Record<LinkProblem, PlainKey> = {
  'identity-mismatch': 'identityMismatch',
  'turn-refused': 'turnRefused',
  'relay-unavailable': 'relayUnavailable',
  'no-relay': 'noRelay',
  unreachable: 'unreachable',
};

/** One participant: their video (and audio), name, and what state they are in. */
@customElement('video-tile')
export class VideoTile extends LocalizedElement {
  @property() name = '';
  @property({ attribute: false }) stream: MediaStream | null = null;
  @property({ type: Boolean }) local = false;
  /** Bind as properties (`.camera=${x}`): `?camera=${false}` on the first render leaves the default, on. */
  @property({ type: Boolean }) camera = true;
  @property({ type: Boolean }) mic = true;
  @property() connection: LinkState = 'connected';
  /** A shared screen: shown whole (contain), never mirrored, no camera/mic badges. */
  @property({ type: Boolean }) screen = false;
  @property({ type: Boolean, reflect: true }) speaking = false;
  /** The sender paused its video to us for lack of bandwidth. */
  @property({ type: Boolean }) paused = false;
  @property({ attribute: false }) quality: Quality | null = null;
  /** Empty until both fingerprints are known (and always for our own tile). */
  @property() safetyNumber = '';
  @property({ attribute: false }) problem: LinkProblem | null = null;
  @state() private verifyOpen = false;

  static styles = [
    buttons,
    css`
      :host {
        display: block;
        min-width: 0;
        min-height: 0;
      }
      /* The layout (call-stage) sizes the host; the tile fills it. */
      .tile {
        position: relative;
        margin: 0;
        width: 100%;
        height: 100%;
        background: #1d2330;
        border-radius: var(--tile-radius, 12px);
        overflow: hidden;
      }
      video {
        width: 100%;
        height: 100%;
        object-fit: cover;
        display: block;
      }
      video.mirror {
        transform: scaleX(-1);
      }
      .off {
        position: absolute;
        inset: 0;
        display: grid;
        place-items: center;
        color: #fff;
        background: #1d2330;
        font-size: 1.1rem;
      }
      /* --tile-bottom: room kept free at the bottom, where the control bar floats over a full-screen tile. */
      .caption {
        position: absolute;
        left: 8px;
        bottom: calc(var(--tile-bottom, 0px) + 8px);
        display: flex;
        gap: 6px;
        align-items: center;
        max-width: calc(100% - 16px);
        background: rgb(0 0 0 / 0.65);
        color: #fff;
        padding: 2px 8px;
        border-radius: 6px;
        font-size: 0.9rem;
      }
      .name {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .badge {
        font-size: 0.8rem;
        color: #ffd479;
      }
      :host([speaking]) .tile {
        outline: 3px solid #4ade80;
        outline-offset: -3px;
      }
      video.screen {
        object-fit: contain;
        background: #000;
      }
      .quality {
        display: inline-flex;
        gap: 2px;
        align-items: flex-end;
        height: 12px;
      }
      .quality i {
        display: block;
        width: 3px;
        background: rgb(255 255 255 / 0.35);
      }
      .quality i:nth-child(1) {
        height: 4px;
      }
      .quality i:nth-child(2) {
        height: 8px;
      }
      .quality i:nth-child(3) {
        height: 12px;
      }
      .good i,
      .fair i:nth-child(-n + 2),
      .poor i:nth-child(1) {
        background: currentColor;
      }
      .good {
        color: #4ade80;
      }
      .fair {
        color: #ffd479;
      }
      .poor {
        color: #f87171;
      }
      .problem {
        position: absolute;
        inset: 12px 12px auto;
        ${warning}
      }
      .verify {
        position: absolute;
        right: 8px;
        bottom: calc(var(--tile-bottom, 0px) + 8px);
        display: grid;
        justify-items: end;
        gap: 6px;
        max-width: calc(100% - 16px);
      }
      .verify button {
        min-height: 36px;
        padding: 0 14px;
        background: rgb(0 0 0 / 0.65);
        color: #fff;
        border-color: transparent;
      }
      .safety {
        margin: 0;
        padding: 8px 10px;
        border-radius: 8px;
        background: rgb(0 0 0 / 0.8);
        color: #fff;
        font-size: 0.85rem;
        max-width: 22rem;
      }
      .safety code {
        display: block;
        margin-top: 4px;
        font-size: 1.1rem;
        letter-spacing: 0.05em;
        word-spacing: 0.3em;
      }
    `,
  ];

  render() {
    const label = this.local ? `${this.name} ${t('you')}` : this.name;
    const linkNote =
      this.connection === 'connecting'
        ? t('connecting')
        : this.connection === 'reconnecting' || this.connection === 'failed'
          ? t('reconnecting')
          : null;
    const videoClass = this.screen ? 'screen' : this.local ? 'mirror' : '';
    // A camera that is off says so even if its video was paused before: nothing is waiting to resume.
    const cover = !this.camera && !this.screen ? t('cameraOff') : this.paused ? t('videoPaused') : null;
    // live(): lit re-commits object values on every render, and assigning srcObject, even the same stream,
    // restarts the element's load: the picture blinks, and a remote video then waits for the next keyframe.
    return html`<div class="tile" role="group" aria-label=${label} aria-describedby=${this.speaking ? 'speaking' : nothing}>
      <video autoplay playsinline class=${videoClass} .muted=${this.local || this.screen} .srcObject=${live(this.stream)}></video>
      ${cover ? html`<div class="off">${cover}</div>` : nothing}
      <div class="caption">
        <span class="name">${label}</span>
        ${this.mic || this.screen ? nothing : html`<span class="badge">${t('micOff')}</span>`}
        ${linkNote ? html`<span class="badge" role="status">${linkNote}</span>` : nothing}
        ${
          this.quality && !this.local && !this.screen
            ? html`<span
                class="quality ${this.quality}"
                role="img"
                aria-label=${t(QUALITY_TEXT[this.quality])}
                title=${t(QUALITY_TEXT[this.quality])}
                ><i></i><i></i><i></i
              ></span>`
            : nothing
        }
        <span id="speaking" class="visually-hidden">${this.speaking ? t('speaking') : ''}</span>
      </div>
      ${this.problem ? html`<p class="problem" role="alert">${t(PROBLEM_TEXT[this.problem])}</p>` : nothing}
      ${this.safetyNumber && !this.local && !this.problem ? this.verify() : nothing}
    </div>`;
  }

  private verify() {
    return html`<div class="verify">
      <p id="safety" class="safety" ?hidden=${!this.verifyOpen}>${t('safetyNumberHelp')}<code>${this.safetyNumber}</code></p>
      <button aria-expanded=${String(this.verifyOpen)} aria-controls="safety" @click=${() => (this.verifyOpen = !this.verifyOpen)}>
        ${t('verify')}
      </button>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'video-tile': VideoTile;
  }
}
