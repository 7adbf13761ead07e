// Web Push as the directory sees it (docs/calling.md, "Web Push"): a stored subscription and one function that
// sends an already-built payload to it. The Node adapter passes a sender built on `web-push`
// (node/web-push-sender.ts); tests pass a recording fake. The directory never sees VAPID keys or ciphertext.

/** A browser's PushSubscription as its toJSON() gives it. */
export interface PushSubscriptionRecord {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushOptions {
  /** The call id: a later push with the same topic replaces one the push service still holds. */
  topic: string;
  ttlSeconds: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
}

/** 'gone': the push service answered 404 or 410, so the subscription is dead and must be deleted. */
export type PushResult = 'sent' | 'gone' | 'failed';

export type PushSender = (subscription: PushSubscriptionRecord, payload: string, opts: PushOptions) => Promise<PushResult>;

/** Rings last 30 s on the caller's side; a push that arrives later would only ring for a call already given up. */
export const RING_PUSH_TTL_SECONDS = 30;
