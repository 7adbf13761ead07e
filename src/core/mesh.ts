import type { Participant } from './call-store';
import { fingerprintMatches, safetyNumber } from './identity';
import { PeerLink, type LinkState } from './peer-link';
import { parseSignalPayload, type ChatMessage, type FileMessage, type PeerMessage, type SignalPayload } from './peer-protocol';
import { hasTurnServer, watchReachability } from './reachability';

export interface MeshOptions {
  /** This tab's own key: random, stable across signaling reconnects. */
  key: string;
  /** May return when the message is on its way (sealed and sent), so a caller can keep order with it. */
  send(to: string, data: string): void | Promise<void>;
  iceServers(): RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  localState(): Extract<PeerMessage, { type: 'state' }>;
  localTracks(): { audio: MediaStreamTrack | null; video: MediaStreamTrack | null };
  /** The screen we share, if any: a peer that joins mid-share gets it too. */
  localScreen?(): MediaStreamTrack | null;
  /** A peer whose connection stays broken this long (and no server says it left) is dropped. */
  goneAfterMs?: number;
  /** Everything but 'state' (chat, files) goes here, tagged with the sender's key. */
  peerMessage?(key: string, msg: ChatMessage | FileMessage): void;
  peerChannel?(key: string, channel: RTCDataChannel): void;
  /** The control channel to this peer (re)opened. */
  peerOpen?(key: string): void;
  /** This peer is gone for good (left, or unreachable for too long). */
  peerGone?(key: string): void;
  /**
   * Our DTLS identity: hellos vouch for this fingerprint, peers must vouch for theirs, and SDP that names
   * another fingerprint than the one vouched for is refused.
   */
  identity?: { room: string; certificate: RTCCertificate; fingerprint: string };
  /** How long a link may stay unconnected before its tile says why; see reachability.ts. */
  unreachableAfterMs?: number;
  /** A link started reconnecting: our own network may have changed, so the signaling socket is worth a check. */
  linkTrouble?(): void;
}

interface Entry {
  id: string;
  /** The remote tab's key; null while we have offered to a server id and not yet heard who answers. */
  key: string | null;
  link: PeerLink;
  stream?: MediaStream;
  screen?: MediaStream | null;
  goneTimer?: ReturnType<typeof setTimeout>;
  /** The fingerprint the peer vouched for in its hello. */
  fingerprint?: string;
  refused?: boolean;
  unwatch?: () => void;
  /** What the roster will get once this newcomer is shown; see `adopt`. Undefined once it is in it. */
  held?: Partial<Participant>;
}

/**
 * What waits for a connection to come up (a newcomer's tile, a joiner's call screen) waits no longer than this:
 * a link that is not up by then is shown anyway, as connecting.
 */
const SHOW_WITHIN_MS = 1_000;

/**
 * After a welcome under new ids (a server restart, or we were away past the grace period), a peer that has
 * not answered our hello by then has left meanwhile: its link is dropped rather than kept as a ghost.
 */
const REPOINT_WITHIN_MS = 10_000;

/**
 * All the mesh may do to the call's state: publish its participants. Call hands it the store, seen through
 * this interface, so nothing else of the state can be written from here.
 */
export interface Roster {
  /** Adds the participant or patches what is known of them. */
  upsertParticipant(key: string, patch: Partial<Participant>): void;
  removeParticipant(key: string): void;
}

type Hello = Extract<SignalPayload, { kind: 'hello' }>;

/**
 * Every remote participant of the full mesh, keyed by the key the remote tab chose. Server ids can change
 * (a signaling server restart hands out new ones): a hello carrying a known key re-points the existing
 * connection instead of building a second one, so media keeps flowing.
 *
 * Introductions: a newcomer sends everyone the server listed a hello (offering=true) and its offer right
 * behind it; each of them answers the hello (ack=true, carrying its key and fingerprint) and then the offer.
 * The newcomer offers, as in every textbook call, so nothing waits on the other side before ICE starts.
 * A tab that already has links (it reconnected after a server restart) says hello without offering: a
 * known key re-points its link, an unknown one makes the receiver the offerer (its answering hello says
 * `offering`, so a tab that still holds a stale link to it replaces that link instead of re-pointing it).
 *
 * Signals can be lost when a signaling socket dies before anyone notices (a network change), so after any
 * reconnect every link restarts ICE and rolls back an offer still waiting: `resync`.
 */
