// The sealed ring and its reply (docs/calling.md, "Ring keys and kid", "Envelopes"). The server relays `data`
// and learns only which kid it was sealed under; the callee learns who rings, provably, and where to meet.
//
//   ringKey = HKDF-SHA-256(ikm = secret, salt = callee id's 20 bytes, info = "p2p-call ring v1") -> AES-256-GCM
//   data    = "r1." kid "." base64url(iv, 12 bytes) "." base64url(ciphertext ‖ tag)
//   AAD     = "p2p-call/r1\n" direction "\n" callee id "\n" call          (direction: "ring" | "reply")
//
// The AAD's direction stops a ring being passed off as a reply (or back), the callee id a ring meant for someone
// sharing the secret, and the call id an envelope moved under another call. The signature inside proves the
// sender holds the key whose hash is `from`; the timestamp and the replay guard stop an old ring ringing again.

import { base64urlDecode, base64urlEncode, randomBase64url } from '../../../signaling/src/base64url';
import { ROOM_ID_PATTERN } from '../../../signaling/src/protocol';
import { cleanName } from '../peer-protocol';
import { SECRET_PATTERN } from '../room-link';
import { kid as kidOf, SECRET_16_PATTERN, secretBytes } from './call-link';
import { idFromKey, PUBLIC_KEY_PATTERN, SIGNATURE_PATTERN, USER_ID_PATTERN, verify, type Signer } from './identity';
import type { ReplayGuard } from './replay-guard';

export const MAX_CLOCK_SKEW_MS = 60_000;
export const CALL_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
export const KID_PATTERN = /^[A-Za-z0-9_-]{12}$/;
/** Far above a real envelope (~1 KB); anything bigger is refused before any crypto runs. */
export const MAX_ENVELOPE_LENGTH = 4096;
// The name is signed as sent and cleaned only for display, so the raw one needs its own, looser bound.
const MAX_RAW_NAME_LENGTH = 256;
const ENVELOPE = /^r1\.([A-Za-z0-9_-]{12})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;
const INFO = 'p2p-call ring v1';
const encoder = new TextEncoder();

export type Direction = 'ring' | 'reply';
export type Answer = 'accept' | 'decline' | 'busy';

export type RingRefusal =
  /** Not an `r1.` envelope, or too big. */
  | 'malformed'
  /** Sealed under a kid we do not accept (a rotated link, a removed contact). */
  | 'unknown-kid'
  /** Authentication failed: wrong secret, tampered, or sealed for another callee, call or direction. */
  | 'bad-tag'
  /** Decrypted, but not the JSON we expect (a field missing, too long, of the wrong shape). */
  | 'bad-content'
  /** `from` is not the id of `key`: someone claiming another's id. */
  | 'forged-from'
  /** A reply from someone other than the person we rang. */
  | 'wrong-sender'
  | 'bad-signature'
  /** Timestamp more than 60 s from our clock. */
  | 'expired'
  /** A call id already opened within the last 2 minutes. */
  | 'replayed';

export type Opened<T> = { ok: true; value: T } | { ok: false; reason: RingRefusal };

export interface Ring {
  call: string;
  from: string;
  key: string;
  /** Cleaned for display (control characters removed, at most 64 characters); '' when none was sent. */
  name: string;
  room: string;
  secret: string;
  ts: number;
  /** Which of our secrets it was sealed under: the invite code or a contact's token. */
  kid: string;
  /** The token the caller offers for ringing them back, if I save them (docs/calling.md, "Contact tokens"). */
  token: string | null;
}

export interface Reply {
  call: string;
  answer: Answer;
  from: string;
  key: string;
  name: string;
  ts: number;
  /** The callee's offered token, as in Ring. */
  token: string | null;
}

export function newCallId(): string {
  return randomBase64url(16);
}

async function ringKey(secret: string, callee: string): Promise<CryptoKey> {
  const salt = base64urlDecode(callee);
  if (!USER_ID_PATTERN.test(callee) || !salt) throw new Error('callee must be a user id');
  const base = await crypto.subtle.importKey('raw', secretBytes(secret), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt, info: encoder.encode(INFO) },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

function aad(direction: Direction, callee: string, call: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`p2p-call/r1\n${direction}\n${callee}\n${call}`);
}

