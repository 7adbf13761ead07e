// Injected into every page of every contender before any page script runs (Playwright addInitScript), so
// the measurement is the same code whatever the app does. It patches the platform, never the app: clicks,
// getUserMedia, WebSocket, RTCPeerConnection and HTMLMediaElement.srcObject. Each mark is the FIRST time the
// event happened, in epoch milliseconds (timeOrigin + now) so marks from two pages share one clock.

export type MarkName =
  | 'click'
  | 'gum'
  | 'wsOpen'
  | 'wsMessage'
  | 'localOffer'
  | 'remoteOffer'
  | 'localAnswer'
  | 'remoteAnswer'
  | 'track'
  | 'playing'
  | 'frameReceived'
  | 'decoded'
  | 'iceConnected'
  | 'connected'
  | 'frame';

export interface Probe {
  marks: Partial<Record<MarkName, number>>;
  /** aria-label of the role=group around the video that showed the first remote frame. */
  frameTile: string | null;
  /** Size of that first remote frame, e.g. "1280x720". */
  frameSize: string | null;
  /** Per tile (aria-label): when its video presented its first remote frame, in epoch ms (group calls). */
  tileFrames: Record<string, number>;
  /** Only a click after arm() counts, so navigation clicks before Join don't move t0. */
  arm(): void;
}

declare global {
  interface Window {
    __bench: Probe;
  }
}

const epoch = (t: number = performance.now()): number => performance.timeOrigin + t;
let armed = false;
const probe: Probe = {
  marks: {},
  frameTile: null,
  frameSize: null,
  tileFrames: {},
  arm() {
    armed = true;
    delete probe.marks.click;
  },
};
window.__bench = probe;

function mark(name: MarkName, at: number = epoch()): void {
  if (probe.marks[name] === undefined) probe.marks[name] = at;
}

// Capture phase on window: runs before any handler the page installs, shadow DOM or not.
window.addEventListener(
  'click',
  () => {
    if (armed) {
      mark('click');
      armed = false;
    }
  },
  { capture: true },
);

const media = navigator.mediaDevices as MediaDevices | undefined;
if (media) {
  const getUserMedia = media.getUserMedia.bind(media);
  media.getUserMedia = async (constraints?: MediaStreamConstraints): Promise<MediaStream> => {
    const stream = await getUserMedia(constraints);
    mark('gum');
    return stream;
  };
}

const NativeWebSocket = window.WebSocket;
class ProbedWebSocket extends NativeWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    this.addEventListener('open', () => mark('wsOpen'));
    this.addEventListener('message', () => mark('wsMessage'));
  }
}
window.WebSocket = ProbedWebSocket;

const remoteTracks = new WeakSet<MediaStreamTrack>();
const watched = new Set<RTCPeerConnection>();

// Listeners go on at the first description call: that is before any track or ICE event can fire, and it
// leaves the constructor alone (PeerJS's webrtc-adapter and simple-peer both wrap or inspect it).
function watch(pc: RTCPeerConnection): void {
  if (watched.has(pc)) return;
  watched.add(pc);
  pc.addEventListener('track', (e) => {
    remoteTracks.add(e.track);
    mark('track');
  });
  pollDecoded(pc);
  pc.addEventListener('iceconnectionstatechange', () => {
    if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') mark('iceConnected');
  });
  pc.addEventListener('connectionstatechange', () => {
    if (pc.connectionState === 'connected') mark('connected');
  });
}

// The decoder's view, independent of any video element: the first inbound video frame decoded (polled
// every 20 ms, so up to 20 ms late). A gap between this and 'frame' is the page's element, not the network.
// Only the video receivers' stats are read: the whole connection's report, turned into JS objects 50 times a
// second, was the probe's own largest cost on the page's thread, and it grew with the contender's report.
function pollDecoded(pc: RTCPeerConnection): void {
  const timer = setInterval(() => {
    if (probe.marks.decoded !== undefined || pc.signalingState === 'closed') return clearInterval(timer);
    for (const receiver of pc.getReceivers()) {
      if (receiver.track.kind !== 'video') continue;
      void receiver.getStats().then((stats) => {
        stats.forEach((r: { type?: string; framesDecoded?: number }) => {
          if (r.type === 'inbound-rtp' && (r.framesDecoded ?? 0) > 0) mark('decoded');
        });
      });
    }
  }, 20);
}

