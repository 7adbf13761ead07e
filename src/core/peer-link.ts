import { parsePeerMessage, type PeerMessage, type SignalPayload } from './peer-protocol';

export type LinkState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export interface PeerLinkEvents {
  /** May settle once the payload is on its way; see `apply`. */
  signal(payload: SignalPayload): void | Promise<void>;
  stream(stream: MediaStream): void;
  message(msg: PeerMessage): void;
  state(state: LinkState): void;
  /** The control channel opened (or reopened): a good moment to send our state. */
  channelOpen(): void;
  /** The remote started (a stream with its screen track) or stopped (null) sharing a screen. */
  screen?(stream: MediaStream | null): void;
  /** The remote side opened an extra data channel (file bytes). Set handlers synchronously or lose data. */
  dataChannel?(channel: RTCDataChannel): void;
}

export interface PeerLinkOptions {
  polite: boolean;
  /** The offerer adds transceivers at once; the answerer attaches its tracks to the offered ones. */
  initiator: boolean;
  iceServers: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Our DTLS certificate, generated ahead so its fingerprint could be vouched for in the hello. */
  certificates?: RTCCertificate[];
  /** How long "disconnected" may last before we restart ICE ourselves. */
  disconnectGraceMs?: number;
  /** An offer unanswered this long was lost (a signaling socket died under it): roll back and offer again. */
  offerTimeoutMs?: number;
  /** A TURN server is configured: a direct path that breaks down at once is given up for the relay. */
  relayFallback?: boolean;
}

/** A connection lost this soon after it came up (or failing before it ever did) counts as breaking down at once. */
const EARLY_DROP_MS = 20_000;

const KINDS = ['audio', 'video'] as const;
type Kind = (typeof KINDS)[number];

/**
 * One RTCPeerConnection to one remote peer, using the perfect-negotiation pattern
 * (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example): both sides may renegotiate at any time,
 * the impolite side wins collisions, and the polite side rolls back. ICE restarts on failure.
 */
export class PeerLink {
  readonly pc: RTCPeerConnection;
  private readonly remote = new MediaStream();
  private control: RTCDataChannel | null = null;
  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswer = false;
  private answeredOnce = false;
  private chain: Promise<void> = Promise.resolve();
  private disconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private offerTimer: ReturnType<typeof setTimeout> | undefined;
  private relayTimer: ReturnType<typeof setTimeout> | undefined;
  private connectedAt = 0;
  private relayOnly: boolean;
  private closed = false;
  private readonly tracks: Record<Kind, MediaStreamTrack | null> = { audio: null, video: null };
  /** Our screen: what we want to send, and the extra transceiver that carries it once negotiated. */
  private screenTrack: MediaStreamTrack | null = null;
  private screenTransceiver: RTCRtpTransceiver | null = null;
  /** Their screen: the track arrives by ontrack, the on/off by a control message, in either order. */
  private remoteScreenTrack: MediaStreamTrack | null = null;
  private remoteScreenOn = false;
  private readonly settleWaiters: (() => void)[] = [];

  constructor(
    private readonly opts: PeerLinkOptions,
    private readonly on: PeerLinkEvents,
    local: { audio: MediaStreamTrack | null; video: MediaStreamTrack | null },
  ) {
    this.tracks = { ...local };
    this.relayOnly = opts.iceTransportPolicy === 'relay';
    this.pc = new RTCPeerConnection({
      iceServers: opts.iceServers,
      iceTransportPolicy: opts.iceTransportPolicy ?? 'all',
      ...(opts.certificates ? { certificates: opts.certificates } : {}),
    });
    this.pc.onnegotiationneeded = () => void this.negotiate();
    this.pc.onicecandidate = ({ candidate }) => {
      if (candidate)
        void this.on.signal({
          kind: 'candidate',
          candidate: { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex },
        });
    };
    this.pc.ontrack = ({ track }) => {
      // The camera's video is always negotiated before any screen (a screen is added only once the control
      // channel is open), so the first remote video is the camera and any later one a screen. Comparing
      // transceivers would misfile the camera after glare, when our own unused transceivers come first.
      const camera = this.remote.getVideoTracks();
      if (track.kind === 'video' && camera.length > 0 && !camera.includes(track)) {
        this.remoteScreenTrack = track;
        this.emitScreen();
        return;
      }
      this.remote.addTrack(track);
      this.on.stream(this.remote);
    };
    this.pc.onconnectionstatechange = () => this.watchConnection();
    this.pc.ondatachannel = ({ channel }) => {
      if (this.on.dataChannel) this.on.dataChannel(channel);
      else channel.close();
    };
    if (opts.initiator) {
      for (const kind of KINDS) {
        const t = this.pc.addTransceiver(kind, { direction: 'sendrecv' });
        void t.sender.replaceTrack(this.tracks[kind]);
      }
      this.openControl();
      // Offer now rather than on negotiationneeded, which only fires after whatever the page renders next.
      void this.negotiate();
    } else {
      // Attached before the offer arrives, as addTrack: applying the offer then matches each to an offered
      // m-line of its kind (JSEP), and the answer waits for no track changes on WebRTC's thread.
      for (const kind of KINDS) {
        const track = this.tracks[kind];
        if (track) this.pc.addTrack(track);
      }
    }
  }

