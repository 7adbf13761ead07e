// Switching language in the middle of a call changes the words and nothing else: what the user had typed,
// chosen and opened stays, and every video keeps its element and its stream (issue 14). Two Chromium
// contexts against the real server and the built app; controls found by role and accessible name.
// Run: bash scripts/netns.sh node --import tsx --test test/e2e/language.test.ts (after npm run build)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser, launchChromium, startServer, waitFor, waitForFramesIncreasing, type AppServer } from './harness.ts';
import { pageErrors } from './page-errors.ts';
import { callOf, leaveAll, openMore, openPanel, type Person } from './room.ts';

let server: AppServer;
let browser: Browser;
let people: Person[] = [];

before(async () => {
  server = await startServer();
  browser = await launchChromium();
});

after(async () => {
  await leaveAll(people);
  await closeBrowser(browser);
  await server?.stop();
});

/**
 * Remembers every <video> on the page (through shadow roots) with the stream it shows, and counts the
 * `emptied` events each fires from now on: assigning srcObject again, even the same stream, fires one.
 */
async function tagVideos(page: Page): Promise<number> {
  return page.evaluate(() => {
    const videos: HTMLVideoElement[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        if (el instanceof HTMLVideoElement) videos.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    const tagged = videos.map((video) => ({ video, stream: video.srcObject, emptied: 0 }));
    for (const t of tagged) t.video.addEventListener('emptied', () => t.emptied++);
    Object.assign(window, { e2eVideos: tagged });
    return tagged.length;
  });
}

/** What became of the tagged videos: how many are on the page now, and which of them are not the same. */
async function videosNow(page: Page): Promise<{ count: number; replaced: number; detached: number; restarted: number }> {
  return page.evaluate(() => {
    const videos: HTMLVideoElement[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        if (el instanceof HTMLVideoElement) videos.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    const tagged = (window as unknown as { e2eVideos: Array<{ video: HTMLVideoElement; stream: MediaProvider | null; emptied: number }> })
      .e2eVideos;
    return {
      count: videos.length,
      replaced: videos.filter((v) => !tagged.some((t) => t.video === v)).length,
      detached: tagged.filter((t) => !t.video.isConnected).length,
      restarted: tagged.filter((t) => t.emptied > 0 || t.video.srcObject !== t.stream).length,
    };
  });
}

test(
  'switching to Spanish mid-call keeps the chat draft, the recipient, an open Verify panel and every video',
  { timeout: 300_000 },
  async () => {
    people = await callOf(browser, server.url, ['Alice', 'Bob']);
    const [alice] = people as [Person, Person];
    const page = alice.page;
    const errors = pageErrors(alice.context);
    const bobTile = page.getByRole('group', { name: 'Bob', exact: true });
    await waitForFramesIncreasing(bobTile, { label: "Alice's view of Bob" });

    // callOf left the files panel open: choose Bob as the recipient, then write (and not send) a message.
    await page.getByRole('combobox', { name: 'Send to' }).selectOption({ label: 'Bob' });
    await openPanel(page, 'Chat');
    await page.getByRole('textbox', { name: 'Message' }).fill('see you at noon');
    // The safety number appears once both fingerprints are known.
    const verify = bobTile.getByRole('button', { name: 'Verify' });
    await verify.click();
    assert.equal(await verify.getAttribute('aria-expanded'), 'true');
    await bobTile.getByText(/^Safety number/).waitFor();
    const tagged = await tagVideos(page);
    assert.ok(tagged >= 2, `both tiles have a video (${tagged})`);

    await openMore(page);
    await page.getByRole('combobox', { name: 'Language' }).selectOption('es');

    // The words changed: the bar, the open panel, the tile and More (still open, as it was).
    const bar = page.getByRole('toolbar', { name: 'Controles de la llamada' });
    await bar.waitFor();
    for (const name of ['Micrófono', 'Cámara', 'Chat', 'Archivos', 'Más', 'Salir']) {
      await bar.getByRole('button', { name, exact: true }).waitFor({ timeout: 5_000 });
    }
    assert.equal(await page.getByRole('button', { name: 'Leave' }).count(), 0, 'no English button is left');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'es');
    await page.getByRole('combobox', { name: 'Idioma' }).waitFor({ timeout: 5_000 });
    await page.getByRole('button', { name: 'Copiar enlace' }).waitFor({ timeout: 5_000 });
    await page.getByRole('dialog', { name: 'Chat' }).getByRole('button', { name: 'Cerrar' }).waitFor({ timeout: 5_000 });

    // What the user had done is still there.
    assert.equal(await page.getByRole('textbox', { name: 'Mensaje' }).inputValue(), 'see you at noon');
    assert.equal(
      await bar.getByRole('button', { name: 'Chat', exact: true }).getAttribute('aria-expanded'),
      'true',
      'the chat is still open',
    );
    const verificar = bobTile.getByRole('button', { name: 'Verificar' });
    assert.equal(await verificar.getAttribute('aria-expanded'), 'true', 'Verify is still open');
    await bobTile.getByText(/^Número de seguridad/).waitFor({ timeout: 5_000 });

    // The same <video> elements, showing the same streams, never reloaded; and the picture still moves.
    assert.deepEqual(await videosNow(page), { count: tagged, replaced: 0, detached: 0, restarted: 0 });
    await waitForFramesIncreasing(bobTile, { label: "Alice's view of Bob after the switch" });

    await openPanel(page, 'Files', 'es');
    const sendTo = page.getByRole('combobox', { name: 'Enviar a' });
    await waitFor(async () => (await sendTo.locator('option:checked').textContent()) === 'Bob', 5_000, 'the recipient to still be Bob');
    assert.deepEqual(await sendTo.locator('option').allTextContents(), ['Todos', 'Bob']);
    errors.assertNone();
  },
);
