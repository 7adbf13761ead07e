import { html, nothing, type TemplateResult } from 'lit';
import type { PhoneState } from '../../core/phone/phone-state';
import { noticeText, t } from '../i18n';
import { emit } from '../intent';

/** "Your name", the one my rings carry; every keystroke goes out, as on the pre-join screen. */
export function nameField(host: EventTarget, name: string): TemplateResult {
  return html`<div class="field">
    <label for="name">${t('yourName')}</label>
    <input
      id="name"
      name="name"
      autocomplete="nickname"
      maxlength="64"
      aria-describedby="name-hint"
      .value=${name}
      @input=${(e: Event) => emit(host, { type: 'phone-name', name: (e.target as HTMLInputElement).value })}
    />
    <span id="name-hint" class="hint">${t('nameHint')}</span>
  </div>`;
}

/**
 * The engine's one-line notices (a copied link, an import's result). The region is always there, so a screen
 * reader announces the text that appears in it.
 */
export function noticeRegion(notice: PhoneState['notice']): TemplateResult {
  const text = notice ? noticeText(notice) : null;
  return html`<p class="notice" role="status">${text ?? nothing}</p>`;
}
