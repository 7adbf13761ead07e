import { css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { PhoneState } from '../../core/phone/phone-state';
import { t, type PlainKey } from '../i18n';
import { icon, type IconName } from '../icons';
import { emit } from '../intent';
import { LocalizedElement } from '../lang-controller';
import { buttons, fields, surface, warning } from '../shared-styles';
import { nameField, noticeRegion } from './parts';
import { page, switchAndConfirm } from './phone-styles';
import { qrCode } from './qr';

const REGISTRATION: Record<PhoneState['registration'], { key: PlainKey; glyph: IconName }> = {
  online: { key: 'statusOnline', glyph: 'online' },
  connecting: { key: 'statusConnecting', glyph: 'pending' },
  refused: { key: 'statusRefused', glyph: 'alert' },
  off: { key: 'statusOff', glyph: 'offline' },
};

/**
 * /me: my call link to hand out (copy, share sheet, QR code), "New link" to stop the old ones ringing, my name,
 * whether my link rings here now, and whether it rings with the app closed.
 */
@customElement('my-link-view')
export class MyLinkView extends LocalizedElement {
  @property({ attribute: false }) state!: PhoneState;
  @state() private qr = '';
  private qrFor = '';
  @query('dialog') private confirm!: HTMLDialogElement;

  static styles = [
    buttons,
    fields,
    page,
    switchAndConfirm,
    css`
      .link {
        ${surface}
        padding: 10px 12px;
        border-radius: 8px;
        font-family: ui-monospace, monospace;
        font-size: 0.9rem;
        overflow-wrap: anywhere;
        user-select: all;
      }
      .qr {
        display: block;
        width: min(60vw, 240px);
        height: auto;
        aspect-ratio: 1;
        background: #fff;
        border-radius: 8px;
        justify-self: center;
      }
      .refused {
        ${warning}
      }
      .switch input {
        flex: none;
      }
      .denied {
        ${warning}
      }
      dialog h2 {
        margin: 0 0 8px;
        font-size: 1.2rem;
      }
      section {
        display: grid;
        gap: 12px;
      }
      .notice {
        flex-basis: 100%;
      }
    `,
  ];

  protected willUpdate(): void {
    const link = this.state.me?.link ?? '';
    if (link !== this.qrFor) {
      this.qrFor = link;
      this.qr = '';
      if (link) void this.drawQr(link);
    }
  }

  private async drawQr(link: string) {
    try {
      const url = await qrCode.dataUrl(link);
      if (link === this.qrFor) this.qr = url;
    } catch {
      // Without the picture the link is still there to copy and share.
    }
  }

  private newLink() {
    this.confirm.close();
    emit(this, { type: 'phone-new-link' });
  }

  private registration() {
    const r = REGISTRATION[this.state.registration];
    return html`<p class="status ${this.state.registration === 'refused' ? 'refused' : ''}" role="status">
      ${icon(r.glyph)}<span>${t(r.key)}</span>
    </p>`;
  }

  private push() {
    const p = this.state.push;
    if (!p.supported) return nothing;
    return html`<section>
      <label class="switch">
        <input
          type="checkbox"
          role="switch"
          aria-describedby="push-help"
          .checked=${p.enabled}
          ?disabled=${p.denied && !p.enabled}
          @change=${(e: Event) => emit(this, { type: 'phone-push', enabled: (e.target as HTMLInputElement).checked })}
        />
        ${icon('ring')}${t('ringWhenClosed')}
      </label>
      <p id="push-help" class="hint">${t('ringWhenClosedHelp')}</p>
      ${p.denied ? html`<p class="denied" role="alert">${t('pushDenied')}</p>` : nothing}
    </section>`;
  }

  render() {
    const me = this.state.me;
    const canShare = typeof navigator.share === 'function';
    return html`<main>
      <h1>${t('myCallLink')}</h1>
      ${this.registration()}
      ${
        me
          ? html`<p class="hint">${t('myLinkHelp')}</p>
              <p class="link">${me.link}</p>
              <div class="row">
                <button class="primary" @click=${() => emit(this, { type: 'phone-copy-link' })}>${icon('copy')}${t('copyLink')}</button>
                ${
                  canShare
                    ? html`<button @click=${() => emit(this, { type: 'phone-share-link' })}>${icon('share')}${t('shareLink')}</button>`
                    : nothing
                }
                <button aria-haspopup="dialog" @click=${() => this.confirm.showModal()}>${icon('newLink')}${t('newLink')}</button>
                ${noticeRegion(this.state.notice)}
              </div>
              ${this.qr ? html`<img class="qr" src=${this.qr} alt=${t('myQrAlt')} width="240" height="240" />` : nothing}`
          : html`<p class="hint">${t('myLinkLoading')}</p>
              ${noticeRegion(this.state.notice)}`
      }
      ${nameField(this, me?.name ?? '')} ${this.push()}
      <a href="/contacts" class="button">${icon('contacts')}${t('contacts')}</a>
      <dialog aria-labelledby="new-title" aria-describedby="new-body">
        <h2 id="new-title">${t('newLinkTitle')}</h2>
        <p id="new-body">${t('newLinkBody')}</p>
        <div class="row">
          <button autofocus @click=${() => this.confirm.close()}>${t('cancel')}</button>
          <button class="danger" @click=${this.newLink}>${t('newLinkConfirm')}</button>
        </div>
      </dialog>
    </main>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'my-link-view': MyLinkView;
  }
}
