// Bulk transfer baselines for `npm run bench:transfer`, one page per side: a tuned raw RTCDataChannel,
// simple-peer (stream writes, backpressure by 'drain') and PeerJS (serialization 'raw'). The bench relays
// signals between the two browsers itself (window.benchIn / benchSignal), so no server is involved.
// Every contender sends 64 KiB messages, the receiver counts bytes and stamps Date.now() at the last one.
import { BufferedConnection, Peer, type DataConnection } from 'peerjs';
import SimplePeer from 'simple-peer';

declare global {
  interface Window {
    benchSignal(data: string): Promise<void>;
    benchIn(data: string): void;
    benchStart(lib: string, role: 'send' | 'recv', total: number, peerOpts?: { port: number; id: string; callee?: string }): Promise<void>;
    benchSend(): Promise<number>;
    benchDone: number | null;
    benchReceived: number;
  }
}

const CHUNK = 64 * 1024;
const HIGH = 8 * 1024 * 1024;
const LOW = 2 * 1024 * 1024;
const RTC: RTCConfiguration = { iceServers: [] };

let total = 0;
let sendAll: () => Promise<void> = async () => {};
let incoming: (data: string) => void = () => {};
window.benchDone = null;
window.benchReceived = 0;
window.benchIn = (d) => incoming(d);

function count(n: number): void {
  window.benchReceived += n;
  if (window.benchReceived >= total && window.benchDone === null) window.benchDone = Date.now();
}

const payload = new Uint8Array(CHUNK).map((_, i) => i & 0xff);

function raw(role: 'send' | 'recv'): Promise<void> {
  const pc = new RTCPeerConnection(RTC);
  pc.onicecandidate = (e) => void window.benchSignal(JSON.stringify({ candidate: e.candidate?.toJSON() ?? null }));
  incoming = (d) => {
    const m = JSON.parse(d) as { description?: RTCSessionDescriptionInit; candidate?: RTCIceCandidateInit | null };
    void (async () => {
      if (m.description) {
        await pc.setRemoteDescription(m.description);
        if (m.description.type === 'offer') {
          await pc.setLocalDescription();
          void window.benchSignal(JSON.stringify({ description: pc.localDescription?.toJSON() }));
        }
      } else if (m.candidate) await pc.addIceCandidate(m.candidate);
    })();
  };
  if (role === 'recv') {
    return new Promise((resolve) => {
      pc.ondatachannel = ({ channel }) => {
        channel.binaryType = 'arraybuffer';
        channel.onmessage = (e: MessageEvent<ArrayBuffer>) => count(e.data.byteLength);
        resolve();
      };
    });
  }
  const dc = pc.createDataChannel('bulk');
  dc.binaryType = 'arraybuffer';
  dc.bufferedAmountLowThreshold = LOW;
  sendAll = async () => {
    for (let sent = 0; sent < total;) {
      if (dc.bufferedAmount > HIGH) {
        await new Promise((r) => dc.addEventListener('bufferedamountlow', r, { once: true }));
        continue;
      }
      const n = Math.min(CHUNK, total - sent);
      dc.send(n === CHUNK ? payload : payload.subarray(0, n));
      sent += n;
    }
  };
  void pc.setLocalDescription().then(() => window.benchSignal(JSON.stringify({ description: pc.localDescription?.toJSON() })));
  return new Promise((resolve) => (dc.onopen = () => resolve()));
}

function simplePeer(role: 'send' | 'recv'): Promise<void> {
  const peer = new SimplePeer({ initiator: role === 'send', trickle: true, config: RTC });
  peer.on('signal', (s) => void window.benchSignal(JSON.stringify(s)));
  incoming = (d) => peer.signal(JSON.parse(d) as SimplePeer.SignalData);
  peer.on('data', (d: Uint8Array) => count(d.byteLength));
  sendAll = async () => {
    for (let sent = 0; sent < total;) {
      const n = Math.min(CHUNK, total - sent);
      // Node-stream backpressure: write() returns false once simple-peer's buffer is full; wait for drain.
      const more = peer.write(n === CHUNK ? payload : payload.subarray(0, n));
      sent += n;
      if (!more) await new Promise((r) => peer.once('drain', r));
    }
  };
  return new Promise((resolve) => peer.on('connect', () => resolve()));
}

function peerjs(role: 'send' | 'recv', o: { port: number; id: string; callee?: string }): Promise<void> {
  const peer = new Peer(o.id, { host: '10.77.0.1', port: o.port, path: '/', secure: false, config: RTC });
  const attach = (conn: DataConnection): Promise<void> => {
    conn.on('data', (d) => count((d as ArrayBuffer).byteLength));
    sendAll = async () => {
      for (let sent = 0; sent < total;) {
        const n = Math.min(CHUNK, total - sent);
        void conn.send(payload.slice(0, n).buffer);
        sent += n;
        // PeerJS queues without limit in its own buffer once the channel's is full (then drains it on a
        // timer); keeping that queue short is the backpressure its users are told to apply.
        while (conn instanceof BufferedConnection && conn.bufferSize > HIGH / CHUNK) await new Promise((r) => setTimeout(r, 5));
      }
    };
    return new Promise((resolve) => conn.on('open', () => resolve()));
  };
  return new Promise((resolve) => {
    peer.on('open', () => {
      if (role === 'send' && o.callee) void attach(peer.connect(o.callee, { serialization: 'raw', reliable: true })).then(resolve);
    });
    if (role === 'recv') {
      peer.on('connection', (conn) => void attach(conn).then(resolve));
      peer.on('open', () => void window.benchSignal('ready'));
    }
  });
}

window.benchStart = (lib, role, size, peerOpts) => {
  total = size;
  if (lib === 'raw') return raw(role);
  if (lib === 'simple-peer') return simplePeer(role);
  if (lib === 'peerjs' && peerOpts) return peerjs(role, peerOpts);
  throw new Error(`unknown lib ${lib}`);
};

window.benchSend = async () => {
  const t0 = Date.now();
  await sendAll();
  return t0;
};
