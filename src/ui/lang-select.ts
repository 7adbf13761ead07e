import { css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { LANG_NAMES, chooseLang, lang, t, type Lang } from './i18n';
import { LocalizedElement } from './lang-controller';
import { buttons, fields } from './shared-styles';

/** The language picker ("Language" / "Idioma"); the choice is remembered, and every component renders again in place. */
@customElement('lang-select')
export class LangSelect extends LocalizedElement {
  static styles = [
    buttons,
    fields,
    css`
      :host {
        display: inline-block;
      }
      label {
        display: inline-flex;
        gap: 8px;
        align-items: center;
      }
      select {
        padding: 0 8px;
      }
    `,
  ];

  private change(e: Event) {
    const value = (e.target as HTMLSelectElement).value;
    if (value === 'en' || value === 'es') chooseLang(value);
  }

  render() {
    const langs = Object.keys(LANG_NAMES) as Lang[];
    return html`<label
      >${t('language')}
      <select @change=${this.change}>
        ${langs.map((l) => html`<option value=${l} lang=${l} .selected=${l === lang()}>${LANG_NAMES[l]}</option>`)}
      </select>
    </label>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lang-select': LangSelect;
  }
}
