// Driving file sharing through the UI, shared by the e2e and lab tests: random files on disk with their SHA-256,
// the transfer rows as a user finds them, sending, and saving what arrived.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { Person } from './room.ts';

const MB = 1024 * 1024;

export async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function randomFile(dir: string, name: string, bytes: number): Promise<{ path: string; sha: string }> {
  const path = join(dir, name);
  const parts: Buffer[] = [];
  for (let left = bytes; left > 0; left -= 8 * MB) parts.push(randomBytes(Math.min(left, 8 * MB)));
  writeFileSync(path, Buffer.concat(parts));
  return { path, sha: await sha256(path) };
}

/** The transfer row for `file` on this page: a group named "<file>, from <name>" or "<file>, to <name>". */
export function row(page: Page, file: string, peer: string, direction: 'from' | 'to'): Locator {
  return page.getByRole('group', { name: `${file}, ${direction} ${peer}`, exact: true });
}

export async function send(from: Person, path: string, to = 'Everyone'): Promise<void> {
  await from.page.getByRole('combobox', { name: 'Send to' }).selectOption({ label: to });
  await from.page.getByLabel('Send file').setInputFiles(path);
}

/** Waits for a row to say `text`; on timeout the error says what every row on both pages said instead. */
export async function until(r: Locator, text: string, timeout: number, pages: Page[]): Promise<void> {
  try {
    await r.getByText(text).waitFor({ timeout });
  } catch (err) {
    const seen = await Promise.all(
      pages.map((p) =>
        p
          .getByRole('list', { name: 'Transfers' })
          .innerText({ timeout: 5_000 })
          .catch(() => '?'),
      ),
    );
    throw new Error(`${(err as Error).message}\n--- transfers ---\n${seen.join('\n---\n')}`, { cause: err });
  }
}

/**
 * The SHA-256 of the next file the page saves by itself (a finished file kept in browser storage downloads with
 * no click). Call it before the transfer finishes; `name` is the file name the download must carry.
 */
export async function autoSavedSha(dir: string, page: Page, name: string, timeout = 300_000): Promise<string> {
  const download = await page.waitForEvent('download', { timeout, predicate: (d) => d.suggestedFilename() === name });
  const path = join(dir, `dl-${randomBytes(4).toString('hex')}`);
  await download.saveAs(path);
  return sha256(path);
}
