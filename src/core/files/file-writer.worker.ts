// The receiver's disk writer and hasher, one per incoming transfer. Bytes arrive here as transferred
// ArrayBuffers, so the page never holds more than what is in flight; each one is written at its offset and
// fed to an incremental SHA-256 (WebCrypto has no streaming digest), then released (see `release`).
// Sinks, best first: the file the user picked (File System Access), the origin-private file system
// (synchronous access handle, workers only), then memory for files up to MEMORY_SINK_LIMIT.
import { createSHA256, type IHasher } from 'hash-wasm';
import { MEMORY_SINK_LIMIT, type SinkKind, type WriterReply, type WriterRequest } from './file-writer-protocol';

// Worker-only and File System Access members that TypeScript's DOM lib leaves out.
interface SyncAccessHandle {
  write(data: Uint8Array<ArrayBuffer>, options: { at: number }): number;
  flush(): void;
  close(): void;
}
type DiskHandle = FileSystemFileHandle & { createSyncAccessHandle(): Promise<SyncAccessHandle> };

interface Sink {
  /** Must not keep `data` once it returns (or its promise settles): the buffer is released right after. */
  write(data: Uint8Array<ArrayBuffer>, at: number): Promise<void> | void;
  flush(): void;
  /** Makes the file final; returns it when the page must offer a download. */
  commit(): Promise<File | null>;
  abort(): Promise<void>;
  /** After commit: the finished file's bytes, to read back, and a way to delete it again. */
  content(): Promise<Blob>;
  discard(): Promise<void>;
}

/** Progress is reported at least this often (bytes): the page acks it to the sender. */
const REPORT_EVERY = 1 << 20;

let sink: Sink | null = null;
let hasher: IHasher | null = null;
let written = 0;
let reported = 0;
let chain: Promise<void> = Promise.resolve();
let aborting = false;

const reply = (m: WriterReply): void => postMessage(m);

/**
 * Frees a spent chunk now rather than at the next full garbage collection. A buffer that arrives by
 * postMessage is held by Blink's wrapper object, which only a full collection reclaims (a minor one does
 * not), and this worker allocates so little that a full one runs only once about 64 MiB of them have piled
 * up: that pile was most of the receiver's memory growth. Transferring the buffer away takes its memory out
 * of this isolate, and since the other end of this channel is closed the message is dropped and the memory
 * freed at once. (`ArrayBuffer.prototype.transfer()` is no substitute: it detaches the JavaScript object
 * only, and the memory leaked.)
 */
const release = (() => {
  const { port1, port2 } = new MessageChannel();
  port2.close();
  return (buffer: ArrayBuffer): void => port1.postMessage(null, [buffer]);
})();

async function opfsSink(dirName: string, fileName: string, name: string, mime: string): Promise<Sink> {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(dirName, { create: true });
  const handle = (await dir.getFileHandle(fileName, { create: true })) as DiskHandle;
  const access = await handle.createSyncAccessHandle();
  let open = true;
  const close = (): void => {
    if (open) access.close();
    open = false;
  };
  return {
    write: (data, at) => void access.write(data, { at }),
    flush: () => access.flush(),
    async commit() {
      access.flush();
      close();
      const file = await handle.getFile();
      return new File([file], name, { type: mime });
    },
    async abort() {
      close();
      await dir.removeEntry(fileName).catch(() => undefined);
    },
    content: () => handle.getFile(),
    discard: () => dir.removeEntry(fileName).catch(() => undefined),
  };
}

async function pickedSink(handle: FileSystemFileHandle): Promise<Sink> {
  const writable = await handle.createWritable({ keepExistingData: false });
  return {
    write: (data, at) => writable.write({ type: 'write', position: at, data }),
    flush: () => undefined,
    async commit() {
      await writable.close();
      return null;
    },
    abort: () => writable.abort(),
    content: () => handle.getFile(),
    // The user's own file: emptied rather than left holding bytes that failed the check.
    discard: async () => (await handle.createWritable({ keepExistingData: false })).close(),
  };
}

