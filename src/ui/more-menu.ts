import { css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { CallState } from '../core/call-store';
import './device-pickers';
import { icon } from './icons';
import { t } from './i18n';
import { emit } from './intent';
import { LocalizedElement } from './lang-controller';
import './invite-tools';
import './lang-select';
import { pipKind } from './picture-in-picture';
import { roundButtons, surface, boxless } from './shared-styles';

/**
 * "More": what a call needs now and then, behind one button so the bar stays one row on a phone — copy and
 * share the link, its QR code, switching camera, picture in picture, device choice and language. A popover (not a menu: it holds
 * selects), so the browser gives it light dismiss, Escape, the top layer above the videos, and a tab order
 * that continues from its button into it and back out to the next control.
 */
@customElement('more-menu')
export class MoreMenu extends LocalizedElement {
  @property({ attribute: false }) state!: CallState;
  @state() private open = false;
  @query('[popover]') private pop?: HTMLElement;
  @query('button.round') private opener?: HTMLButtonElement;

  static styles = [
    roundButtons,
    boxless,
    css`
      [popover] {
        position: fixed;
        inset: auto max(8px, env(safe-area-inset-right)) calc(var(--bar-height, 72px) + 8px) auto;
        margin: 0;
        width: min(340px, calc(100vw - 16px));
        max-height: calc(100dvh - var(--bar-height, 72px) - 16px);
        overflow: auto;
        box-sizing: border-box;
        padding: 12px;
        ${surface}
        border-radius: 16px;
        box-shadow: 0 8px 32px rgb(0 0 0 / 0.35);
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        margin-bottom: 12px;
      }
      .actions button {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        padding: 0 14px;
      }
      .actions .icon {
        width: 20px;
        height: 20px;
      }
      device-pickers {
        margin-bottom: 12px;
      }
    `,
  ];

  private readonly toggled = (e: Event) => {
    this.open = (e as ToggleEvent).newState === 'open';
  };

  /**
   * Closing with Escape or by an action inside it would leave focus on a control that is no longer shown;
   * put it back on "More" (before the popover hides, so nothing sees focus anywhere else). Closed by a
   * click on another control, focus is on that control already and stays there.
   */
  private readonly closing = (e: Event) => {
    if ((e as ToggleEvent).newState !== 'closed') return;
    const inside = this.shadowRoot?.activeElement;
    if (inside && inside !== this.opener) this.opener?.focus();
  };

  /** Leaving a chosen action's result (the QR dialog, a copied link) in view: the popover closes on its own. */
  private copyLink() {
    emit(this, { type: 'copy-link' });
    this.pop?.hidePopover();
  }

  /** The call screen opens the window: it has the call's state and must open it within this click. */
  private pictureInPicture() {
    this.pop?.hidePopover();
    this.dispatchEvent(new Event('pip', { bubbles: true, composed: true }));
  }

  render() {
    const s = this.state;
    return html`<button class="round" aria-label=${t('more')} popovertarget="more-panel" aria-expanded=${String(this.open)}>
        ${icon('more')}<span class="tip" aria-hidden="true">${t('more')}</span>
      </button>
      <div id="more-panel" popover @beforetoggle=${this.closing} @toggle=${this.toggled}>
        <div class="actions">
          <button @click=${this.copyLink}>${icon('link')}${t('copyLink')}</button>
          <invite-tools .url=${location.href}></invite-tools>
          ${
            s.devices.video.length > 1
              ? html`<button @click=${() => emit(this, { type: 'switch-camera' })}>${icon('switchCamera')}${t('switchCamera')}</button>`
              : nothing
          }
          ${pipKind() ? html`<button @click=${this.pictureInPicture}>${icon('pip')}${t('pictureInPicture')}</button>` : nothing}
        </div>
        <device-pickers .state=${s}></device-pickers>
        <lang-select></lang-select>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'more-menu': MoreMenu;
  }
}
