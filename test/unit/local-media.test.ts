// LocalMedia with fake devices: what reaches the links and the store when media is slow, refused, granted
// later, switched, turned off, or shared as a screen. The browser path is covered end to end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallStore } from '../../src/core/call-store';
import { LocalMedia, type Devices } from '../../src/core/local-media';
import type { MediaProblem, OpenedMedia } from '../../src/core/media';

type Kind = 'audio' | 'video';

class FakeTrack extends EventTarget {
  enabled = true;
  stopped = false;
  constructor(
    readonly kind: Kind,
    readonly deviceId: string,
  ) {
    super();
  }
  stop(): void {
    this.stopped = true;
  }
  getSettings(): MediaTrackSettings {
    return { deviceId: this.deviceId };
  }
}

const asTrack = (t: FakeTrack): MediaStreamTrack => t as unknown as MediaStreamTrack;

/** Devices whose answers the test decides: each request waits until the test resolves it. */
class FakeDevices implements Devices {
  readonly opens: Array<(m: OpenedMedia) => void> = [];
  readonly trackAnswers: Partial<Record<Kind, MediaProblem | 'ok'>> = {};
  screenAnswer: MediaProblem | 'ok' = 'ok';
  changed: (() => void) | null = null;
  unwatched = 0;
  made: FakeTrack[] = [];

  track(kind: Kind, id = `${kind}-1`): FakeTrack {
    const t = new FakeTrack(kind, id);
    this.made.push(t);
    return t;
  }
  open(): Promise<OpenedMedia> {
    return new Promise((resolve) => this.opens.push(resolve));
  }
  openTrack(kind: Kind, id?: string): Promise<MediaStreamTrack | MediaProblem> {
    const answer = this.trackAnswers[kind] ?? 'ok';
    return Promise.resolve(answer === 'ok' ? asTrack(this.track(kind, id ?? `${kind}-1`)) : answer);
  }
  openScreen(): Promise<MediaStreamTrack | MediaProblem> {
    return Promise.resolve(this.screenAnswer === 'ok' ? asTrack(this.track('video', 'screen')) : this.screenAnswer);
  }
  list(): ReturnType<Devices['list']> {
    return Promise.resolve({
      audio: [{ deviceId: 'audio-1', label: '' }],
      video: [
        { deviceId: 'video-1', label: 'Front' },
        { deviceId: 'video-2', label: 'Back' },
      ],
    });
  }
  watch(changed: () => void): () => void {
    this.changed = changed;
    return () => {
      this.unwatched++;
      this.changed = null;
    };
  }
  stream(tracks: MediaStreamTrack[]): MediaStream {
    return { tracks } as unknown as MediaStream;
  }
  /** Answers the oldest pending open. */
  answer(media: Partial<OpenedMedia>): void {
    const next = this.opens.shift();
    assert.ok(next, 'no open is pending');
    next({ audio: null, video: null, problem: null, ...media });
  }
}

