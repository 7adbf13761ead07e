import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { CallState } from '../core/call-store';
import { icon } from './icons';
import { t } from './i18n';
import { LocalizedElement } from './lang-controller';
import { CORNERS, bestGrid, modeOf, nearestCorner, tilesOf, type Corner, type TileSpec } from './layout';
import { roundButtons } from './shared-styles';
import './shared-offer';
import './video-tile';

const GAP = 8;

function screenLabel(name: string): string {
  return t('screenOf', { name });
}

/**
 * Everyone's video, laid out by how many people there are (layout.ts): all tiles are children of one
 * container whatever the layout, so a change of layout moves them with CSS and never restarts a video.
 */
@customElement('call-stage')
export class CallStage extends LocalizedElement {
  @property({ attribute: false }) state!: CallState;
  /** Where our own small picture sits in a two-person call; dragged or moved with its button. */
  @state() private corner: Corner = 'top-right';
  @state() private size = { width: 0, height: 0 };
  private readonly resize = new ResizeObserver(([entry]) => {
    if (entry) this.size = { width: entry.contentRect.width, height: entry.contentRect.height };
  });
  private drag: { id: number; x: number; y: number } | null = null;

  static styles = [
    roundButtons,
    css`
      :host {
        display: block;
        position: relative;
        min-width: 0;
        min-height: 0;
      }
      section {
        position: absolute;
        inset: 0;
        box-sizing: border-box;
        display: grid;
        grid-template: minmax(0, 1fr) / minmax(0, 1fr);
        gap: ${GAP}px;
        padding: ${GAP}px;
        overflow: hidden;
      }
      video-tile {
        min-width: 0;
        min-height: 0;
      }
      .solo,
      .pip {
        padding: 0;
      }
      .solo video-tile,
      .pip .main {
        grid-area: 1 / 1;
        --tile-radius: 0;
        --tile-bottom: var(--fill-bottom, 0px);
      }
      .pip .small {
        position: absolute;
        z-index: 1;
        width: clamp(96px, 26vw, 240px);
        aspect-ratio: 16 / 9;
        touch-action: none;
        cursor: grab;
        box-shadow: 0 4px 16px rgb(0 0 0 / 0.4);
        border-radius: 12px;
        transition: inset 0.2s;
      }
      @media (orientation: portrait) {
        .pip .small {
          aspect-ratio: 3 / 4;
          width: clamp(96px, 28vw, 200px);
        }
      }
      .pip .small.dragging {
        transition: none;
        cursor: grabbing;
      }
      .top-left {
        top: 12px;
        left: 12px;
      }
      .top-right {
        top: 12px;
        right: 12px;
      }
      .bottom-left {
        bottom: calc(var(--bar-height) + 12px);
        left: 12px;
      }
      .bottom-right {
        bottom: calc(var(--bar-height) + 12px);
        right: 12px;
      }
      button.move {
        position: absolute;
        z-index: 2;
        width: 36px;
        height: 36px;
        min-height: 36px;
        margin: 6px;
        opacity: 0;
        background: rgb(0 0 0 / 0.6);
        color: #fff;
      }
      .move .icon {
        width: 18px;
        height: 18px;
      }
      .move:focus-visible,
      .small:hover ~ .move,
      .move:hover {
        opacity: 1;
      }
      .stage .main {
        grid-area: main;
      }
      .stage .strip {
        --tile-radius: 8px;
      }
      .waiting {
        position: absolute;
        z-index: 1;
        top: 12px;
        left: 50%;
        transform: translateX(-50%);
        width: max-content;
        max-width: calc(100% - 32px);
        margin: 0;
        padding: 8px 14px;
        border-radius: 10px;
        background: rgb(0 0 0 / 0.65);
        color: #fff;
        text-align: center;
        box-sizing: border-box;
      }
      shared-offer {
        position: absolute;
        z-index: 2;
        top: 60px;
        left: 8px;
        right: 8px;
      }
    `,
  ];

  connectedCallback(): void {
    super.connectedCallback();
    this.resize.observe(this);
  }

  disconnectedCallback(): void {
    this.resize.disconnect();
    super.disconnectedCallback();
  }

