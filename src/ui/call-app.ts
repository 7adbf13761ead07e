import { LitElement, css, html, nothing } from 'lit';
import { customElement, query } from 'lit/decorators.js';
import { Call } from '../core/call';
import type { CallState } from '../core/call-store';
import { newRoomSecret, roomFromPath, roomLink, secretFromHash } from '../core/room-link';
import { signalingUrl } from '../core/signaling-client';
import type { CallView } from './call-view';
import './call-view';
import './home-view';
import { t } from './i18n';
import type { IntentEvent } from './intent';
import './prejoin-view';
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

  static styles = [
    buttons,
    css`
      :host { display: block; min-height: 100dvh; }
      .notice { margin: 16px auto 0; max-width: 36rem; padding: 10px 12px; border-radius: 8px; background: var(--warn-bg); color: var(--warn-text); }
      .full { display: grid; place-items: center; min-height: 70vh; text-align: center; padding: 16px; }
    `,
  ];

  connectedCallback(): void {
    super.connectedCallback();
    addEventListener('popstate', this.route);
    this.addEventListener('intent', this.onIntent);
    this.route();
  }

  disconnectedCallback(): void {
    removeEventListener('popstate', this.route);
    this.removeEventListener('intent', this.onIntent);
    super.disconnectedCallback();
  }

  private readonly route = () => {
    const room = roomFromPath(location.pathname);
    const secret = secretFromHash(location.hash);
    if (room && secret) void this.call.openRoom(room, secret);
    else if (room) this.call.badLink();
    else if (this.call.state.phase !== 'home') this.call.leave();
  };

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
      case 'toggle-screen':
        return void this.call.toggleScreen();
    }
  };

  private async copyLink() {
    try {
      await navigator.clipboard.writeText(location.href);
      this.callView?.announce(t('linkCopied'));
    } catch {
      this.callView?.announce(t('copyFailed'));
    }
  }

  render() {
    const s = this.view.value;
    switch (s.phase) {
      case 'home':
        return html`${s.notice === 'missing-secret' ? html`<p class="notice" role="alert">${t('missingSecret')}</p>` : nothing}<home-view></home-view>`;
      case 'prejoin':
      case 'joining':
        return html`<prejoin-view .state=${s}></prejoin-view>`;
      case 'in-call':
        return html`<call-view .state=${s}></call-view>`;
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