  /** Swaps what we send without renegotiation (camera off/on, device switch). */
  async setTrack(kind: Kind, track: MediaStreamTrack | null): Promise<void> {
    this.tracks[kind] = track;
    const t = this.transceiver(kind);
    if (t) await t.sender.replaceTrack(track);
  }

  /**
   * Shares (or stops sharing) a screen on an extra video transceiver. The first share renegotiates (perfect
   * negotiation absorbs two peers sharing at once); later ones reuse it with replaceTrack. Applied only once
   * the first negotiation is done, so the camera's transceiver always comes first on both sides.
   */
  setScreen(track: MediaStreamTrack | null): void {
    this.screenTrack = track;
    if (this.control?.readyState === 'open') this.applyScreen();
  }

  /** The senders the bitrate budget tunes; null until negotiated. */
  senders(): { audio: RTCRtpSender | null; camera: RTCRtpSender | null; screen: RTCRtpSender | null } {
    return {
      audio: this.transceiver('audio')?.sender ?? null,
      camera: this.transceiver('video')?.sender ?? null,
      screen: this.screenTransceiver?.sender ?? null,
    };
  }

  /** Audio receivers, for the active-speaker level. */
  audioReceiver(): RTCRtpReceiver | null {
    return this.transceiver('audio')?.receiver ?? null;
  }

  send(msg: PeerMessage): boolean {
    if (this.control?.readyState !== 'open') return false;
    try {
      this.control.send(JSON.stringify(msg));
      return true;
    } catch (err) {
      // Firefox can throw OperationError on an 'open' channel whose association is failing (seen under heavy
      // load): the message is lost, which callers already handle as a closed channel.
      console.warn('peer-link: control send failed', err);
      return false;
    }
  }

  /** An extra in-band channel (file bytes); null once closed. */
  createChannel(label: string): RTCDataChannel | null {
    if (this.closed) return null;
    return this.pc.createDataChannel(label, { ordered: true });
  }

  controlOpen(): boolean {
    return this.control?.readyState === 'open';
  }

  /** Remote signaling payloads are applied strictly in arrival order. */
  receive(payload: SignalPayload): Promise<void> {
    this.chain = this.chain.then(() => this.apply(payload)).catch((err: unknown) => console.warn('peer-link: signal failed', err));
    return this.chain;
  }

  /** Settles once the connection is up for the first time, or failed, or the link closed; or after `withinMs`. */
  settled(withinMs?: number): Promise<void> {
    if (this.isSettled()) return Promise.resolve();
    return new Promise((resolve) => {
      this.settleWaiters.push(resolve);
      if (withinMs !== undefined) setTimeout(resolve, withinMs);
    });
  }

  restartIce(): void {
    if (!this.closed) this.pc.restartIce();
  }

  /**
   * Signals may have been lost both ways (a signaling socket died before anyone noticed): an offer still
   * waiting for its answer is rolled back, and ICE restarts with a fresh offer over the new path. The other
   * side is told to `rollback` first, so the two do not offer at once.
   */
  resync(): Promise<void> {
    return this.rollback(() => {
      this.pc.restartIce();
      // restartIce asks for negotiation; in a stable state offer now rather than after the next render.
      void this.negotiate();
    });
  }

