import type { CallStore } from './call-store';
import { PeerLink, type LinkState } from './peer-link';
import { parseSignalPayload, type PeerMessage, type SignalPayload } from './peer-protocol';

export interface MeshOptions {
  /** This tab's own key: random, stable across signaling reconnects. */
  key: string;
  send(to: string, data: string): void;
  iceServers(): RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  localState(): PeerMessage;
  localTracks(): { audio: MediaStreamTrack | null; video: MediaStreamTrack | null };
  /** A peer whose connection stays broken this long (and no server says it left) is dropped. */
  goneAfterMs?: number;
}

interface Entry {
  id: string;
  link: PeerLink;
  goneTimer?: ReturnType<typeof setTimeout>;
}

/**
 * Every remote participant of the full mesh, keyed by the key the remote tab chose. Server ids can change
 * (a signaling server restart hands out new ones): a hello carrying a known key re-points the existing
 * connection instead of building a second one, so media keeps flowing.
 *
 * Introductions: a joiner says hello (ack=false) to everyone the server listed; whoever receives that
 * hello answers (ack=true) and makes the first offer. One signaling round trip, no offer collision.
 */
export class Mesh {
  private readonly byKey = new Map<string, Entry>();
  private readonly keyById = new Map<string, string>();

  constructor(
    private readonly opts: MeshOptions,
    private readonly store: CallStore,
  ) {}

  welcome(peers: string[], resumed: boolean): void {
    if (resumed) {
      // The server does not replay what happened while we were away: whoever is no longer listed left.
      const present = new Set(peers);
      for (const [key, e] of this.byKey) if (!present.has(e.id)) this.drop(key);
      return;
    }
    this.keyById.clear();
    for (const id of peers) this.sendTo(id, { kind: 'hello', key: this.opts.key, name: this.opts.localState().name, ack: false });
  }

  peerLeft(id: string): void {
    const key = this.keyById.get(id);
    if (key !== undefined) this.drop(key);
  }

  signal(from: string, data: string): void {
    const parsed = parseSignalPayload(data);
    if (!parsed.ok) {
      console.warn('mesh: dropped a signal from', from, parsed.error);
      return;
    }
    const payload = parsed.value;
    if (payload.kind === 'hello') return this.hello(from, payload);
    const key = this.keyById.get(from);
    const entry = key === undefined ? undefined : this.byKey.get(key);
    if (entry) void entry.link.receive(payload);
  }

  setTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): void {
    for (const e of this.byKey.values()) void e.link.setTrack(kind, track);
  }

  broadcast(msg: PeerMessage): void {
    for (const e of this.byKey.values()) e.link.send(msg);
  }

  links(): ReadonlyMap<string, { id: string; link: PeerLink }> {
    return this.byKey;
  }

  close(): void {
    for (const key of [...this.byKey.keys()]) this.drop(key);
    this.keyById.clear();
  }

  private hello(from: string, h: Extract<SignalPayload, { kind: 'hello' }>): void {
    if (h.key === this.opts.key) return;
    if (!h.ack) this.sendTo(from, { kind: 'hello', key: this.opts.key, name: this.opts.localState().name, ack: true });
    const existing = this.byKey.get(h.key);
    if (existing) {
      if (existing.id !== from) this.keyById.delete(existing.id);
      existing.id = from;
      this.keyById.set(from, h.key);
      this.store.upsertParticipant(h.key, { name: h.name });
      return;
    }
    this.keyById.set(from, h.key);
    this.store.upsertParticipant(h.key, { name: h.name, connection: 'connecting' });
    const key = h.key;
    const link: PeerLink = new PeerLink(
      {
        polite: this.opts.key < key,
        initiator: !h.ack,
        iceServers: this.opts.iceServers(),
        iceTransportPolicy: this.opts.iceTransportPolicy,
      },
      {
        signal: (p) => {
          const e = this.byKey.get(key);
          if (e) this.sendTo(e.id, p);
        },
        stream: (stream) => this.store.upsertParticipant(key, { stream }),
        message: (m) => this.store.upsertParticipant(key, { name: m.name, mic: m.mic, camera: m.camera }),
        state: (connection) => this.linkState(key, connection),
        channelOpen: () => link.send(this.opts.localState()),
      },
      this.opts.localTracks(),
    );
    this.byKey.set(key, { id: from, link });
  }

  private linkState(key: string, connection: LinkState): void {
    const e = this.byKey.get(key);
    if (!e || connection === 'closed') return;
    clearTimeout(e.goneTimer);
    if (connection === 'reconnecting' || connection === 'failed') {
      e.goneTimer = setTimeout(() => this.drop(key), this.opts.goneAfterMs ?? 30_000);
    }
    this.store.upsertParticipant(key, { connection });
  }

  private drop(key: string): void {
    const e = this.byKey.get(key);
    if (!e) return;
    clearTimeout(e.goneTimer);
    this.byKey.delete(key);
    if (this.keyById.get(e.id) === key) this.keyById.delete(e.id);
    e.link.close();
    this.store.removeParticipant(key);
  }

  private sendTo(id: string, payload: SignalPayload): void {
    this.opts.send(id, JSON.stringify(payload));
  }
}
