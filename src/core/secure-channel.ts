// End-to-end encryption of signaling. The room link's fragment holds a secret the server never sees; every
// signaling payload (introductions, SDP, ICE candidates, display names) is sealed with a key derived from it,
// so the server only ever routes opaque strings. Wire format and reasoning: docs/protocol.md,
// "Signaling encryption".
//
//   key  = HKDF-SHA-256(ikm = secret bytes, salt = UTF-8(room id), info = "p2p-call signaling v1") -> AES-256-GCM
//   data = "e1." seq "." base64url(iv, 12 random bytes) "." base64url(ciphertext || tag)
//   AAD  = "p2p-call/e1\n" room "\n" sender id "\n" recipient id "\n" seq
//
// The AAD binds the server-stamped sender id and the recipient's own id: a frame redirected to another peer,
// or stamped with another sender, fails authentication. `seq` rises per sender, so a replayed frame is dropped.

import { base64urlDecode, base64urlEncode } from '../../signaling/src/base64url';

const PREFIX = 'e1';
const INFO = 'p2p-call signaling v1';
const ENVELOPE = /^e1\.([1-9][0-9]{0,14})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;
const encoder = new TextEncoder();

function aad(room: string, from: string, to: string, seq: number): Uint8Array<ArrayBuffer> {
  return encoder.encode(`p2p-call/${PREFIX}\n${room}\n${from}\n${to}\n${seq}`);
}

/** The room's symmetric key and the seal/open operations; holds no per-peer state. */
export class SecureChannel {
  private constructor(
    private readonly key: CryptoKey,
    readonly room: string,
  ) {}

  static async create(secret: string, room: string): Promise<SecureChannel> {
    const ikm = base64urlDecode(secret);
    if (!ikm || ikm.length < 16) throw new Error('room secret must be at least 128 bits of base64url');
    const base = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveKey']);
    const key = await crypto.subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode(room), info: encoder.encode(INFO) },
      base,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt', 'decrypt'],
    );
    return new SecureChannel(key, room);
  }

  async seal(from: string, to: string, seq: number, plaintext: string): Promise<string> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: aad(this.room, from, to, seq) },
      this.key,
      encoder.encode(plaintext),
    );
    return `${PREFIX}.${seq}.${base64urlEncode(iv)}.${base64urlEncode(new Uint8Array(ct))}`;
  }

  /** null when the envelope is malformed or fails authentication (wrong key, tampered, misdirected). */
  async open(from: string, to: string, data: string): Promise<{ seq: number; text: string } | null> {
    const m = ENVELOPE.exec(data);
    if (!m) return null;
    const seq = Number(m[1]);
    const iv = base64urlDecode(m[2]);
    const ct = base64urlDecode(m[3]);
    if (!iv || !ct || !Number.isSafeInteger(seq)) return null;
    try {
      const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad(this.room, from, to, seq) }, this.key, ct);
      return { seq, text: new TextDecoder('utf-8', { fatal: true }).decode(plain) };
    } catch {
      return null;
    }
  }
}

export type Rejection = 'unreadable' | 'replayed';

export interface SecurePipeOptions {
  /** Our id as the server assigned it; null before the first welcome. */
  selfId(): string | null;
  send(to: string, data: string): void;
  deliver(from: string, text: string): void;
  rejected(from: string, reason: Rejection): void;
}

/**
 * Sits between the mesh and the signaling client: seals what goes out, opens what comes in, and keeps both
 * directions in order (WebCrypto is asynchronous, and negotiation depends on order).
 */
export class SecurePipe {
  private seq = 0;
  private readonly lastSeen = new Map<string, number>();
  private sending: Promise<void> = Promise.resolve();
  private receiving: Promise<void> = Promise.resolve();

  constructor(
    private readonly channel: SecureChannel,
    private readonly opts: SecurePipeOptions,
  ) {}

  /** Settles once this message was handed to the transport (or dropped: no session, or sealing failed). */
  send(to: string, text: string): Promise<void> {
    const self = this.opts.selfId();
    if (self === null) return Promise.resolve();
    const sealed = this.channel.seal(self, to, ++this.seq, text);
    this.sending = this.sending
      .then(async () => {
        const data = await sealed;
        // Sealed for a session that has since been replaced: the recipient would reject it anyway.
        if (this.opts.selfId() === self) this.opts.send(to, data);
      })
      .catch((err: unknown) => console.warn('secure-channel: seal failed', err));
    return this.sending;
  }

  receive(from: string, data: string): void {
    const self = this.opts.selfId();
    if (self === null) return;
    const opened = this.channel.open(from, self, data);
    this.receiving = this.receiving
      .then(async () => {
        const r = await opened;
        if (r === null) return this.opts.rejected(from, 'unreadable');
        if (r.seq <= (this.lastSeen.get(from) ?? 0)) return this.opts.rejected(from, 'replayed');
        this.lastSeen.set(from, r.seq);
        this.opts.deliver(from, r.text);
      })
      .catch((err: unknown) => console.warn('secure-channel: open failed', err));
  }

  /** Resolves once everything queued so far has been sent and delivered (tests). */
  settled(): Promise<void> {
    return Promise.all([this.sending, this.receiving]).then(() => undefined);
  }
}
