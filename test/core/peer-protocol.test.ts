import { expect } from '@open-wc/testing';
import { cleanName, parsePeerMessage, parseSignalPayload } from '../../src/core/peer-protocol';

describe('peer protocol', () => {
  it('accepts a well-formed hello and trims the name', () => {
    const r = parseSignalPayload(JSON.stringify({ kind: 'hello', key: 'abcdefghijklmnop', name: '  Ana  ', ack: false }));
    expect(r).to.deep.equal({ ok: true, value: { kind: 'hello', key: 'abcdefghijklmnop', name: 'Ana', ack: false } });
  });

  it('rejects malformed, oversized and unknown payloads with a reason', () => {
    const error = (payload: unknown): string => {
      const r = parseSignalPayload(typeof payload === 'string' ? payload : JSON.stringify(payload));
      return r.ok ? `accepted ${JSON.stringify(r.value).slice(0, 80)}` : r.error;
    };
    expect(error('{')).to.equal('not JSON');
    expect(error('[]')).to.equal('not an object');
    expect(error({ kind: 'hello', key: 'short', name: 'x', ack: false })).to.equal('malformed hello');
    expect(error({ kind: 'hello', key: 'abcdefghijklmnop', name: 'x', ack: false, fingerprint: 'md5 00' })).to.equal('malformed hello fingerprint');
    expect(error({ kind: 'description', description: { type: 'pranswer', sdp: '' } })).to.equal('malformed description');
    // Over the SDP limit but within the message limit: the description itself is refused.
    expect(error({ kind: 'description', description: { type: 'offer', sdp: 'x'.repeat(48 * 1024 + 1) } })).to.equal('malformed description');
    expect(error({ kind: 'description', description: { type: 'offer', sdp: 'x'.repeat(60_000) } })).to.equal('message too large');
    expect(error({ kind: 'candidate', candidate: { candidate: 1 } })).to.equal('malformed candidate');
    expect(error({ kind: 'nope' })).to.equal('unknown signal kind');
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
    expect(parsePeerMessage(new ArrayBuffer(4))).to.deep.equal({ ok: false, error: 'binary message on the control channel' });
    expect(parsePeerMessage(JSON.stringify({ type: 'state', name: 'A', mic: 'yes', camera: true }))).to.deep.equal({ ok: false, error: 'malformed state' });
    expect(parsePeerMessage(JSON.stringify({ type: 'state', name: '\u202e', mic: true, camera: true }))).to.deep.equal({ ok: false, error: 'malformed state' });
    expect(parsePeerMessage(JSON.stringify({ type: 'screen', on: 'yes' }))).to.deep.equal({ ok: false, error: 'malformed screen' });
    expect(parsePeerMessage(JSON.stringify({ type: 'video-paused' }))).to.deep.equal({ ok: false, error: 'malformed video-paused' });
    expect(parsePeerMessage(JSON.stringify({ type: 'state', name: 'A', mic: true, camera: true }))).to.deep.equal({ ok: true, value: { type: 'state', name: 'A', mic: true, camera: true } });
  });
});
