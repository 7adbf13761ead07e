// Contacts: trust on first use as pure functions, and the export file (ours in, anything else refused).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CONTACTS_FORMAT,
  exportContacts,
  importContacts,
  MAX_CONTACTS_FILE_BYTES,
  namesakes,
  newContact,
  renamed,
  trustState,
  withKey,
  type Contact,
} from '../../src/core/phone/contacts';
import { Identity } from '../../src/core/phone/identity';
import { memoryPhoneStore } from '../../src/core/phone/phone-db';

const [alice, bob] = await Promise.all([Identity.generate(), Identity.generate()]);

test('TOFU: new, then known, then verified; another key for the record is key-changed and never verified', async () => {
  const store = memoryPhoneStore();
  assert.equal(trustState(await store.contact(alice.id), alice.key), 'new');
  await store.putContact(newContact({ id: alice.id, key: alice.key, name: 'Alice' }, 1000));
  const saved = await store.contact(alice.id);
  assert.ok(saved);
  assert.equal(trustState(saved, alice.key), 'known');
  const verified = { ...saved, verified: true };
  assert.equal(trustState(verified, alice.key), 'verified');
  // A record whose key is not the one presented (an edited file, a corrupt store): warn before connecting.
  assert.equal(trustState(verified, bob.key), 'key-changed');
  const replaced = withKey(verified, bob.key);
  assert.equal(replaced.verified, false);
  assert.equal(trustState(replaced, bob.key), 'known');
  assert.equal(withKey(verified, alice.key), verified, 'the same key changes nothing');
});

test('a new contact gets a fresh token of mine; names are cleaned; renaming keeps trust', () => {
  const a = newContact({ id: alice.id, key: alice.key, name: ' Al\u0000ice ', theirToken: 'T'.repeat(22) }, 5);
  assert.deepEqual(
    { ...a, myToken: '' },
    {
      id: alice.id,
      key: alice.key,
      name: 'Alice',
      myToken: '',
      theirToken: 'T'.repeat(22),
      invite: null,
      verified: false,
      blocked: false,
      added: 5,
    },
  );
  assert.match(a.myToken, /^[A-Za-z0-9_-]{22}$/);
  assert.notEqual(newContact(a).myToken, a.myToken);
  const v = renamed({ ...a, verified: true }, 'Ally');
  assert.equal(v.name, 'Ally');
  assert.equal(v.verified, true);
  assert.equal(renamed(a, '\u0007').name, 'Alice', 'a name that cleans to nothing keeps the old one');
});

test('namesakes: someone new using a saved contact’s name', () => {
  const saved = [newContact({ id: alice.id, key: alice.key, name: 'Alice Smith' })];
  assert.equal(namesakes(saved, bob.id, '  alice   SMITH ').length, 1);
  assert.equal(namesakes(saved, alice.id, 'Alice Smith').length, 0, 'the contact itself');
  assert.equal(namesakes(saved, bob.id, 'Bob').length, 0);
  assert.equal(namesakes(saved, bob.id, '').length, 0);
});

function contacts(): Contact[] {
  return [
    { ...newContact({ id: alice.id, key: alice.key, name: 'Alice' }, 1), verified: true },
    { ...newContact({ id: bob.id, key: bob.key, name: 'Bob', theirToken: 'B'.repeat(22) }, 2), blocked: true },
  ];
}

test('export then import gives back the same contacts', async () => {
  const list = contacts();
  const file = exportContacts(list);
  assert.equal(JSON.parse(file).format, CONTACTS_FORMAT);
  assert.deepEqual(await importContacts(file), { ok: true, contacts: list });
});

test('refuses a file that is not ours, with a sentence saying why', async () => {
  const good = JSON.parse(exportContacts(contacts())) as Record<string, unknown>;
  const cases: [string, RegExp][] = [
    ['not json at all', /not JSON/],
    ['[]', /not a contacts file from this app/],
    [JSON.stringify({ ...good, format: 'vcard' }), /not a contacts file from this app/],
    [JSON.stringify({ ...good, version: 2 }), /another version/],
    [JSON.stringify({ ...good, contacts: {} }), /no contact list/],
    [JSON.stringify({ ...good, contacts: Array(1001).fill(null) }), /more than 1000/],
  ];
  for (const [text, error] of cases) {
    const r = await importContacts(text);
    assert.equal(r.ok, false, text.slice(0, 40));
    if (!r.ok) assert.match(r.error, error);
  }
});

test('refuses an oversized file before parsing it', async () => {
  const r = await importContacts(' '.repeat(MAX_CONTACTS_FILE_BYTES + 1));
  assert.deepEqual(r, { ok: false, error: 'This file is too big to be a contacts file.' });
});

test('a file from before contacts kept the invite code reads it as none', async () => {
  const [a] = contacts();
  const { invite: _dropped, ...old } = { ...a, invite: 'I'.repeat(22) };
  const r = await importContacts(JSON.stringify({ format: CONTACTS_FORMAT, version: 1, contacts: [old] }));
  assert.deepEqual(r.ok && r.contacts[0].invite, null);
  const kept = await importContacts(JSON.stringify({ format: CONTACTS_FORMAT, version: 1, contacts: [{ ...a, invite: 'I'.repeat(22) }] }));
  assert.equal(kept.ok && kept.contacts[0].invite, 'I'.repeat(22));
});

test('refuses the whole file when any contact is malformed, naming which one', async () => {
  const [a, b] = contacts();
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ ...b, id: 'short' }, /valid id/],
    [{ ...b, key: a.key }, /key that is not its id/],
    [{ ...b, name: 5 }, /valid name/],
    [{ ...b, myToken: 'x' }, /token/],
    [{ ...b, theirToken: 7 }, /token/],
    [{ ...b, invite: 'not-a-code' }, /token/],
    [{ ...b, verified: 'yes' }, /flags/],
    [{ ...b, added: -1 }, /date/],
    [{ ...a }, /listed twice/],
  ];
  for (const [entry, error] of bad) {
    const r = await importContacts(JSON.stringify({ format: CONTACTS_FORMAT, version: 1, contacts: [a, entry] }));
    assert.equal(r.ok, false, JSON.stringify(entry));
    if (!r.ok) assert.match(r.error, new RegExp(`^Contact 2 .*${error.source}`));
  }
});
