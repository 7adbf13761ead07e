// Chat: messages typed in one browser reach everyone in the call, each sender's in the order sent.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser, launchChromium, startServer, waitFor, type AppServer } from './harness.ts';
import { callOf, leaveAll, openPanel, type Person } from './room.ts';

let server: AppServer;
let browser: Browser;
let people: Person[] = [];

before(async () => {
  server = await startServer();
  browser = await launchChromium(['--disable-features=WebRtcHideLocalIpsWithMdns']);
});

after(async () => {
  await leaveAll(people);
  await closeBrowser(browser);
  await server?.stop();
});

async function say(page: Page, text: string): Promise<void> {
  await openPanel(page, 'Chat');
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
}

async function log(page: Page): Promise<string[]> {
  await openPanel(page, 'Chat');
  return page.getByRole('log', { name: 'Messages' }).locator('li').allInnerTexts();
}

test('chat messages reach every participant, in order', { timeout: 360_000 }, async () => {
  people = await callOf(browser, server.url, ['Alice', 'Bob', 'Carol']);
  const [alice, bob, carol] = people as [Person, Person, Person];
  // Three browsers encoding video on two cores slow everything down; this test is about text.
  for (const p of people) await p.page.getByRole('button', { name: 'Camera' }).click();
  const fromAlice = Array.from({ length: 6 }, (_, i) => `alice says ${i + 1}`);
  for (const text of fromAlice) await say(alice.page, text);
  await say(bob.page, 'bob replies');
  await say(carol.page, 'carol too');

  for (const p of people) {
    const lines = await waitFor(
      async () => {
        const l = await log(p.page);
        return l.length === fromAlice.length + 2 ? l : undefined;
      },
      20_000,
      `${p.name}'s chat log to hold every message`,
    );
    const alices = lines.filter((l) => l.includes('alice says'));
    assert.deepEqual(
      alices.map((l) => /alice says \d+/.exec(l)?.[0]),
      fromAlice,
      `${p.name} sees Alice's messages in order`,
    );
    for (const l of alices) assert.match(l, p === alice ? /Alice \(you\)/ : /^Alice/, `${p.name} sees who sent it`);
    assert.ok(lines.some((l) => l.startsWith('Bob') && l.includes('bob replies')));
    assert.ok(lines.some((l) => l.startsWith('Carol') && l.includes('carol too')));
    assert.ok(
      lines.every((l) => /\d{1,2}:\d{2}/.test(l)),
      'every message shows a time',
    );
  }
  // The field clears after sending, ready for the next message.
  assert.equal(await alice.page.getByRole('textbox', { name: 'Message' }).inputValue(), '');
});
