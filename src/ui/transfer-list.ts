import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Participant } from '../core/call-store';
import type { Transfer } from '../core/files/file-transfer';
import { decimal, t, type PlainKey } from './i18n';
import { emit } from './intent';
import { LocalizedElement } from './lang-controller';
import { buttons } from './shared-styles';

const STATE_TEXT: Record<Transfer['state'], PlainKey> = {
  offered: 'stateOffered',
  waiting: 'stateWaiting',
  active: 'stateActive',
  interrupted: 'stateInterrupted',
  done: 'stateDone',
  declined: 'stateDeclined',
  cancelled: 'stateCancelled',
  failed: 'stateFailed',
};
const REASON_TEXT: Record<NonNullable<Transfer['reason']>, PlainKey> = {
  cancelled: 'stateCancelled',
  corrupt: 'reasonCorrupt',
  'bad-data': 'reasonBadData',
  'no-storage': 'reasonNoStorage',
  failed: 'reasonFailed',
  'peer-left': 'reasonPeerLeft',
};

function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${decimal(n, i === 0 ? 0 : 1)} ${units[i]}`;
}

function duration(s: number): string {
  const total = Math.ceil(s);
  const m = Math.floor(total / 60);
  return m > 0 ? `${m} min ${total % 60} s` : `${total} s`;
}

/**
 * Sending files (picker, drag and drop anywhere on the call, paste) and every transfer's progress with its
 * actions. Files dropped or pasted go to whoever the "Send to" choice names.
 */
@customElement('transfer-list')
export class TransferList extends LocalizedElement {
  @property({ attribute: false }) transfers: ReadonlyArray<Transfer> = [];
  @property({ attribute: false }) participants: ReadonlyArray<Participant> = [];
  /** False while the call screen is built ahead, invisible, before the call starts: drops then are not for it. */
  @property({ type: Boolean }) live = true;
  @state() private to = 'all';

  static styles = [
    buttons,
    css`
      :host {
        display: block;
      }
      h2 {
        font-size: 1rem;
        margin: 0 0 6px;
      }
      .send {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
      }
      label.pick {
        display: inline-flex;
        align-items: center;
        min-height: 44px;
        padding: 0 14px;
        border-radius: 22px;
        border: 1px solid var(--line);
        cursor: pointer;
      }
      label.pick:focus-within {
        outline: 3px solid var(--focus);
        outline-offset: 2px;
      }
      label.pick input {
        position: absolute;
        width: 1px;
        height: 1px;
        opacity: 0;
      }
      select {
        min-height: 40px;
        border-radius: 8px;
      }
      .hint {
        color: var(--muted-text);
        font-size: 0.85em;
        margin: 4px 0;
      }
      ul {
        list-style: none;
        margin: 6px 0 0;
        padding: 0;
        display: grid;
        gap: 8px;
      }
      li {
        border: 1px solid var(--line);
        border-radius: 8px;
        padding: 8px;
      }
      .name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .meta,
      .status {
        font-size: 0.9em;
        color: var(--muted-text);
      }
      progress {
        width: 100%;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        margin-top: 4px;
      }
      .actions a {
        display: inline-flex;
        align-items: center;
        min-height: 44px;
        padding: 0 18px;
        border-radius: 22px;
        background: var(--accent);
        color: var(--on-accent);
        font-weight: 600;
        text-decoration: none;
      }
      .failed .status {
        color: var(--danger);
      }
    `,
  ];

  connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('dragover', this.onDragOver);
    document.addEventListener('drop', this.onDrop);
    document.addEventListener('paste', this.onPaste);
  }

  disconnectedCallback(): void {
    document.removeEventListener('dragover', this.onDragOver);
    document.removeEventListener('drop', this.onDrop);
    document.removeEventListener('paste', this.onPaste);
    super.disconnectedCallback();
  }

  /** Offers files to the current "Send to" choice. */
  offer(files: File[]): void {
    if (files.length === 0 || this.participants.length === 0) return;
    const to = this.participants.some((p) => p.key === this.to) ? this.to : 'all';
    emit(this, { type: 'send-files', files, to });
  }

  private readonly onDragOver = (e: DragEvent) => {
    if (e.dataTransfer?.types.includes('Files') && this.live) e.preventDefault();
  };

  private readonly onDrop = (e: DragEvent) => {
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length === 0 || !this.live) return;
    e.preventDefault();
    this.offer(files);
  };

  private readonly onPaste = (e: ClipboardEvent) => {
    const files = [...(e.clipboardData?.files ?? [])];
    if (files.length === 0 || !this.live) return;
    e.preventDefault();
    this.offer(files);
  };

  private picked(e: Event) {
    const input = e.target as HTMLInputElement;
    this.offer([...(input.files ?? [])]);
    input.value = '';
  }

  private act(action: 'accept' | 'decline' | 'cancel' | 'dismiss', id: string) {
    emit(this, { type: 'transfer', action, id });
  }

  private row(x: Transfer) {
    const peer = t(x.direction === 'in' ? 'fromPeer' : 'toPeer', { name: x.peerName });
    const pct = x.size === 0 ? 100 : Math.floor((x.bytes / x.size) * 100);
    const moving = x.state === 'active' || x.state === 'interrupted';
    const rate = moving && x.speed > 0 ? ` · ${bytes(x.speed)}/s` : '';
    const left = moving && x.eta !== null ? ` · ${t('timeLeft', { time: duration(x.eta) })}` : '';
    let status = t(STATE_TEXT[x.state]);
    if (x.state === 'failed' && x.reason) status = `${status}: ${t(REASON_TEXT[x.reason])}`;
    if (x.state === 'done' && x.direction === 'in' && !x.url) status = t('savedToDisk');
    const busy = x.state === 'waiting' || moving;
    return html`<li role="group" aria-label=${`${x.name}, ${peer}`} class=${x.state}>
      <div class="name">${x.name}</div>
      <div class="meta">${bytes(x.size)} · ${peer}</div>
      ${
        moving || x.state === 'done'
          ? html`<progress max="100" value=${pct} aria-label=${x.name}></progress>
              <div class="meta" aria-live="off">${pct}%${rate}${left}</div>`
          : nothing
      }
      <div class="status" role="status">${status}</div>
      <div class="actions">
        ${
          x.state === 'offered'
            ? html`<button class="primary" @click=${() => this.act('accept', x.id)}>${t('accept')}</button>
                <button @click=${() => this.act('decline', x.id)}>${t('decline')}</button>`
            : nothing
        }
        ${busy ? html`<button @click=${() => this.act('cancel', x.id)}>${t('cancel')}</button>` : nothing}
        ${x.state === 'done' && x.url ? html`<a href=${x.url} download=${x.name}>${t('save')}</a>` : nothing}
        ${!busy && x.state !== 'offered' ? html`<button @click=${() => this.act('dismiss', x.id)}>${t('dismiss')}</button>` : nothing}
      </div>
    </li>`;
  }

  render() {
    const none = this.participants.length === 0;
    return html`
      <h2>${t('files')}</h2>
      <div class="send">
        <label class="pick">${t('sendFile')}<input type="file" multiple ?disabled=${none} @change=${this.picked} /></label>
        <label
          >${t('sendTo')}
          <select .value=${this.to} @change=${(e: Event) => (this.to = (e.target as HTMLSelectElement).value)}>
            <option value="all">${t('everyone')}</option>
            ${this.participants.map((p) => html`<option value=${p.key}>${p.name || t('connecting')}</option>`)}
          </select>
        </label>
      </div>
      <p class="hint">${t('dropHint')}</p>
      ${
        this.transfers.length
          ? html`<ul aria-label=${t('transfers')}>
              ${repeat(
                this.transfers,
                (x) => x.id,
                (x) => this.row(x),
              )}
            </ul>`
          : nothing
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'transfer-list': TransferList;
  }
}
