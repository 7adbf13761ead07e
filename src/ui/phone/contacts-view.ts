import { css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { PhoneState } from '../../core/phone/phone-state';
import { t } from '../i18n';
import { icon } from '../icons';
import { emit } from '../intent';
import { LocalizedElement } from '../lang-controller';
import { buttons } from '../shared-styles';
import './contact-card';
import { noticeRegion } from './parts';
import { page } from './phone-styles';

/** /contacts: everyone saved after a call, with their presence, and the file to move them to another device. */
@customElement('contacts-view')
export class ContactsView extends LocalizedElement {
  @property({ attribute: false }) state!: PhoneState;
  @query('input[type="file"]') private fileInput!: HTMLInputElement;

  static styles = [
    buttons,
    page,
    css`
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 12px;
      }
      contact-card {
        display: block;
      }
      input[type='file'] {
        display: none;
      }
    `,
  ];

  private imported() {
    const file = this.fileInput.files?.[0];
    // Cleared, so choosing the same file again (after fixing it) is a change too.
    this.fileInput.value = '';
    if (file) emit(this, { type: 'contacts-import', file });
  }

  render() {
    const s = this.state;
    const me = s.me ? { id: s.me.id, key: s.me.key } : null;
    return html`<main>
      <h1>${t('contacts')}</h1>
      ${noticeRegion(s.notice)}
      ${
        s.contacts.length
          ? html`<ul role="list">
              ${repeat(
                s.contacts,
                (c) => c.id,
                (c) => html`<li><contact-card .contact=${c} .me=${me}></contact-card></li>`,
              )}
            </ul>`
          : html`<p class="hint">${t('noContacts')}</p>`
      }
      <div class="row">
        <button @click=${() => emit(this, { type: 'contacts-export' })} ?disabled=${!s.contacts.length}>
          ${icon('export')}${t('exportContacts')}
        </button>
        <button @click=${() => this.fileInput.click()}>${icon('import')}${t('importContacts')}</button>
        <input type="file" accept=".json,application/json" tabindex="-1" aria-hidden="true" @change=${this.imported} />
      </div>
      <a href="/me" class="button">${icon('link')}${t('myCallLink')}</a>
    </main>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'contacts-view': ContactsView;
  }
}