const pcProto = RTCPeerConnection.prototype;
// Typed as the promise forms: the legacy callback overloads would otherwise be picked for .call().
const setLocal: (this: RTCPeerConnection, d?: RTCLocalSessionDescriptionInit) => Promise<void> = pcProto.setLocalDescription;
const setRemote: (this: RTCPeerConnection, d: RTCSessionDescriptionInit) => Promise<void> = pcProto.setRemoteDescription;
pcProto.setLocalDescription = async function (this: RTCPeerConnection, d?: RTCLocalSessionDescriptionInit): Promise<void> {
  watch(this);
  await setLocal.call(this, d);
  const type = this.localDescription?.type;
  if (type === 'offer') mark('localOffer');
  if (type === 'answer') mark('localAnswer');
};
pcProto.setRemoteDescription = async function (this: RTCPeerConnection, d: RTCSessionDescriptionInit): Promise<void> {
  watch(this);
  // Marked on arrival, not on completion: the wait we care about is the network's.
  if (d.type === 'offer') mark('remoteOffer');
  if (d.type === 'answer') mark('remoteAnswer');
  await setRemote.call(this, d);
};

// The receivers are asked too: a page's own ontrack handler runs before our listener and may set srcObject.
function isRemoteTrack(t: MediaStreamTrack): boolean {
  if (remoteTracks.has(t)) return true;
  for (const pc of watched) if (pc.getReceivers().some((r) => r.track === t)) return true;
  return false;
}

function isRemote(src: MediaProvider | null): boolean {
  return src instanceof MediaStream && src.getVideoTracks().some(isRemoteTrack);
}

/** The closest role=group ancestor across shadow roots: the participant tile. */
function tileLabel(el: Element): string | null {
  let node: Node | null = el;
  while (node) {
    if (node instanceof Element && node.getAttribute('role') === 'group') return node.getAttribute('aria-label');
    node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null);
  }
  return null;
}

// Every video that gets a stream is watched until its first frame, which counts if it is a remote track's. Hooking
// the srcObject setter finds videos inside any shadow root without walking the DOM.
const seenVideos = new WeakSet<HTMLVideoElement>();
const watchedVideos = new WeakSet<HTMLVideoElement>();
function watchFrames(video: HTMLVideoElement): void {
  if (!seenVideos.has(video)) {
    seenVideos.add(video);
    video.addEventListener('playing', () => {
      if (isRemote(video.srcObject)) mark('playing');
    });
  }
  if (watchedVideos.has(video)) return;
  watchedVideos.add(video);
  // The first remote frame of any video is 'frame', and each tile's first goes into tileFrames, so "every remote
  // video is up" is read off the frames themselves, not off a poll. A later srcObject watches again; what is
  // recorded is recorded once.
  const onFrame = (_now: number, meta: VideoFrameCallbackMetadata): void => {
    watchedVideos.delete(video);
    if (!isRemote(video.srcObject)) return;
    const at = epoch(meta.presentationTime);
    const tile = tileLabel(video) ?? '';
    if (probe.tileFrames[tile] === undefined) probe.tileFrames[tile] = at;
    if (probe.marks.frame === undefined) {
      mark('frame', at);
      // When the frame's last packet arrived: splits network and encoder time from decode and render time.
      if (meta.receiveTime !== undefined) mark('frameReceived', epoch(meta.receiveTime));
      probe.frameTile = tile || null;
      probe.frameSize = `${meta.width}x${meta.height}`;
    }
  };
  video.requestVideoFrameCallback(onFrame);
}

const srcObject = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
if (srcObject?.set && srcObject.get) {
  const set = srcObject.set;
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    ...srcObject,
    set(this: HTMLMediaElement, value: MediaProvider | null) {
      set.call(this, value);
      if (this instanceof HTMLVideoElement && value) watchFrames(this);
    },
  });
}
