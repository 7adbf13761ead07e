// The boundary for chat and file messages from peers: everything malformed is refused with a reason.
import { expect } from '@open-wc/testing';
import { appendChat, outgoingChat, type ChatEntry } from '../../src/core/chat';
import { cleanFileName, fileChannelLabel, parseFileChannelLabel, parsePeerMessage } from '../../src/core/peer-protocol';
import { Meter } from '../../src/core/transfer-progress';

const ID = 'AbCdEfGh12345678';
const parse = (v: unknown) => parsePeerMessage(JSON.stringify(v));
const error = (v: unknown): string => {
  const r = parse(v);
  if (r.ok) throw new Error(`accepted ${JSON.stringify(v)}`);
  return r.error;
};

describe('file messages', () => {
  it('accepts a well-formed offer and keeps only known fields', () => {
    const r = parse({ type: 'file-offer', id: ID, name: 'report 2024.pdf', size: 5_000_000, mime: 'application/pdf', extra: 1 });
    expect(r).to.deep.equal({ ok: true, value: { type: 'file-offer', id: ID, name: 'report 2024.pdf', size: 5_000_000, mime: 'application/pdf' } });
  });

  it('refuses names with path separators, control characters or relative paths', () => {
    for (const name of ['../etc/passwd', 'a/b', 'C:\\\\Windows\\\\x', '..', '.', 'evil\u202Etxt.exe', 'nul\u0000l', '', 'x'.repeat(256)]) {
      expect(error({ type: 'file-offer', id: ID, name, size: 1, mime: '' })).to.match(/file-offer/);
    }
    expect(cleanFileName('a/b')).to.deep.equal({ ok: false, error: 'file name contains a path separator' });
  });

  it('refuses sizes and offsets that are not safe non-negative integers', () => {
    for (const size of [-1, 1.5, 2 ** 53, '10', null, Infinity]) {
      expect(error({ type: 'file-offer', id: ID, name: 'a', size, mime: '' })).to.equal('malformed file-offer: bad size');
    }
    expect(error({ type: 'file-ack', id: ID, offset: -5 })).to.equal('malformed file-ack: bad offset');
    expect(error({ type: 'file-resume', id: ID })).to.equal('malformed file-resume: bad offset');
  });

  it('refuses bad ids, bad digests and unknown types', () => {
    expect(error({ type: 'file-accept', id: 'short' })).to.equal('malformed file-accept: bad id');
    expect(error({ type: 'file-accept', id: '../../aaaaaaaa' })).to.equal('malformed file-accept: bad id');
    expect(error({ type: 'file-end', id: ID, sha256: 'ABC' })).to.equal('malformed file-end: bad sha256');
    expect(error({ type: 'file-explode', id: ID })).to.equal('unknown file message type');
    expect(error({ type: 'nope' })).to.equal('unknown message type');
  });

  it('maps unknown cancel reasons to a plain cancel', () => {
    expect(parse({ type: 'file-cancel', id: ID, reason: '<script>' })).to.deep.equal({ ok: true, value: { type: 'file-cancel', id: ID, reason: 'cancelled' } });
    expect(parse({ type: 'file-cancel', id: ID, reason: 'corrupt' })).to.deep.equal({ ok: true, value: { type: 'file-cancel', id: ID, reason: 'corrupt' } });
  });

  it('refuses oversized, binary and non-JSON control messages', () => {
    expect(parsePeerMessage(`{"type":"chat","id":"${ID}","text":"${'x'.repeat(20_000)}","at":1}`)).to.deep.equal({ ok: false, error: 'message too large' });
    expect(parsePeerMessage(new ArrayBuffer(8))).to.deep.equal({ ok: false, error: 'binary message on the control channel' });
    expect(parsePeerMessage('{nope')).to.deep.equal({ ok: false, error: 'not JSON' });
  });
});

describe('byte channel labels', () => {
  it('round-trip id and offset', () => {
    expect(parseFileChannelLabel(fileChannelLabel(ID, 0))).to.deep.equal({ ok: true, value: { id: ID, offset: 0 } });
    expect(parseFileChannelLabel(fileChannelLabel(ID, 2 ** 40))).to.deep.equal({ ok: true, value: { id: ID, offset: 2 ** 40 } });
  });

  it('refuse anything else', () => {
    for (const label of ['control', 'file:', `file:${ID}`, `file:${ID}:-1`, `file:${ID}:01`, `file:${ID}:1.5`, `file:short:0`, `file:${ID}:99999999999999999`]) {
      expect(parseFileChannelLabel(label).ok, label).to.equal(false);
    }
  });
});

describe('chat', () => {
  it('parses a chat message and refuses empty or huge ones', () => {
    expect(parse({ type: 'chat', id: ID, text: 'hi', at: 1 })).to.deep.equal({ ok: true, value: { type: 'chat', id: ID, text: 'hi', at: 1 } });
    expect(error({ type: 'chat', id: ID, text: '   ', at: 1 })).to.equal('malformed chat: empty or too long');
    expect(error({ type: 'chat', id: ID, text: 'x'.repeat(4001), at: 1 })).to.equal('malformed chat: empty or too long');
    expect(error({ type: 'chat', id: ID, text: 'hi', at: 'noon' })).to.equal('malformed chat: bad time');
  });

  it('trims outgoing text, drops blank messages, and makes ids the parser accepts', () => {
    expect(outgoingChat('   ')).to.equal(null);
    const m = outgoingChat('  hello  ', 42);
    expect(m?.text).to.equal('hello');
    expect(parse(m).ok).to.equal(true);
  });

  it('keeps arrival order, ignores a repeated id from the same sender, and bounds the log', () => {
    const e = (id: string, from: string | null): ChatEntry => ({ id, from, name: 'n', text: id, at: 0 });
    let log = appendChat([], e('a', 'k1'));
    log = appendChat(log, e('b', 'k1'));
    log = appendChat(log, e('a', 'k1'));
    log = appendChat(log, e('a', 'k2'));
    expect(log.map((x) => `${x.from}/${x.id}`)).to.deep.equal(['k1/a', 'k1/b', 'k2/a']);
    for (let i = 0; i < 600; i++) log = appendChat(log, e(`m${i}`, null));
    expect(log.length).to.equal(500);
    expect(log.at(-1)?.id).to.equal('m599');
  });
});

describe('transfer meter', () => {
  it('reports speed and time left once a quarter second has passed', () => {
    const m = new Meter();
    expect(m.sample(0, 1000, 1000)).to.deep.equal({ speed: 0, eta: null });
    const r = m.sample(500, 1000, 1500);
    expect(r.speed).to.equal(1000);
    expect(r.eta).to.equal(0.5);
  });
});