function memorySink(name: string, mime: string): Sink {
  // Positioned, since a swarm's pieces arrive in any order.
  let parts: { at: number; data: Uint8Array<ArrayBuffer> }[] = [];
  let file = new File([], name, { type: mime });
  return {
    // A copy: the received buffer is released after the write.
    write: (data, at) => void parts.push({ at, data: data.slice() }),
    flush: () => undefined,
    async commit() {
      file = new File(
        parts.sort((a, b) => a.at - b.at).map((p) => p.data),
        name,
        { type: mime },
      );
      parts = [];
      return file;
    },
    async abort() {
      parts = [];
    },
    content: async () => file,
    discard: async () => {
      file = new File([], name, { type: mime });
    },
  };
}

/** SHA-256 of a whole file, read back a block at a time. */
async function digestOf(blob: Blob): Promise<string> {
  const h = await createSHA256();
  h.init();
  const BLOCK = 4 << 20;
  for (let at = 0; at < blob.size; at += BLOCK) h.update(new Uint8Array(await blob.slice(at, at + BLOCK).arrayBuffer()));
  return h.digest('hex');
}

async function handle(m: WriterRequest): Promise<void> {
  switch (m.type) {
    case 'open': {
      hasher = await createSHA256();
      hasher.init();
      const attempts: [SinkKind, () => Promise<Sink>][] = [];
      const picked = m.picked;
      if (picked) attempts.push(['picked', () => pickedSink(picked)]);
      attempts.push(['opfs', () => opfsSink(m.dir, m.id, m.name, m.mime)]);
      for (const [kind, attempt] of attempts) {
        try {
          sink = await attempt();
          return reply({ type: 'opened', sink: kind });
        } catch (err) {
          console.warn('file-writer: sink unavailable', err);
        }
      }
      if (m.size <= MEMORY_SINK_LIMIT) {
        sink = memorySink(m.name, m.mime);
        return reply({ type: 'opened', sink: 'memory' });
      }
      return reply({ type: 'error', reason: 'no-storage' });
    }
    case 'chunk': {
      if (!sink || !hasher || aborting) return;
      const data = new Uint8Array(m.data);
      await sink.write(data, written);
      hasher.update(data);
      written += data.byteLength;
      release(m.data);
      if (written - reported >= REPORT_EVERY || m.last) {
        reported = written;
        reply({ type: 'progress', written });
      }
      return;
    }
    case 'piece': {
      if (!sink || aborting) return;
      await sink.write(new Uint8Array(m.data), m.at);
      written += m.data.byteLength;
      release(m.data);
      return reply({ type: 'progress', written });
    }
    case 'sync':
      sink?.flush();
      return reply({ type: 'synced', written });
    case 'finish': {
      if (!sink || !hasher) return;
      sink.flush();
      if (m.reread) return finishReread(sink, m.sha256);
      const sha256 = hasher.digest('hex');
      if (sha256 !== m.sha256) {
        await sink.abort();
        sink = null;
        return reply({ type: 'mismatch', sha256 });
      }
      const file = await sink.commit();
      sink = null;
      return reply({ type: 'committed', sha256, file });
    }
    case 'abort':
      await sink?.abort();
      sink = null;
      return reply({ type: 'aborted' });
  }
}

async function finishReread(done: Sink, expected: string): Promise<void> {
  sink = null;
  const file = await done.commit();
  const sha256 = await digestOf(await done.content());
  if (sha256 !== expected) {
    await done.discard();
    return reply({ type: 'mismatch', sha256 });
  }
  reply({ type: 'committed', sha256, file });
}

onmessage = (ev: MessageEvent<WriterRequest>) => {
  // Chunks still queued behind an abort are not worth writing: the file is about to be deleted.
  if (ev.data.type === 'abort') aborting = true;
  // One at a time and in order: a write must land before the next chunk's offset is taken.
  chain = chain
    .then(() => handle(ev.data))
    .catch((err: unknown) => {
      console.warn('file-writer: failed', err);
      reply({ type: 'error', reason: 'failed' });
    });
};
