import { css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { t } from './i18n';
import { icon } from './icons';
import { emit } from './intent';
import { LocalizedElement } from './lang-controller';
import { buttons, surface, boxless } from './shared-styles';

/**
 * "Share link" (only where the Web Share API exists) and "QR code" for the call link. The buttons flow into
 * the surrounding toolbar; the QR code opens in a modal dialog so phones can scan it from across the table.
 * The QR library is loaded on first use, keeping it out of the home page's initial JavaScript.
 */
@customElement('invite-tools')
export class InviteTools extends LocalizedElement {
  @property() url = '';
  @state() private qr = '';
  @query('dialog') private dialog!: HTMLDialogElement;

  static styles = [
    buttons,
    boxless,
    css`
      dialog {
        ${surface}
        border-radius: 16px;
        padding: 16px;
        max-width: min(90vw, 360px);
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.6);
      }
      h2 {
        margin: 0 0 12px;
        font-size: 1.2rem;
      }
      img {
        display: block;
        width: min(70vw, 280px);
        height: auto;
        aspect-ratio: 1;
        margin: 0 auto 12px;
        background: #fff;
        border-radius: 8px;
      }
      .url {
        word-break: break-all;
        font-size: 0.9rem;
        color: var(--muted-text);
        margin: 0 0 12px;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
      }
      button:has(.icon) {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        padding: 0 14px;
      }
      .icon {
        width: 20px;
        height: 20px;
      }
    `,
  ];

  private async showQr() {
    if (!this.qr) {
      const { toString } = await import('qrcode');
      const svg = await toString(this.url, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
      this.qr = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
      await this.updateComplete;
    }
    if (!this.dialog.open) this.dialog.showModal();
  }

  protected willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('url')) this.qr = '';
  }

  render() {
    const canShare = typeof navigator.share === 'function';
    return html`
      ${canShare ? html`<button @click=${() => emit(this, { type: 'share-link' })}>${icon('share')}${t('shareLink')}</button>` : nothing}
      <button aria-haspopup="dialog" @click=${this.showQr}>${icon('qr')}${t('qrCode')}</button>
      <dialog aria-labelledby="qr-title">
        <h2 id="qr-title">${t('qrCode')}</h2>
        ${this.qr ? html`<img src=${this.qr} alt=${t('qrAlt')} width="280" height="280" />` : nothing}
        <p class="url">${this.url}</p>
        <form method="dialog" class="actions"><button class="primary">${t('close')}</button></form>
      </dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'invite-tools': InviteTools;
  }
}