function setup(inCall = true) {
  const store = new CallStore();
  const devices = new FakeDevices();
  const links: Record<Kind, MediaStreamTrack | null> = { audio: null, video: null };
  const log = { announced: 0, screens: [] as Array<MediaStreamTrack | null> };
  const media = new LocalMedia(
    {
      state: () => store.get(),
      publish: (patch) => store.set(patch),
      track: (kind, track) => (links[kind] = track),
      screen: (track) => (inCall ? (log.screens.push(track), true) : false),
      announce: () => log.announced++,
    },
    devices,
  );
  return { store, devices, links, log, media };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

test('media that arrives after the links exist is handed to them and announced (a slow "Allow")', async () => {
  const { store, devices, links, log, media } = setup();
  const opening = media.open();
  assert.equal(links.audio, null);
  const [audio, video] = [devices.track('audio'), devices.track('video')];
  devices.answer({ audio: asTrack(audio), video: asTrack(video) });
  await opening;
  assert.equal(links.audio, asTrack(audio));
  assert.equal(links.video, asTrack(video));
  assert.ok(log.announced >= 1);
  assert.ok(store.get().localStream, 'the preview has a stream');
  assert.deepEqual(store.get().devices.audio, [{ id: 'audio-1', label: 'Microphone 1' }]);
  assert.equal(store.get().videoId, 'video-1');
});

test('a prompt answered after leaving the room stops what it got and hands nothing on', async () => {
  const { devices, links, media } = setup();
  const opening = media.open();
  media.close();
  const [audio, video] = [devices.track('audio'), devices.track('video')];
  devices.answer({ audio: asTrack(audio), video: asTrack(video) });
  await opening;
  assert.ok(audio.stopped && video.stopped);
  assert.equal(links.audio, null);
  assert.equal(links.video, null);
  assert.equal(devices.unwatched, 1);
});

test('camera off stops the camera and takes it off every link; on opens a new one', async () => {
  const { store, devices, links, media } = setup();
  const opening = media.open();
  const video = devices.track('video');
  devices.answer({ audio: asTrack(devices.track('audio')), video: asTrack(video) });
  await opening;
  await media.toggleCamera();
  assert.equal(store.get().camera, false);
  assert.ok(video.stopped, 'the camera light goes off');
  assert.equal(links.video, null);
  assert.equal(media.sendingVideo(), false);
  await media.toggleCamera();
  assert.equal(store.get().camera, true);
  assert.ok(links.video && links.video !== asTrack(video));
  assert.equal(media.sendingVideo(), true);
});

test('a camera refused when turned on says why and stays off', async () => {
  const { store, devices, links, media } = setup();
  const opening = media.open();
  devices.answer({ audio: asTrack(devices.track('audio')), problem: 'denied' });
  await opening;
  assert.equal(store.get().camera, false);
  devices.trackAnswers.video = 'denied';
  await media.toggleCamera();
  assert.equal(store.get().camera, false);
  assert.equal(store.get().mediaProblem, 'denied');
  assert.equal(links.video, null);
});

test('a permission granted after a refusal brings the missing camera to every link', async () => {
  const { store, devices, links, media } = setup();
  const opening = media.open();
  devices.answer({ audio: asTrack(devices.track('audio')), problem: 'denied' });
  await opening;
  assert.equal(store.get().mediaProblem, 'denied');
  assert.ok(devices.changed, 'devices are watched while the room is open');
  devices.changed();
  await settle();
  await settle();
  assert.ok(links.video, 'the camera reaches the links');
  assert.equal(store.get().camera, true);
  assert.equal(store.get().mediaProblem, null);
});

test('turning the microphone on with none yet asks again; off mutes without asking', async () => {
  const { store, devices, links, media } = setup();
  const opening = media.open();
  devices.answer({ video: asTrack(devices.track('video')), problem: 'denied' });
  await opening;
  media.toggleMic(); // off
  assert.equal(store.get().mic, false);
  assert.equal(links.audio, null);
  media.toggleMic(); // on: asks
  await settle();
  await settle();
  const mic = links.audio as MediaStreamTrack | null;
  assert.ok(mic, 'the new microphone reaches the links');
  assert.equal(mic.enabled, true);
});

test('a muted microphone stays muted when a new one is chosen; the old one is stopped', async () => {
  const { devices, links, media } = setup();
  const opening = media.open();
  const audio = devices.track('audio');
  devices.answer({ audio: asTrack(audio), video: asTrack(devices.track('video')) });
  await opening;
  media.toggleMic();
  assert.equal(audio.enabled, false);
  await media.choose('audio', 'audio-2');
  // Muted means no track opened: the choice waits for the microphone to come on.
  assert.equal(links.audio, asTrack(audio));
  media.toggleMic();
  await media.choose('audio', 'audio-2');
  assert.ok(audio.stopped);
  assert.equal(links.audio?.getSettings().deviceId, 'audio-2');
});

test('switching camera goes to the next one and stops the first', async () => {
  const { store, devices, links, media } = setup();
  const opening = media.open();
  const video = devices.track('video', 'video-1');
  devices.answer({ audio: asTrack(devices.track('audio')), video: asTrack(video) });
  await opening;
  await media.switchCamera();
  assert.equal(store.get().videoId, 'video-2');
  assert.equal(links.video?.getSettings().deviceId, 'video-2');
  assert.ok(video.stopped);
});

test('a screen shared into the call goes to the links; the browser ending it stops the share', async () => {
  const { store, devices, log, media } = setup();
  await media.toggleScreen();
  assert.equal(store.get().sharing, true);
  const screen = devices.made.at(-1);
  assert.ok(screen && log.screens[0] === asTrack(screen));
  screen.dispatchEvent(new Event('ended'));
  assert.equal(store.get().sharing, false);
  assert.equal(log.screens.at(-1), null);
  assert.ok(screen.stopped);
});

test('a screen picked after leaving the call is stopped, and a refused one says why', async () => {
  const left = setup(false);
  await left.media.toggleScreen();
  assert.equal(left.store.get().sharing, undefined);
  assert.ok(left.devices.made.at(-1)?.stopped);
  const refused = setup();
  refused.devices.screenAnswer = 'denied';
  await refused.media.toggleScreen();
  assert.equal(refused.store.get().screenProblem, 'denied');
});

test('closing stops every track and later device changes take nothing', async () => {
  const { devices, links, media } = setup();
  const opening = media.open();
  const [audio, video] = [devices.track('audio'), devices.track('video')];
  devices.answer({ audio: asTrack(audio), video: asTrack(video) });
  await opening;
  const changed = devices.changed;
  media.close();
  assert.ok(audio.stopped && video.stopped);
  assert.equal(devices.unwatched, 1);
  const before = devices.made.length;
  changed?.();
  await settle();
  assert.equal(devices.made.length, before, 'nothing asked for after leaving');
  assert.equal(links.audio, asTrack(audio), 'links are the mesh’s to close');
});