// The token goes before the name, '' when none: a name is free text and could otherwise end in something that
// reads as a token.
function ringSigned(
  callee: string,
  r: { call: string; from: string; room: string; secret: string; ts: number; token: string | null; name: string },
): string {
  return `p2p-call ring v1\n${callee}\n${r.call}\n${r.from}\n${r.room}\n${r.secret}\n${r.ts}\n${r.token ?? ''}\n${r.name}`;
}

function replySigned(r: { call: string; answer: Answer; from: string; ts: number; token: string | null; name: string }): string {
  return `p2p-call reply v1\n${r.call}\n${r.answer}\n${r.from}\n${r.ts}\n${r.token ?? ''}\n${r.name}`;
}

const offeredToken = (v: unknown): v is string | undefined => v === undefined || str(v, SECRET_16_PATTERN);

async function seal(secret: string, direction: Direction, callee: string, call: string, body: object): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: aad(direction, callee, call) },
    await ringKey(secret, callee),
    encoder.encode(JSON.stringify(body)),
  );
  return `r1.${await kidOf(secret)}.${base64urlEncode(iv)}.${base64urlEncode(new Uint8Array(ct))}`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, pattern: RegExp): v is string => typeof v === 'string' && pattern.test(v);
const rawName = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_RAW_NAME_LENGTH;
const timestamp = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

type Unsealed = { ok: true; kid: string; fields: Record<string, unknown> } | { ok: false; reason: RingRefusal };

async function unseal(
  data: unknown,
  direction: Direction,
  callee: string,
  call: string,
  secretFor: (kid: string) => string | undefined | Promise<string | undefined>,
): Promise<Unsealed> {
  if (typeof data !== 'string' || data.length > MAX_ENVELOPE_LENGTH || !CALL_ID_PATTERN.test(call) || !USER_ID_PATTERN.test(callee))
    return { ok: false, reason: 'malformed' };
  const m = ENVELOPE.exec(data);
  const iv = m && base64urlDecode(m[2]);
  const ct = m && base64urlDecode(m[3]);
  if (!m || !iv || !ct) return { ok: false, reason: 'malformed' };
  const secret = await secretFor(m[1]);
  if (secret === undefined) return { ok: false, reason: 'unknown-kid' };
  let text: string;
  try {
    const key = await ringKey(secret, callee);
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad(direction, callee, call) }, key, ct);
    text = new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    return { ok: false, reason: 'bad-tag' };
  }
  let fields: unknown;
  try {
    fields = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'bad-content' };
  }
  if (!isRecord(fields)) return { ok: false, reason: 'bad-content' };
  return { ok: true, kid: m[1], fields };
}

/** The checks both directions share, in the order docs/calling.md lists them; the replay claim comes last. */
async function vouch(
  f: { from: string; key: string; ts: number; sig: string },
  signed: string,
  now: number,
  guard: ReplayGuard,
  replayId: string,
): Promise<RingRefusal | null> {
  if ((await idFromKey(f.key)) !== f.from) return 'forged-from';
  if (!(await verify(f.key, signed, f.sig))) return 'bad-signature';
  if (Math.abs(now - f.ts) > MAX_CLOCK_SKEW_MS) return 'expired';
  // Claimed only once everything else holds, so a forged envelope cannot burn a real call's id.
  if (!guard.claim(replayId)) return 'replayed';
  return null;
}

export interface RingDetails {
  /** The callee's id (from the call link or the contact). */
  callee: string;
  /** The invite code from the link, or the token the contact gave us. */
  secret: string;
  call: string;
  name: string;
  /** The fresh private room both will join (room-link.ts formats). */
  room: string;
  roomSecret: string;
  /** My token for them to ring me back with, if they save me. */
  token?: string;
}

/** The `data` of a `ring` frame, and the kid the frame names. */
export async function sealRing(me: Signer, ring: RingDetails, now = Date.now()): Promise<{ kid: string; data: string }> {
  const body = {
    v: 1,
    call: ring.call,
    from: me.id,
    key: me.key,
    name: ring.name,
    room: ring.room,
    secret: ring.roomSecret,
    ts: now,
    ...(ring.token ? { token: ring.token } : {}),
  };
  const sig = await me.sign(ringSigned(ring.callee, { ...body, token: ring.token ?? null }));
  return { kid: await kidOf(ring.secret), data: await seal(ring.secret, 'ring', ring.callee, ring.call, { ...body, sig }) };
}

export interface OpenRingOptions {
  /** Our own id. */
  callee: string;
  /** The call id the frame carried outside the envelope. */
  call: string;
  /** The secret we accept under this kid: our invite code's or a contact token's; undefined for none. */
  secretFor: (kid: string) => string | undefined | Promise<string | undefined>;
  guard: ReplayGuard;
}

