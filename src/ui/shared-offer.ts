import { css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { t } from './i18n';
import { emit } from './intent';
import { LocalizedElement } from './lang-controller';
import { buttons } from './shared-styles';

/**
 * Files shared into the app from the phone's share sheet. In a call they can be sent to everyone; before
 * one, the user is told to start or join a call, and the offer follows them into it.
 */
@customElement('shared-offer')
export class SharedOffer extends LocalizedElement {
  @property({ attribute: false }) files: ReadonlyArray<File> = [];
  /** In a call: offer sending. Not in a call: explain how to get there. */
  @property({ type: Boolean, attribute: 'in-call' }) inCall = false;
  /** Sending needs someone to send to. */
  @property({ type: Boolean, attribute: 'can-send' }) canSend = false;

  static styles = [
    buttons,
    css`
      :host {
        display: block;
      }
      :host([hidden]) {
        display: none;
      }
      section {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 12px;
        align-items: center;
        justify-content: center;
        padding: 10px 12px;
        border-radius: 12px;
        border: 1px solid var(--line);
        background: var(--surface);
      }
      p {
        margin: 0;
        overflow-wrap: anywhere;
      }
      .hint {
        color: var(--muted-text);
        flex-basis: 100%;
        text-align: center;
      }
    `,
  ];

  protected willUpdate(): void {
    this.hidden = this.files.length === 0;
  }

  render() {
    if (this.files.length === 0) return nothing;
    const names = this.files.map((f) => f.name).join(', ');
    const lead = this.files.length === 1 ? t('sharedReady') : t('sharedReadyMany');
    return html`<section aria-label=${lead}>
      <p role="status">${lead} <strong>${names}</strong></p>
      ${
        this.inCall
          ? html`<button class="primary" ?disabled=${!this.canSend} @click=${() => emit(this, { type: 'send-shared' })}>
              ${t('sendToEveryone')}
            </button>`
          : html`<p class="hint">${t('sharedStartHint')}</p>`
      }
      <button @click=${() => emit(this, { type: 'dismiss-shared' })}>${t('dismiss')}</button>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'shared-offer': SharedOffer;
  }
}
