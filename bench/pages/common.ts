// What the three baseline pages share: the same constraints, the same pre-join button and tiles (shaped
// like our app's UI contract, so the harness drives every contender the same way), and the bench relay.

/** The same request our app makes (src/core/media.ts), so every contender encodes the same picture. */
export const CONSTRAINTS: MediaStreamConstraints = {
  audio: { echoCancellation: true, noiseSuppression: true },
  video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
};
/** No STUN/TURN anywhere: the namespace has no outside network, and the libraries' defaults point outside. */
export const RTC_CONFIG: RTCConfiguration = { iceServers: [] };

export const params = new URLSearchParams(location.search);

/** Resolves on the click of the "Join" button (the harness clicks it, like a user). */
export function joinClicked(): Promise<void> {
  const button = document.querySelector('button');
  if (!button) throw new Error('page has no Join button');
  return new Promise((resolve) =>
    button.addEventListener(
      'click',
      () => {
        button.disabled = true;
        resolve();
      },
      { once: true },
    ),
  );
}

export function showVideo(label: string, stream: MediaStream, muted: boolean): void {
  const tile = document.createElement('div');
  tile.setAttribute('role', 'group');
  tile.setAttribute('aria-label', label);
  const video = document.createElement('video');
  video.autoplay = true;
  video.playsInline = true;
  video.muted = muted;
  video.srcObject = stream;
  tile.append(video);
  document.getElementById('tiles')?.append(tile);
}

export type RelayMessage =
  { type: 'welcome'; peers: number; id: string; ids: string[] } | { type: 'peer-joined' } | { type: 'data'; data: unknown };

/** The bench relay: a room of sockets, every frame forwarded to the others (bench/lib/relay.ts). */
export class Relay {
  readonly welcome: Promise<number>;
  /** Our id at the relay and the ids of those already in the room. */
  readonly members: Promise<{ self: string; others: string[] }>;
  private readonly ws: WebSocket;
  private onData: (data: unknown) => void = () => {};
  /** Called when someone joins after us. */
  onPeerJoined: () => void = () => {};
  private listening = false;
  private readonly early: unknown[] = [];

  constructor(room: string) {
    this.ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws?room=${encodeURIComponent(room)}`);
    this.members = new Promise((resolve, reject) => {
      this.ws.addEventListener('error', () => reject(new Error('relay socket failed')));
      this.ws.addEventListener('message', (e: MessageEvent<string>) => {
        const m = JSON.parse(e.data) as RelayMessage;
        if (m.type === 'welcome') resolve({ self: m.id, others: m.ids });
        if (m.type === 'peer-joined') this.onPeerJoined();
        if (m.type === 'data') {
          this.early.push(m.data);
          this.flush();
        }
      });
    });
    this.welcome = this.members.then((m) => m.others.length);
  }

  send(data: unknown): void {
    this.ws.send(JSON.stringify({ type: 'data', data }));
  }

  /** Frames that arrived before the page was ready are replayed in order. */
  listen(onData: (data: unknown) => void): void {
    this.onData = onData;
    this.listening = true;
    this.flush();
  }

  private flush(): void {
    if (!this.listening) return;
    for (const d of this.early.splice(0)) this.onData(d);
  }
}
