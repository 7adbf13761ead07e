import { CallStore, type CallState } from './call-store';
import { certificateFingerprint, generateCertificate } from './identity';
import { LocalMedia, type Devices } from './local-media';
import { appendChat, outgoingChat } from './chat';
import { FileTransfers } from './files/file-transfer';
import { Mesh } from './mesh';
import type { PeerMessage } from './peer-protocol';
import { QualityMonitor, type UplinkReport } from './quality/quality';
import { randomId } from './room-link';
import { SecureChannel, SecurePipe } from './secure-channel';
import { SignalingClient, warmSocket, type NetworkEvents, type SignalingSocket, type SocketFactory } from './signaling-client';

const NAME_KEY = 'p2p-call:name';

export interface CallOptions {
  signalingUrl: string;
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Total upload for the whole mesh, split across peers (bitrate.ts); defaults to DEFAULT_UPLINK_BPS. */
  uplinkBps?: number;
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
  /** The store to publish to; the UI creates it before the engine is loaded, so the home page needs no engine. */
  store?: CallStore;
  /** Microphone, camera and screen; the browser's unless a test passes fakes. */
  devices?: Devices;
  /** The signaling socket and the network hints; the browser's unless a test passes scripted ones. */
  socket?: SocketFactory;
  network?: NetworkEvents;
  /** Makes this tab's DTLS certificate and its fingerprint; RTCPeerConnection's unless a test passes one. */
  certificate?: () => Promise<Identity>;
}

type Identity = { certificate: RTCCertificate; fingerprint: string };

async function browserCertificate(): Promise<Identity> {
  const certificate = await generateCertificate();
  return { certificate, fingerprint: await certificateFingerprint(certificate) };
}

/**
 * The call engine's front door: the UI calls these intent methods and reads `store`; nothing else.
 * Owns the signaling connection and the mesh for one room at a time; local media is `LocalMedia`'s.
 */
export class Call {
  readonly store: CallStore;
  private readonly key = randomId(16);
  private readonly local: LocalMedia;
  private signaling: SignalingClient | null = null;
  private mesh: Mesh | null = null;
  private quality: QualityMonitor | null = null;
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
  private identity: Promise<Identity> | null = null;
  /** A room a ring is about to put us in (warmUp): its media already opening, its socket already open. */
  private warmed: { room: string; media: Promise<void> } | null = null;
  /** Bumped on every hang-up, so a join still preparing its keys knows it was cancelled. */
  private session = 0;

  constructor(private readonly opts: CallOptions) {
    this.store = opts.store ?? new CallStore();
    this.storage = opts.storage ?? globalThis.localStorage;
    this.store.set({ name: this.storage?.getItem(NAME_KEY) ?? '' });
    this.local = new LocalMedia(
      {
        state: () => this.store.get(),
        publish: (patch) => this.store.set(patch),
        track: (kind, track) => this.mesh?.setTrack(kind, track),
        screen: (track) => {
          if (!this.mesh) return false;
          this.mesh.setScreen(track);
          this.quality?.rebalance(track !== null);
          return true;
        },
        announce: () => this.announce(),
      },
      opts.devices,
    );
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
    const warmed = this.warmed?.room === room ? this.warmed : null;
    this.warmed = null;
    if (warmed && this.warm) return warmed.media;
    this.warm?.close();
    this.warm = warmSocket(this.opts.signalingUrl, room, this.opts.socket);
    await this.local.open();
  }

  /**
   * A ring for `room` is showing (or on its way out): keys, certificate, socket and camera get ready now, nothing on
   * screen changes, so answering costs what Join costs on a ready pre-join screen. Not while in a call: its camera
   * and socket are in use. `coolDown` undoes it when the ring ends unanswered.
   */
  warmUp(room: string, secret: string): void {
    if (this.state.phase !== 'home') return;
    this.prepareIdentity().catch(() => undefined);
    this.prepareChannel(room, secret).catch(() => undefined);
    this.warm?.close();
    this.warm = warmSocket(this.opts.signalingUrl, room, this.opts.socket);
    this.warmed = { room, media: this.local.open().catch(() => undefined) };
  }

  coolDown(room: string): void {
    if (this.warmed?.room !== room || this.state.phase !== 'home') return;
    this.warmed = null;
    this.warm?.close();
    this.warm = null;
    this.local.close();
  }

  setName(name: string): void {
    this.store.set({ name });
    this.storage?.setItem(NAME_KEY, name);
  }

  chooseDevice(kind: 'audio' | 'video', id: string): Promise<void> {
    return this.local.choose(kind, id);
  }

  /** Front camera to back and round, where there is more than one. */
  switchCamera(): Promise<void> {
    return this.local.switchCamera();
  }

  private prepareChannel(room: string, secret: string): Promise<SecureChannel> {
    if (this.channel?.for !== `${room}#${secret}`) this.channel = { for: `${room}#${secret}`, ready: SecureChannel.create(secret, room) };
    return this.channel.ready;
  }

  /** Made while the user is still on the pre-join screen, so pressing Join does not wait for key generation. */
  private prepareIdentity(): Promise<Identity> {
    return (this.identity ??= (this.opts.certificate ?? browserCertificate)());
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

  private connect(room: string, channel: SecureChannel, identity: Identity): void {
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
        localTracks: () => this.local.tracks(),
        localScreen: () => this.local.screen,
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
      { url: this.opts.signalingUrl, room, socket: this.opts.socket, network: this.opts.network },
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
    this.local.toggleMic();
  }

  /** Camera off really releases the camera (its light goes off); on asks for it again. */
  toggleCamera(): Promise<void> {
    return this.local.toggleCamera();
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
  toggleScreen(): Promise<void> {
    return this.local.toggleScreen();
  }

  /** What our video senders upload to each peer against the budget (for a stats view and the benchmark). */
  uplink(): UplinkReport | null {
    return this.quality?.uplink() ?? null;
  }

  leave(): void {
    this.hangUp('home');
    this.local.close();
    this.store.set({ room: null });
  }

  private hangUp(phase: CallState['phase']): void {
    this.files?.close();
    this.files = null;
    this.local.stopScreen();
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
      self: this.key,
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
    return { type: 'state', name: this.state.name || 'Guest', mic: this.state.mic, camera: this.local.sendingVideo() };
  }

  private announce(): void {
    this.mesh?.broadcast(this.localState());
  }
}
