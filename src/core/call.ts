import { CallStore, type CallState } from './call-store';
import { listDevices, openMedia, openTrack, type LocalMedia } from './media';
import { Mesh } from './mesh';
import type { PeerMessage } from './peer-protocol';
import { newRoomId, randomId } from './room-link';
import { SignalingClient } from './signaling-client';

const NAME_KEY = 'p2p-call:name';

export interface CallOptions {
  signalingUrl: string;
  iceTransportPolicy?: RTCIceTransportPolicy;
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
}

/**
 * The call engine's front door: the UI calls these intent methods and reads `store`; nothing else.
 * Owns local media, the signaling connection and the mesh for one room at a time.
 */
export class Call {
  readonly store = new CallStore();
  private readonly key = randomId(16);
  private media: LocalMedia = { audio: null, video: null, problem: null };
  private signaling: SignalingClient | null = null;
  private mesh: Mesh | null = null;
  private iceServers: RTCIceServer[] = [];
  private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;

  constructor(private readonly opts: CallOptions) {
    this.storage = opts.storage ?? globalThis.localStorage;
    this.store.set({ name: this.storage?.getItem(NAME_KEY) ?? '' });
  }

  get state(): CallState {
    return this.store.get();
  }

  newRoom(): string {
    return newRoomId();
  }

  /** Shows the pre-join screen for a room: camera preview and device pickers. */
  async openRoom(room: string): Promise<void> {
    if (this.state.room === room && this.state.phase !== 'home') return;
    this.store.set({ phase: 'prejoin', room, notice: null, participants: [] });
    await this.openLocalMedia();
  }

  setName(name: string): void {
    this.store.set({ name });
    this.storage?.setItem(NAME_KEY, name);
  }

  async chooseDevice(kind: 'audio' | 'video', id: string): Promise<void> {
    this.store.set(kind === 'audio' ? { audioId: id } : { videoId: id });
    const on = kind === 'audio' ? this.state.mic : this.state.camera;
    if (!on) return;
    const track = await openTrack(kind, id || undefined);
    if (typeof track === 'string') {
      this.store.set({ mediaProblem: track });
      return;
    }
    this.replaceLocal(kind, track);
    if (kind === 'audio') track.enabled = this.state.mic;
  }

  join(): void {
    const room = this.state.room;
    if (!room || this.signaling) return;
    const name = this.state.name.trim() || 'Guest';
    this.setName(name);
    this.store.set({ phase: 'joining', notice: null });
    this.mesh = new Mesh(
      {
        key: this.key,
        send: (to, data) => this.signaling?.signal(to, data),
        iceServers: () => this.iceServers,
        iceTransportPolicy: this.opts.iceTransportPolicy,
        localState: () => this.localState(),
        localTracks: () => ({ audio: this.media.audio, video: this.state.camera ? this.media.video : null }),
      },
      this.store,
    );
    this.signaling = new SignalingClient(
      { url: this.opts.signalingUrl, room },
      {
        welcome: (w) => {
          this.iceServers = w.iceServers.map((s) => ({ urls: s.urls, username: s.username, credential: s.credential }));
          this.store.set({ phase: 'in-call' });
          this.mesh?.welcome(w.peers, w.resumed);
        },
        peerJoined: () => undefined,
        peerLeft: (id) => this.mesh?.peerLeft(id),
        signal: (from, data) => this.mesh?.signal(from, data),
        error: (code) => {
          if (code === 'room-full') this.hangUp('full');
          else if (code === 'forbidden-origin') {
            this.hangUp('prejoin');
            this.store.set({ notice: 'server-refused' });
          }
        },
        status: (server) => this.store.set({ server }),
      },
    );
    this.signaling.start();
  }

  toggleMic(): void {
    const mic = !this.state.mic;
    if (this.media.audio) this.media.audio.enabled = mic;
    this.store.set({ mic });
    this.announce();
  }

  /** Camera off really releases the camera (its light goes off); on asks for it again. */
  async toggleCamera(): Promise<void> {
    const camera = !this.state.camera;
    this.store.set({ camera });
    if (!camera) {
      this.replaceLocal('video', null);
    } else {
      const track = await openTrack('video', this.state.videoId || undefined);
      if (typeof track === 'string') {
        this.store.set({ camera: false, mediaProblem: track });
      } else if (this.state.camera) {
        this.replaceLocal('video', track);
        this.store.set({ mediaProblem: null });
      } else {
        track.stop();
      }
    }
    this.announce();
  }

  leave(): void {
    this.hangUp('home');
    this.releaseMedia();
    this.store.set({ room: null });
  }

  private hangUp(phase: CallState['phase']): void {
    this.signaling?.stop();
    this.signaling = null;
    this.mesh?.close();
    this.mesh = null;
    this.store.set({ phase, participants: [] });
  }

  private localState(): PeerMessage {
    return { type: 'state', name: this.state.name || 'Guest', mic: this.state.mic, camera: this.state.camera && this.media.video !== null };
  }

  private announce(): void {
    this.mesh?.broadcast(this.localState());
  }

  private async openLocalMedia(): Promise<void> {
    this.releaseMedia();
    this.media = await openMedia({ audioId: this.state.audioId || undefined, videoId: this.state.videoId || undefined });
    if (this.media.audio) this.media.audio.enabled = this.state.mic;
    if (!this.media.video) this.store.set({ camera: false });
    this.publishLocal();
    this.store.set({ mediaProblem: this.media.problem });
    const devices = await listDevices();
    this.store.set({
      devices: {
        audio: devices.audio.map((d, i) => ({ id: d.deviceId, label: d.label || `Microphone ${i + 1}` })),
        video: devices.video.map((d, i) => ({ id: d.deviceId, label: d.label || `Camera ${i + 1}` })),
      },
      audioId: this.media.audio?.getSettings().deviceId ?? '',
      videoId: this.media.video?.getSettings().deviceId ?? '',
    });
  }

  private replaceLocal(kind: 'audio' | 'video', track: MediaStreamTrack | null): void {
    const old = this.media[kind];
    if (old && old !== track) old.stop();
    this.media = { ...this.media, [kind]: track };
    this.mesh?.setTrack(kind, track);
    this.publishLocal();
  }

  private publishLocal(): void {
    const tracks = [this.media.audio, this.media.video].filter((t): t is MediaStreamTrack => t !== null);
    this.store.set({ localStream: tracks.length ? new MediaStream(tracks) : null });
  }

  private releaseMedia(): void {
    this.media.audio?.stop();
    this.media.video?.stop();
    this.media = { audio: null, video: null, problem: null };
    this.store.set({ localStream: null });
  }
}
