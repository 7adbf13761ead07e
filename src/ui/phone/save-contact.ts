import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { PhoneState } from '../../core/phone/phone-state';
import { t } from '../i18n';
import { icon } from '../icons';
import { emit } from '../intent';
import { LocalizedElement } from '../lang-controller';
import { buttons, surface } from '../shared-styles';
import { noticeRegion } from './parts';
import { page } from './phone-styles';

/**
 * After a call through a ring: "Save Ana as a contact?". "Not now" hides it here, for that person; the engine
 * keeps offering it elsewhere until it is saved (there is no intent to forget the offer).
 */
@customElement('save-contact')
export class SaveContact extends LocalizedElement {
  @property({ attribute: false }) lastPeer: PhoneState['lastPeer'] = null;
  /** Once saved, the engine's "<name> was saved to your contacts." takes the prompt's place. */
  @property({ attribute: false }) notice: PhoneState['notice'] = null;
  @state() private skipped: string | null = null;

  static styles = [
    buttons,
    page,
    css`
      :host {
        padding: 0;
      }
      section {
        ${surface}
        display: grid;
        gap: 10px;
        padding: 12px 16px;
        border-radius: 12px;
        max-width: 36rem;
        margin: 0 auto;
        box-sizing: border-box;
      }
      h2 {
        margin: 0;
        font-size: 1.1rem;
        overflow-wrap: anywhere;
      }
      .row {
        justify-content: flex-end;
      }
    `,
  ];

  render() {
    const peer = this.lastPeer;
    if (!peer || this.skipped === peer.id) return nothing;
    if (peer.saved) return noticeRegion(this.notice);
    const name = peer.name || t('someone');
    return html`<section aria-labelledby="save-title">
      <h2 id="save-title">${t('saveContactQuestion', { name })}</h2>
      <p class="hint">${t('saveContactHelp')}</p>
      <div class="row">
        <button @click=${() => (this.skipped = peer.id)}>${t('notNow')}</button>
        <button class="primary" @click=${() => emit(this, { type: 'contact-save' })}>${icon('addContact')}${t('save')}</button>
      </div>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'save-contact': SaveContact;
  }
}
