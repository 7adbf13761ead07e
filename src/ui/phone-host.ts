// The phone inside the root element: loads the engine when first needed, follows it, renders the phone screens
// for /me, /contacts and /call#…, puts an incoming ring over any screen, and carries out the phone's intents.
// Kept out of call-app.ts, which owns the room call; the two meet at `enterRoom` (answering joins a room).

import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { CallLinkError } from '../core/phone/call-link';
import type { Phone, PhoneOptions } from '../core/phone/phone';
import type { PhoneIntent, PhoneState } from '../core/phone/phone-state';
import { t } from './i18n';

/** Set once an identity exists, so later visits register at once (being reachable is the point of having one). */
const HAS_PHONE_KEY = 'p2p-call:phone';
export const PHONE_PATHS: readonly string[] = ['/me', '/contacts', '/call'];

type Engine = typeof import('./phone-engine');

export interface PhoneHostOptions {
  /** Join `room` with `secret` under `name`, straight into the call (both sides already said yes). */
  enterRoom(room: string, secret: string, name: string): void;
  inCall(): boolean;
  navigate(path: string): void;
  /** See PhoneOptions: a ring is on, get the call ready; it ended unanswered, let that go. */
  ringing: NonNullable<PhoneOptions['ringing']>;
  ringOver: NonNullable<PhoneOptions['ringOver']>;
}

export class PhoneHost implements ReactiveController {
  phone: Phone | null = null;
  private engine: Engine | null = null;
  private loading: Promise<Phone> | null = null;
  private unsubscribe: (() => void) | null = null;
  /** The call link of this page, decoded (async: its check is a SHA-256), keyed by the address it was read from. */
  private link: { href: string; calleeId: string | null; error: CallLinkError | null } | null = null;
  /** A ring answered in a notification before this page existed: `/?answer=<call>`. */
  private answer: string | null = null;

  constructor(
    private readonly host: ReactiveControllerHost & EventTarget,
    private readonly opts: PhoneHostOptions,
  ) {
    host.addController(this);
  }

  get state(): PhoneState | null {
    return this.phone?.get() ?? null;
  }

  hostConnected(): void {
    const params = new URLSearchParams(location.search);
    this.answer = params.get('answer');
    if (this.answer !== null) history.replaceState(null, '', location.pathname + location.hash);
    if (this.wanted(location.pathname)) void this.load();
    addEventListener('online', this.onNetwork);
    navigator.serviceWorker?.addEventListener('message', this.onWorkerMessage);
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.phone?.stop();
    removeEventListener('online', this.onNetwork);
    navigator.serviceWorker?.removeEventListener('message', this.onWorkerMessage);
  }

  /** Accept or Decline pressed on the system notification while this page was open (src/sw-ring.ts). */
  private readonly onWorkerMessage = (e: MessageEvent) => {
    const m: unknown = e.data;
    if (typeof m !== 'object' || m === null || !('type' in m) || !('call' in m) || typeof m.call !== 'string') return;
    const phone = this.phone;
    if (m.type === 'answer') {
      if (phone?.get().incoming?.call === m.call) void phone.accept();
      else if (phone) phone.answerWhenRinging(m.call);
    } else if (m.type === 'decline' && phone?.get().incoming?.call === m.call) void phone.decline();
  };

  private readonly onNetwork = () => this.phone?.networkChanged();

  /** On a phone page, with a ring to answer, or once this browser has an identity. */
  wanted(path: string): boolean {
    return PHONE_PATHS.includes(path.replace(/\/$/, '')) || this.answer !== null || localStorage.getItem(HAS_PHONE_KEY) === '1';
  }

  /** Loads and starts the engine once; routing calls it for every phone page. */
  load(): Promise<Phone> {
    this.loading ??= import('./phone-engine').then(async (engine) => {
      this.engine = engine;
      const phone = await engine.createPhone({
        enterRoom: this.opts.enterRoom,
        inCall: this.opts.inCall,
        ringing: this.opts.ringing,
        ringOver: this.opts.ringOver,
        ringTitle: (name) => t('isCalling', { name: name || t('someone') }),
      });
      this.phone = phone;
      this.unsubscribe = phone.subscribe(() => this.host.requestUpdate());
      if (this.answer) phone.answerWhenRinging(this.answer);
      await phone.start();
      localStorage.setItem(HAS_PHONE_KEY, '1');
      this.host.requestUpdate();
      return phone;
    });
    return this.loading;
  }

  /** A ring is coming in and can still be answered. */
  ringing(): boolean {
    return this.state?.incoming?.phase === 'ringing';
  }

