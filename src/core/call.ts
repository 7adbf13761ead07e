import { CallStore, type CallState } from './call-store';
import { nextCamera } from './device-features';
import { certificateFingerprint, generateCertificate } from './identity';
import { listDevices, openMedia, openScreen, openTrack, type LocalMedia } from './media';
import { appendChat, outgoingChat } from './chat';
import { FileTransfers } from './files/file-transfer';
import { Mesh } from './mesh';
import type { PeerMessage } from './peer-protocol';
import { QualityMonitor, type UplinkReport } from './quality/quality';
import { randomId } from './room-link';
import { SecureChannel, SecurePipe } from './secure-channel';
import { SignalingClient, warmSocket, type SignalingSocket } from './signaling-client';

const NAME_KEY = 'p2p-call:name';

export interface CallOptions {
  signalingUrl: string;
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Total upload for the whole mesh, split across peers (bitrate.ts); defaults to DEFAULT_UPLINK_BPS. */
  uplinkBps?: number;
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
  /** The store to publish to; the UI creates it before the engine is loaded, so the home page needs no engine. */
  store?: CallStore;
}

/**
 * The call engine's front door: the UI calls these intent methods and reads `store`; nothing else.
 * Owns local media, the signaling connection and the mesh for one room at a time.
 */
export class Call {
  readonly store: CallStore;
  private readonly key = randomId(16);
  private media: LocalMedia = { audio: null, video: null, problem: null };
  private signaling: SignalingClient | null = null;
  private mesh: Mesh | null = null;
  private quality: QualityMonitor | null = null;
  private screenTrack: MediaStreamTrack | null = null;
  private iceServers: RTCIceServer[] = [];
  private files: FileTransfers | null = null;
  private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;
  /** The room link's fragment: the signaling key is derived from it. */
  private secret: string | null = null;
  /** The signaling key for the room on screen, derived once. */
  private channel: { for: string; ready: Promise<SecureChannel> } | null = null;
  /** The room's signaling socket, opened on the pre-join screen and handed to the client on Join. */
  private warm: SignalingSocket | null = null;
  /** One DTLS certificate per tab, so its fingerprint stays the same across rejoins. */
  private identity: Promise<{ certificate: RTCCertificate; fingerprint: string }> | null = null;
  /** Bumped on every hang-up, so a join still preparing its keys knows it was cancelled. */
  private session = 0;
  /** Bumped on every (re)opening of local media, so a slow getUserMedia that was superseded is dropped. */
  private mediaRound = 0;
  /** What the user asked for, as opposed to what the devices gave: a camera plugged in later is used if wanted. */
  private readonly wanted = { audio: true, video: true };
  private acquiring: Promise<void> | null = null;
  private unwatchDevices: (() => void) | null = null;

  constructor(private readonly opts: CallOptions) {
    this.store = opts.store ?? new CallStore();
    this.storage = opts.storage ?? globalThis.localStorage;
    this.store.set({ name: this.storage?.getItem(NAME_KEY) ?? '' });
  }

  get state(): CallState {
    return this.store.get();
  }

