// The phone's IndexedDB store in real browsers: the key pair survives as a structured clone (private key still
// unexportable and still signing), concurrent first runs agree on one identity, settings and contacts persist.
import { expect } from '@open-wc/testing';
import { newContact } from '../../src/core/phone/contacts';
import { loadIdentity, verify } from '../../src/core/phone/identity';
import { openPhoneDb, type PhoneStore } from '../../src/core/phone/phone-db';

describe('phone-db (IndexedDB)', () => {
  let name: string;
  const opened: PhoneStore[] = [];
  const open = async (): Promise<PhoneStore> => {
    const store = await openPhoneDb(name);
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    name = `phone-db-test-${crypto.randomUUID()}`;
  });

  afterEach(async () => {
    for (const s of opened.splice(0)) s.close();
    await new Promise<void>((resolve) => {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = req.onerror = req.onblocked = () => resolve();
    });
  });

  it('keeps one identity across reopening; its private key cannot be exported but still signs', async () => {
    const first = await loadIdentity(await open());
    const again = await loadIdentity(await open());
    expect(again.id).to.equal(first.id);
    expect(again.key).to.equal(first.key);
    expect(await verify(first.key, 'hello', await again.sign('hello'))).to.equal(true);
    const pair = await (await open()).identity();
    if (!pair) throw new Error('no identity stored');
    expect(pair.privateKey.extractable).to.equal(false);
    let exported = true;
    await crypto.subtle.exportKey('pkcs8', pair.privateKey).catch(() => (exported = false));
    expect(exported).to.equal(false);
  });

  it('two tabs starting at once end up with the same identity', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const [x, y] = await Promise.all([loadIdentity(a), loadIdentity(b)]);
    expect(x.id).to.equal(y.id);
  });

  it('stores settings and contacts', async () => {
    const store = await open();
    expect(await store.setting('inviteCode')).to.equal(undefined);
    await store.setSetting('inviteCode', 'A'.repeat(22));
    await store.setSetting('displayName', 'Alice');
    const me = await loadIdentity(store);
    const contact = newContact({ id: me.id, key: me.key, name: 'Me' }, 7);
    await store.putContact(contact);
    const reopened = await open();
    expect(await reopened.setting('inviteCode')).to.equal('A'.repeat(22));
    expect(await reopened.setting('displayName')).to.equal('Alice');
    expect(await reopened.contact(me.id)).to.deep.equal(contact);
    expect(await reopened.contacts()).to.deep.equal([contact]);
    await reopened.deleteContact(me.id);
    expect(await reopened.contacts()).to.deep.equal([]);
  });
});
