import { expect } from '@open-wc/testing';
import { cleanName, parsePeerMessage, parseSignalPayload } from '../../src/core/peer-protocol';

describe('peer protocol', () => {
  it('accepts a well-formed hello and trims the name', () => {
    const r = parseSignalPayload(JSON.stringify({ kind: 'hello', key: 'abcdefghijklmnop', name: '  Ana  ', ack: false }));
    expect(r).to.deep.equal({ ok: true, value: { kind: 'hello', key: 'abcdefghijklmnop', name: 'Ana', ack: false } });
  });

  it('rejects malformed, oversized and unknown payloads with a reason', () => {
    expect(parseSignalPayload('{').ok).to.equal(false);
    expect(parseSignalPayload(JSON.stringify({ kind: 'hello', key: 'short', name: 'x', ack: false })).ok).to.equal(false);
    expect(parseSignalPayload(JSON.stringify({ kind: 'description', description: { type: 'pranswer', sdp: '' } })).ok).to.equal(false);
    expect(parseSignalPayload(JSON.stringify({ kind: 'description', description: { type: 'offer', sdp: 'x'.repeat(60_000) } })).ok).to.equal(false);
    expect(parseSignalPayload(JSON.stringify({ kind: 'candidate', candidate: { candidate: 1 } })).ok).to.equal(false);
    expect(parseSignalPayload(JSON.stringify({ kind: 'nope' }))).to.deep.equal({ ok: false, error: 'unknown signal kind' });
  });

  it('keeps end-of-candidates (null) distinct from a bad candidate', () => {
    expect(parseSignalPayload(JSON.stringify({ kind: 'candidate', candidate: null }))).to.deep.equal({ ok: true, value: { kind: 'candidate', candidate: null } });
  });

  it('strips control and bidi-override characters from names', () => {
    expect(cleanName('Eve\u202e\u0007')).to.equal('Eve');
    expect(cleanName('   ')).to.equal(null);
    expect(cleanName('x'.repeat(100))?.length).to.equal(64);
  });

  it('rejects binary or malformed control messages', () => {
    expect(parsePeerMessage(new ArrayBuffer(4)).ok).to.equal(false);
    expect(parsePeerMessage(JSON.stringify({ type: 'state', name: 'A', mic: 'yes', camera: true })).ok).to.equal(false);
    expect(parsePeerMessage(JSON.stringify({ type: 'state', name: 'A', mic: true, camera: true })).ok).to.equal(true);
  });
});
