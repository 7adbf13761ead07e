import { css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { namesakes } from '../../core/phone/contacts';
import type { IncomingRing, PhoneState } from '../../core/phone/phone-state';
import { t } from '../i18n';
import { icon } from '../icons';
import { emit } from '../intent';
import { LocalizedElement } from '../lang-controller';
import { boxless, buttons, surface, warning } from '../shared-styles';
import { avatar, page, ringButtons, trustStyles } from './phone-styles';
import { incomingEndText, initial } from './ring-end';
import { Ringtone } from './ringtone';
import { trustNote } from './trust';

/**
 * Someone rings me: a modal alert dialog over everything, with the caller's name, what this device knows of
 * them, and Accept / Decline. Focus starts on Accept, the action the ring asks for.
 *
 * Escape (and Android's back gesture) silences the ringtone and keeps the screen: answering or refusing a
 * call is something to do on purpose, never the side effect of a key meant to close something else.
 */
@customElement('incoming-call')
export class IncomingCall extends LocalizedElement {
  @property({ attribute: false }) state!: PhoneState;
  /** Public for tests: its state is the AudioContext's. */
  readonly ringtone = new Ringtone();
  @state() private silenced = false;
  @query('dialog') private dialog!: HTMLDialogElement;
  @query('#accept') private accept?: HTMLButtonElement;
  @query('#close') private closeButton?: HTMLButtonElement;

  static styles = [
    buttons,
    page,
    boxless,
    avatar,
    ringButtons,
    trustStyles,
    css`
      dialog {
        ${surface}
        border: 0;
        box-sizing: border-box;
        width: 100vw;
        height: 100dvh;
        max-width: none;
        max-height: none;
        margin: 0;
        padding: max(24px, env(safe-area-inset-top)) 16px max(24px, env(safe-area-inset-bottom));
      }
      dialog[open] {
        display: grid;
        align-content: center;
      }
      .screen {
        display: grid;
        gap: 16px;
        text-align: center;
        justify-items: center;
        max-width: 36rem;
        margin: 0 auto;
      }
      h2 {
        font-size: clamp(1.5rem, 6vw, 2.2rem);
        margin: 0;
        overflow-wrap: anywhere;
      }
      .busy {
        ${warning}
      }
      .ring-actions {
        margin-top: 16px;
      }
    `,
  ];

  private isFresh(changed: PropertyValues<this>): boolean {
    const ring = this.state.incoming;
    return changed.has('state') && ring !== null && (changed.get('state') as PhoneState | undefined)?.incoming?.call !== ring.call;
  }

  protected willUpdate(changed: PropertyValues<this>): void {
    if (this.isFresh(changed)) this.silenced = false;
  }

  protected updated(changed: PropertyValues<this>): void {
    const ring = this.state.incoming;
    const before = (changed.get('state') as PhoneState | undefined)?.incoming;
    const fresh = this.isFresh(changed);
    if (ring?.phase === 'ringing' && !this.silenced) this.ringtone.start();
    else this.ringtone.stop();
    if (!ring) {
      if (this.dialog.open) this.dialog.close();
      return;
    }
    if (!this.dialog.open) this.dialog.showModal();
    if (ring.phase === 'ringing' && fresh) this.accept?.focus();
    if (ring.phase === 'ended' && before?.phase !== 'ended') this.closeButton?.focus();
  }

  disconnectedCallback(): void {
    this.ringtone.stop();
    super.disconnectedCallback();
  }

  private silence() {
    this.ringtone.stop();
    this.silenced = true;
  }

  private readonly keydown = (e: KeyboardEvent) => {
    // Handled here rather than in `cancel`: a browser may refuse to cancel a second close request in a row.
    if (e.key !== 'Escape') return;
    e.preventDefault();
    if (this.state.incoming?.phase === 'ringing') this.silence();
  };

  private readonly cancel = (e: Event) => {
    e.preventDefault();
    if (this.state.incoming?.phase === 'ringing') this.silence();
  };

  /**
   * A close request the page could not refuse (see `keydown`; without a user gesture yet, a browser closes the
   * dialog without asking) means the same as Escape, and must not hide a ring that still waits.
   */
  private readonly closed = () => {
    if (!this.state.incoming || !this.isConnected) return;
    if (this.state.incoming.phase === 'ringing') this.silence();
    this.dialog.showModal();
  };

  /** Someone new calling with a saved contact's name: say it is not that contact, before anyone answers. */
  private namesake(ring: IncomingRing) {
    if (ring.trust !== 'new' || namesakes(this.state.contacts, ring.from, ring.name).length === 0) return nothing;
    return html`<p class="key-changed" role="alert"><strong>${icon('alert')}${t('notYourContact', { name: ring.name })}</strong></p>`;
  }

  private content() {
    const ring = this.state.incoming;
    if (!ring) return nothing;
    const who = ring.name || t('someone');
    const ringing = ring.phase === 'ringing';
    return html`<div class="screen ${ringing ? 'ringing' : 'ended'}">
      <div class="avatar" aria-hidden="true">${ring.name ? initial(ring.name) : icon('person')}</div>
      <h2 id="who">${ringing ? t('isCalling', { name: who }) : who}</h2>
      <div id="about">
        ${trustNote(ring.trust, who)} ${this.namesake(ring)} ${ringing && ring.busy ? html`<p class="busy">${t('busyNote')}</p>` : nothing}
        <p role="status">${ringing ? (this.silenced ? t('ringtoneSilenced') : nothing) : incomingEndText(ring.ended ?? 'failed', who)}</p>
      </div>
      ${
        ringing
          ? html`<div class="ring-actions">
              <button class="ring hang-up" @click=${() => emit(this, { type: 'phone-decline' })}>
                <span class="disc">${icon('phone')}</span>${t('decline')}
              </button>
              <button id="accept" class="ring accept" autofocus @click=${() => emit(this, { type: 'phone-accept' })}>
                <span class="disc">${icon('phone')}</span>${t('accept')}
              </button>
            </div>`
          : html`<button id="close" class="primary" @click=${() => emit(this, { type: 'phone-dismiss' })}>${t('close')}</button>`
      }
    </div>`;
  }

  render() {
    return html`<dialog
      role="alertdialog"
      aria-labelledby="who"
      aria-describedby="about"
      @keydown=${this.keydown}
      @cancel=${this.cancel}
      @close=${this.closed}
    >
      ${this.content()}
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'incoming-call': IncomingCall;
  }
}
