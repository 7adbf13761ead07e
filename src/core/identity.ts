// Who is on the other end of a peer connection. DTLS-SRTP encrypts media, but the keys are only as good as
// the certificate fingerprints exchanged over signaling. Each side vouches for its own fingerprint inside the
// encrypted hello; the SDP that follows must carry exactly that fingerprint, and both people can compare a
// safety number derived from both fingerprints by voice to rule out anyone holding the room link.

const FINGERPRINT_LINE = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/gm;

function normalise(algorithm: string, value: string): string {
  return `${algorithm.toLowerCase()} ${value.toUpperCase()}`;
}

/** Every a=fingerprint in an SDP, as "sha-256 AB:CD:…". */
export function sdpFingerprints(sdp: string): string[] {
  return [...sdp.matchAll(FINGERPRINT_LINE)].map((m) => normalise(m[1], m[2]));
}

/** True when the SDP names a fingerprint and every one it names is the vouched one. */
export function fingerprintMatches(sdp: string, vouched: string): boolean {
  const found = sdpFingerprints(sdp);
  return found.length > 0 && found.every((f) => f === vouched);
}

export function generateCertificate(): Promise<RTCCertificate> {
  return RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' } as EcKeyGenParams);
}

/**
 * The fingerprint exactly as this browser will write it into SDP. Read from a throwaway offer rather than
 * RTCCertificate.getFingerprints(), which not every browser ships, so the format always matches.
 */
export async function certificateFingerprint(certificate: RTCCertificate): Promise<string> {
  const pc = new RTCPeerConnection({ certificates: [certificate] });
  try {
    pc.createDataChannel('fingerprint');
    const offer = await pc.createOffer();
    const [first] = sdpFingerprints(offer.sdp ?? '');
    if (!first) throw new Error('the browser wrote no fingerprint into its offer');
    return first;
  } finally {
    pc.close();
  }
}

/**
 * 30 digits in six groups of five, the same on both sides: SHA-256 over the room id and both fingerprints in
 * sorted order; each group is five hash bytes as a number, mod 100000.
 */
export async function safetyNumber(room: string, a: string, b: string): Promise<string> {
  const [x, y] = [a, b].sort();
  const input = new TextEncoder().encode(`p2p-call safety number v1\n${room}\n${x}\n${y}`);
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', input));
  const groups: string[] = [];
  for (let g = 0; g < 6; g++) {
    let n = 0;
    for (let i = 0; i < 5; i++) n = n * 256 + hash[g * 5 + i];
    groups.push(String(n % 100000).padStart(5, '0'));
  }
  return groups.join(' ');
}
