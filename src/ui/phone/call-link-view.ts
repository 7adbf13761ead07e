import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { CallLinkError } from '../../core/phone/call-link';
import type { PhoneState } from '../../core/phone/phone-state';
import { t, type PlainKey } from '../i18n';
import { icon } from '../icons';
import { emit } from '../intent';
import { LocalizedElement } from '../lang-controller';
import { buttons, fields, warning } from '../shared-styles';
import { nameField } from './parts';
import { avatar, page, ringButtons } from './phone-styles';
import { initial } from './ring-end';

const LINK_ERROR: Record<CallLinkError, PlainKey> = {
  'not-a-call-link': 'linkNotACallLink',
  'unknown-version': 'linkNewerVersion',
  truncated: 'linkTruncated',
  checksum: 'linkTypo',
};

/** /call#…, before it rings: whom the link calls, my name as they will see it, and Call. */
@customElement('call-link-view')
export class CallLinkView extends LocalizedElement {
  @property({ attribute: false }) state!: PhoneState;
  /** The id in the link, once it decoded; a contact's id shows their name. */
  @property({ attribute: false }) calleeId: string | null = null;
  /** Why the link cannot ring anyone: then there is no Call button. */
  @property({ attribute: false }) linkError: CallLinkError | null = null;

  static styles = [
    buttons,
    fields,
    page,
    avatar,
    ringButtons,
    css`
      main {
        text-align: center;
      }
      form {
        display: grid;
        gap: 24px;
      }
      .field {
        text-align: start;
      }
      .problem {
        ${warning}
        display: flex;
        gap: 8px;
        text-align: start;
      }
    `,
  ];

  private call(e: Event) {
    e.preventDefault();
    emit(this, { type: 'phone-call', link: location.href });
  }

  render() {
    if (this.linkError)
      return html`<main>
        <h1>${t('linkBroken')}</h1>
        <p class="problem" role="alert">${icon('alert')}<span>${t(LINK_ERROR[this.linkError])}</span></p>
      </main>`;
    const contact = this.calleeId ? this.state.contacts.find((c) => c.id === this.calleeId) : undefined;
    const name = contact?.name ?? '';
    return html`<main>
      <div class="avatar" aria-hidden="true">${name ? initial(name) : icon('person')}</div>
      <h1>${name ? t('callPerson', { name }) : t('callOwner')}</h1>
      <form @submit=${this.call}>
        ${nameField(this, this.state.me?.name ?? '')}
        <div class="ring-actions">
          <button class="ring accept" type="submit"><span class="disc">${icon('phone')}</span>${t('call')}</button>
        </div>
      </form>
    </main>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'call-link-view': CallLinkView;
  }
}
