import { html, nothing, type TemplateResult } from 'lit';
import type { TrustState } from '../../core/phone/contacts';
import { t } from '../i18n';
import { icon } from '../icons';

/**
 * Who this is, as far as this device knows. "Verified" only for a key the person compared safety numbers for;
 * a changed key is a warning, Signal's way, before anything connects.
 */
export function trustNote(trust: TrustState, name: string): TemplateResult | typeof nothing {
  switch (trust) {
    case 'verified':
      return html`<span class="badge verified">${icon('verified')}${t('trustVerified')}</span>`;
    case 'known':
      return html`<span class="badge">${icon('person')}${t('trustKnown')}</span>`;
    case 'new':
      return html`<span class="badge">${icon('unknown')}${t('trustNew')}</span>`;
    case 'key-changed':
      return html`<div class="key-changed" role="alert">
        <strong>${icon('keyChanged')}${t('keyChanged', { name })}</strong>
        <span>${t('keyChangedBody')}</span>
      </div>`;
  }
}