export class Mesh {
  private readonly byKey = new Map<string, Entry>();
  private readonly keyById = new Map<string, string>();
  /** Links we offered on before knowing the key behind the server id; adopted by that id's hello. */
  private readonly pending = new Map<string, Entry>();
  /** Server ids the (connected) signaling server says are in the room; empty while it is unreachable. */
  private readonly present = new Set<string>();
  private repointTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly opts: MeshOptions,
    private readonly roster: Roster,
  ) {}

  /** Settles once the first of the links this welcome started is connected (or failed, or closed), or after SHOW_WITHIN_MS. */
  welcome(peers: string[], resumed: boolean): Promise<void> {
    this.present.clear();
    for (const id of peers) this.present.add(id);
    for (const e of this.all()) e.link.setIceServers(this.opts.iceServers());
    if (resumed) {
      // The server does not replay what happened while we were away: whoever is no longer listed left.
      const present = new Set(peers);
      for (const e of this.all()) if (!present.has(e.id)) this.drop(e);
      for (const e of this.all()) {
        void this.sendTo(e.id, { kind: 'restart' });
        void e.link.resync();
      }
      return Promise.resolve();
    }
    this.keyById.clear();
    const fresh = this.byKey.size === 0;
    if (!fresh) {
      clearTimeout(this.repointTimer);
      this.repointTimer = setTimeout(() => {
        for (const e of [...this.byKey.values()]) if (this.keyById.get(e.id) !== e.key) this.drop(e);
      }, REPOINT_WITHIN_MS);
    }
    for (const id of peers) {
      void this.sendTo(id, this.ourHello(false, fresh));
      if (fresh && !this.pending.has(id)) this.pending.set(id, this.createEntry(id, { initiator: true, polite: false }));
    }
    const started = [...this.pending.values()].map((e) => e.link.settled(SHOW_WITHIN_MS));
    return started.length === 0 ? Promise.resolve() : Promise.race(started);
  }

  peerJoined(id: string): void {
    this.present.add(id);
  }

  /** The signaling server is gone for now: nobody can be vouched for as still in the room. */
  serverLost(): void {
    this.present.clear();
  }

  peerLeft(id: string): void {
    this.present.delete(id);
    const e = this.entryFor(id);
    if (e) this.drop(e);
  }

  signal(from: string, data: string): void {
    const parsed = parseSignalPayload(data);
    if (!parsed.ok) {
      console.warn('mesh: dropped a signal from', from, parsed.error);
      return;
    }
    const payload = parsed.value;
    if (payload.kind === 'hello') return this.hello(from, payload);
    const entry = this.entryFor(from);
    if (!entry || entry.refused) return;
    if (payload.kind === 'restart') return void entry.link.rollback();
    if (payload.kind === 'description' && this.opts.identity) {
      if (entry.fingerprint === undefined) {
        console.warn('mesh: ignored a description from a peer that has not vouched for its certificate:', from);
        return;
      }
      if (!fingerprintMatches(payload.description.sdp, entry.fingerprint)) return this.refuse(entry);
    }
    void entry.link.receive(payload);
  }

  setTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): void {
    for (const e of this.all()) void e.link.setTrack(kind, track);
  }

  setScreen(track: MediaStreamTrack | null): void {
    for (const e of this.all()) e.link.setScreen(track);
  }

  broadcast(msg: PeerMessage): void {
    for (const e of this.byKey.values()) e.link.send(msg);
  }

  sendPeer(key: string, msg: PeerMessage): boolean {
    return this.byKey.get(key)?.link.send(msg) ?? false;
  }

  createChannel(key: string, label: string): RTCDataChannel | null {
    return this.byKey.get(key)?.link.createChannel(label) ?? null;
  }

  isOpen(key: string): boolean {
    return this.byKey.get(key)?.link.controlOpen() ?? false;
  }

  links(): ReadonlyMap<string, { id: string; link: PeerLink }> {
    return this.byKey;
  }

  close(): void {
    clearTimeout(this.repointTimer);
    for (const e of this.all()) this.drop(e);
    this.keyById.clear();
  }

  private all(): Entry[] {
    return [...this.byKey.values(), ...this.pending.values()];
  }

  private entryFor(id: string): Entry | undefined {
    const key = this.keyById.get(id);
    return key === undefined ? this.pending.get(id) : this.byKey.get(key);
  }

  private hello(from: string, h: Hello): void {
    if (h.key === this.opts.key) return;
    if (this.opts.identity && h.fingerprint === undefined) {
      console.warn('mesh: ignored a hello that vouches for no certificate, from', from);
      return;
    }
    const existing = this.byKey.get(h.key);
    if (existing && existing.fingerprint !== h.fingerprint) {
      console.warn("mesh: ignored a hello that changes a known peer's certificate, from", from);
      return;
    }
    const offered = this.pending.get(from);
    // Roles without a round trip: the one who offered is impolite; otherwise compare keys.
    const role = offered ? null : h.offering ? { initiator: false, polite: true } : { initiator: !h.ack, polite: this.opts.key < h.key };
    const renew = existing !== undefined && h.offering === true;
    const offering = role?.initiator === true && !existing;
    if (!h.ack) void this.sendTo(from, this.ourHello(true, offering));
    if (existing && !renew) return this.repoint(existing, from, h);
    if (existing) this.retire(existing);
    this.pending.delete(from);
    this.adopt(offered ?? this.createEntry(from, role ?? { initiator: false, polite: true }), h);
  }

  /** A known peer under a new server id: the same connection carries on, after an ICE restart. */
  private repoint(e: Entry, from: string, h: Hello): void {
    const moved = e.id !== from;
    if (moved) this.keyById.delete(e.id);
    e.id = from;
    this.keyById.set(from, h.key);
    this.roster.upsertParticipant(h.key, { name: h.name });
    // Whatever was in flight went to the old id, or was lost with the socket that failed. The side that
    // reconnected (it gets the answering hello) offers afresh; the other only drops its own pending offer.
    if (moved && h.ack) void e.link.resync();
    else if (moved) void e.link.rollback();
  }

  /** The peer forgot us (we were away past the grace period) and offers a new connection: ours is stale. */
  private retire(e: Entry): void {
    clearTimeout(e.goneTimer);
    e.unwatch?.();
    if (e.key !== null && this.byKey.get(e.key) === e) this.byKey.delete(e.key);
    if (this.keyById.get(e.id) === e.key) this.keyById.delete(e.id);
    e.link.close();
  }

  private createEntry(id: string, role: { initiator: boolean; polite: boolean }): Entry {
    const entry: Entry = { id, key: null, link: null as unknown as PeerLink };
    const link: PeerLink = new PeerLink(
      {
        ...role,
        iceServers: this.opts.iceServers(),
        iceTransportPolicy: this.opts.iceTransportPolicy,
        relayFallback: hasTurnServer(this.opts.iceServers()),
        ...(this.opts.identity ? { certificates: [this.opts.identity.certificate] } : {}),
      },
      {
        signal: (p) => this.sendTo(entry.id, p),
        stream: (stream) => {
          entry.stream = stream;
          this.publish(entry, { stream });
        },
        message: (m) => {
          if (entry.key !== null) this.message(entry, entry.key, m);
        },
        screen: (screen) => {
          entry.screen = screen;
          this.publish(entry, { screen });
        },
        state: (connection) => this.linkState(entry, connection),
        channelOpen: () => {
          link.send(this.opts.localState());
          if (entry.key !== null) this.opts.peerOpen?.(entry.key);
        },
        dataChannel: (channel) => {
          if (entry.key !== null && this.opts.peerChannel) this.opts.peerChannel(entry.key, channel);
          else channel.close();
        },
      },
      this.opts.localTracks(),
    );
    entry.link = link;
    entry.unwatch = watchReachability(
      link.pc,
      {
        relayOnly: this.opts.iceTransportPolicy === 'relay',
        hasTurn: hasTurnServer(this.opts.iceServers()),
        timeoutMs: this.opts.unreachableAfterMs,
      },
      (problem) => {
        this.publish(entry, { problem });
      },
    );
    const screen = this.opts.localScreen?.();
    if (screen) link.setScreen(screen);
    return entry;
  }

  /** The hello told us who is behind a server id: the link becomes a participant. */
  private adopt(entry: Entry, h: Hello): void {
    const key = h.key;
    entry.key = key;
    entry.fingerprint = h.fingerprint;
    this.byKey.set(key, entry);
    this.keyById.set(entry.id, key);
    const connected = entry.link.pc.connectionState === 'connected';
    const first: Partial<Participant> = {
      name: h.name,
      connection: connected ? 'connected' : 'connecting',
      ...(entry.stream ? { stream: entry.stream } : {}),
      ...(entry.screen ? { screen: entry.screen } : {}),
    };
    if (connected) this.roster.upsertParticipant(key, first);
    else {
      // Shown once connected (bounded): rendering a tile takes the page's thread for a while, and until the
      // connection is up that thread carries the negotiation (the answer, the candidates) for this very peer.
      entry.held = first;
      void entry.link.settled(SHOW_WITHIN_MS).then(() => this.show(entry));
    }
    const identity = this.opts.identity;
    if (identity && h.fingerprint !== undefined) {
      void safetyNumber(identity.room, identity.fingerprint, h.fingerprint).then((safety) => {
        // Computed while the offer may already have been refused: a refused peer shows no safety number.
        if (this.byKey.get(key) === entry && !entry.refused) this.publish(entry, { safetyNumber: safety });
      });
    }
  }

  private message(e: Entry, key: string, m: PeerMessage): void {
    if (m.type === 'state') this.publish(e, { name: m.name, mic: m.mic, camera: m.camera });
    else if (m.type === 'video-paused') this.publish(e, { videoPaused: m.paused });
    else if (m.type !== 'screen') this.opts.peerMessage?.(key, m);
  }

  /** Our hello: an introduction (`ack` false) or the answer to one; `offering` when we will send the offer. */
  private ourHello(ack: boolean, offering: boolean): Hello {
    const fingerprint = this.opts.identity?.fingerprint;
    return {
      kind: 'hello',
      key: this.opts.key,
      name: this.opts.localState().name,
      ack,
      ...(fingerprint === undefined ? {} : { fingerprint }),
      ...(offering ? { offering: true } : {}),
    };
  }

  /** The peer's SDP names a certificate it did not vouch for: someone may be in the middle. */
  private refuse(e: Entry): void {
    console.warn('mesh: refused a connection whose SDP fingerprint differs from the vouched one');
    e.refused = true;
    e.unwatch?.();
    e.link.close();
    this.publish(e, { connection: 'failed', problem: 'identity-mismatch', stream: null, safetyNumber: undefined });
  }

  private linkState(e: Entry, connection: LinkState): void {
    if (connection === 'closed' || e.key === null || this.byKey.get(e.key) !== e) return;
    clearTimeout(e.goneTimer);
    if (connection === 'reconnecting' || connection === 'failed') {
      this.opts.linkTrouble?.();
      e.goneTimer = setTimeout(() => this.gone(e), this.opts.goneAfterMs ?? 30_000);
    }
    this.publish(e, { connection });
  }

  /** Store updates about a peer, held back while it is not shown yet. */
  private publish(e: Entry, patch: Partial<Participant>): void {
    if (e.key === null) return;
    if (e.held) Object.assign(e.held, patch);
    else this.roster.upsertParticipant(e.key, patch);
  }

  private show(e: Entry): void {
    const held = e.held;
    e.held = undefined;
    if (held && e.key !== null && this.byKey.get(e.key) === e) this.roster.upsertParticipant(e.key, held);
  }

  /**
   * A link broken for a long time. If the server still lists the peer, it is still there (a bad network,
   * a starved CPU): keep restarting ICE. Only a peer nobody vouches for is removed.
   */
  private gone(e: Entry): void {
    if (!this.present.has(e.id)) return this.drop(e);
    e.link.restartIce();
    e.goneTimer = setTimeout(() => this.gone(e), this.opts.goneAfterMs ?? 30_000);
  }

  private drop(e: Entry): void {
    clearTimeout(e.goneTimer);
    e.unwatch?.();
    if (this.pending.get(e.id) === e) this.pending.delete(e.id);
    if (e.key !== null && this.byKey.get(e.key) === e) {
      this.byKey.delete(e.key);
      if (this.keyById.get(e.id) === e.key) this.keyById.delete(e.id);
      if (!e.held) this.roster.removeParticipant(e.key);
      this.opts.peerGone?.(e.key);
    }
    e.link.close();
  }

  private sendTo(id: string, payload: SignalPayload): void | Promise<void> {
    return this.opts.send(id, JSON.stringify(payload));
  }
}
