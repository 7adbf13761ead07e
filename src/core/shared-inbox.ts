// Files shared into the app from the phone's share sheet. The service worker receives the share-target POST
// and puts each file here (Cache Storage, so it survives the redirect and even a closed tab); the page reads
// them, offers them in the call, and removes them once sent or dismissed. Both sides import this module, so
// it uses only what a window and a worker have in common.

const CACHE = 'shared-files-v1';
/** Cache keys live under a path nothing on the server uses; they are never fetched from the network. */
const PREFIX = '/__shared-files__/';
/** The service worker posts on this channel after storing, so an open call picks the files up at once. */
export const SHARED_CHANNEL = 'shared-files';

export async function putSharedFiles(files: readonly File[]): Promise<void> {
  const cache = await caches.open(CACHE);
  const batch = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  // One at a time: the cache lists entries in the order they were written, which keeps the share's order.
  for (const [i, f] of files.entries()) {
    await cache.put(
      new Request(`${PREFIX}${batch}-${i}`),
      new Response(f, {
        headers: {
          'Content-Type': f.type || 'application/octet-stream',
          'X-File-Name': encodeURIComponent(f.name),
          'X-Last-Modified': String(f.lastModified),
        },
      }),
    );
  }
}

/** Reads what the service worker stored. Remembers which cache entry each File came from, for `remove`. */
export class SharedInbox {
  private readonly keyOf = new WeakMap<File, string>();
  private readonly handedOut = new Set<string>();

  /** Files not yet returned by this inbox, oldest first. */
  async fresh(): Promise<File[]> {
    if (typeof caches === 'undefined' || !(await caches.has(CACHE))) return [];
    const cache = await caches.open(CACHE);
    const files: File[] = [];
    for (const req of await cache.keys()) {
      const key = new URL(req.url).pathname;
      if (this.handedOut.has(key)) continue;
      const res = await cache.match(req);
      if (!res) continue;
      const name = decodeURIComponent(res.headers.get('X-File-Name') ?? 'shared-file');
      const lastModified = Number(res.headers.get('X-Last-Modified')) || Date.now();
      const file = new File([await res.blob()], name, { type: res.headers.get('Content-Type') ?? '', lastModified });
      this.handedOut.add(key);
      this.keyOf.set(file, key);
      files.push(file);
    }
    return files;
  }

  /** Forgets files for good (they were sent, or the user dismissed them). */
  async remove(files: readonly File[]): Promise<void> {
    if (typeof caches === 'undefined') return;
    const cache = await caches.open(CACHE);
    await Promise.all(
      files.map((f) => {
        const key = this.keyOf.get(f);
        return key ? cache.delete(key) : Promise.resolve(false);
      }),
    );
  }
}
