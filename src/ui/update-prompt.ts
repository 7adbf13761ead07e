import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { t } from './i18n';
import { LocalizedElement } from './lang-controller';
import { buttons, surface } from './shared-styles';

/**
 * "A new version is available" with a Reload button. The app never reloads by itself, because a reload in
 * the middle of a call would drop it; the user decides when. `reload` is set by src/main.ts.
 */
@customElement('update-prompt')
export class UpdatePrompt extends LocalizedElement {
  @property({ attribute: false }) reload: () => void = () => location.reload();

  static styles = [
    buttons,
    css`
      :host {
        position: fixed;
        z-index: 10;
        left: 50%;
        bottom: calc(96px + env(safe-area-inset-bottom));
        transform: translateX(-50%);
        width: max-content;
        max-width: calc(100vw - 32px);
      }
      aside {
        display: flex;
        flex-wrap: wrap;
        gap: 12px;
        align-items: center;
        justify-content: center;
        padding: 10px 14px;
        border-radius: 12px;
        ${surface}
        box-shadow: 0 4px 16px rgb(0 0 0 / 0.25);
      }
      p {
        margin: 0;
      }
    `,
  ];

  render() {
    return html`<aside aria-label=${t('updateTitle')}>
      <p role="status">${t('updateAvailable')}</p>
      <button class="primary" @click=${() => this.reload()}>${t('reload')}</button>
    </aside>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'update-prompt': UpdatePrompt;
  }
}
