// Messages between the page and the receiver's writer worker (file-writer.worker.ts). Same-origin, so
// trusted; kept in their own module so the page does not import the worker's code.

/**
 * Below this size a file may be received into memory when the browser offers no disk (no File System Access,
 * no origin-private file system). Above it the transfer is refused rather than risking the tab.
 */
export const MEMORY_SINK_LIMIT = 128 * 1024 * 1024;

export type SinkKind = 'picked' | 'opfs' | 'memory';

export type WriterRequest =
  | { type: 'open'; id: string; dir: string; name: string; mime: string; size: number; picked: FileSystemFileHandle | null }
  /** `last` asks for a progress report even if less than a report's worth arrived since the previous one. */
  | { type: 'chunk'; data: ArrayBuffer; last: boolean }
  /** A swarm's verified piece, written at `at`; answered by progress (bytes written so far, in any order). */
  | { type: 'piece'; data: ArrayBuffer; at: number }
  | { type: 'sync' }
  /** `reread`: the bytes came out of order (a swarm), so the digest is taken by reading the finished file back. */
  | { type: 'finish'; sha256: string; reread?: boolean }
  | { type: 'abort' };

export type WriterReply =
  | { type: 'opened'; sink: SinkKind }
  | { type: 'progress'; written: number }
  | { type: 'synced'; written: number }
  | { type: 'committed'; sha256: string; file: File | null }
  | { type: 'mismatch'; sha256: string }
  | { type: 'aborted' }
  | { type: 'error'; reason: 'no-storage' | 'failed' };
