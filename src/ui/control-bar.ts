import { css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { CallState } from '../core/call-store';
import { icon, type IconName } from './icons';
import { t, type PlainKey } from './i18n';
import { emit } from './intent';
import { LocalizedElement } from './lang-controller';
import './more-menu';
import { roundButtons } from './shared-styles';

export type PanelName = 'chat' | 'files';

/** Asks the call screen to show a panel, or none (a view change, not an intent for the call). */
export class PanelEvent extends Event {
  constructor(readonly panel: PanelName | null) {
    super('panel', { bubbles: true, composed: true });
  }
}

/**
 * Screen sharing is offered only where it can work: the browser has getDisplayMedia, and there is a mouse or
 * trackpad. Phones and tablets (touch only) either lack the API or share nothing useful with it.
 */
export function canShareScreen(): boolean {
  return typeof navigator.mediaDevices?.getDisplayMedia === 'function' && matchMedia('(any-pointer: fine)').matches;
}

/**
 * The in-call controls: one row of round icon buttons, each named for assistive tech and shown a tooltip on
 * hover or keyboard focus. Toggles say their state with aria-pressed; the panel buttons with aria-expanded.
 */
@customElement('control-bar')
export class ControlBar extends LocalizedElement {
  @property({ attribute: false }) state!: CallState;
  @property({ attribute: false }) panel: PanelName | null = null;
  @property({ type: Number }) unreadChat = 0;
  @property({ type: Number }) pendingFiles = 0;

  static styles = [
    roundButtons,
    css`
      :host {
        display: block;
      }
      [role='toolbar'] {
        display: flex;
        flex-wrap: nowrap;
        gap: clamp(4px, 2vw, 12px);
        justify-content: center;
        align-items: center;
      }
      /* Seven buttons (a narrow window with a mouse also gets Share screen) overflow 390 px at full size. */
      @media (max-width: 419px) {
        [role='toolbar'] {
          gap: 4px;
        }
        button.round {
          width: 44px;
          height: 44px;
          min-height: 44px;
        }
        button.round.danger {
          width: 52px;
        }
      }
      .badged {
        position: relative;
        display: inline-grid;
      }
      .count {
        pointer-events: none;
        position: absolute;
        top: -2px;
        right: -2px;
        min-width: 20px;
        height: 20px;
        padding: 0 5px;
        box-sizing: border-box;
        border-radius: 10px;
        background: var(--danger);
        color: #fff;
        font-size: 0.75rem;
        font-weight: 700;
        line-height: 20px;
        text-align: center;
      }
    `,
  ];

  private button(
    label: PlainKey,
    glyph: IconName,
    onClick: () => void,
    extra: { pressed?: boolean; expanded?: boolean; badge?: number; danger?: boolean; off?: boolean } = {},
  ) {
    const id = `${label}-count`;
    const badge = extra.badge ?? 0;
    // The count sits beside the button, not in it: visible text inside would have to be part of its name.
    const button = html`<button
      class="round ${extra.danger ? 'danger' : ''} ${extra.off === undefined ? '' : `toggle ${extra.off ? 'off' : ''}`}"
      aria-label=${t(label)}
      aria-pressed=${extra.pressed === undefined ? nothing : String(extra.pressed)}
      aria-expanded=${extra.expanded === undefined ? nothing : String(extra.expanded)}
      aria-describedby=${badge > 0 ? id : nothing}
      @click=${onClick}
    >
      ${icon(glyph)}<span class="tip" aria-hidden="true">${t(label)}</span>
    </button>`;
    if (extra.badge === undefined) return button;
    return html`<span class="badged"
      >${button}${
        badge > 0
          ? html`<span class="count" aria-hidden="true">${badge > 99 ? '99+' : badge}</span
              ><span id=${id} class="visually-hidden">${t('unread', { n: badge })}</span>`
          : nothing
      }</span
    >`;
  }

  private toggle(panel: PanelName) {
    this.dispatchEvent(new PanelEvent(this.panel === panel ? null : panel));
  }

  render() {
    const s = this.state;
    const sharing = s.sharing ?? false;
    return html`<div role="toolbar" aria-label=${t('controls')}>
      ${this.button('microphone', s.mic ? 'mic' : 'micOff', () => emit(this, { type: 'toggle-mic' }), { pressed: s.mic, off: !s.mic })}
      ${this.button('camera', s.camera ? 'camera' : 'cameraOff', () => emit(this, { type: 'toggle-camera' }), { pressed: s.camera, off: !s.camera })}
      ${canShareScreen() ? this.button('shareScreen', sharing ? 'screenOff' : 'screen', () => emit(this, { type: 'toggle-screen' }), { pressed: sharing }) : nothing}
      ${this.button('chat', 'chat', () => this.toggle('chat'), { expanded: this.panel === 'chat', badge: this.unreadChat })}
      ${this.button('files', 'files', () => this.toggle('files'), { expanded: this.panel === 'files', badge: this.pendingFiles })}
      <more-menu .state=${s}></more-menu>
      ${this.button('leave', 'hangUp', () => emit(this, { type: 'leave' }), { danger: true })}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'control-bar': ControlBar;
  }
  interface HTMLElementEventMap {
    panel: PanelEvent;
  }
}
