import { LitElement, css, html, nothing } from 'lit';
import { customElement, query } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { Call } from '../core/call';
import { CallDeviceFeatures, nextCamera } from '../core/device-features';
import { SHARED_CHANNEL, SharedInbox } from '../core/shared-inbox';
import type { CallState } from '../core/call-store';
import { newRoomSecret, roomFromPath, roomLink, secretFromHash } from '../core/room-link';
import { signalingUrl } from '../core/signaling-client';
import type { CallView } from './call-view';
import './home-view';
import { lang, onLangChange, t } from './i18n';
import type { IntentEvent } from './intent';
import './lang-select';
import { OnlineController } from './online-controller';
import './shared-offer';
import { StoreController } from './store-controller';
import { buttons } from './shared-styles';

/** The root: owns the call engine, follows the address bar, and carries out what views ask for. */
@customElement('call-app')
export class CallApp extends LitElement {
  readonly call = new Call({
    signalingUrl: signalingUrl(location),
    // Relay-only (media only through TURN): per page with ?relay=1, or for a whole build with VITE_RELAY_ONLY=1.
    iceTransportPolicy: new URLSearchParams(location.search).get('relay') === '1' || import.meta.env.VITE_RELAY_ONLY === '1' ? 'relay' : 'all',
  });
  private readonly view = new StoreController<CallState>(this, this.call.store, (s) => s);
  @query('call-view') private callView?: CallView;
  private readonly online = new OnlineController(this);
  private readonly features = new CallDeviceFeatures();
  private readonly inbox = new SharedInbox();
  private sharedChannel: BroadcastChannel | null = null;
  private stopLang: (() => void) | null = null;

  static styles = [
    buttons,
    css`
      :host { display: block; min-height: 100dvh; }
      header { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; justify-content: flex-end; padding: 8px 16px 0; }
      .offline { flex: 1 1 16rem; margin: 0; padding: 8px 12px; border-radius: 8px; background: var(--warn-bg); color: var(--warn-text); }
      .notice { flex: 1 1 16rem; margin: 0; padding: 10px 12px; border-radius: 8px; background: var(--warn-bg); color: var(--warn-text); }
      .full { display: grid; place-items: center; min-height: 70vh; text-align: center; padding: 16px; }
    `,
  ];

  connectedCallback(): void {
    super.connectedCallback();
    addEventListener('popstate', this.route);
    this.addEventListener('intent', this.onIntent);
    this.route();
    this.stopLang = onLangChange(() => this.requestUpdate());
    this.features.follow(this.call.store, {
      toggleMic: () => this.call.toggleMic(),
      toggleCamera: () => void this.call.toggleCamera(),
      hangUp: () => {
        this.call.leave();
        this.navigate('/');
      },
    });
    this.watchSharedFiles();
  }

  disconnectedCallback(): void {
    removeEventListener('popstate', this.route);
    this.removeEventListener('intent', this.onIntent);
    this.stopLang?.();
    this.features.stop();
    this.sharedChannel?.close();
    document.removeEventListener('visibilitychange', this.pickUpShared);
    super.disconnectedCallback();
  }

  private readonly route = () => {
    const room = roomFromPath(location.pathname);
    const secret = secretFromHash(location.hash);
    if (room && secret) void this.call.openRoom(room, secret);
    else if (room) this.call.badLink();
    else if (this.call.state.phase !== 'home') this.call.leave();
  };

  /**
   * Files from the share sheet wait in the service worker's inbox. Look when the app opens (the share
   * redirects to /?shared=1), when the worker announces a share, when the launch queue hands us a launch
   * (launch_handler focus-existing), and when the app comes back to the foreground.
   */
  private watchSharedFiles() {
    if (new URLSearchParams(location.search).has('shared')) history.replaceState(null, '', location.pathname + location.hash);
    if (typeof BroadcastChannel === 'function') {
      this.sharedChannel = new BroadcastChannel(SHARED_CHANNEL);
      this.sharedChannel.onmessage = this.pickUpShared;
    }
    document.addEventListener('visibilitychange', this.pickUpShared);
    const queue = (window as Window & { launchQueue?: { setConsumer(consumer: () => void): void } }).launchQueue;
    queue?.setConsumer(this.pickUpShared);
    this.pickUpShared();
  }

  private readonly pickUpShared = () => {
    if (document.visibilityState !== 'visible') return;
    this.inbox.fresh().then(
      (files) => this.call.offerFiles(files),
      () => undefined,
    );
  };

