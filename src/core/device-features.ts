// Phone niceties during a call: keep the screen on, answer the system's media controls (mute, camera,
// hang up from the notification or a headset), and cycle between front and back cameras. Every API here is
// optional; where the browser lacks one the call simply goes without it.
import type { CallState } from './call-store';

/** The part of the Screen Wake Lock API used here; injectable so tests can count requests and releases. */
export interface WakeLockApi {
  request(type: 'screen'): Promise<{ release(): Promise<void>; readonly released: boolean }>;
}

/**
 * The part of the Media Session API used here. TypeScript's DOM types do not list the video-conferencing
 * actions yet, hence a plain string; browsers throw for actions they do not know, which is caught.
 */
export interface MediaSessionApi {
  setActionHandler(action: string, handler: (() => void) | null): void;
  // Typed as promises, but Chromium returns undefined.
  setMicrophoneActive?(active: boolean): Promise<void> | void;
  setCameraActive?(active: boolean): Promise<void> | void;
}

export interface CallControls {
  toggleMic(): void;
  toggleCamera(): void;
  hangUp(): void;
}

export interface DeviceFeatureDeps {
  wakeLock?: WakeLockApi;
  mediaSession?: MediaSessionApi;
  /** Where visibility changes are heard; the system drops a wake lock whenever the page is hidden. */
  document?: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>;
}

type Sentinel = Awaited<ReturnType<WakeLockApi['request']>>;

/** Holds a screen wake lock while wanted, taking it again when the page becomes visible after being hidden. */
export class ScreenKeeper {
  private wanted = false;
  private sentinel: Sentinel | null = null;
  private pending: Promise<void> | null = null;

  constructor(
    private readonly api: WakeLockApi | undefined,
    private readonly doc: DeviceFeatureDeps['document'],
  ) {}

  get held(): boolean {
    return this.sentinel !== null && !this.sentinel.released;
  }

  hold(): void {
    if (this.wanted) return;
    this.wanted = true;
    this.doc?.addEventListener('visibilitychange', this.onVisibility);
    this.acquire();
  }

  release(): void {
    if (!this.wanted) return;
    this.wanted = false;
    this.doc?.removeEventListener('visibilitychange', this.onVisibility);
    const s = this.sentinel;
    this.sentinel = null;
    if (s && !s.released) void s.release().catch(() => undefined);
  }

  private readonly onVisibility = () => {
    if (this.doc?.visibilityState === 'visible') this.acquire();
  };

  private acquire(): void {
    if (!this.api || this.held || this.pending || (this.doc && this.doc.visibilityState !== 'visible')) return;
    this.pending = this.api.request('screen').then(
      (s) => {
        this.pending = null;
        // The call may have ended while the request was in flight.
        if (this.wanted) this.sentinel = s;
        else void s.release().catch(() => undefined);
      },
      () => {
        // Refused (battery saver, hidden page): the call goes on with the normal screen timeout.
        this.pending = null;
      },
    );
  }

  /** Resolves once a request in flight has settled; for tests. */
  async settled(): Promise<void> {
    await this.pending;
  }
}

const ACTIONS = ['togglemicrophone', 'togglecamera', 'hangup'] as const;

/** Binds the system media controls to the call while it is on, and tells the system what is muted. */
export class MediaControls {
  private bound = false;
  private shown = '';

  constructor(private readonly session: MediaSessionApi | undefined) {}

  bind(controls: CallControls): void {
    if (!this.session || this.bound) return;
    this.bound = true;
    const handlers: Record<(typeof ACTIONS)[number], () => void> = {
      togglemicrophone: () => controls.toggleMic(),
      togglecamera: () => controls.toggleCamera(),
      hangup: () => controls.hangUp(),
    };
    for (const a of ACTIONS) this.set(a, handlers[a]);
  }

  unbind(): void {
    if (!this.session || !this.bound) return;
    this.bound = false;
    this.shown = '';
    for (const a of ACTIONS) this.set(a, null);
  }

  show(mic: boolean, camera: boolean): void {
    const next = `${mic}/${camera}`;
    if (!this.session || !this.bound || next === this.shown) return;
    this.shown = next;
    // Runs inside a store listener: nothing thrown or rejected here may reach the store.
    const session = this.session;
    for (const call of [() => session.setMicrophoneActive?.(mic), () => session.setCameraActive?.(camera)]) {
      try {
        void Promise.resolve(call()).catch(() => undefined);
      } catch {
        // An older browser without these refuses them; the controls still work.
      }
    }
  }

  private set(action: string, handler: (() => void) | null): void {
    try {
      this.session?.setActionHandler(action, handler);
    } catch {
      // This browser does not know the action.
    }
  }
}

/** The camera after `currentId` in the list, wrapping around; null when there is nothing to switch to. */
export function nextCamera(cameras: ReadonlyArray<{ id: string }>, currentId: string): string | null {
  if (cameras.length < 2) return null;
  const i = cameras.findIndex((c) => c.id === currentId);
  return cameras[(i + 1) % cameras.length].id;
}

/** Turns the features on while the state says we are in a call, and off again after. */
export class CallDeviceFeatures {
  readonly screen: ScreenKeeper;
  readonly controls: MediaControls;
  private unsubscribe: (() => void) | null = null;

  constructor(deps: DeviceFeatureDeps = browserDeps()) {
    this.screen = new ScreenKeeper(deps.wakeLock, deps.document);
    this.controls = new MediaControls(deps.mediaSession);
  }

  follow(store: { get(): CallState; subscribe(l: (s: CallState) => void): () => void }, call: CallControls): void {
    this.stop();
    const apply = (s: CallState) => {
      if (s.phase === 'in-call') {
        this.screen.hold();
        this.controls.bind(call);
        this.controls.show(s.mic, s.camera);
      } else {
        this.screen.release();
        this.controls.unbind();
      }
    };
    apply(store.get());
    this.unsubscribe = store.subscribe(apply);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.screen.release();
    this.controls.unbind();
  }
}

function browserDeps(): DeviceFeatureDeps {
  if (typeof navigator === 'undefined') return {};
  return {
    wakeLock: 'wakeLock' in navigator ? navigator.wakeLock : undefined,
    mediaSession: 'mediaSession' in navigator ? navigator.mediaSession : undefined,
    document: typeof document === 'undefined' ? undefined : document,
  };
}
