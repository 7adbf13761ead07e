import { css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { CallState } from '../core/call-store';
import './chat-panel';
import type { ChatPanel } from './chat-panel';
import { PanelEvent, type PanelName } from './control-bar';
import { icon } from './icons';
import { t } from './i18n';
import { LocalizedElement } from './lang-controller';
import { buttons, boxless } from './shared-styles';
import './transfer-list';

/** Wide enough for the videos and a 360 px column side by side; narrower screens get a bottom sheet. */
export const SIDE_PANEL_QUERY = '(min-width: 720px)';

/** The deepest focused element, through shadow roots: where focus goes back to when the panel closes. */
function deepActive(): HTMLElement | null {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el instanceof HTMLElement ? el : null;
}

const FOCUSABLE =
  'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

/** What Tab can reach under `root`, in order, through shadow roots, skipping what is hidden. */
function focusables(root: ParentNode): HTMLElement[] {
  const found: HTMLElement[] = [];
  for (const el of root.querySelectorAll<HTMLElement>('*')) {
    if (el.matches(FOCUSABLE) && !el.classList.contains('edge') && el.checkVisibility()) found.push(el);
    if (el.shadowRoot) found.push(...focusables(el.shadowRoot));
  }
  return found;
}

/**
 * Chat and files, one at a time: a column beside the videos on a wide screen (non-modal, the call stays
 * usable), a modal bottom sheet on a phone (the browser then keeps focus inside it, and Escape closes it).
 * Both stay rendered while hidden, so a half-typed message and the "Send to" choice survive closing.
 * Either way, closing hands focus back to where it was, normally the bar button that opened it.
 */
@customElement('call-panel')
export class CallPanel extends LocalizedElement {
  @property({ attribute: false }) state!: CallState;
  @property({ attribute: false }) panel: PanelName | null = null;
  @query('dialog') private dialog!: HTMLDialogElement;
  @query('chat-panel') private chat?: ChatPanel;
  private returnFocus: HTMLElement | null = null;
  /** Shown as the modal sheet: then Tab wraps around inside it. */
  @state() private modal = false;
  private readonly wide = matchMedia(SIDE_PANEL_QUERY);

  static styles = [
    buttons,
    boxless,
    css`
      dialog {
        box-sizing: border-box;
        padding: 12px 16px 16px;
        border: 0;
        background: var(--surface);
        color: var(--text);
        flex-direction: column;
        gap: 8px;
      }
      dialog[open] {
        display: flex;
      }
      dialog:not(:modal) {
        position: relative;
        inset: auto;
        width: min(380px, 42vw);
        max-height: none;
        height: auto;
        margin: 0;
        border-inline-start: 1px solid var(--line);
      }
      dialog:modal {
        width: 100%;
        max-width: 100%;
        height: min(75dvh, 640px);
        max-height: 100dvh;
        margin: auto 0 0;
        border-radius: 16px 16px 0 0;
        padding-bottom: max(16px, env(safe-area-inset-bottom));
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.5);
      }
      /* Beside the section's own heading (Chat, Files), which names the panel. */
      .close {
        position: absolute;
        top: 6px;
        inset-inline-end: 8px;
        display: inline-grid;
        place-items: center;
        width: 44px;
        padding: 0;
        border-radius: 50%;
        z-index: 1;
      }
      chat-panel,
      transfer-list {
        flex: 1;
        min-height: 0;
        overflow-y: auto;
      }
      [hidden] {
        display: none !important;
      }
    `,
  ];

  connectedCallback(): void {
    super.connectedCallback();
    this.wide.addEventListener('change', this.reopen);
  }

  disconnectedCallback(): void {
    this.wide.removeEventListener('change', this.reopen);
    super.disconnectedCallback();
  }

  /** A phone turned sideways (or a window resized) changes which kind of panel fits: open it again as that. */
  private readonly reopen = () => {
    if (!this.dialog?.open) return;
    this.dialog.close();
    this.show();
  };

  private show() {
    this.modal = !this.wide.matches;
    if (this.modal) this.dialog.showModal();
    else this.dialog.show();
  }

  /**
   * The sheet's first and last tab stops hand focus round to the other end. A modal dialog makes the page
   * behind it inert, but Tab past its last control would still leave it for the browser's own UI.
   */
  private wrap(to: 'first' | 'last') {
    const stops = focusables(this.dialog);
    (to === 'first' ? stops[0] : stops[stops.length - 1])?.focus();
  }

  protected updated(changed: Map<PropertyKey, unknown>): void {
    if (!changed.has('panel')) return;
    if (this.panel && !this.dialog.open) {
      this.returnFocus = deepActive();
      this.show();
    }
    if (!this.panel && this.dialog.open) this.dialog.close();
    if (this.panel === 'chat') void this.chat?.updateComplete.then(() => this.chat?.focusInput());
  }

  /** Closed by Escape, the close button or a call screen that asked: the bar's state follows, focus goes back. */
  private readonly closed = () => {
    this.modal = false;
    if (this.panel) this.dispatchEvent(new PanelEvent(null));
    const back = this.returnFocus;
    this.returnFocus = null;
    if (back?.isConnected) back.focus();
  };

  /** Escape closes the non-modal column as it does the modal sheet (the browser handles that one). */
  private keydown(e: KeyboardEvent) {
    if (e.key === 'Escape' && !this.dialog.matches(':modal')) {
      e.stopPropagation();
      this.dialog.close();
    }
  }

  render() {
    const s = this.state;
    const title = this.panel === 'files' ? t('files') : t('chat');
    return html`<dialog aria-label=${title} @close=${this.closed} @keydown=${this.keydown}>
      ${this.modal ? html`<span class="edge" tabindex="0" @focus=${() => this.wrap('last')}></span>` : nothing}
      <button class="close" aria-label=${t('close')} @click=${() => this.dialog.close()}>${icon('close')}</button>
      <chat-panel .chat=${s.chat} ?hidden=${this.panel !== 'chat'}></chat-panel>
      <transfer-list
        .transfers=${s.transfers}
        .participants=${s.participants}
        .live=${s.phase === 'in-call'}
        ?hidden=${this.panel !== 'files'}
      ></transfer-list>
      ${this.modal ? html`<span class="edge" tabindex="0" @focus=${() => this.wrap('first')}></span>` : nothing}
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'call-panel': CallPanel;
  }
}
