import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import type { Call } from '../core/call';
import type { CallDeviceFeatures } from '../core/device-features';
import { SHARED_CHANNEL, SharedInbox } from '../core/shared-inbox';
import { CallStore, type CallState } from '../core/call-store';
import { newRoomId, newRoomSecret, roomFromPath, roomLink, roomPath, secretFromHash } from '../core/room-link';
import type { CallView } from './call-view';
import './home-view';
import { t, type PlainKey } from './i18n';
import type { IntentEvent } from './intent';
import { LangController } from './lang-controller';
import './lang-select';
import { OnlineController } from './online-controller';
import { PhoneHost } from './phone-host';
import './shared-offer';
import { StoreController } from './store-controller';
import { buttons, warning } from './shared-styles';

/** Calls need RTCPeerConnection; everything else (home page, offline shell, shared files) works without. */
const CAN_CALL = typeof RTCPeerConnection === 'function';

/**
 * The root: owns the call state, follows the address bar, and carries out what views ask for. The call
 * engine and the screens after home (call-engine.ts) load on first need, a room link or "Start a call", so
 * the home page runs without them; until then the store holds the home page's state on its own.
 */
@customElement('call-app')
export class CallApp extends LitElement {
  readonly store = new CallStore();
  /** The engine, once loaded; null on a home page that has not started or opened a call. */
  call: Call | null = null;
  private loading: Promise<void> | null = null;
  // Relay-only (media only through TURN): per page with ?relay=1, or for a whole build with VITE_RELAY_ONLY=1.
  // Read at load: "Start a call" navigates to the room's path, which drops the query.
  private readonly iceTransportPolicy: RTCIceTransportPolicy =
    new URLSearchParams(location.search).get('relay') === '1' || import.meta.env.VITE_RELAY_ONLY === '1' ? 'relay' : 'all';
  private readonly view = new StoreController<CallState>(this, this.store, (s) => s);
  @query('call-view') private callView?: CallView;
  private readonly online = new OnlineController(this);
  private features: CallDeviceFeatures | null = null;
  private readonly inbox = new SharedInbox();
  private sharedChannel: BroadcastChannel | null = null;
  /** The call screen is built (invisible) once the pre-join screen has settled; see `room`. */
  @state() private callScreenBuilt = false;
  /** A room link opened in a browser that has no RTCPeerConnection. */
  @state() private cannotCall = false;
  private buildScheduled = false;
  /** What the invisible call screen shows until the call starts: the state as it was on the pre-join screen. */
  private prejoinState: { from: CallState; shown: CallState } | null = null;
  /** What the call screen shows while it is built but not yet visible (see `callScreen`). */
  private hiddenState: CallState | null = null;
  /** A room entered by answering a ring (or by being answered): joined as soon as its pre-join is ready. */
  private autoJoin: { room: string; name: string } | null = null;
  /** The room of the last answered ring: shown as "Connecting…" (no pre-join screen) until its call is up. */
  private answeredRoom: string | null = null;
  private readonly phoneHost = new PhoneHost(this, {
    enterRoom: (room, secret, name) => {
      // Answering while in another call ("accepting ends it"): that call is left first.
      const call = this.call;
      if (call && call.state.phase !== 'home' && call.state.room !== room) call.leave();
      this.autoJoin = { room, name };
      this.answeredRoom = room;
      // Both join without leaving the screen they are on, as Join leaves the pre-join screen up: the thread goes
      // to the negotiation first, and the call screen (built behind the ring) shows once the link is up.
      if (call?.state.room === room && call.state.phase === 'in-call') return this.showWhenConnected(room, secret);
      if (!call || call.state.phase !== 'home') return this.navigate(roomLink(room, secret));
      if (name && !call.state.name.trim()) call.setName(name);
      void call.openRoom(room, secret).then(() => {
        if (call.state.room === room && call.state.phase === 'prejoin') call.join();
      });
      this.showWhenConnected(room, secret);
    },
    ringing: (r) =>
      void this.loadEngine().then(
        () => this.ringing(r),
        () => undefined,
      ),
    ringOver: (room) => {
      const call = this.call;
      if (call?.state.room === room && location.pathname !== roomPath(room)) call.leave();
      else call?.coolDown(room);
    },
    inCall: () => this.store.get().phase === 'in-call' || this.store.get().phase === 'joining',
    navigate: (path) => this.navigate(path),
  });

