import { expect } from '@open-wc/testing';
import { SharedInbox, putSharedFiles } from '../../src/core/shared-inbox';

describe('shared-file inbox', () => {
  afterEach(async () => {
    await caches.delete('shared-files-v1');
  });

  it('returns what the service worker stored, byte for byte, once per page, until removed', async () => {
    const bytes = crypto.getRandomValues(new Uint8Array(60_000));
    await putSharedFiles([
      new File([bytes], 'photo ñ.jpg', { type: 'image/jpeg', lastModified: 1_700_000_000_000 }),
      new File(['hi'], 'note.txt', { type: 'text/plain' }),
    ]);

    const inbox = new SharedInbox();
    const files = await inbox.fresh();
    expect(files.map((f) => [f.name, f.type])).to.deep.equal([
      ['photo ñ.jpg', 'image/jpeg'],
      ['note.txt', 'text/plain'],
    ]);
    expect(files[0].lastModified).to.equal(1_700_000_000_000);
    expect(new Uint8Array(await files[0].arrayBuffer())).to.deep.equal(bytes);
    expect(await inbox.fresh(), 'already handed out').to.deep.equal([]);

    // Another page (after a reload, say) still finds both until one is removed.
    expect((await new SharedInbox().fresh()).length).to.equal(2);
    await inbox.remove([files[0]]);
    expect((await new SharedInbox().fresh()).map((f) => f.name)).to.deep.equal(['note.txt']);
  });

  it('is empty when nothing was shared', async () => {
    expect(await new SharedInbox().fresh()).to.deep.equal([]);
  });
});
