import { css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { CallState } from '../core/call-store';
import { t } from './i18n';
import { emit } from './intent';
import { LocalizedElement } from './lang-controller';
import { buttons, fields } from './shared-styles';

/** Microphone and camera pickers for use during a call; a switch swaps the track without renegotiating. */
@customElement('device-pickers')
export class DevicePickers extends LocalizedElement {
  @property({ attribute: false }) state!: CallState;

  static styles = [
    buttons,
    fields,
    css`
      :host {
        display: flex;
        flex-wrap: wrap;
        gap: 12px;
      }
      label {
        display: grid;
        gap: 4px;
        font-weight: 600;
      }
      select {
        max-width: 260px;
      }
    `,
  ];

  private picker(kind: 'audio' | 'video') {
    const list = this.state.devices[kind];
    const selected = kind === 'audio' ? this.state.audioId : this.state.videoId;
    return html`<label
      >${t(kind === 'audio' ? 'microphone' : 'camera')}
      <select
        ?disabled=${list.length === 0}
        @change=${(e: Event) => emit(this, { type: 'device', kind, id: (e.target as HTMLSelectElement).value })}
      >
        ${list.length === 0 ? html`<option value="">${t('noDevices')}</option>` : nothing}
        ${list.map((d) => html`<option value=${d.id} ?selected=${d.id === selected}>${d.label}</option>`)}
      </select>
    </label>`;
  }

  render() {
    return html`${this.picker('audio')} ${this.picker('video')}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'device-pickers': DevicePickers;
  }
}