  static styles = [
    buttons,
    css`
      :host {
        display: block;
        min-height: 100dvh;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
        justify-content: flex-end;
        padding: 8px 16px 0;
      }
      .offline,
      .notice {
        flex: 1 1 16rem;
        ${warning}
      }
      .offline {
        padding: 8px 12px;
      }
      /* Fixed in both states, so showing it does not lay it out again; the call screen scrolls inside itself. */
      .call {
        position: fixed;
        inset: 0;
      }
      .call[inert] {
        visibility: hidden;
      }
      .full {
        display: grid;
        place-items: center;
        min-height: 70vh;
        text-align: center;
        padding: 16px;
      }
      .full > div {
        max-width: 34rem;
      }
      .link {
        word-break: break-all;
        padding: 8px 12px;
        border-radius: 8px;
        background: var(--surface);
        border: 1px solid var(--line);
      }
    `,
  ];

  constructor() {
    super();
    // A language change renders every screen again in place (each component has its own LangController),
    // never re-creates one: a chat draft, the "Send to" choice, an open panel and every video stay as they were.
    new LangController(this);
  }

  connectedCallback(): void {
    super.connectedCallback();
    addEventListener('popstate', this.route);
    this.addEventListener('intent', this.onIntent);
    this.addEventListener('click', this.followLink);
    this.route();
    this.followDevice();
    this.watchSharedFiles();
  }

  disconnectedCallback(): void {
    removeEventListener('popstate', this.route);
    removeEventListener('online', this.retryEngine);
    this.removeEventListener('intent', this.onIntent);
    this.removeEventListener('click', this.followLink);
    this.features?.stop();
    this.sharedChannel?.close();
    document.removeEventListener('visibilitychange', this.pickUpShared);
    super.disconnectedCallback();
  }

  private readonly route = () => {
    const room = roomFromPath(location.pathname);
    // Without WebRTC (some in-app browsers and webviews, Debian's WebKit) a call screen could only break:
    // a room link gets a page saying so instead, and the engine is never loaded.
    this.cannotCall = room !== null && !CAN_CALL;
    if (this.cannotCall) return;
    const call = this.call;
    if (!call) {
      // Routed again once loaded, from the address bar as it is then (the user may have gone back meanwhile).
      // A load that failed (offline before the service worker had cached it) is tried again once back online.
      if (room) this.loadEngine().then(this.route, () => addEventListener('online', this.retryEngine, { once: true }));
      return;
    }
    const secret = secretFromHash(location.hash);
    if (room && secret) void call.openRoom(room, secret).then(() => this.joinIfAnswered(call, room));
    else if (room) call.badLink();
    else if (call.state.phase !== 'home') call.leave();
  };

  /**
   * A ring is on. The callee's call gets keys, socket and camera ready without showing anything. The caller
   * goes further and waits in the ring's room, as whoever starts a call does, behind the "Calling…" screen: an
   * answer then only has the callee join, which is what Join on a ready pre-join screen costs.
   */
  private ringing(r: { side: 'caller' | 'callee'; room: string; secret: string; name: string }) {
    const call = this.call;
    if (!call || call.state.phase !== 'home') return;
    if (r.name && !call.state.name.trim()) call.setName(r.name);
    if (r.side === 'callee') return call.warmUp(r.room, r.secret);
    void call.openRoom(r.room, r.secret).then(() => {
      if (call.state.room === r.room && call.state.phase === 'prejoin') call.join();
    });
  }

  /**
   * The caller waits in the room already. Showing the call screen is the heaviest render this page does, and
   * right now the thread should answer the callee's offer: "Calling…" stays until the link is up (at most 1 s),
   * as the joining side keeps its pre-join screen until then (see Call's welcome).
   */
  private showWhenConnected(room: string, secret: string) {
    let shown = false;
    const show = () => {
      if (shown) return;
      shown = true;
      stop();
      clearTimeout(timer);
      if (this.store.get().room === room) this.navigate(roomLink(room, secret));
    };
    const stop = this.store.subscribe((s) => {
      if (s.participants.some((p) => p.connection === 'connected')) show();
    });
    const timer = setTimeout(show, 1000);
  }

  /** Both sides of a ring said yes already: straight into the call, without a second "Join". */
  private joinIfAnswered(call: Call, room: string) {
    const auto = this.autoJoin;
    if (auto?.room !== room || location.pathname !== roomPath(room)) return;
    this.autoJoin = null;
    if (auto.name && !call.state.name.trim()) call.setName(auto.name);
    call.join();
  }

