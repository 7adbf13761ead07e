import type { CallState } from './call-store';
import { nextCamera } from './device-features';
import { listDevices, openMedia, openScreen, openTrack, type DeviceChoice, type MediaProblem, type OpenedMedia } from './media';

type Kind = 'audio' | 'video';

/** The part of the call's state that local media owns. */
export type MediaFields = Pick<
  CallState,
  'mic' | 'camera' | 'localStream' | 'mediaProblem' | 'devices' | 'audioId' | 'videoId' | 'sharing' | 'localScreen' | 'screenProblem'
>;

/** The browser's devices, as local media uses them; tests pass fakes. */
export interface Devices {
  open(choice: DeviceChoice): Promise<OpenedMedia>;
  openTrack(kind: Kind, id?: string): Promise<MediaStreamTrack | MediaProblem>;
  openScreen(): Promise<MediaStreamTrack | MediaProblem>;
  list(): Promise<{
    audio: ReadonlyArray<Pick<MediaDeviceInfo, 'deviceId' | 'label'>>;
    video: ReadonlyArray<Pick<MediaDeviceInfo, 'deviceId' | 'label'>>;
  }>;
  /** Calls `changed` when a device is plugged in or a permission is granted; returns how to stop. */
  watch(changed: () => void): () => void;
  stream(tracks: MediaStreamTrack[]): MediaStream;
}

/** Where local media reports to: the store for what the UI shows, the mesh for what the others get. */
export interface MediaOutput {
  state(): Readonly<MediaFields>;
  publish(patch: Partial<MediaFields>): void;
  /** Hand this track to every link (null takes ours off). */
  track(kind: Kind, track: MediaStreamTrack | null): void;
  /** Put a screen on every link, or take it off; false when there is no call to share it into. */
  screen(track: MediaStreamTrack | null): boolean;
  /** What we send changed (microphone, camera): tell the others. */
  announce(): void;
}

/**
 * Our microphone, camera and screen for one room: opening, choosing, switching, toggling and releasing
 * them, and picking up what arrives late (a slow "Allow", a permission granted after a refusal, a camera
 * plugged in mid-call).
 */
export class LocalMedia {
  private media: OpenedMedia = { audio: null, video: null, problem: null };
  private screenTrack: MediaStreamTrack | null = null;
  /** Bumped on every (re)opening of local media, so a slow getUserMedia that was superseded is dropped. */
  private round = 0;
  /** Whether a room is open: only then is a missing device asked for again. */
  private active = false;
  /** What the user asked for, as opposed to what the devices gave: a camera plugged in later is used if wanted. */
  private readonly wanted = { audio: true, video: true };
  private acquiring: Promise<void> | null = null;
  private unwatch: (() => void) | null = null;

  constructor(
    private readonly out: MediaOutput,
    private readonly devices: Devices = browserDevices,
  ) {}

  /** What to hand a new link: the camera only while it is on. */
  tracks(): { audio: MediaStreamTrack | null; video: MediaStreamTrack | null } {
    return { audio: this.media.audio, video: this.out.state().camera ? this.media.video : null };
  }

  /** Whether the others can see us: camera on and a camera there. */
  sendingVideo(): boolean {
    return this.out.state().camera && this.media.video !== null;
  }

  /** Opens microphone and camera for a room (the pre-join preview) and watches for devices arriving. */
  async open(): Promise<void> {
    this.active = true;
    this.unwatch ??= this.devices.watch(() => void this.acquireMissing());
    this.release();
    const round = ++this.round;
    const state = this.out.state();
    const media = await this.devices.open({ audioId: state.audioId || undefined, videoId: state.videoId || undefined });
    if (round !== this.round) {
      // Left the room, or opened another, while the browser was still asking.
      media.audio?.stop();
      media.video?.stop();
      return;
    }
    // A toggle during the prompt may have opened a track of its own already: that one stays.
    for (const kind of ['audio', 'video'] as const) if (this.media[kind] && media[kind] !== this.media[kind]) media[kind]?.stop();
    this.media = { audio: this.media.audio ?? media.audio, video: this.media.video ?? media.video, problem: media.problem };
    if (this.media.audio) this.media.audio.enabled = this.out.state().mic;
    if (!this.media.video) this.out.publish({ camera: false });
    else if (!this.wanted.video) this.replace('video', null);
    this.attach();
    await this.refreshDevices();
  }

  async choose(kind: Kind, id: string): Promise<void> {
    this.out.publish(kind === 'audio' ? { audioId: id } : { videoId: id });
    const state = this.out.state();
    if (!(kind === 'audio' ? state.mic : state.camera)) return;
    const track = await this.devices.openTrack(kind, id || undefined);
    if (typeof track === 'string') return this.out.publish({ mediaProblem: track });
    this.replace(kind, track);
    if (kind === 'audio') track.enabled = this.out.state().mic;
  }

  /** Front camera to back and round, where there is more than one. */
  async switchCamera(): Promise<void> {
    const state = this.out.state();
    const id = nextCamera(state.devices.video, state.videoId);
    if (id) await this.choose('video', id);
  }

  toggleMic(): void {
    const mic = !this.out.state().mic;
    this.wanted.audio = mic;
    if (this.media.audio) this.media.audio.enabled = mic;
    this.out.publish({ mic });
    this.out.announce();
    // No microphone yet (denied, missing, still asking): turning it on asks again.
    if (mic && !this.media.audio) void this.acquireMissing();
  }