  /** The screen for a phone path, or null when the path is not the phone's. */
  screen(path: string): TemplateResult | null {
    const p = path.replace(/\/$/, '');
    if (!PHONE_PATHS.includes(p)) return null;
    void this.load();
    const s = this.state;
    if (!s) return html`<main class="full"><p role="status">${t('loading')}</p></main>`;
    if (p === '/me') return html`<my-link-view .state=${s}></my-link-view>`;
    if (p === '/contacts') return html`<contacts-view .state=${s}></contacts-view>`;
    if (s.outgoing) return html`<outgoing-call .state=${s}></outgoing-call>`;
    const link = this.readLink();
    if (!link) return html`<main class="full"><p role="status">${t('loading')}</p></main>`;
    return html`<call-link-view .state=${s} .calleeId=${link.calleeId} .linkError=${link.error}></call-link-view>`;
  }

  private readLink(): PhoneHost['link'] {
    const href = location.href;
    if (this.link?.href === href) return this.link;
    const engine = this.engine;
    if (engine)
      void engine.decodeCallLink(href).then((r) => {
        this.link = { href, calleeId: r.ok ? r.value.id : null, error: r.ok ? null : r.error };
        this.host.requestUpdate();
      });
    return null;
  }

  /** Over every screen: a ring coming in, and after a call, "Save contact?". */
  overlay(onHome: boolean): TemplateResult | typeof nothing {
    const s = this.state;
    if (!s) return nothing;
    if (s.incoming) return html`<incoming-call .state=${s}></incoming-call>`;
    if (onHome && s.lastPeer) return html`<save-contact .lastPeer=${s.lastPeer} .notice=${s.notice}></save-contact>`;
    return nothing;
  }

  /** Carries out a phone intent; false when `i` is not one. */
  handle(i: { type: string }): boolean {
    if (!isPhoneIntent(i)) return false;
    void this.load().then((phone) => this.run(phone, i));
    return true;
  }

  private async run(phone: Phone, i: PhoneIntent): Promise<void> {
    const engine = this.engine;
    if (!engine) return;
    switch (i.type) {
      case 'phone-call':
        if (i.contact) {
          this.opts.navigate('/call');
          return phone.callContact(i.contact);
        }
        return phone.callLink(i.link ?? location.href);
      case 'phone-cancel':
        return phone.cancel();
      case 'phone-accept':
        return phone.accept();
      case 'phone-decline':
        return phone.decline();
      case 'phone-dismiss':
        return phone.dismiss();
      case 'phone-new-link':
        return phone.newLink();
      case 'phone-name':
        return phone.setName(i.name);
      case 'phone-copy-link':
        return this.copy(phone);
      case 'phone-share-link':
        return this.share(phone);
      case 'phone-push':
        return phone.setPush(i.enabled);
      case 'contact-save': {
        const name = phone.get().lastPeer?.name ?? '';
        await phone.saveLastPeer();
        return phone.notice('contactSaved', { name: name || t('someone') });
      }
      case 'contact-rename':
        return phone.updateContact(i.id, (c) => engine.renamed(c, i.name));
      case 'contact-remove':
        return phone.updateContact(i.id, () => null);
      case 'contact-block':
        return phone.updateContact(i.id, (c) => ({ ...c, blocked: i.blocked }));
      case 'contact-verify':
        return phone.updateContact(i.id, (c) => ({ ...c, verified: i.verified }));
      case 'contacts-export':
        return download('contacts.json', engine.exportContacts(phone.allContacts()));
      case 'contacts-import': {
        const result = await engine.importContacts(await i.file.text());
        if (!result.ok) return phone.notice('contactsImportFailed', { error: result.error });
        await phone.importContacts(result.contacts);
        return phone.notice('contactsImported', { n: String(result.contacts.length) });
      }
    }
  }

  private async copy(phone: Phone): Promise<void> {
    const link = phone.get().me?.link;
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link);
      phone.notice('linkCopied');
    } catch {
      phone.notice('myLinkCopyFailed');
    }
  }

  private async share(phone: Phone): Promise<void> {
    const link = phone.get().me?.link;
    if (!link) return;
    try {
      await navigator.share({ title: t('myLinkTitle'), url: link });
    } catch {
      // Cancelled or refused: Copy and the QR code remain.
    }
  }
}

const PHONE_INTENTS: ReadonlySet<string> = new Set<PhoneIntent['type']>([
  'phone-call',
  'phone-cancel',
  'phone-accept',
  'phone-decline',
  'phone-dismiss',
  'phone-new-link',
  'phone-name',
  'phone-copy-link',
  'phone-share-link',
  'phone-push',
  'contact-save',
  'contact-rename',
  'contact-remove',
  'contact-block',
  'contact-verify',
  'contacts-export',
  'contacts-import',
]);

function isPhoneIntent(i: { type: string }): i is PhoneIntent {
  return PHONE_INTENTS.has(i.type);
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
