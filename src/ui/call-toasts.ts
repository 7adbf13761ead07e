import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Transfer } from '../core/files/file-transfer';
import { PanelEvent } from './control-bar';
import { t } from './i18n';
import { emit } from './intent';
import { LocalizedElement } from './lang-controller';
import { buttons, surface } from './shared-styles';

export interface ChatToast {
  key: string;
  name: string;
  text: string;
}

/**
 * What arrives while its panel is closed: a file someone offers (Accept or Decline right here: it waits for
 * an answer) and chat messages (shown for a few seconds, with a way into the chat). A polite live region,
 * so screen readers hear each one as it appears.
 */
@customElement('call-toasts')
export class CallToasts extends LocalizedElement {
  @property({ attribute: false }) offers: ReadonlyArray<Transfer> = [];
  @property({ attribute: false }) messages: ReadonlyArray<ChatToast> = [];

  static styles = [
    buttons,
    css`
      :host {
        position: absolute;
        z-index: 3;
        top: max(8px, env(safe-area-inset-top));
        left: 50%;
        transform: translateX(-50%);
        width: min(420px, calc(100% - 16px));
        pointer-events: none;
      }
      section {
        display: grid;
        gap: 8px;
      }
      article {
        pointer-events: auto;
        display: grid;
        gap: 8px;
        padding: 10px 12px;
        border-radius: 14px;
        ${surface}
        box-shadow: 0 6px 24px rgb(0 0 0 / 0.3);
      }
      p {
        margin: 0;
        overflow-wrap: anywhere;
      }
      .text {
        display: -webkit-box;
        -webkit-line-clamp: 2;
        -webkit-box-orient: vertical;
        overflow: hidden;
      }
      .who {
        font-weight: 600;
      }
      .actions {
        display: flex;
        gap: 8px;
        justify-content: flex-end;
      }
      .actions button {
        min-height: 40px;
      }
    `,
  ];

  private act(action: 'accept' | 'decline', id: string) {
    // Accept runs inside this click: the browser may open its save dialog, which needs the user's gesture.
    emit(this, { type: 'transfer', action, id });
  }

  render() {
    return html`<section aria-label=${t('notifications')} aria-live="polite">
      ${repeat(
        this.offers,
        (x) => x.id,
        (x) =>
          html`<article aria-label=${t('fileToastLabel', { name: x.peerName, file: x.name })}>
            <p><span class="who">${t('fileOfferFrom', { name: x.peerName })}</span><br />${x.name}</p>
            <div class="actions">
              <button @click=${() => this.act('decline', x.id)}>${t('decline')}</button>
              <button class="primary" @click=${() => this.act('accept', x.id)}>${t('accept')}</button>
            </div>
          </article>`,
      )}
      ${repeat(
        this.messages,
        (m) => m.key,
        (m) =>
          html`<article aria-label=${t('messageFrom', { name: m.name })}>
            <p class="text"><span class="who">${m.name}:</span> ${m.text}</p>
            <div class="actions"><button @click=${() => this.dispatchEvent(new PanelEvent('chat'))}>${t('openChat')}</button></div>
          </article>`,
      )}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'call-toasts': CallToasts;
  }
}
