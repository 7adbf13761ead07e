import { expect } from '@open-wc/testing';
import { CallStore } from '../../src/core/call-store';
import {
  CallDeviceFeatures,
  MediaControls,
  ScreenKeeper,
  nextCamera,
  type MediaSessionApi,
  type WakeLockApi,
} from '../../src/core/device-features';

/** A wake lock that counts what it was asked for. */
function fakeWakeLock() {
  const log = { requests: 0, releases: 0 };
  const sentinels: Array<{ released: boolean }> = [];
  const api: WakeLockApi = {
    async request() {
      log.requests++;
      const sentinel = {
        released: false,
        async release() {
          if (!sentinel.released) log.releases++;
          sentinel.released = true;
        },
      };
      sentinels.push(sentinel);
      return sentinel;
    },
  };
  /** What the system does when the page is hidden: every lock is gone, without our asking. */
  const systemRelease = () => sentinels.forEach((s) => (s.released = true));
  return { api, log, systemRelease };
}

/** A document whose visibility the test flips. */
function fakeDocument() {
  const target = new EventTarget();
  const doc = {
    visibilityState: 'visible' as DocumentVisibilityState,
    addEventListener: target.addEventListener.bind(target),
    removeEventListener: target.removeEventListener.bind(target),
    set(state: DocumentVisibilityState) {
      doc.visibilityState = state;
      target.dispatchEvent(new Event('visibilitychange'));
    },
  };
  return doc;
}

/** A media session that keeps its handlers, refusing actions it "does not know" as browsers do. */
function fakeSession(known = ['togglemicrophone', 'togglecamera', 'hangup']) {
  const handlers = new Map<string, () => void>();
  const active = { mic: [] as boolean[], camera: [] as boolean[] };
  const session: MediaSessionApi = {
    setActionHandler(action, handler) {
      if (!known.includes(action)) throw new TypeError(`unknown action ${action}`);
      if (handler) handlers.set(action, handler);
      else handlers.delete(action);
    },
    // As in Chromium: no promise back, whatever the types say.
    setMicrophoneActive(a) {
      active.mic.push(a);
    },
    setCameraActive() {
      throw new DOMException('not supported', 'NotSupportedError');
    },
  };
  return { session, handlers, active };
}

describe('device features', () => {
  it('holds the screen awake while wanted, takes the lock again after the page was hidden, and releases it', async () => {
    const { api, log, systemRelease } = fakeWakeLock();
    const doc = fakeDocument();
    const keeper = new ScreenKeeper(api, doc);
    keeper.hold();
    await keeper.settled();
    expect(keeper.held).to.equal(true);
    expect(log.requests).to.equal(1);

    // The system drops the lock when the page is hidden; coming back takes it again.
    systemRelease();
    doc.set('hidden');
    expect(keeper.held).to.equal(false);
    doc.set('visible');
    await keeper.settled();
    expect(keeper.held).to.equal(true);
    expect(log.requests).to.equal(2);

    keeper.release();
    expect(keeper.held).to.equal(false);
    doc.set('hidden');
    doc.set('visible');
    await keeper.settled();
    expect(log.requests).to.equal(2, 'no new lock after release');
  });

  it('releases a lock that arrives after the call already ended', async () => {
    const { api, log } = fakeWakeLock();
    const keeper = new ScreenKeeper(api, fakeDocument());
    keeper.hold();
    keeper.release();
    await keeper.settled();
    expect(keeper.held).to.equal(false);
    expect(log.releases).to.equal(1);
  });

  it('works without the API at all', () => {
    const keeper = new ScreenKeeper(undefined, undefined);
    keeper.hold();
    keeper.release();
    expect(keeper.held).to.equal(false);
    new MediaControls(undefined).bind({ toggleMic() {}, toggleCamera() {}, hangUp() {} });
  });

  it('binds mute, camera and hang-up to the system media controls, skipping actions the browser lacks', () => {
    const { session, handlers } = fakeSession(['togglemicrophone', 'hangup']);
    const calls: string[] = [];
    const controls = new MediaControls(session);
    controls.bind({ toggleMic: () => calls.push('mic'), toggleCamera: () => calls.push('camera'), hangUp: () => calls.push('hangup') });
    expect([...handlers.keys()].sort()).to.deep.equal(['hangup', 'togglemicrophone']);
    handlers.get('togglemicrophone')?.();
    handlers.get('hangup')?.();
    expect(calls).to.deep.equal(['mic', 'hangup']);
    controls.unbind();
    expect(handlers.size).to.equal(0);
  });

  it('picks the next camera, wrapping around, and none when there is only one', () => {
    const cams = [{ id: 'front' }, { id: 'back' }];
    expect(nextCamera(cams, 'front')).to.equal('back');
    expect(nextCamera(cams, 'back')).to.equal('front');
    expect(nextCamera(cams, 'unknown')).to.equal('front');
    expect(nextCamera([{ id: 'only' }], 'only')).to.equal(null);
    expect(nextCamera([], '')).to.equal(null);
  });

  it('turns everything on when the call starts and off when it ends, following the store', async () => {
    const { api, log } = fakeWakeLock();
    const { session, handlers, active } = fakeSession();
    const features = new CallDeviceFeatures({ wakeLock: api, mediaSession: session, document: fakeDocument() });
    const store = new CallStore();
    let hungUp = 0;
    features.follow(store, { toggleMic() {}, toggleCamera() {}, hangUp: () => hungUp++ });
    expect(log.requests).to.equal(0);
    expect(handlers.size).to.equal(0);

    store.set({ phase: 'in-call' });
    await features.screen.settled();
    expect(features.screen.held).to.equal(true);
    expect(handlers.size).to.equal(3);
    let seen = 0;
    store.subscribe(() => seen++);
    store.set({ mic: false });
    expect(active.mic).to.deep.equal([true, false]);
    expect(seen, 'the store still reaches its other listeners').to.equal(1);
    handlers.get('hangup')?.();
    expect(hungUp).to.equal(1);

    store.set({ phase: 'home' });
    expect(features.screen.held).to.equal(false);
    expect(log.releases).to.equal(1);
    expect(handlers.size).to.equal(0);
    features.stop();
  });
});
