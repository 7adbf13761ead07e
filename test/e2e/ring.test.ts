// Calling a person (docs/calling.md) as two people would: Bob gives out "My call link", Alice opens it and
// presses Call, Bob's screen rings, and an answer puts both in a private room with video both ways. Then the
// endings (decline, cancel, no answer), contacts after a reload, and a third browser claiming Bob's id. Real
// Chromium contexts, the built app, the real server with its real directory; controls by role and name only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { closeBrowser, launchChromium, newParticipant, startServer, waitFor, waitForFramesIncreasing, type AppServer } from './harness.ts';

const STEP = { timeout: 120_000 };

describe('calling a person by their link', { timeout: 600_000 }, () => {
  let server: AppServer;
  let browser: Browser;
  let alice: Page;
  let bob: Page;
  let bobLink = '';
  const contexts: BrowserContext[] = [];

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    for (let i = 0; i < 3; i++) contexts.push(await newParticipant(browser, server.url));
    alice = await contexts[0].newPage();
    bob = await contexts[1].newPage();
  });

  after(async () => {
    await closeBrowser(browser);
    await server?.stop();
  });

  const tile = (page: Page, name: string) => page.getByRole('group', { name, exact: true });
  const ringing = (page: Page, name: string) => page.getByRole('alertdialog', { name: `${name} is calling` });

  /** Both in the ring's room, each decoding the other's video. */
  async function inCallTogether(): Promise<void> {
    await waitForFramesIncreasing(tile(alice, 'Bob'), { label: "Alice's view of Bob" });
    await waitForFramesIncreasing(tile(bob, 'Alice'), { label: "Bob's view of Alice" });
    assert.equal(new URL(alice.url()).pathname, new URL(bob.url()).pathname, 'one room for both');
    assert.match(new URL(alice.url()).pathname, /^\/r\//);
  }

  /** Mallory knows Bob's public key and id (anyone he called does) but signs a registration with a key of her own. */
  async function forgedRegistration(): Promise<string[]> {
    const mallory = await contexts[2].newPage();
    await mallory.goto(`${server.url}/`);
    const bobKey = await bob.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('p2p-call-phone');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const pair = await new Promise<CryptoKeyPair>((resolve) => {
        const get = db.transaction('identity').objectStore('identity').get('self');
        get.onsuccess = () => resolve(get.result as CryptoKeyPair);
      });
      const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
      return btoa(String.fromCharCode(...raw))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '');
    });
    const bobId = await idOf(mallory, bobKey);
    // Mallory knows Bob's public key and id (anyone he called does) but signs with a key of her own.
    const answer = await mallory.evaluate(
      async ({ id, key, host }) => {
        const ws = new WebSocket(`ws://${host}/ws?user=${id}`);
        const frames: string[] = [];
        const next = () => new Promise<Record<string, string>>((resolve) => (ws.onmessage = (e) => resolve(JSON.parse(String(e.data)))));
        await new Promise((r) => (ws.onopen = r));
        ws.send(JSON.stringify({ type: 'challenge' }));
        const { nonce } = await next();
        const mine = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
        const text = new TextEncoder().encode(`p2p-call register v1\n${nonce}\n${id}\n${host}`);
        const sig = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, mine.privateKey, text));
        const b64 = btoa(String.fromCharCode(...sig))
          .replace(/\+/g, '-')
          .replace(/\//g, '_')
          .replace(/=+$/, '');
        ws.send(JSON.stringify({ type: 'register', id, key, sig: b64, invite: 'AAAAAAAAAAAA', contacts: [] }));
        const reply = await next();
        frames.push(reply.type, reply.code ?? '');
        ws.close();
        return frames;
      },
      { id: bobId, key: bobKey, host: new URL(server.url).host },
    );
    return answer;
  }

  async function hangUp(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Leave' }).click();
    await page.getByRole('button', { name: 'Start a call' }).waitFor();
  }

  it('Bob opens "My call link" from the home page, is online, and copies his link', STEP, async () => {
    await bob.goto(`${server.url}/`);
    await bob.getByRole('link', { name: 'My call link' }).click();
    await bob.getByRole('heading', { name: 'My call link' }).waitFor();
    assert.equal(new URL(bob.url()).pathname, '/me', 'an in-app link, no page load');
    await bob.getByRole('textbox', { name: 'Your name' }).fill('Bob');
    await bob.getByText('Online: your link rings here.').waitFor();
    await bob.getByRole('button', { name: 'Copy link' }).click();
    bobLink = await waitFor(
      async () => (await bob.evaluate(() => navigator.clipboard.readText())) || undefined,
      10_000,
      'the clipboard to hold the link',
    );
    assert.match(bobLink, /^http:\/\/[^/]+\/call#[A-Za-z0-9_-]{55}$/);
  });

  it('Alice opens it and calls; Bob sees who calls, unverified; Accept connects both with video', STEP, async () => {
    await alice.goto(bobLink);
    await alice.getByRole('heading', { name: 'Call the owner of this link' }).waitFor();
    await alice.getByRole('textbox', { name: 'Your name' }).fill('Alice');
    await alice.getByRole('button', { name: 'Call', exact: true }).click();
    await alice.getByRole('heading', { name: 'Calling the owner of this link…' }).waitFor();
    const dialog = ringing(bob, 'Alice');
    await dialog.waitFor();
    await dialog.getByText('Not in your contacts').waitFor();
    assert.equal(await dialog.getByText('Verified contact').count(), 0);
    await dialog.getByRole('button', { name: 'Accept' }).click();
    await inCallTogether();
  });

  it('after hanging up, each saves the other as a contact', STEP, async () => {
    await hangUp(alice);
    await hangUp(bob);
    for (const [page, other] of [
      [alice, 'Bob'],
      [bob, 'Alice'],
    ] as const) {
      await page.getByRole('heading', { name: `Save ${other} as a contact?` }).waitFor();
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText(`${other} was saved to your contacts.`).waitFor();
    }
  });

  it('Decline ends the ring on both sides with a clear message', STEP, async () => {
    await bob.goto(`${server.url}/me`);
    await bob.getByText('Online: your link rings here.').waitFor();
    await alice.goto(`${server.url}/contacts`);
    await alice.getByRole('button', { name: 'Call Bob' }).click();
    const dialog = ringing(bob, 'Alice');
    await dialog.getByText('Contact', { exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'Decline' }).click();
    await alice.getByText('Call declined.').waitFor();
    await dialog.waitFor({ state: 'detached' });
    await alice.getByRole('button', { name: 'Back' }).click();
  });

  it('Alice cancelling turns Bob\'s ring into "Missed call from Alice"', STEP, async () => {
    await alice.goto(`${server.url}/contacts`);
    await alice.getByRole('button', { name: 'Call Bob' }).click();
    await ringing(bob, 'Alice').waitFor();
    await alice.getByRole('button', { name: 'Cancel' }).click();
    await bob.getByText('Missed call from Alice').waitFor();
    await bob.getByRole('button', { name: 'Close' }).click();
  });

  it(
    'nobody answers: after 30 s Alice hears "No answer" and Bob has a missed call; meanwhile a third browser claiming Bob\'s id is refused',
    { timeout: 90_000 },
    async () => {
      await alice.goto(`${server.url}/contacts`);
      await alice.getByRole('button', { name: 'Call Bob' }).click();
      await ringing(bob, 'Alice').waitFor();
      assert.deepEqual(await forgedRegistration(), ['error', 'bad-registration']);
      assert.equal(await ringing(bob, 'Alice').count(), 1, "Mallory's attempt disturbed nobody");
      await alice.getByText('No answer. Try again later.').waitFor({ timeout: 45_000 });
      await bob.getByText('Missed call from Alice').waitFor({ timeout: 15_000 });
      await bob.getByRole('button', { name: 'Close' }).click();
      await alice.getByRole('button', { name: 'Back' }).click();
    },
  );

  it('after a reload, Alice calls Bob from Contacts, where he shows online (Mallory changed nothing); Accept connects', STEP, async () => {
    await alice.reload();
    await alice.goto(`${server.url}/contacts`);
    const card = alice.getByRole('listitem').filter({ hasText: 'Bob' });
    await card.getByText('Online').waitFor();
    await alice.getByRole('button', { name: 'Call Bob' }).click();
    await ringing(bob, 'Alice').getByRole('button', { name: 'Accept' }).click();
    await inCallTogether();
    await hangUp(alice);
    await hangUp(bob);
  });
});

/** An id is the first 20 bytes of SHA-256 of the raw key, base64url (docs/calling.md). */
async function idOf(page: Page, key: string): Promise<string> {
  return page.evaluate(async (k) => {
    const raw = Uint8Array.from(atob(k.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', raw)).slice(0, 20);
    return btoa(String.fromCharCode(...hash))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  }, key);
}
