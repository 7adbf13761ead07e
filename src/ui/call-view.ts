import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { CallState } from '../core/call-store';
import { t } from './i18n';
import { emit } from './intent';
import { buttons } from './shared-styles';
import './device-pickers';
import './video-tile';
import './invite-tools';
import './lang-select';
import './shared-offer';

function screenLabel(name: string): string {
  return t('screenOf').replace('{name}', name);
}
import './chat-panel';
import './transfer-list';

/** The call itself: everyone's tiles and the controls. */
@customElement('call-view')
export class CallView extends LitElement {
  @property({ attribute: false }) state!: CallState;
  /** Feedback for "Copy link", announced politely to screen readers. */
  @state() private status = '';

  static styles = [
    buttons,
    css`
      :host { display: grid; grid-template-rows: auto 1fr auto; height: 100dvh; }
      .banner { margin: 0; padding: 8px 16px; background: var(--warn-bg); color: var(--warn-text); text-align: center; }
      .tiles { display: grid; gap: 8px; padding: 8px; align-content: center; overflow: auto;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 320px), 1fr)); }
      @media (orientation: portrait) and (max-width: 700px) { .tiles { grid-template-columns: 1fr; } }
      .waiting { grid-column: 1 / -1; text-align: center; color: var(--muted-text); }
      .controls { display: flex; flex-wrap: wrap; gap: 8px; justify-content: center; padding: 10px; border-top: 1px solid var(--line); background: var(--surface); }
      .status { position: absolute; }
      shared-offer { grid-column: 1 / -1; }
      details { align-self: center; }
      summary { cursor: pointer; min-height: 44px; display: flex; align-items: center; padding: 0 8px; }
      details[open] device-pickers { padding: 8px 0; }
      .middle { display: flex; min-height: 0; }
      .middle .tiles { flex: 1; }
      .side { width: min(360px, 40vw); display: flex; flex-direction: column; gap: 12px; padding: 8px; overflow-y: auto; border-inline-start: 1px solid var(--line); }
      @media (max-width: 700px) { .middle { flex-direction: column; overflow-y: auto; } .side { width: auto; border-inline-start: 0; } }
    `,
  ];

  private async copyLink() {
    emit(this, { type: 'copy-link' });
  }

  /** Called by the root after the copy finished, so the message tells the truth. */
  announce(text: string) {
    this.status = text;
  }

  render() {
    const s = this.state;
    return html`
      ${s.server === 'reconnecting'
        ? html`<p class="banner" role="status">${t('serverReconnecting')}</p>`
        : s.notice === 'tampered-signal'
          ? html`<p class="banner" role="alert">${t('tamperedSignal')}</p>`
          : html`<div></div>`}
      <div class="middle">
      <section class="tiles" aria-label=${t('participants')}>
        <h1 class="visually-hidden">${t('callTitle')}</h1>
        <shared-offer in-call ?can-send=${s.participants.length > 0} .files=${s.offeredFiles}></shared-offer>
        <video-tile local .name=${s.name} .stream=${s.localStream} .camera=${s.camera && s.localStream?.getVideoTracks().length !== 0 && s.localStream !== null} .mic=${s.mic}></video-tile>
        ${s.localScreen ? html`<video-tile local screen .name=${screenLabel(s.name)} .stream=${s.localScreen}></video-tile>` : nothing}
        ${repeat(
          s.participants,
          (p) => p.key,
          (p) => html`<video-tile .name=${p.name || t('connecting')} .stream=${p.stream} .camera=${p.camera} .mic=${p.mic} .connection=${p.connection}
              .safetyNumber=${p.safetyNumber ?? ''} .problem=${p.problem ?? null}
              ?speaking=${s.speaker === p.key} ?paused=${p.videoPaused ?? false} .quality=${p.quality ?? null}></video-tile>
            ${p.screen ? html`<video-tile screen .name=${screenLabel(p.name || t('connecting'))} .stream=${p.screen}></video-tile>` : nothing}`,
        )}
        ${s.participants.length === 0 ? html`<p class="waiting">${t('waiting')}</p>` : nothing}
      </section>
      <aside class="side">
        <transfer-list .transfers=${s.transfers} .participants=${s.participants}></transfer-list>
        <chat-panel .chat=${s.chat}></chat-panel>
      </aside>
      </div>
      <div class="controls" role="toolbar" aria-label=${t('controls')}>
        <button aria-pressed=${String(s.mic)} @click=${() => emit(this, { type: 'toggle-mic' })}>${t('microphone')}</button>
        <button aria-pressed=${String(s.camera)} @click=${() => emit(this, { type: 'toggle-camera' })}>${t('camera')}</button>
        ${s.devices.video.length > 1 ? html`<button @click=${() => emit(this, { type: 'switch-camera' })}>${t('switchCamera')}</button>` : nothing}
        <button aria-pressed=${String(s.sharing ?? false)} @click=${() => emit(this, { type: 'toggle-screen' })}>${t('shareScreen')}</button>
        <button @click=${this.copyLink}>${t('copyLink')}</button>
        <invite-tools .url=${location.href}></invite-tools>
        <lang-select></lang-select>
        <button class="danger" @click=${() => emit(this, { type: 'leave' })}>${t('leave')}</button>
        <details><summary>${t('devices')}</summary><device-pickers .state=${s}></device-pickers></details>
        <span class="visually-hidden" role="status">${this.status}</span>
        ${s.screenProblem ? html`<p class="banner" role="alert">${t('screenFailed')}</p>` : nothing}
      </div>
    `;
  }
}
