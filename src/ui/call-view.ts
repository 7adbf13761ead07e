import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { CallState } from '../core/call-store';
import { t, type PlainKey } from './i18n';
import { LocalizedElement } from './lang-controller';
import { buttons } from './shared-styles';
import './call-panel';
import { type PanelEvent, type PanelName } from './control-bar';
import './control-bar';
import './call-stage';
import './call-toasts';
import type { ChatToast } from './call-toasts';
import { modeOf, tilesOf } from './layout';
import { CallPictureInPicture } from './picture-in-picture';
import { AutoSave } from './auto-save';

const TOAST_MS = 6_000;
const MAX_TOASTS = 3;

/** The call itself: everyone's tiles and the controls. */
@customElement('call-view')
export class CallView extends LocalizedElement {
  @property({ attribute: false }) state!: CallState;
  /** Feedback for "Copy link", announced politely to screen readers; kept as a key so it follows the language. */
  @state() private status: PlainKey | null = null;
  /** Which panel shows, chat or files; none by default so the videos have the screen. */
  @state() private panel: PanelName | null = null;
  /** How many chat entries had been seen when the chat was last open (undefined: none rendered yet). */
  private seenChat: number | undefined;
  /** Messages that arrived while the chat was closed, each shown for TOAST_MS. */
  @state() private toasts: ReadonlyArray<ChatToast> = [];
  /** How many chat entries have been considered for a toast. */
  private toasted: number | undefined;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  /** The call in a small window while the tab is hidden; closed when this screen goes (the call ended). */
  private readonly pip = new CallPictureInPicture(this);
  private readonly autoSave = new AutoSave();

  disconnectedCallback(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.pip.close();
    super.disconnectedCallback();
  }

  private readonly openPip = (e: Event) => {
    e.stopPropagation();
    this.pip.open().catch((err: unknown) => console.warn('picture-in-picture failed', err));
  };

  private readonly showPanel = (e: PanelEvent) => {
    e.stopPropagation();
    this.panel = e.panel;
  };

  /** Messages from others that arrived while the chat was closed. */
  private unreadChat(): number {
    const chat = this.state.chat;
    // The screen's first render (it may be built ahead, before the call) starts with everything so far read.
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
      :host {
        --bar-height: 72px;
        display: grid;
        grid-template-rows: auto minmax(0, 1fr) auto;
        grid-template-columns: minmax(0, 1fr);
        height: 100dvh;
        background: var(--call-bg);
        color: var(--call-text);
      }
      .banner {
        margin: 0;
        padding: 8px 16px;
        background: var(--warn-bg);
        color: var(--warn-text);
        text-align: center;
      }
      .middle {
        display: flex;
        min-height: 0;
        position: relative;
      }
      call-stage {
        flex: 1;
      }
      /* One picture fills the screen (alone, or one other person): it runs under the bar, as on a phone call. */
      :host([fill]) .middle {
        grid-row: 2 / 4;
        --fill-bottom: var(--bar-height);
      }
      :host([fill]) .bar {
        background: linear-gradient(transparent, rgb(0 0 0 / 0.5));
      }
      /* Placed explicitly, so a filled middle and the bar share row 3 instead of making a second column. */
      .middle,
      .bar {
        grid-column: 1;
      }
      .middle {
        grid-row: 2;
      }
      .bar {
        grid-row: 3;
        z-index: 1;
        position: relative;
      }
      .bar {
        display: flex;
        align-items: center;
        justify-content: center;
        min-height: var(--bar-height);
        box-sizing: border-box;
        padding: 12px 8px max(12px, env(safe-area-inset-bottom));
        background: var(--bar-bg);
      }
      .bar .banner {
        position: absolute;
        inset: auto 8px calc(var(--bar-height) + 8px);
        border-radius: 8px;
      }
    `,
  ];

  /** Called by the root after the copy finished, so the message tells the truth. */
  announce(result: PlainKey) {
    this.status = result;
  }

  /** New messages from others become toasts unless the chat is open to read them. */
  private toastNewMessages() {
    const chat = this.state.chat;
    const from = this.toasted ?? chat.length;
    this.toasted = chat.length;
    if (this.panel === 'chat') {
      this.toasts = [];
      return;
    }
    const fresh = chat
      .slice(from)
      .filter((m) => m.from !== null)
      .map((m) => ({ key: `${m.from}/${m.id}`, name: m.name, text: m.text }));
    if (fresh.length === 0) return;
    // A burst shows its latest few; older ones are in the chat, counted on its button.
    this.toasts = [...this.toasts, ...fresh].slice(-MAX_TOASTS);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.toasts = this.toasts.filter((x) => !fresh.includes(x));
    }, TOAST_MS);
    this.timers.add(timer);
  }

  protected updated(): void {
    // Offered only once the call is on: the browser may open it by itself when the tab is hidden.
    if (this.state.phase === 'in-call') this.pip.offer(this.state);
    else this.pip.close();
  }

  protected willUpdate(): void {
    this.toastNewMessages();
    this.autoSave.update(this.state.transfers);
    // The bar floats over a picture that fills the screen, unless a side panel shares the screen with it.
    const { mode } = modeOf(tilesOf(this.state));
    this.toggleAttribute('fill', (mode === 'solo' || mode === 'pip') && this.panel === null);
  }

  render() {
    const s = this.state;
    return html`
      ${
        s.server === 'reconnecting'
          ? html`<p class="banner" role="status">${t('serverReconnecting')}</p>`
          : s.notice === 'tampered-signal'
            ? html`<p class="banner" role="alert">${t('tamperedSignal')}</p>`
            : html`<div></div>`
      }
      <div class="middle">
        <call-stage .state=${s}></call-stage>
        <call-toasts
          .offers=${this.panel === 'files' ? [] : s.transfers.filter((x) => x.direction === 'in' && x.state === 'offered')}
          .messages=${this.toasts}
          @panel=${this.showPanel}
        ></call-toasts>
        <call-panel .state=${s} .panel=${this.panel} @panel=${this.showPanel}></call-panel>
      </div>
      <div class="bar">
        <control-bar
          .state=${s}
          .panel=${this.panel}
          .unreadChat=${this.unreadChat()}
          .pendingFiles=${this.pendingFiles()}
          @panel=${this.showPanel}
          @pip=${this.openPip}
        ></control-bar>
        <span class="visually-hidden" role="status">${this.status ? t(this.status) : ''}</span>
        ${s.screenProblem ? html`<p class="banner" role="alert">${t('screenFailed')}</p>` : nothing}
      </div>
    `;
  }
}