  /** The other side is about to resync: an offer of ours still waiting for its answer is dropped, not raced. */
  rollback(then?: () => void): Promise<void> {
    this.chain = this.chain
      .then(async () => {
        if (this.closed) return;
        if (this.pc.signalingState === 'have-local-offer' && !this.makingOffer) await this.pc.setLocalDescription({ type: 'rollback' });
        then?.();
      })
      .catch((err: unknown) => console.warn('peer-link: resync failed', err));
    return this.chain;
  }

  /** TURN credentials expire: a reconnect brings fresh ones, used from the next ICE restart on. */
  setIceServers(iceServers: RTCIceServer[]): void {
    if (this.closed) return;
    try {
      this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers });
    } catch (err) {
      console.warn('peer-link: could not update ICE servers', err);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.disconnectTimer);
    clearTimeout(this.offerTimer);
    clearTimeout(this.relayTimer);
    this.control?.close();
    this.pc.close();
    this.settleWaiters.splice(0).forEach((w) => w());
    this.on.state('closed');
  }

  private transceiver(kind: Kind): RTCRtpTransceiver | undefined {
    // The first transceiver of each kind carries the camera/microphone; later ones (screen share) are extra.
    return this.pc.getTransceivers().find((t) => t.receiver.track.kind === kind && t.direction !== 'stopped');
  }

  private openControl(): void {
    // Negotiated with a fixed id on both sides, so neither waits for an ondatachannel round trip.
    const dc = this.pc.createDataChannel('control', { negotiated: true, id: 0 });
    dc.onopen = () => {
      if (this.screenTrack || this.screenTransceiver) this.applyScreen();
      this.on.channelOpen();
    };
    dc.onmessage = (ev) => {
      const parsed = parsePeerMessage(ev.data);
      if (!parsed.ok) console.warn('peer-link: dropped control message:', parsed.error);
      else if (parsed.value.type === 'screen') {
        this.remoteScreenOn = parsed.value.on;
        this.emitScreen();
      } else this.on.message(parsed.value);
    };
    this.control = dc;
  }

  private applyScreen(): void {
    const track = this.screenTrack;
    if (this.screenTransceiver) void this.screenTransceiver.sender.replaceTrack(track).catch(() => undefined);
    else if (track) this.screenTransceiver = this.pc.addTransceiver(track, { direction: 'sendonly' });
    this.send({ type: 'screen', on: track !== null });
  }

  private emitScreen(): void {
    const track = this.remoteScreenOn ? this.remoteScreenTrack : null;
    this.on.screen?.(track ? new MediaStream([track]) : null);
  }

  private async negotiate(): Promise<void> {
    // The answerer must not offer before the first offer arrives, or it would race the initiator for nothing.
    if (!this.opts.initiator && !this.answeredOnce) return;
    // The initiator's first offer is started by the constructor; the event it also causes must not re-offer.
    if (this.makingOffer || this.pc.signalingState !== 'stable') return;
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      const d = this.pc.localDescription;
      if (d && (d.type === 'offer' || d.type === 'answer'))
        void this.on.signal({ kind: 'description', description: { type: d.type, sdp: d.sdp } });
      if (d?.type === 'offer') this.watchOffer(d.sdp);
    } catch (err) {
      console.warn('peer-link: offer failed', err);
    } finally {
      this.makingOffer = false;
    }
  }

  private async apply(payload: SignalPayload): Promise<void> {
    if (this.closed) return;
    if (payload.kind === 'candidate') {
      // Handed over without waiting for the result: the connection applies candidates in order on its own
      // operations chain, and awaiting each one put a round trip to WebRTC's thread per candidate (60-170 ms
      // for a batch under load) between the offer and a connected call.
      this.pc.addIceCandidate(payload.candidate ?? undefined).catch((err: unknown) => {
        if (!this.ignoreOffer && !this.closed) console.warn('peer-link: candidate refused', err);
      });
      return;
    }
    if (payload.kind !== 'description') return;
    const description = payload.description;
    const readyForOffer = !this.makingOffer && (this.pc.signalingState === 'stable' || this.settingRemoteAnswer);
    const collision = description.type === 'offer' && !readyForOffer;
    this.ignoreOffer = !this.opts.polite && collision;
    if (this.ignoreOffer) return;
    this.settingRemoteAnswer = description.type === 'answer';
    await this.pc.setRemoteDescription(description);
    this.settingRemoteAnswer = false;
    if (description.type === 'offer') {
      if (!this.answeredOnce && !this.opts.initiator) this.attachToOffer();
      await this.pc.setLocalDescription();
      const d = this.pc.localDescription;
      this.answeredOnce = true;
      // The answer leaves before the candidates queued behind the offer are applied: each addIceCandidate
      // blocks this thread on WebRTC's, and our answer is sealed asynchronously, so it would wait for all of them.
      if (d) await this.on.signal({ kind: 'description', description: { type: 'answer', sdp: d.sdp } });
    }
  }

  private watchOffer(sdp: string): void {
    clearTimeout(this.offerTimer);
    this.offerTimer = setTimeout(() => {
      const d = this.pc.localDescription;
      if (this.closed || this.pc.signalingState !== 'have-local-offer' || d?.sdp !== sdp) return;
      console.warn('peer-link: an offer went unanswered; offering again');
      void this.resync();
    }, this.opts.offerTimeoutMs ?? 6_000);
  }

  /** For kinds that had no track when the link was made (a camera that is off): ready to send one later. */
  private attachToOffer(): void {
    for (const kind of KINDS) {
      const t = this.transceiver(kind);
      if (!t || t.sender.track) continue;
      t.direction = 'sendrecv';
      void t.sender.replaceTrack(this.tracks[kind]);
    }
    this.openControl();
  }

  /**
   * Behind two symmetric NATs, Chrome may pick a different direct-to-relay path on each side (ours to their
   * relay, theirs to ours) and then release its own allocation as unused: the other side's path dies seconds
   * after connecting, again after every ICE restart (seen in the lab, and with two bare connections). Relay
   * candidates only on our side leave no such asymmetric choice.
   */
  private brokeDownAtOnce(s: RTCPeerConnectionState): boolean {
    if (!this.opts.relayFallback || this.relayOnly) return false;
    return this.connectedAt === 0 ? s === 'failed' : performance.now() - this.connectedAt < EARLY_DROP_MS;
  }

  private useRelay(): void {
    this.relayOnly = true;
    console.warn('peer-link: the direct path broke down at once; relaying from now on');
    try {
      this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceTransportPolicy: 'relay' });
    } catch (err) {
      console.warn('peer-link: could not switch to the relay', err);
    }
    // Both sides usually see the breakdown at the same moment. The impolite side restarts at once; the polite
    // side answers that restart with relay candidates, and restarts itself only if none comes: two restarts
    // at once collide, and that glare has left the polite side's video frozen for good in Chrome.
    if (!this.opts.polite) return this.restartIce();
    clearTimeout(this.relayTimer);
    this.relayTimer = setTimeout(
      () => {
        if (this.pc.connectionState !== 'connected') this.restartIce();
      },
      (this.opts.disconnectGraceMs ?? 2_000) * 2.5,
    );
  }

  private isSettled(): boolean {
    return this.closed || ['connected', 'failed', 'closed'].includes(this.pc.connectionState);
  }

  private watchConnection(): void {
    const s = this.pc.connectionState;
    clearTimeout(this.disconnectTimer);
    if (this.isSettled()) this.settleWaiters.splice(0).forEach((w) => w());
    if (s === 'connected') {
      clearTimeout(this.relayTimer);
      this.connectedAt = performance.now();
      this.on.state('connected');
    } else if ((s === 'disconnected' || s === 'failed') && this.brokeDownAtOnce(s)) {
      this.on.state('reconnecting');
      this.useRelay();
    } else if (s === 'disconnected') {
      this.on.state('reconnecting');
      // Chrome often recovers from "disconnected" by itself; give it a moment before restarting ICE.
      // The polite side waits longer, so the two do not restart at once: glare during an ICE restart has left
      // the polite side's video frozen for good in Chrome (frames decoded, none presented).
      const grace = (this.opts.disconnectGraceMs ?? 2_000) * (this.opts.polite ? 2.5 : 1);
      this.disconnectTimer = setTimeout(() => this.restartIce(), grace);
    } else if (s === 'failed') {
      this.on.state('reconnecting');
      this.restartIce();
    }
  }
}
