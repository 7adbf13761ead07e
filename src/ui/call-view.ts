import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { CallState } from '../core/call-store';
import { t } from './i18n';
import { buttons } from './shared-styles';
import './call-panel';
import { type PanelEvent, type PanelName } from './control-bar';
import './control-bar';
import './video-tile';
import './shared-offer';

function screenLabel(name: string): string {
  return t('screenOf').replace('{name}', name);
}

/** The call itself: everyone's tiles and the controls. */
@customElement('call-view')
export class CallView extends LitElement {
  @property({ attribute: false }) state!: CallState;
  /** Feedback for "Copy link", announced politely to screen readers. */
  @state() private status = '';
  /** Which panel shows, chat or files; none by default so the videos have the screen. */
  @state() private panel: PanelName | null = null;
  /** How many chat entries had been seen when the chat was last open (undefined: none rendered yet). */
  private seenChat: number | undefined;

  private readonly showPanel = (e: PanelEvent) => {
    e.stopPropagation();
    this.panel = e.panel;
  };

  /** Messages from others that arrived while the chat was closed. */
  private unreadChat(): number {
    const chat = this.state.chat;
    // A screen re-created (a language change) starts with everything so far read.
    this.seenChat ??= chat.length;
    if (this.panel === 'chat') this.seenChat = chat.length;
    return chat.slice(this.seenChat).filter((m) => m.from !== null).length;
  }

  /** Files someone wants to send us, waiting for Accept or Decline. */
  private pendingFiles(): number {
    return this.state.transfers.filter((x) => x.direction === 'in' && x.state === 'offered').length;
  }

  static styles = [
    buttons,
    css`
      :host { --bar-height: 72px; display: grid; grid-template-rows: auto minmax(0, 1fr) auto; height: 100dvh; background: var(--call-bg); color: var(--call-text); }
      .banner { margin: 0; padding: 8px 16px; background: var(--warn-bg); color: var(--warn-text); text-align: center; }
      .middle { display: flex; min-height: 0; }
      .tiles { flex: 1; min-width: 0; display: grid; gap: 8px; padding: 8px; align-content: center; overflow: auto;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 320px), 1fr)); }
      @media (orientation: portrait) and (max-width: 700px) { .tiles { grid-template-columns: 1fr; } }
      .waiting { grid-column: 1 / -1; text-align: center; }
      .bar { display: flex; align-items: center; justify-content: center; min-height: var(--bar-height); box-sizing: border-box;
        padding: 12px 8px max(12px, env(safe-area-inset-bottom)); background: var(--bar-bg); }
      .bar .banner { position: absolute; inset: auto 8px calc(var(--bar-height) + 8px); border-radius: 8px; }
      shared-offer { grid-column: 1 / -1; }
    `,
  ];

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
      <call-panel .state=${s} .panel=${this.panel} @panel=${this.showPanel}></call-panel>
      </div>
      <div class="bar">
        <control-bar .state=${s} .panel=${this.panel} .unreadChat=${this.unreadChat()} .pendingFiles=${this.pendingFiles()} @panel=${this.showPanel}></control-bar>
        <span class="visually-hidden" role="status">${this.status}</span>
        ${s.screenProblem ? html`<p class="banner" role="alert">${t('screenFailed')}</p>` : nothing}
      </div>
    `;
  }
}
