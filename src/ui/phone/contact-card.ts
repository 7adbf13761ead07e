import { css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ContactEntry, Presence } from '../../core/phone/phone-state';
import { groupDigits, safetyNumber } from '../../core/phone/safety-number';
import { t, type PlainKey } from '../i18n';
import { icon, type IconName } from '../icons';
import { emit } from '../intent';
import { LocalizedElement } from '../lang-controller';
import { buttons, fields, surface } from '../shared-styles';
import { avatar, page, switchAndConfirm, trustStyles } from './phone-styles';
import { initial } from './ring-end';

const PRESENCE: Record<Presence, { key: PlainKey; glyph: IconName }> = {
  online: { key: 'presenceOnline', glyph: 'online' },
  push: { key: 'presencePush', glyph: 'ring' },
  unknown: { key: 'presenceUnknown', glyph: 'unknown' },
};

/** One contact: call them, and the things done now and then (rename, verify, block, remove). */
@customElement('contact-card')
export class ContactCard extends LocalizedElement {
  @property({ attribute: false }) contact!: ContactEntry;
  /** My id and key, for the safety number; null while my identity loads. */
  @property({ attribute: false }) me: { id: string; key: string } | null = null;
  @state() private renaming = false;
  @state() private verifying = false;
  /** The safety number, for the key it was computed from (a contact's key can change under an open panel). */
  @state() private safety: { key: string; digits: string | null } | null = null;
  @query('dialog') private confirmRemove!: HTMLDialogElement;
  @query('input[name="rename"]') private renameInput?: HTMLInputElement;
  @query('button.rename') private renameButton?: HTMLButtonElement;

  static styles = [
    buttons,
    fields,
    page,
    switchAndConfirm,
    avatar,
    trustStyles,
    css`
      :host {
        padding: 12px;
        border-radius: 12px;
        ${surface}
      }
      .head {
        display: flex;
        gap: 12px;
        align-items: center;
      }
      .who {
        flex: 1;
        min-width: 0;
        display: grid;
        gap: 2px;
      }
      h2 {
        margin: 0;
        font-size: 1.1rem;
        overflow-wrap: anywhere;
      }
      .presence {
        display: flex;
        gap: 6px;
        align-items: center;
        color: var(--muted-text);
      }
      .presence .icon {
        width: 16px;
        height: 16px;
      }
      .actions {
        margin-top: 10px;
      }
      .actions button {
        min-height: 40px;
        padding: 0 12px;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        margin-top: 10px;
      }
      form input {
        flex: 1 1 12rem;
        min-width: 0;
      }
      .safety {
        display: grid;
        gap: 10px;
        margin-top: 10px;
      }
      figure {
        margin: 0;
        display: grid;
        gap: 6px;
      }
      figcaption {
        font-weight: 600;
        text-align: center;
      }
      .digits {
        display: grid;
        grid-template-columns: repeat(4, max-content);
        gap: 4px 14px;
        justify-content: center;
        font-family: ui-monospace, monospace;
        font-size: 1.1rem;
      }
      dialog h2 {
        margin-bottom: 8px;
      }
    `,
  ];

  private get name(): string {
    return this.contact.name || t('noName');
  }

  protected willUpdate(): void {
    const c = this.contact;
    if (this.verifying && this.me && this.safety?.key !== c.key) {
      const key = c.key;
      this.safety = { key, digits: null };
      void safetyNumber(this.me, c).then((digits) => {
        if (this.safety?.key === key) this.safety = { key, digits };
      });
    }
  }

  private async startRename() {
    this.renaming = true;
    await this.updateComplete;
    this.renameInput?.focus();
    this.renameInput?.select();
  }

  private rename(e: Event) {
    e.preventDefault();
    const name = this.renameInput?.value.trim() ?? '';
    if (name && name !== this.contact.name) emit(this, { type: 'contact-rename', id: this.contact.id, name });
    void this.endRename();
  }

  /** The field goes away: focus returns to the Rename button that opened it, not to the page. */
  private async endRename() {
    this.renaming = false;
    await this.updateComplete;
    this.renameButton?.focus();
  }

  private renameKey(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      void this.endRename();
    }
  }

  private removeContact() {
    this.confirmRemove.close();
    emit(this, { type: 'contact-remove', id: this.contact.id });
  }

  private renameForm() {
    return html`<form @submit=${this.rename}>
      <input
        name="rename"
        maxlength="64"
        aria-label=${t('renameLabel', { name: this.name })}
        .value=${this.contact.name}
        @keydown=${this.renameKey}
      />
      <button class="primary">${t('save')}</button>
      <button type="button" @click=${this.endRename}>${t('cancel')}</button>
    </form>`;
  }

  private safetyPanel() {
    const c = this.contact;
    const digits = this.safety?.digits;
    return html`<div class="safety" id="safety">
      <p>${t('safetyNumberCompare', { name: this.name })}</p>
      ${
        digits
          ? html`<figure>
              <figcaption>${t('safetyNumberWith', { name: this.name })}</figcaption>
              <p class="digits">
                ${groupDigits(digits)
                  .split(' ')
                  .map((g) => html`<span>${g}</span>`)}
              </p>
            </figure>`
          : html`<p class="hint">${t('computing')}</p>`
      }
      <label class="switch">
        <input
          type="checkbox"
          role="switch"
          .checked=${c.verified}
          @change=${(e: Event) => emit(this, { type: 'contact-verify', id: c.id, verified: (e.target as HTMLInputElement).checked })}
        />
        ${t('markVerified')}
      </label>
    </div>`;
  }

  render() {
    const c = this.contact;
    const presence = PRESENCE[c.presence];
    return html`<div class="head">
        <div class="avatar small" aria-hidden="true">${initial(c.name)}</div>
        <div class="who">
          <h2>${this.name}</h2>
          <p class="presence">${icon(presence.glyph)}${t(presence.key)}</p>
          <div class="row">
            ${c.verified ? html`<span class="badge">${icon('verified')}${t('trustVerified')}</span>` : nothing}
            ${c.blocked ? html`<span class="badge">${icon('block')}${t('blocked')}</span>` : nothing}
          </div>
        </div>
        <button
          class="primary"
          aria-label=${t('callPerson', { name: this.name })}
          @click=${() => emit(this, { type: 'phone-call', contact: c.id })}
        >
          ${icon('phone')}${t('call')}
        </button>
      </div>
      ${this.renaming ? this.renameForm() : nothing}
      <div class="row actions">
        ${this.renaming ? nothing : html`<button class="rename" @click=${this.startRename}>${icon('rename')}${t('rename')}</button>`}
        <button aria-expanded=${String(this.verifying)} aria-controls="safety" @click=${() => (this.verifying = !this.verifying)}>
          ${icon('verified')}${t('verify')}
        </button>
        <button @click=${() => emit(this, { type: 'contact-block', id: c.id, blocked: !c.blocked })}>
          ${icon('block')}${c.blocked ? t('unblock') : t('block')}
        </button>
        <button aria-haspopup="dialog" @click=${() => this.confirmRemove.showModal()}>${icon('remove')}${t('remove')}</button>
      </div>
      ${this.verifying ? this.safetyPanel() : nothing}
      <dialog aria-labelledby="remove-title" aria-describedby="remove-body">
        <h2 id="remove-title">${t('removeTitle', { name: this.name })}</h2>
        <p id="remove-body">${t('removeBody')}</p>
        <div class="row">
          <button autofocus @click=${() => this.confirmRemove.close()}>${t('cancel')}</button>
          <button class="danger" @click=${this.removeContact}>${t('remove')}</button>
        </div>
      </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'contact-card': ContactCard;
  }
}