/** Opens a ring addressed to us. Never throws: anything hostile comes back as a reason. */
export async function openRing(data: unknown, opts: OpenRingOptions): Promise<Opened<Ring>> {
  try {
    const u = await unseal(data, 'ring', opts.callee, opts.call, opts.secretFor);
    if (!u.ok) return u;
    const f = u.fields;
    if (
      f.v !== 1 ||
      f.call !== opts.call ||
      !str(f.from, USER_ID_PATTERN) ||
      !str(f.key, PUBLIC_KEY_PATTERN) ||
      !rawName(f.name) ||
      !str(f.room, ROOM_ID_PATTERN) ||
      !str(f.secret, SECRET_PATTERN) ||
      !timestamp(f.ts) ||
      !offeredToken(f.token) ||
      !str(f.sig, SIGNATURE_PATTERN)
    )
      return { ok: false, reason: 'bad-content' };
    const ring = {
      call: opts.call,
      from: f.from,
      key: f.key,
      name: f.name,
      room: f.room,
      secret: f.secret,
      ts: f.ts,
      token: f.token ?? null,
    };
    const refusal = await vouch({ ...ring, sig: f.sig }, ringSigned(opts.callee, ring), opts.guard.now(), opts.guard, `ring:${ring.call}`);
    if (refusal) return { ok: false, reason: refusal };
    return { ok: true, value: { ...ring, name: cleanName(ring.name) ?? '', kid: u.kid } };
  } catch {
    // WebCrypto rejecting something the checks above let through: still hostile input, still not an exception.
    return { ok: false, reason: 'malformed' };
  }
}

export interface ReplyDetails {
  /** Our own id: replies are sealed under our ring key, like the ring. */
  callee: string;
  /** The secret the ring came under (Ring.kid names it). */
  secret: string;
  call: string;
  answer: Answer;
  name: string;
  /** My token for them to ring me with, if they save me. */
  token?: string;
}

/** The `data` of a `ring-reply` frame. */
export async function sealReply(me: Signer, reply: ReplyDetails, now = Date.now()): Promise<string> {
  const body = {
    v: 1,
    call: reply.call,
    answer: reply.answer,
    from: me.id,
    key: me.key,
    name: reply.name,
    ts: now,
    ...(reply.token ? { token: reply.token } : {}),
  };
  const sig = await me.sign(replySigned({ ...body, token: reply.token ?? null }));
  return seal(reply.secret, 'reply', reply.callee, reply.call, { ...body, sig });
}

export interface OpenReplyOptions {
  /** Whom we rang: the reply must come from that id. */
  callee: string;
  call: string;
  /** The secret we sealed the ring with. */
  secret: string;
  guard: ReplayGuard;
}

const ANSWERS: readonly unknown[] = ['accept', 'decline', 'busy'] satisfies Answer[];
const isAnswer = (v: unknown): v is Answer => ANSWERS.includes(v);

/** Opens the answer to our ring. Never throws. */
export async function openReply(data: unknown, opts: OpenReplyOptions): Promise<Opened<Reply>> {
  try {
    const expectedKid = await kidOf(opts.secret);
    const u = await unseal(data, 'reply', opts.callee, opts.call, (k) => (k === expectedKid ? opts.secret : undefined));
    if (!u.ok) return u;
    const f = u.fields;
    if (
      f.v !== 1 ||
      f.call !== opts.call ||
      !isAnswer(f.answer) ||
      !str(f.from, USER_ID_PATTERN) ||
      !str(f.key, PUBLIC_KEY_PATTERN) ||
      !rawName(f.name) ||
      !timestamp(f.ts) ||
      !offeredToken(f.token) ||
      !str(f.sig, SIGNATURE_PATTERN)
    )
      return { ok: false, reason: 'bad-content' };
    const reply = { call: opts.call, answer: f.answer, from: f.from, key: f.key, name: f.name, ts: f.ts, token: f.token ?? null };
    if (reply.from !== opts.callee) return { ok: false, reason: 'wrong-sender' };
    const refusal = await vouch({ ...reply, sig: f.sig }, replySigned(reply), opts.guard.now(), opts.guard, `reply:${reply.call}`);
    if (refusal) return { ok: false, reason: refusal };
    return { ok: true, value: { ...reply, name: cleanName(reply.name) ?? '' } };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}
