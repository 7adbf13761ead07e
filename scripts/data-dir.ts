// A DATA_DIR of its own for every server a test or benchmark spawns: LevelDB lets one process at a time open a
// directory, so two servers started from the repository root with the default ./data would collide (and a test
// would leave users behind there). All of them live under one temporary directory, removed when this process exits.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let root: string | null = null;
let made = 0;

export function freshDataDir(): string {
  if (root === null) {
    const dir = mkdtempSync(join(tmpdir(), 'p2p-call-data-'));
    root = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  made += 1;
  return join(root, String(made));
}