  /**
   * Sends the files shared into the app to everyone in the call, then forgets them. Integration point with
   * file sending (Call.sendFiles, built on the `files` branch): once that is merged, the body becomes
   *   const files = this.call.takeOfferedFiles(); this.call.sendFiles(files, 'all'); void this.inbox.remove(files);
   * Until then the files stay offered, so nothing the user shared is lost.
   */
  private sendShared() {
    if (this.call.state.phase !== 'in-call') return;
    const files = this.call.takeOfferedFiles();
    this.call.sendFiles(files, 'all');
    // The File objects keep their bytes alive for the transfers; the inbox copy is no longer needed.
    void this.inbox.remove(files);
  }

  private async shareLink() {
    try {
      await navigator.share({ title: t('shareTitle'), url: location.href });
    } catch {
      // Cancelled by the user or refused: Copy link and the QR code remain.
    }
  }

  private navigate(path: string) {
    history.pushState(null, '', path);
    this.route();
  }

  private readonly onIntent = (e: IntentEvent) => {
    const i = e.intent;
    switch (i.type) {
      case 'start':
        return this.navigate(roomLink(this.call.newRoom(), newRoomSecret()));
      case 'join':
        return this.call.join();
      case 'leave':
      case 'home':
        this.call.leave();
        return this.navigate('/');
      case 'name':
        return this.call.setName(i.name);
      case 'device':
        return void this.call.chooseDevice(i.kind, i.id);
      case 'toggle-mic':
        return this.call.toggleMic();
      case 'toggle-camera':
        return void this.call.toggleCamera();
      case 'copy-link':
        return void this.copyLink();
      case 'share-link':
        return void this.shareLink();
      case 'switch-camera': {
        const id = nextCamera(this.call.state.devices.video, this.call.state.videoId);
        return void (id && this.call.chooseDevice('video', id));
      }
      case 'send-shared':
        return this.sendShared();
      case 'dismiss-shared':
        return void this.inbox.remove(this.call.takeOfferedFiles());
      case 'toggle-screen':
        return void this.call.toggleScreen();
      case 'chat':
        return this.call.sendChat(i.text);
      case 'send-files':
        return this.call.sendFiles(i.files, i.to);
      case 'transfer':
        return this.transfer(i.action, i.id);
    }
  };

  private transfer(action: 'accept' | 'decline' | 'cancel' | 'dismiss', id: string) {
    // Accept runs synchronously inside the click: it may open the browser's save dialog.
    if (action === 'accept') void this.call.acceptTransfer(id);
    else if (action === 'decline') this.call.declineTransfer(id);
    else if (action === 'cancel') this.call.cancelTransfer(id);
    else this.call.dismissTransfer(id);
  }

  private async copyLink() {
    try {
      await navigator.clipboard.writeText(location.href);
      this.callView?.announce(t('linkCopied'));
    } catch {
      this.callView?.announce(t('copyFailed'));
    }
  }

  protected willUpdate(): void {
    const phase = this.view.value.phase;
    if (phase !== 'home' && phase !== 'full') void import('./call-screens');
  }

  /** A language change re-creates the views (keyed), so every string is rendered again in the new language. */
  render() {
    return keyed(lang(), this.renderPhase());
  }

  /** Shown above the screens before a call: the language picker, and why calls are unavailable offline. */
  private header(notice: unknown = nothing) {
    return html`<header>
      ${notice}
      ${this.online.online ? nothing : html`<p class="offline" role="status">${t('offline')}</p>`}
      <lang-select></lang-select>
    </header>`;
  }

  private renderPhase() {
    const s = this.view.value;
    switch (s.phase) {
      case 'home':
        return html`${this.header(s.notice === 'missing-secret' ? html`<p class="notice" role="alert">${t('missingSecret')}</p>` : nothing)}<home-view .offered=${s.offeredFiles}></home-view>`;
      case 'prejoin':
      case 'joining':
        return html`${this.header()}<prejoin-view .state=${s}></prejoin-view>`;
      case 'in-call':
        // The one main landmark of the call screen holds everything, so assistive tech can jump straight in.
        return html`<main><call-view .state=${s}></call-view></main>`;
      case 'full':
        return html`<main class="full">
          <div>
            <h1>${t('fullTitle')}</h1>
            <p>${t('fullBody')}</p>
            <button class="primary" @click=${() => this.navigate('/')}>${t('backHome')}</button>
          </div>
        </main>`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'call-app': CallApp;
  }
}