  /** The grid or strip for this many tiles in the stage's current size. */
  private gridStyle(mode: string, count: number): Record<string, string> {
    const { width, height } = this.size;
    if (mode === 'grid') {
      const { cols, rows } =
        width > 0
          ? bestGrid(count, width - 2 * GAP, height - 2 * GAP, GAP)
          : { cols: Math.ceil(Math.sqrt(count)), rows: Math.ceil(count / Math.ceil(Math.sqrt(count))) };
      return { gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${rows}, minmax(0, 1fr))` };
    }
    if (mode === 'stage') {
      const strip = count - 1;
      // The strip goes along the longer side's end: below the screen when tall, beside it when wide.
      if (height > width) {
        return {
          gridTemplateAreas: `"${'main '.repeat(Math.max(1, strip)).trim()}"`,
          gridTemplateColumns: `repeat(${Math.max(1, strip)}, minmax(0, 1fr))`,
          gridTemplateRows: strip > 0 ? 'minmax(0, 1fr) minmax(0, 22%)' : 'minmax(0, 1fr)',
        };
      }
      return {
        gridTemplateAreas: strip > 0 ? `${'"main strip" '.repeat(strip)}` : '"main"',
        gridTemplateColumns: strip > 0 ? 'minmax(0, 1fr) minmax(0, 22%)' : 'minmax(0, 1fr)',
        gridTemplateRows: `repeat(${Math.max(1, strip)}, minmax(0, 1fr))`,
      };
    }
    return {};
  }

  private tile(x: TileSpec, slot: string, speaker: string | null) {
    const s = this.state;
    if (x.local) {
      return x.screen
        ? html`<video-tile class=${slot} local screen .name=${screenLabel(s.name)} .stream=${s.localScreen ?? null}></video-tile>`
        : html`<video-tile
            class=${slot}
            local
            .name=${s.name}
            .stream=${s.localStream}
            .camera=${s.camera && s.localStream !== null && s.localStream.getVideoTracks().length !== 0}
            .mic=${s.mic}
            @pointerdown=${slot.startsWith('small') ? this.dragStart : nothing}
          ></video-tile>`;
    }
    const p = x.peer;
    if (!p) return nothing;
    const name = p.name || t('connecting');
    return x.screen
      ? html`<video-tile class=${slot} screen .name=${screenLabel(name)} .stream=${p.screen ?? null}></video-tile>`
      : html`<video-tile
          class=${slot}
          .name=${name}
          .stream=${p.stream}
          .camera=${p.camera}
          .mic=${p.mic}
          .connection=${p.connection}
          .safetyNumber=${p.safetyNumber ?? ''}
          .problem=${p.problem ?? null}
          ?speaking=${speaker === p.key}
          ?paused=${p.videoPaused ?? false}
          .quality=${p.quality ?? null}
        ></video-tile>`;
  }

  private readonly dragStart = (e: PointerEvent) => {
    const el = e.currentTarget as HTMLElement;
    el.setPointerCapture(e.pointerId);
    el.classList.add('dragging');
    this.drag = { id: e.pointerId, x: e.clientX, y: e.clientY };
    const move = (m: PointerEvent) => {
      if (this.drag) el.style.translate = `${m.clientX - this.drag.x}px ${m.clientY - this.drag.y}px`;
    };
    const end = (u: PointerEvent) => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', end);
      el.removeEventListener('pointercancel', end);
      el.classList.remove('dragging');
      el.style.translate = '';
      this.drag = null;
      const box = this.getBoundingClientRect();
      const r = el.getBoundingClientRect();
      if (u.type === 'pointerup')
        this.corner = nearestCorner(
          r.left + r.width / 2 - box.left + (u.clientX - e.clientX),
          r.top + r.height / 2 - box.top + (u.clientY - e.clientY),
          box.width,
          box.height,
        );
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', end);
    el.addEventListener('pointercancel', end);
  };

  /** The keyboard's way to move the small picture: each press takes it to the next corner. */
  private nextCorner() {
    this.corner = CORNERS[(CORNERS.indexOf(this.corner) + 1) % CORNERS.length] ?? 'top-right';
  }

  render() {
    const s = this.state;
    const tiles = tilesOf(s);
    const { mode, main } = modeOf(tiles);
    const slot = (x: TileSpec) => {
      if (mode === 'solo' || x.key === main) return 'main';
      if (mode === 'pip') return `small ${this.corner}`;
      return mode === 'stage' ? 'strip' : 'cell';
    };
    return html`<section class=${mode} aria-label=${t('participants')} style=${styleMap(this.gridStyle(mode, tiles.length))}>
      <h1 class="visually-hidden">${t('callTitle')}</h1>
      <shared-offer in-call ?can-send=${s.participants.length > 0} .files=${s.offeredFiles}></shared-offer>
      ${repeat(
        tiles,
        (x) => x.key,
        (x) => this.tile(x, slot(x), s.speaker ?? null),
      )}
      ${
        mode === 'pip'
          ? html`<button class="round move ${this.corner}" aria-label=${t('moveSelfView')} @click=${this.nextCorner}>
              ${icon('move')}<span class="tip" aria-hidden="true">${t('moveSelfView')}</span>
            </button>`
          : nothing
      }
      ${s.participants.length === 0 ? html`<p class="waiting">${t('waiting')}</p>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'call-stage': CallStage;
  }
}
