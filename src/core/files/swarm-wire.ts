// What both ends of a swarm share: the piece size, and the framing of a piece channel's messages
// (peer-protocol.ts, pieceChannelLabel): an 8-byte header, the piece's index and the part's offset inside it
// (big-endian uint32s), then up to PART bytes.
import { channelEvent } from './file-send';

/** One piece: what a seed gets from the sender and forwards, and what is checked against its SHA-256. */
export const PIECE_SIZE = 1024 * 1024;
/** Payload of one channel message: with its header, still far below every browser's SCTP message limit. */
export const PART = 64 * 1024;
export const HEADER = 8;

export interface Part {
  index: number;
  offset: number;
  bytes: Uint8Array<ArrayBuffer>;
}

/** Cuts one piece into channel messages. */
export function* frames(index: number, piece: Uint8Array<ArrayBuffer>): Generator<Uint8Array<ArrayBuffer>> {
  for (let offset = 0; offset < piece.byteLength; offset += PART) {
    const bytes = piece.subarray(offset, offset + PART);
    const frame = new Uint8Array(HEADER + bytes.byteLength);
    const view = new DataView(frame.buffer);
    view.setUint32(0, index);
    view.setUint32(4, offset);
    frame.set(bytes, HEADER);
    yield frame;
  }
}

/** Null for anything that is not a well-formed frame (the caller decides what that costs the peer). */
export function parseFrame(data: unknown): Part | null {
  if (!(data instanceof ArrayBuffer) || data.byteLength <= HEADER || data.byteLength > HEADER + PART) return null;
  const view = new DataView(data);
  return { index: view.getUint32(0), offset: view.getUint32(4), bytes: new Uint8Array(data, HEADER) };
}

export const pieceCount = (size: number, piece: number): number => Math.ceil(size / piece);
export const pieceLength = (size: number, piece: number, index: number): number => Math.min(piece, size - index * piece);

export async function pieceDigest(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Sends a piece's frames on `dc`, waiting whenever more than `high` bytes are queued. False once the channel is gone. */
export async function sendPiece(dc: RTCDataChannel, index: number, piece: Uint8Array<ArrayBuffer>, high: number): Promise<boolean> {
  if (dc.readyState === 'connecting') await channelEvent(dc, 'open');
  for (const frame of frames(index, piece)) {
    while (dc.readyState === 'open' && dc.bufferedAmount > high) await channelEvent(dc, 'bufferedamountlow');
    if (dc.readyState !== 'open') return false;
    dc.send(frame);
  }
  return true;
}
