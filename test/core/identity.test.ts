// Vouched DTLS fingerprints and safety numbers, with real certificates and real peer connections.
import { expect } from '@open-wc/testing';
import { CallStore, type Participant } from '../../src/core/call-store';
import { certificateFingerprint, fingerprintMatches, generateCertificate, safetyNumber, sdpFingerprints } from '../../src/core/identity';
import { Mesh } from '../../src/core/mesh';

const ROOM = 'AAAAAAAAAAAAAAAAAAAAAA';
const FP_A = `sha-256 ${Array(32).fill('AB').join(':')}`;
const FP_B = `sha-256 ${Array(32).fill('0C').join(':')}`;

function waitFor<T>(check: () => T | undefined, ms: number, label: string): Promise<T> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = () => {
      const v = check();
      if (v !== undefined) resolve(v);
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${label}`));
      else setTimeout(poll, 50);
    };
    poll();
  });
}

describe('fingerprints', () => {
  it('reads every a=fingerprint of an SDP, normalised', () => {
    const sdp = 'v=0\r\na=fingerprint:SHA-256 ab:cd\r\nm=audio 9\r\na=fingerprint:sha-256 AB:CD\r\n';
    expect(sdpFingerprints(sdp)).to.deep.equal(['sha-256 AB:CD', 'sha-256 AB:CD']);
    expect(fingerprintMatches(sdp, 'sha-256 AB:CD')).to.equal(true);
    expect(fingerprintMatches(sdp.replace('ab:cd', 'ab:ce'), 'sha-256 AB:CD')).to.equal(false);
    expect(fingerprintMatches('v=0\r\n', 'sha-256 AB:CD'), 'no fingerprint at all').to.equal(false);
  });

  it("knows a generated certificate's fingerprint before any connection uses it", async () => {
    const certificate = await generateCertificate();
    const fp = await certificateFingerprint(certificate);
    expect(fp).to.match(/^sha-256 [0-9A-F]{2}(:[0-9A-F]{2}){31}$/);
    const pc = new RTCPeerConnection({ certificates: [certificate] });
    pc.createDataChannel('x');
    await pc.setLocalDescription();
    expect(fingerprintMatches(pc.localDescription?.sdp ?? '', fp)).to.equal(true);
    pc.close();
  });
});

describe('safety numbers', () => {
  it('are six groups of five digits, the same whichever side computes them', async () => {
    const ab = await safetyNumber(ROOM, FP_A, FP_B);
    expect(ab).to.match(/^\d{5}( \d{5}){5}$/);
    expect(await safetyNumber(ROOM, FP_B, FP_A)).to.equal(ab);
  });

  it('change with the room and with either fingerprint', async () => {
    const ab = await safetyNumber(ROOM, FP_A, FP_B);
    expect(await safetyNumber('BBBBBBBBBBBBBBBBBBBBBB', FP_A, FP_B)).to.not.equal(ab);
    expect(await safetyNumber(ROOM, FP_A, FP_B.replace('0C', '0D'))).to.not.equal(ab);
  });
});

/** Two meshes in one page, wired back to back the way the (encrypted) signaling server would. */
async function pair(vouchForA: (real: string) => string) {
  const [certA, certB] = await Promise.all([generateCertificate(), generateCertificate()]);
  const [fpA, fpB] = await Promise.all([certificateFingerprint(certA), certificateFingerprint(certB)]);
  const stores = { a: new CallStore(), b: new CallStore() };
  const ids = { a: 'peer-id-aaaa', b: 'peer-id-bbbb' };
  const meshes: Partial<Record<'a' | 'b', Mesh>> = {};
  const make = (me: 'a' | 'b', certificate: RTCCertificate, fingerprint: string) =>
    new Mesh(
      {
        key: me === 'a' ? 'key-a-aaaaaaaaaaaaaaaa' : 'key-b-bbbbbbbbbbbbbbbb',
        send: (_to, data) => void setTimeout(() => meshes[me === 'a' ? 'b' : 'a']?.signal(ids[me], data), 0),
        iceServers: () => [],
        localState: () => ({ type: 'state', name: me, mic: false, camera: false }),
        localTracks: () => ({ audio: null, video: null }),
        identity: { room: ROOM, certificate, fingerprint },
      },
      stores[me],
    );
  meshes.a = make('a', certA, vouchForA(fpA));
  meshes.b = make('b', certB, fpB);
  void meshes.b.welcome([], false);
  void meshes.a.welcome([ids.b], false);
  return { stores, meshes: meshes as Record<'a' | 'b', Mesh>, close: () => (meshes.a?.close(), meshes.b?.close()) };
}

const only = (store: CallStore): Participant | undefined => store.get().participants[0];

describe('Mesh with vouched identities', function () {
  this.timeout(30_000);

  it('connects honest peers, and both sides show the same safety number', async () => {
    const p = await pair((real) => real);
    try {
      const a = await waitFor(
        () => (only(p.stores.a)?.connection === 'connected' && only(p.stores.a)?.safetyNumber ? only(p.stores.a) : undefined),
        20_000,
        'A connected',
      );
      const b = await waitFor(
        () => (only(p.stores.b)?.connection === 'connected' && only(p.stores.b)?.safetyNumber ? only(p.stores.b) : undefined),
        20_000,
        'B connected',
      );
      expect(a.safetyNumber).to.match(/^\d{5}( \d{5}){5}$/);
      expect(a.safetyNumber).to.equal(b.safetyNumber);
      expect(a.problem ?? null).to.equal(null);
    } finally {
      p.close();
    }
  });

  it('refuses a peer whose SDP carries another certificate than the one it vouched for', async () => {
    const p = await pair(() => FP_A);
    try {
      const seenByB = await waitFor(() => (only(p.stores.b)?.problem ? only(p.stores.b) : undefined), 20_000, 'B to refuse A');
      expect(seenByB.problem).to.equal('identity-mismatch');
      expect(seenByB.connection).to.equal('failed');
      expect(seenByB.safetyNumber).to.equal(undefined);
      expect(p.stores.a.get().participants.every((x) => x.connection !== 'connected')).to.equal(true);
    } finally {
      p.close();
    }
  });
});
