export type MediaProblem = 'denied' | 'missing' | 'in-use' | 'failed';

export interface OpenedMedia {
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  /** Set when we got less than we asked for; the call still works with what we have. */
  problem: MediaProblem | null;
}

export interface DeviceChoice {
  audioId?: string;
  videoId?: string;
}

const VIDEO: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };

function problemOf(err: unknown): MediaProblem {
  const name = err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'missing';
  if (name === 'NotReadableError' || name === 'AbortError') return 'in-use';
  return 'failed';
}

function audioConstraints(id?: string): MediaTrackConstraints {
  return { deviceId: id ? { exact: id } : undefined, echoCancellation: true, noiseSuppression: true };
}

export function videoConstraints(id?: string): MediaTrackConstraints {
  return { ...VIDEO, deviceId: id ? { exact: id } : undefined };
}

async function one(kind: 'audio' | 'video', id?: string): Promise<MediaStreamTrack | MediaProblem> {
  try {
    const s = await navigator.mediaDevices.getUserMedia(
      kind === 'audio' ? { audio: audioConstraints(id) } : { video: videoConstraints(id) },
    );
    return s.getTracks()[0] ?? 'missing';
  } catch (err) {
    return problemOf(err);
  }
}

/**
 * Asks for microphone and camera together (one prompt), and if that fails asks for each alone,
 * so a denied camera still leaves the microphone, and nothing at all still lets the user join to receive.
 */
export async function openMedia(choice: DeviceChoice = {}): Promise<OpenedMedia> {
  if (!navigator.mediaDevices?.getUserMedia) return { audio: null, video: null, problem: 'failed' };
  try {
    const s = await navigator.mediaDevices.getUserMedia({
      audio: audioConstraints(choice.audioId),
      video: videoConstraints(choice.videoId),
    });
    return { audio: s.getAudioTracks()[0] ?? null, video: s.getVideoTracks()[0] ?? null, problem: null };
  } catch (err) {
    const first = problemOf(err);
    const [a, v] = [await one('audio', choice.audioId), await one('video', choice.videoId)];
    const audio = typeof a === 'string' ? null : a;
    const video = typeof v === 'string' ? null : v;
    const problem = typeof v === 'string' ? v : typeof a === 'string' ? a : first;
    return { audio, video, problem: audio && video ? null : problem };
  }
}

export async function openTrack(kind: 'audio' | 'video', id?: string): Promise<MediaStreamTrack | MediaProblem> {
  return one(kind, id);
}

export async function listDevices(): Promise<{ audio: MediaDeviceInfo[]; video: MediaDeviceInfo[] }> {
  const all = navigator.mediaDevices?.enumerateDevices ? await navigator.mediaDevices.enumerateDevices() : [];
  return { audio: all.filter((d) => d.kind === 'audioinput'), video: all.filter((d) => d.kind === 'videoinput') };
}

/** Asks the browser for a screen, window or tab; the user picks. Audio is left out: it would echo the call. */
export async function openScreen(): Promise<MediaStreamTrack | MediaProblem> {
  if (!navigator.mediaDevices?.getDisplayMedia) return 'failed';
  try {
    const s = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15, max: 30 } }, audio: false });
    const track = s.getVideoTracks()[0];
    if (!track) return 'missing';
    // Tells the encoder this is text and lines, so under a tight budget it drops frames rather than sharpness.
    if ('contentHint' in track) track.contentHint = 'detail';
    return track;
  } catch (err) {
    return problemOf(err);
  }
}
