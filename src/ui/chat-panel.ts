import { css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatEntry } from '../core/chat';
import { MAX_CHAT_LENGTH } from '../core/peer-protocol';
import { clockTime, t } from './i18n';
import { emit } from './intent';
import { LocalizedElement } from './lang-controller';
import { buttons } from './shared-styles';

/** The call's text chat: a log everyone in the call shares, and a field to add to it. */
@customElement('chat-panel')
export class ChatPanel extends LocalizedElement {
  @property({ attribute: false }) chat: ReadonlyArray<ChatEntry> = [];
  @query('ol') private list?: HTMLOListElement;
  @query('input') private input?: HTMLInputElement;

  static styles = [
    buttons,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
      }
      h2 {
        font-size: 1rem;
        margin: 0 0 6px;
      }
      .log {
        display: flex;
        flex-direction: column;
        flex: 1;
        min-height: 0;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        overflow-y: auto;
        flex: 1;
        min-height: 80px;
      }
      li {
        padding: 4px 0;
        overflow-wrap: anywhere;
      }
      .who {
        font-weight: 600;
      }
      time {
        color: var(--muted-text);
        font-size: 0.85em;
        margin-inline-start: 6px;
      }
      p {
        margin: 2px 0 0;
        white-space: pre-wrap;
      }
      .empty {
        color: var(--muted-text);
      }
      form {
        display: flex;
        gap: 6px;
        margin-top: 6px;
      }
      input {
        flex: 1;
        min-width: 0;
        min-height: 40px;
        padding: 0 10px;
        border-radius: 8px;
        border: 1px solid var(--line);
        background: var(--bg, transparent);
        color: var(--text);
      }
    `,
  ];

  private send(e: SubmitEvent) {
    e.preventDefault();
    const input = this.input;
    if (!input || !input.value.trim()) return;
    emit(this, { type: 'chat', text: input.value });
    input.value = '';
  }

  /** Opening the chat means wanting to write: the panel puts the cursor in the message field. */
  focusInput(): void {
    this.input?.focus();
  }

  protected updated(changed: Map<string, unknown>) {
    // Follow new messages, like any chat, unless the reader scrolled up to read older ones.
    const list = this.list;
    // Reading scrollHeight forces a layout: not worth it for an empty log (the call screen's first render).
    if (changed.has('chat') && this.chat.length > 0 && list && list.scrollHeight - list.scrollTop - list.clientHeight < 120)
      list.scrollTop = list.scrollHeight;
  }

  render() {
    return html`
      <h2 id="chat-title">${t('chat')}</h2>
      <div role="log" aria-label=${t('messages')} class="log">
        <ol>
          ${repeat(
            this.chat,
            (m) => `${m.from ?? ''}/${m.id}`,
            (m) =>
              html`<li>
                <span class="who">${m.from === null ? `${m.name} ${t('you')}` : m.name}</span
                ><time datetime=${new Date(m.at).toISOString()}>${clockTime(m.at)}</time>
                <p>${m.text}</p>
              </li>`,
          )}
        </ol>
      </div>
      ${this.chat.length === 0 ? html`<p class="empty">${t('noMessages')}</p>` : null}
      <form @submit=${this.send}>
        <input type="text" aria-label=${t('message')} maxlength=${MAX_CHAT_LENGTH} autocomplete="off" enterkeyhint="send" />
        <button type="submit">${t('send')}</button>
      </form>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-panel': ChatPanel;
  }
}