  /** Camera off really releases the camera (its light goes off); on asks for it again. */
  async toggleCamera(): Promise<void> {
    const camera = !this.out.state().camera;
    this.wanted.video = camera;
    this.out.publish({ camera });
    if (!camera) {
      this.replace('video', null);
    } else {
      const track = await this.devices.openTrack('video', this.out.state().videoId || undefined);
      if (typeof track === 'string') {
        this.out.publish({ camera: false, mediaProblem: track });
      } else if (this.out.state().camera) {
        this.replace('video', track);
        this.out.publish({ mediaProblem: null });
      } else {
        track.stop();
      }
    }
    this.out.announce();
  }

  /** Share screen on/off. The browser's own "Stop sharing" bar ends the track, which lands here too. */
  async toggleScreen(): Promise<void> {
    if (this.screenTrack) return this.stopScreen();
    const track = await this.devices.openScreen();
    if (typeof track === 'string') return this.out.publish({ screenProblem: track });
    // A second click won the race, or we left meanwhile.
    if (this.screenTrack || !this.out.screen(track)) return track.stop();
    track.addEventListener('ended', () => this.stopScreen(), { once: true });
    this.screenTrack = track;
    this.out.publish({ sharing: true, localScreen: this.devices.stream([track]), screenProblem: null });
  }

  stopScreen(): void {
    const track = this.screenTrack;
    if (!track) return;
    this.screenTrack = null;
    track.stop();
    this.out.screen(null);
    this.out.publish({ sharing: false, localScreen: null });
  }

  get screen(): MediaStreamTrack | null {
    return this.screenTrack;
  }

  /** Leaving the room: every track stops (camera light off) and nothing arriving later is taken. */
  close(): void {
    this.active = false;
    this.stopScreen();
    this.release();
    this.unwatch?.();
    this.unwatch = null;
  }

  /**
   * Hands the tracks we have to every link. Media often arrives after Join (a slow "Allow", a slow phone
   * camera): the links were made without tracks, and the transceivers they negotiated take them as they are.
   */
  private attach(): void {
    const { audio, video } = this.tracks();
    this.out.track('audio', audio);
    this.out.track('video', video);
    this.publishStream();
    this.out.publish({ mediaProblem: this.media.problem });
    this.out.announce();
  }

  private async refreshDevices(): Promise<void> {
    const devices = await this.devices.list();
    const state = this.out.state();
    this.out.publish({
      devices: {
        audio: devices.audio.map((d, i) => ({ id: d.deviceId, label: d.label || `Microphone ${i + 1}` })),
        video: devices.video.map((d, i) => ({ id: d.deviceId, label: d.label || `Camera ${i + 1}` })),
      },
      audioId: this.media.audio?.getSettings().deviceId ?? state.audioId,
      videoId: this.media.video?.getSettings().deviceId ?? state.videoId,
    });
  }

  /**
   * A device plugged in, or a permission granted after a refusal: asks again for whatever the user wants
   * and does not have yet. One attempt at a time; a change during it is looked at by the next one.
   */
  private acquireMissing(): Promise<void> {
    return (this.acquiring ??= (async () => {
      const round = this.round;
      for (const kind of ['audio', 'video'] as const) {
        if (this.media[kind] || !this.wanted[kind] || !this.active) continue;
        const state = this.out.state();
        const track = await this.devices.openTrack(kind, (kind === 'audio' ? state.audioId : state.videoId) || undefined);
        if (typeof track === 'string') continue;
        if (round !== this.round || this.media[kind] || !this.wanted[kind]) {
          track.stop();
          continue;
        }
        if (kind === 'audio') track.enabled = this.out.state().mic;
        this.media = { ...this.media, [kind]: track };
        if (kind === 'video') this.out.publish({ camera: true });
      }
      if (!this.active) return;
      if (this.media.audio && this.media.video) this.media = { ...this.media, problem: null };
      this.attach();
      await this.refreshDevices();
    })().finally(() => (this.acquiring = null)));
  }

  private replace(kind: Kind, track: MediaStreamTrack | null): void {
    const old = this.media[kind];
    if (old && old !== track) old.stop();
    this.media = { ...this.media, [kind]: track };
    this.out.track(kind, track);
    this.publishStream();
  }

  private publishStream(): void {
    const tracks = [this.media.audio, this.media.video].filter((t): t is MediaStreamTrack => t !== null);
    this.out.publish({ localStream: tracks.length ? this.devices.stream(tracks) : null });
  }

  private release(): void {
    this.round++;
    this.media.audio?.stop();
    this.media.video?.stop();
    this.media = { audio: null, video: null, problem: null };
    this.out.publish({ localStream: null });
  }
}

/** The real browser: getUserMedia, getDisplayMedia, enumerateDevices, devicechange and permission changes. */
export const browserDevices: Devices = {
  open: openMedia,
  openTrack,
  openScreen,
  list: listDevices,
  stream: (tracks) => new MediaStream(tracks),
  watch(changed) {
    const md = navigator.mediaDevices;
    let stopped = false;
    md?.addEventListener?.('devicechange', changed);
    const statuses: PermissionStatus[] = [];
    for (const name of ['camera', 'microphone']) {
      // Not every browser can be asked about these (Firefox ESR rejects the names): then only devicechange helps.
      navigator.permissions
        ?.query({ name: name as PermissionName })
        .then((status) => {
          if (stopped) return;
          status.onchange = () => status.state === 'granted' && changed();
          statuses.push(status);
        })
        .catch(() => undefined);
    }
    return () => {
      stopped = true;
      md?.removeEventListener?.('devicechange', changed);
      for (const st of statuses) st.onchange = null;
    };
  },
};
