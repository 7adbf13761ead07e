import type { ChatEntry } from './chat';
import type { Transfer } from './files/file-transfer';
import type { MediaProblem } from './media';
import type { Quality } from './quality/stats';
import type { LinkState } from './peer-link';
import type { LinkProblem } from './reachability';
import type { ServerStatus } from './signaling-client';

export type Phase = 'home' | 'prejoin' | 'joining' | 'in-call' | 'full';
/** Codes, not sentences: the UI translates them. */
export type Notice = 'server-refused' | 'bad-room' | 'tampered-signal' | 'missing-secret';

export interface Participant {
  /** Stable for the life of the remote tab, unlike the server-assigned peer id. */
  key: string;
  name: string;
  stream: MediaStream | null;
  mic: boolean;
  camera: boolean;
  connection: LinkState;
  /** Their shared screen, while they share one. */
  screen?: MediaStream | null;
  /** They paused the video they send us: their uplink is too thin for it. */
  videoPaused?: boolean;
  /** From round-trip time and packet loss of our connection to them. */
  quality?: Quality | null;
  /** Six groups of five digits, identical on both sides; compared by voice to rule out interception. */
  safetyNumber?: string;
  /** Why the link is refused or cannot connect; absent while all is well. */
  problem?: LinkProblem | null;
}

export interface DeviceList {
  audio: ReadonlyArray<{ id: string; label: string }>;
  video: ReadonlyArray<{ id: string; label: string }>;
}

/**
 * Who writes what: Call (call.ts) writes every field except these — `participants` (Mesh, mesh.ts: joins,
 * leaves, names, streams, connection, safety numbers; quality/quality.ts adds each one's `quality`), `speaker`
 * (quality/quality.ts), the media fields `mic`, `camera`, `localStream`, `mediaProblem`, `devices`, `audioId`,
 * `videoId`, `sharing`, `localScreen`, `screenProblem` (LocalMedia, local-media.ts, through the output Call
 * gives it), `transfers` (FileTransfers through its publish callback, wired in Call) and `offeredFiles` (the UI root, src/ui/call-app.ts, for files shared into the app). The UI only reads.
 */
export interface CallState {
  phase: Phase;
  room: string | null;
  name: string;
  mic: boolean;
  camera: boolean;
  localStream: MediaStream | null;
  mediaProblem: MediaProblem | null;
  devices: DeviceList;
  audioId: string;
  videoId: string;
  server: ServerStatus;
  participants: ReadonlyArray<Participant>;
  /** A message for the user that is not tied to one participant (e.g. the server refused us). */
  notice: Notice | null;
  /** Files handed to the app from outside (the phone's share sheet), waiting for the user to send them. */
  offeredFiles: ReadonlyArray<File>;
  /** We are sharing a screen; localScreen is its preview. */
  sharing?: boolean;
  localScreen?: MediaStream | null;
  /** Key of the participant talking loudest right now, if anyone is. */
  speaker?: string | null;
  /** Why "Share screen" did nothing, until the next attempt. */
  screenProblem?: MediaProblem | null;
  chat: ReadonlyArray<ChatEntry>;
  transfers: ReadonlyArray<Transfer>;
}

export const initialState: CallState = {
  phase: 'home',
  room: null,
  name: '',
  mic: true,
  camera: true,
  localStream: null,
  mediaProblem: null,
  devices: { audio: [], video: [] },
  audioId: '',
  videoId: '',
  server: 'closed',
  participants: [],
  notice: null,
  offeredFiles: [],
  chat: [],
  transfers: [],
};

type Listener = (s: CallState) => void;

/** Immutable snapshots: a new object on every change, so readers can compare by identity. */
export class CallStore {
  private state: CallState;
  private readonly listeners = new Set<Listener>();

  constructor(initial: CallState = initialState) {
    this.state = initial;
  }

  get(): CallState {
    return this.state;
  }

  set(patch: Partial<CallState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l(this.state);
  }

  upsertParticipant(key: string, patch: Partial<Participant>): void {
    const list = this.state.participants;
    const i = list.findIndex((p) => p.key === key);
    const base: Participant = i >= 0 ? list[i] : { key, name: '', stream: null, mic: true, camera: true, connection: 'connecting' };
    const next = { ...base, ...patch };
    this.set({ participants: i >= 0 ? list.map((p, j) => (j === i ? next : p)) : [...list, next] });
  }

  /** Patches a participant who is still here; no-op (and no new snapshot) if gone or nothing changed. */
  upsertParticipantIfPresent(key: string, patch: Partial<Participant>): void {
    const p = this.state.participants.find((x) => x.key === key);
    if (!p) return;
    const changed = (Object.keys(patch) as (keyof Participant)[]).some((k) => p[k] !== patch[k]);
    if (changed) this.upsertParticipant(key, patch);
  }

  /** Offers files shared into the app; the UI shows them until they are sent or dismissed. */
  offerFiles(files: readonly File[]): void {
    if (files.length > 0) this.set({ offeredFiles: [...this.state.offeredFiles, ...files] });
  }

  /** Hands the offered files over (to send, or to drop) and stops offering them. */
  takeOfferedFiles(): File[] {
    const files = [...this.state.offeredFiles];
    this.set({ offeredFiles: [] });
    return files;
  }

  removeParticipant(key: string): void {
    this.set({ participants: this.state.participants.filter((p) => p.key !== key) });
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}