  /** Shows the pre-join screen for a room: camera preview and device pickers. */
  async openRoom(room: string, secret: string): Promise<void> {
    this.secret = secret;
    if (this.state.room === room && this.state.phase !== 'home') return;
    this.store.set({ phase: 'prejoin', room, notice: null, participants: [] });
    // Keys, certificate and socket get ready while the user looks at the preview, so Join only has to join.
    this.prepareIdentity().catch(() => undefined); // reported when Join needs it
    this.prepareChannel(room, secret).catch(() => undefined);
    this.warm?.close();
    this.warm = warmSocket(this.opts.signalingUrl, room);
    this.watchDevices();
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

  /** Front camera to back and round, where there is more than one. */
  async switchCamera(): Promise<void> {
    const id = nextCamera(this.state.devices.video, this.state.videoId);
    if (id) await this.chooseDevice('video', id);
  }

  private prepareChannel(room: string, secret: string): Promise<SecureChannel> {
    if (this.channel?.for !== `${room}#${secret}`) this.channel = { for: `${room}#${secret}`, ready: SecureChannel.create(secret, room) };
    return this.channel.ready;
  }

  /** Made while the user is still on the pre-join screen, so pressing Join does not wait for key generation. */
  private prepareIdentity(): Promise<{ certificate: RTCCertificate; fingerprint: string }> {
    return (this.identity ??= generateCertificate().then(async (certificate) => ({
      certificate,
      fingerprint: await certificateFingerprint(certificate),
    })));
  }

  /** An old-style link without the secret fragment: joining it could only be done insecurely, so it is not. */
  badLink(): void {
    this.leave();
    this.store.set({ phase: 'home', notice: 'missing-secret' });
  }

  join(): void {
    const room = this.state.room;
    const secret = this.secret;
    if (!room || !secret || this.signaling || this.state.phase === 'joining') return;
    const name = this.state.name.trim() || 'Guest';
    this.setName(name);
    this.store.set({ phase: 'joining', notice: null, chat: [], transfers: [] });
    const session = this.session;
    Promise.all([this.prepareChannel(room, secret), this.prepareIdentity()]).then(
      ([channel, identity]) => {
        if (session === this.session && this.state.phase === 'joining') this.connect(room, channel, identity);
      },
      (err: unknown) => {
        console.warn('call: could not prepare encryption', err);
        if (session === this.session) this.store.set({ phase: 'prejoin', notice: 'bad-room' });
      },
    );
  }

  private connect(room: string, channel: SecureChannel, identity: { certificate: RTCCertificate; fingerprint: string }): void {
    const pipe = new SecurePipe(channel, {
      selfId: () => this.signaling?.peerId ?? null,
      send: (to, data) => this.signaling?.signal(to, data),
      deliver: (from, text) => this.mesh?.signal(from, text),
      rejected: (from, reason) => {
        console.warn(`call: dropped a ${reason} signaling message from`, from);
        this.store.set({ notice: 'tampered-signal' });
      },
    });
    const files = this.openFiles();
    this.mesh = new Mesh(
      {
        key: this.key,
        send: (to, data) => pipe.send(to, data),
        identity: { room, ...identity },
        iceServers: () => this.iceServers,
        iceTransportPolicy: this.opts.iceTransportPolicy,
        localState: () => this.localState(),
        localTracks: () => ({ audio: this.media.audio, video: this.state.camera ? this.media.video : null }),
        localScreen: () => this.screenTrack,
        peerMessage: (key, m) => (m.type === 'chat' ? this.receiveChat(key, m) : files.message(key, m)),
        peerChannel: (key, channel) => files.channel(key, channel),
        peerOpen: (key) => files.peerOpen(key),
        peerGone: (key) => files.peerGone(key),
        linkTrouble: () => this.signaling?.probe(),
      },
      this.store,
    );
    const mesh = this.mesh;
    this.quality = new QualityMonitor(
      { links: () => mesh.links(), uplinkBps: this.opts.uplinkBps },
      {
        quality: (key, quality) => this.store.upsertParticipantIfPresent(key, { quality }),
        speaker: (speaker) => this.store.set({ speaker }),
      },
    );
    this.quality.start();
    this.signaling = new SignalingClient(
      { url: this.opts.signalingUrl, room },
      {
        welcome: (w) => {
          this.iceServers = w.iceServers.map((s) => ({ urls: s.urls, username: s.username, credential: s.credential }));
          const offered = this.mesh?.welcome(w.peers, w.resumed);
          if (this.state.phase !== 'joining' || !offered) return this.store.set({ phase: 'in-call' });
          // Showing the call screen takes the main thread for a while. Until the first link is up, that
          // thread carries its negotiation (answer in, candidates out); once it is, DTLS and the first
          // video frame run on the browser's own threads while the screen renders (at most 1 s: see Mesh.welcome).
          const session = this.session;
          void offered.then(() => {
            if (session === this.session && this.state.phase === 'joining') this.store.set({ phase: 'in-call' });
          });
        },
        peerJoined: (id) => this.mesh?.peerJoined(id),
        peerLeft: (id) => this.mesh?.peerLeft(id),
        signal: (from, data) => pipe.receive(from, data),
        error: (code) => {
          if (code === 'room-full') this.hangUp('full');
          else if (code === 'forbidden-origin') {
            this.hangUp('prejoin');
            this.store.set({ notice: 'server-refused' });
          }
        },
        status: (server) => {
          if (server === 'reconnecting') this.mesh?.serverLost();
          this.store.set({ server });
        },
      },
    );
    this.signaling.start(this.warm);
    this.warm = null;
  }

  toggleMic(): void {
    const mic = !this.state.mic;
    this.wanted.audio = mic;
    if (this.media.audio) this.media.audio.enabled = mic;
    this.store.set({ mic });
    this.announce();
    // No microphone yet (denied, missing, still asking): turning it on asks again.
    if (mic && !this.media.audio) void this.acquireMissing();
  }

  /** Camera off really releases the camera (its light goes off); on asks for it again. */
  async toggleCamera(): Promise<void> {
    const camera = !this.state.camera;
    this.wanted.video = camera;
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

  sendChat(text: string): void {
    const msg = outgoingChat(text);
    if (!msg || !this.mesh) return;
    this.mesh.broadcast(msg);
    this.store.set({
      chat: appendChat(this.state.chat, { id: msg.id, from: null, name: this.state.name || 'Guest', text: msg.text, at: msg.at }),
    });
  }

  /** Offers each file to one participant (by key) or, with 'all', to everyone in the call. */
  sendFiles(files: readonly File[], to: string): void {
    const keys = this.state.participants.map((p) => p.key);
    this.files?.offer(files, to === 'all' ? keys : keys.filter((k) => k === to));
  }

  /** Call from the accepting click itself: it may open the browser's save dialog. */
  acceptTransfer(id: string): Promise<void> {
    return this.files?.accept(id) ?? Promise.resolve();
  }

  declineTransfer(id: string): void {
    this.files?.decline(id);
  }

  cancelTransfer(id: string): void {
    this.files?.cancel(id);
  }

  dismissTransfer(id: string): void {
    this.files?.dismiss(id);
  }

  /** Share screen on/off. The browser's own "Stop sharing" bar ends the track, which lands here too. */
  async toggleScreen(): Promise<void> {
    if (this.screenTrack) return this.stopScreen();
    const track = await openScreen();
    if (typeof track === 'string') {
      this.store.set({ screenProblem: track });
      return;
    }
    if (this.screenTrack || !this.mesh) {
      track.stop(); // a second click won the race, or we left meanwhile
      return;
    }
    track.addEventListener('ended', () => this.stopScreen(), { once: true });
    this.screenTrack = track;
    this.mesh.setScreen(track);
    this.quality?.rebalance(true);
    this.store.set({ sharing: true, localScreen: new MediaStream([track]), screenProblem: null });
  }

  /** What our video senders upload to each peer against the budget (for a stats view and the benchmark). */
  uplink(): UplinkReport | null {
    return this.quality?.uplink() ?? null;
  }

  leave(): void {
    this.hangUp('home');
    this.releaseMedia();
    this.unwatchDevices?.();
    this.unwatchDevices = null;
    this.store.set({ room: null });
  }

  private stopScreen(): void {
    const track = this.screenTrack;
    if (!track) return;
    this.screenTrack = null;
    track.stop();
    this.mesh?.setScreen(null);
    this.quality?.rebalance(false);
    this.store.set({ sharing: false, localScreen: null });
  }

  private hangUp(phase: CallState['phase']): void {
    this.files?.close();
    this.files = null;
    this.stopScreen();
    this.quality?.stop();
    this.quality = null;
    this.session++;
    this.warm?.close();
    this.warm = null;
    this.signaling?.stop();
    this.signaling = null;
    this.mesh?.close();
    this.mesh = null;
    this.store.set({ phase, participants: [] });
  }

  private openFiles(): FileTransfers {
    this.files = new FileTransfers({
      send: (key, m) => this.mesh?.sendPeer(key, m) ?? false,
      createChannel: (key, label) => this.mesh?.createChannel(key, label) ?? null,
      isOpen: (key) => this.mesh?.isOpen(key) ?? false,
      nameOf: (key) => this.state.participants.find((p) => p.key === key)?.name || 'Guest',
      publish: (transfers) => this.store.set({ transfers }),
    });
    return this.files;
  }

  private receiveChat(key: string, m: Extract<PeerMessage, { type: 'chat' }>): void {
    const name = this.state.participants.find((p) => p.key === key)?.name || 'Guest';
    this.store.set({ chat: appendChat(this.state.chat, { id: m.id, from: key, name, text: m.text, at: m.at }) });
  }

  private localState(): Extract<PeerMessage, { type: 'state' }> {
    return { type: 'state', name: this.state.name || 'Guest', mic: this.state.mic, camera: this.state.camera && this.media.video !== null };
  }

  private announce(): void {
    this.mesh?.broadcast(this.localState());
  }

  private async openLocalMedia(): Promise<void> {
    this.releaseMedia();
    const round = ++this.mediaRound;
    const media = await openMedia({ audioId: this.state.audioId || undefined, videoId: this.state.videoId || undefined });
    if (round !== this.mediaRound) {
      // Left the room, or opened another, while the browser was still asking.
      media.audio?.stop();
      media.video?.stop();
      return;
    }
    // A toggle during the prompt may have opened a track of its own already: that one stays.
    for (const kind of ['audio', 'video'] as const) if (this.media[kind] && media[kind] !== this.media[kind]) media[kind]?.stop();
    this.media = { audio: this.media.audio ?? media.audio, video: this.media.video ?? media.video, problem: media.problem };
    if (this.media.audio) this.media.audio.enabled = this.state.mic;
    if (!this.media.video) this.store.set({ camera: false });
    else if (!this.wanted.video) this.replaceLocal('video', null);
    this.attachLocal();
    await this.refreshDevices();
  }

  /**
   * Hands the tracks we have to every link. Media often arrives after Join (a slow "Allow", a slow phone
   * camera): the links were made without tracks, and the transceivers they negotiated take them as they are.
   */
  private attachLocal(): void {
    this.mesh?.setTrack('audio', this.media.audio);
    this.mesh?.setTrack('video', this.state.camera ? this.media.video : null);
    this.publishLocal();
    this.store.set({ mediaProblem: this.media.problem });
    this.announce();
  }

  private async refreshDevices(): Promise<void> {
    const devices = await listDevices();
    this.store.set({
      devices: {
        audio: devices.audio.map((d, i) => ({ id: d.deviceId, label: d.label || `Microphone ${i + 1}` })),
        video: devices.video.map((d, i) => ({ id: d.deviceId, label: d.label || `Camera ${i + 1}` })),
      },
      audioId: this.media.audio?.getSettings().deviceId ?? this.state.audioId,
      videoId: this.media.video?.getSettings().deviceId ?? this.state.videoId,
    });
  }

  /**
   * A device plugged in, or a permission granted after a refusal: asks again for whatever the user wants
   * and does not have yet. One attempt at a time; a change during it is looked at by the next one.
   */
  private acquireMissing(): Promise<void> {
    return (this.acquiring ??= (async () => {
      const round = this.mediaRound;
      for (const kind of ['audio', 'video'] as const) {
        if (this.media[kind] || !this.wanted[kind] || this.state.room === null) continue;
        const track = await openTrack(kind, (kind === 'audio' ? this.state.audioId : this.state.videoId) || undefined);
        if (typeof track === 'string') continue;
        if (round !== this.mediaRound || this.media[kind] || !this.wanted[kind]) {
          track.stop();
          continue;
        }
        if (kind === 'audio') track.enabled = this.state.mic;
        this.media = { ...this.media, [kind]: track };
        if (kind === 'video') this.store.set({ camera: true });
      }
      if (this.media.audio && this.media.video) this.media = { ...this.media, problem: null };
      this.attachLocal();
      await this.refreshDevices();
    })().finally(() => (this.acquiring = null)));
  }

  private watchDevices(): void {
    if (this.unwatchDevices) return;
    const md = navigator.mediaDevices;
    const changed = () => void this.acquireMissing();
    md?.addEventListener?.('devicechange', changed);
    const statuses: PermissionStatus[] = [];
    for (const name of ['camera', 'microphone']) {
      // Not every browser can be asked about these (Firefox ESR rejects the names): then only devicechange helps.
      navigator.permissions
        ?.query({ name: name as PermissionName })
        .then((status) => {
          if (!this.unwatchDevices) return;
          status.onchange = () => status.state === 'granted' && changed();
          statuses.push(status);
        })
        .catch(() => undefined);
    }
    this.unwatchDevices = () => {
      md?.removeEventListener?.('devicechange', changed);
      for (const st of statuses) st.onchange = null;
    };
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
    this.mediaRound++;
    this.media.audio?.stop();
    this.media.video?.stop();
    this.media = { audio: null, video: null, problem: null };
    this.store.set({ localStream: null });
  }
}
