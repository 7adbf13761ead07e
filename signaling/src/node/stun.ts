// The built-in STUN server: what lets two browsers behind ordinary home NATs find each other with no
// configuration. A browser asks it "what address do you see me from?" (a Binding request) and offers the
// answer to its peer as a server-reflexive candidate. STUN only: nothing is relayed, nothing is stored.
//
// The protocol work (decoding, XOR-MAPPED-ADDRESS, FINGERPRINT mirroring, 420 for unknown attributes) is done by
// the `turn-server` package, fed from a socket we own. Before a datagram reaches it, a few cheap checks drop
// everything that cannot be a Binding request, so junk and oversized datagrams cost no parsing and no state.

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createServer } from 'turn-server';

/** Binding requests from browsers are a header and a few small attributes; RFC 8489 keeps them under 548. */
export const MAX_BINDING_BYTES = 548;
const HEADER_BYTES = 20;
const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;

export interface StunService {
  /** The UDP port it answers on. */
  readonly port: number;
  /** Datagrams answered by the STUN library, and those dropped before it. */
  counts(): { passed: number; dropped: number };
  close(): Promise<void>;
}

/** True for a datagram shaped like a STUN Binding request: right type, cookie, and a length that adds up. */
export function looksLikeBindingRequest(msg: Buffer): boolean {
  if (msg.length < HEADER_BYTES || msg.length > MAX_BINDING_BYTES) return false;
  const length = msg.readUInt16BE(2);
  return (
    msg.readUInt16BE(0) === BINDING_REQUEST &&
    msg.readUInt32BE(4) === MAGIC_COOKIE &&
    length % 4 === 0 &&
    HEADER_BYTES + length === msg.length
  );
}

/** Answers STUN Binding requests on udp://host:port (port 0 picks a free one). */
export async function startStun(host: string, port: number): Promise<StunService> {
  const udp: Socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, host, () => {
      udp.off('error', reject);
      resolve();
    });
  });
  // State per source address is what the library keeps for TURN sessions; for Binding alone it is a small
  // object that lives 30 s, capped so that a flood from many addresses cannot grow memory without bound.
  const server = createServer({ socket: udp, auth: { mechanism: 'none' }, maxConnections: 4096, idleTimeout: 30_000 });
  // Only Binding requests get past the filter; a relay request would anyway be refused here.
  server.on('beforeAllocate', (_info: unknown, cb: (allowed: boolean) => void) => cb(false));
  server.on('error', () => undefined); // a send to a vanished client: nothing to do
  let passed = 0;
  let dropped = 0;
  udp.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    if (!looksLikeBindingRequest(msg)) {
      dropped++;
      return;
    }
    passed++;
    server.handlePacket(msg, rinfo);
  });
  udp.on('error', () => undefined); // ICMP unreachable and the like, reported per send: not fatal
  return {
    port: udp.address().port,
    counts: () => ({ passed, dropped }),
    close: () =>
      new Promise<void>((resolve) => {
        server.stop(() => undefined);
        udp.close(() => resolve());
      }),
  };
}
