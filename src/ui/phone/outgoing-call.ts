import { css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { PhoneState } from '../../core/phone/phone-state';
import { t } from '../i18n';
import { icon } from '../icons';
import { emit } from '../intent';
import { LocalizedElement } from '../lang-controller';
import { buttons } from '../shared-styles';
import { avatar, page, ringButtons, trustStyles } from './phone-styles';
import { initial, OUTGOING_END } from './ring-end';
import { trustNote } from './trust';

/** My ring, while it rings (Cancel) and once it ended (what happened, and Back). */
@customElement('outgoing-call')
export class OutgoingCall extends LocalizedElement {
  @property({ attribute: false }) state!: PhoneState;
  @query('#back') private back?: HTMLButtonElement;

  static styles = [
    buttons,
    page,
    avatar,
    ringButtons,
    trustStyles,
    css`
      main {
        text-align: center;
        justify-items: center;
        padding-top: 8vh;
      }
      .ended-text {
        font-size: 1.1rem;
        min-height: 1.5em;
      }
    `,
  ];

  /** Cancel goes away when the ring ends: focus moves to what replaced it rather than to the page. */
  protected updated(changed: PropertyValues<this>): void {
    const before = (changed.get('state') as PhoneState | undefined)?.outgoing;
    if (this.state.outgoing?.phase === 'ended' && before?.phase !== 'ended') this.back?.focus();
  }

  render() {
    const ring = this.state.outgoing;
    if (!ring) return nothing;
    const calling = ring.phase === 'calling';
    const who = ring.name || t('someone');
    return html`<main class=${calling ? 'calling' : 'ended'}>
      ${ring.trust === 'key-changed' ? trustNote('key-changed', who) : nothing}
      <div class="avatar" aria-hidden="true">${ring.name ? initial(ring.name) : icon('person')}</div>
      <h1>${calling ? (ring.name ? t('callingName', { name: ring.name }) : t('callingOwner')) : ring.name || t('callEnded')}</h1>
      <p class="ended-text" role="status">${!calling && ring.ended ? t(OUTGOING_END[ring.ended]) : nothing}</p>
      ${
        calling
          ? html`<div class="ring-actions">
              <button class="ring hang-up" @click=${() => emit(this, { type: 'phone-cancel' })}>
                <span class="disc">${icon('phone')}</span>${t('cancel')}
              </button>
            </div>`
          : html`<button id="back" class="primary" @click=${() => emit(this, { type: 'phone-dismiss' })}>${t('back')}</button>`
      }
    </main>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'outgoing-call': OutgoingCall;
  }
}
