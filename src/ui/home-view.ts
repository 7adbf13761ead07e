import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { t } from './i18n';
import { icon } from './icons';
import { emit } from './intent';
import { LocalizedElement } from './lang-controller';
import { buttons } from './shared-styles';
import './shared-offer';

@customElement('home-view')
export class HomeView extends LocalizedElement {
  /** Files shared into the app, to send once in a call. */
  @property({ attribute: false }) offered: ReadonlyArray<File> = [];

  static styles = [
    buttons,
    css`
      :host {
        display: grid;
        place-items: center;
        min-height: 70vh;
        text-align: center;
        padding: 16px;
      }
      h1 {
        font-size: clamp(1.8rem, 6vw, 2.6rem);
        margin: 0 0 8px;
      }
      p {
        max-width: 32rem;
        margin: 0 auto 24px;
        color: var(--muted-text);
      }
      .links {
        display: flex;
        flex-wrap: wrap;
        gap: 12px;
        justify-content: center;
        margin-top: 16px;
      }
      /* Plain links, so they work before the root intercepts them, open in a new tab, and can be bookmarked. */
      a {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        min-height: 44px;
        padding: 0 18px;
        border-radius: 22px;
        border: 1px solid var(--line);
        background: var(--surface);
        color: var(--text);
        text-decoration: none;
      }
      a:focus-visible {
        outline: 3px solid var(--focus);
        outline-offset: 2px;
      }
      .icon {
        width: 20px;
        height: 20px;
      }
      shared-offer {
        max-width: 32rem;
        margin: 0 auto 24px;
      }
    `,
  ];

  render() {
    return html`<main>
      <h1>${t('appName')}</h1>
      <p>${t('tagline')}</p>
      <shared-offer .files=${this.offered}></shared-offer>
      <button class="primary" @click=${() => emit(this, { type: 'start' })}>${t('startCall')}</button>
      <div class="links">
        <a href="/me">${icon('link')}${t('myCallLink')}</a>
        <a href="/contacts">${icon('contacts')}${t('contacts')}</a>
      </div>
    </main>`;
  }
}