  /** Links inside the app (the home page's "My call link", "Contacts") change the screen without a page load. */
  private readonly followLink = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
    e.preventDefault();
    this.navigate(a.pathname + a.search + a.hash);
  };

  /**
   * Back online after the engine failed to load. Some browsers (Chromium 150) keep a failed dynamic import's
   * error for the page's life and never fetch the chunk again: a fresh page load is then the only way.
   */
  private readonly retryEngine = () => {
    this.loadEngine().then(this.route, () => location.reload());
  };

  /** Loads the engine and the call screens once; after a failed load the next call tries again. */
  private loadEngine(): Promise<void> {
    this.loading ??= import('./call-engine').then(
      ({ createCall, CallDeviceFeatures }) => {
        this.call = createCall(this.store, this.iceTransportPolicy);
        this.features = new CallDeviceFeatures();
        if (this.isConnected) this.followDevice();
      },
      (err: unknown) => {
        this.loading = null;
        throw err;
      },
    );
    return this.loading;
  }

  /** Wake lock and the system's media controls follow the call, once there is an engine to control. */
  private followDevice() {
    const call = this.call;
    if (!call || !this.features) return;
    this.features.follow(this.store, {
      toggleMic: () => call.toggleMic(),
      toggleCamera: () => void call.toggleCamera(),
      hangUp: () => {
        call.leave();
        this.navigate('/');
      },
    });
  }

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
      (files) => this.store.offerFiles(files),
      () => undefined,
    );
  };

  /** Sends the files shared into the app to everyone in the call, then forgets them. */
  private sendShared(call: Call) {
    if (call.state.phase !== 'in-call') return;
    const files = this.store.takeOfferedFiles();
    call.sendFiles(files, 'all');
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
    this.requestUpdate();
  }

  private readonly onIntent = (e: IntentEvent) => {
    const i = e.intent;
    if (this.phoneHost.handle(i)) return;
    switch (i.type) {
      case 'start':
        return this.navigate(roomLink(newRoomId(), newRoomSecret()));
      case 'leave':
      case 'home':
        this.call?.leave();
        return this.navigate('/');
      case 'copy-link':
        return void this.copyLink();
      case 'share-link':
        return void this.shareLink();
      case 'dismiss-shared':
        return void this.inbox.remove(this.store.takeOfferedFiles());
    }
    // Every other intent comes from a screen that exists only once the engine is loaded.
    const call = this.call;
    if (!call) return;
    switch (i.type) {
      case 'join':
        return call.join();
      case 'name':
        return call.setName(i.name);
      case 'device':
        return void call.chooseDevice(i.kind, i.id);
      case 'toggle-mic':
        return call.toggleMic();
      case 'toggle-camera':
        return void call.toggleCamera();
      case 'switch-camera':
        return void call.switchCamera();
      case 'send-shared':
        return this.sendShared(call);
      case 'toggle-screen':
        return void call.toggleScreen();
      case 'chat':
        return call.sendChat(i.text);
      case 'send-files':
        return call.sendFiles(i.files, i.to);
      case 'transfer':
        return this.transfer(call, i.action, i.id);
    }
  };

  private transfer(call: Call, action: 'accept' | 'decline' | 'cancel' | 'dismiss', id: string) {
    // Accept runs synchronously inside the click: it may open the browser's save dialog.
    if (action === 'accept') void call.acceptTransfer(id);
    else if (action === 'decline') call.declineTransfer(id);
    else if (action === 'cancel') call.cancelTransfer(id);
    else call.dismissTransfer(id);
  }

  /** Feedback for "Copy link" on the page for browsers that cannot call (the call screen has its own). */
  @state() private copied: PlainKey | null = null;

  private readonly copyLink = async () => {
    let result: PlainKey;
    try {
      await navigator.clipboard.writeText(location.href);
      result = 'linkCopied';
    } catch {
      result = 'copyFailed';
    }
    this.callView?.announce(result);
    this.copied = result;
  };

  /** Shown above the screens before a call: the language picker, and why calls are unavailable offline. */
  private header(notice: unknown = nothing) {
    return html`<header>
      ${notice} ${this.online.online ? nothing : html`<p class="offline" role="status">${t('offline')}</p>`}
      <lang-select></lang-select>
    </header>`;
  }

  /**
   * The pre-join screen, and the call screen. The call screen's first render is the heaviest work this page
   * does; after Join it would take the page's thread from the negotiation and the first video frame. So it is
   * built and laid out, invisible and inert (so out of the accessibility tree and the tab order), while the
   * user looks at the preview, and kept at the pre-join state until the call starts: Join then only makes it
   * visible and adds the newcomers' tiles.
   */
  private room(s: CallState) {
    if (s.phase === 'in-call') return nothing;
    // Answered rings go straight in: a pre-join screen would only be built to be thrown away at once.
    if (this.answeredRoom === s.room)
      return html`${this.header()}
        <main class="full"><p role="status">${t('connecting')}</p></main>`;
    // Without our camera: a video element plays (and costs frame deliveries) even when nobody can see it.
    if (s.phase === 'prejoin' && this.prejoinState?.from !== s) this.prejoinState = { from: s, shown: { ...s, localStream: null } };
    if (s.phase === 'prejoin' && !this.callScreenBuilt) this.buildCallScreenSoon();
    return html`${this.header()}<prejoin-view .state=${s}></prejoin-view>`;
  }

  /**
   * The call screen, in one slot whatever is above it, so the one built early is the one shown: behind the pre-join
   * screen once it settled (see `room`), behind "Calling…" while the caller waits in the ring's room, and behind an
   * incoming ring. Until the call shows, it keeps the state it was built with, so it costs nothing meanwhile.
   */
  private callScreen(s: CallState, behindPhone: boolean) {
    const visible = !behindPhone && s.phase === 'in-call';
    const inRoom = s.phase === 'prejoin' || s.phase === 'joining' || s.phase === 'in-call';
    const early = (inRoom && (this.callScreenBuilt || behindPhone || this.answeredRoom === s.room)) || this.phoneHost.ringing();
    if (!visible && !early) {
      this.hiddenState = null;
      return nothing;
    }
    let shown = s;
    if (!visible) {
      if (s.phase === 'prejoin' && this.prejoinState) this.hiddenState = this.prejoinState.shown;
      this.hiddenState ??= { ...s, localStream: null };
      shown = this.hiddenState;
    } else this.hiddenState = null;
    // The one main landmark of the call screen holds everything, so assistive tech can jump straight in.
    return html`<main class="call" ?inert=${!visible}><call-view .state=${shown}></call-view></main>`;
  }

  /**
   * When the page is idle (bounded): the pre-join screen and the camera preview come first. Not once Join was
   * pressed: the negotiation has the thread then, and the screen is made when the call starts.
   */
  private buildCallScreenSoon() {
    if (this.buildScheduled) return;
    this.buildScheduled = true;
    const build = () => {
      this.buildScheduled = false;
      if (this.store.get().phase === 'prejoin') this.callScreenBuilt = true;
    };
    if (typeof requestIdleCallback === 'function') requestIdleCallback(build, { timeout: 1000 });
    else setTimeout(build, 200);
  }

  /** What a browser without WebRTC shows for a call link: what is wrong, and where to open the link. */
  private cannotCallPage() {
    return html`${this.header()}
      <main class="full">
        <div>
          <h1>${t('cannotCallTitle')}</h1>
          <p>${t('cannotCallBody')}</p>
          <p>${t('cannotCallWhat')}</p>
          <p class="link">${location.href}</p>
          <button class="primary" @click=${this.copyLink}>${t('copyLink')}</button>
          <p role="status" class="visually-hidden">${this.copied ? t(this.copied) : ''}</p>
        </div>
      </main>`;
  }

  render() {
    if (this.cannotCall) return this.cannotCallPage();
    const s = this.view.value;
    const phoneScreen = this.phoneHost.screen(location.pathname);
    const top = phoneScreen ? html`${this.header()}${phoneScreen}` : this.screen(s);
    return html`${top}${this.callScreen(s, phoneScreen !== null)}${this.phoneHost.overlay(!phoneScreen && s.phase === 'home')}`;
  }

  private screen(s: CallState) {
    switch (s.phase) {
      case 'home':
        return html`${this.header(
            s.notice === 'missing-secret'
              ? html`<p class="notice" role="alert">${t('missingSecret')}</p>`
              : CAN_CALL
                ? nothing
                : html`<p class="notice" role="status">${t('homeCannotCall')}</p>`,
          )}<home-view .offered=${s.offeredFiles}></home-view>`;
      case 'prejoin':
      case 'joining':
      case 'in-call':
        return this.room(s);
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
