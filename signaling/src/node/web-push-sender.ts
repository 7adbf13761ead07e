// The Node directory's PushSender (core/push.ts): web-push builds the request — the VAPID JWT (RFC 8292), the
// aes128gcm payload encryption (RFC 8291) and the TTL / Urgency / Topic headers (RFC 8030) — and this file sends
// it. web-push's own sendNotification has only a socket idle timeout, which a push service that trickles bytes
// never trips; a ring is worthless after 30 s, so here the whole request has one deadline, and a stuck push
// service costs at most that long per push instead of piling up open requests.

import { createECDH } from 'node:crypto';
import { request, type Agent } from 'node:https';
import webpush from 'web-push';
import type { PushResult, PushSender } from '../core/push.ts';

/** Far below the ring's 30 s: a push service that has not taken the message by then will not ring in time. */
export const PUSH_REQUEST_TIMEOUT_MS = 10_000;

export interface VapidDetails {
  /** base64url of the raw uncompressed P-256 public key (65 bytes): `registered.vapidKey`. */
  publicKey: string;
  /** base64url of the 32-byte private scalar. */
  privateKey: string;
  /** `mailto:` or `https:` contact the push service may use to reach the operator. */
  subject: string;
}

export interface WebPushSenderOptions {
  /** The whole request's deadline. */
  timeoutMs?: number;
  /** TLS settings for the connection; tests trust their fake push service's certificate here. Default: Node's. */
  agent?: Agent;
}

/**
 * Throws at once on VAPID keys that are malformed or not a pair: every push would fail (403 from the push
 * service), and a server that starts anyway would only say so one 'failed' at a time.
 */
export function createWebPushSender(vapid: VapidDetails, options: WebPushSenderOptions = {}): PushSender {
  webpush.getVapidHeaders('https://push.invalid', vapid.subject, vapid.publicKey, vapid.privateKey, 'aes128gcm');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(vapid.privateKey, 'base64url'));
  if (ecdh.getPublicKey('base64url') !== vapid.publicKey) throw new Error('the VAPID public key is not the private key’s');
  const timeoutMs = options.timeoutMs ?? PUSH_REQUEST_TIMEOUT_MS;
  const vapidDetails = { subject: vapid.subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey };

  return async (subscription, payload, opts) => {
    let details: webpush.RequestDetails;
    try {
      details = webpush.generateRequestDetails(subscription, payload, {
        vapidDetails,
        contentEncoding: 'aes128gcm',
        TTL: opts.ttlSeconds,
        urgency: opts.urgency,
        topic: opts.topic,
      });
    } catch {
      // A subscription whose keys are not a P-256 point and a 16-byte secret: nothing can be encrypted to it.
      return 'failed';
    }
    return resultOf(await post(details, timeoutMs, options.agent));
  };
}

function resultOf(status: number | null): PushResult {
  if (status !== null && status >= 200 && status < 300) return 'sent';
  // RFC 8030 §7.3: the subscription expired or was unsubscribed; it will never work again.
  if (status === 404 || status === 410) return 'gone';
  return 'failed';
}

/** The response's status, or null when there was none in time. Never rejects. */
function post(details: webpush.RequestDetails, timeoutMs: number, agent: Agent | undefined): Promise<number | null> {
  return new Promise((resolve) => {
    try {
      const req = request(
        details.endpoint,
        { method: details.method, headers: details.headers, agent, signal: AbortSignal.timeout(timeoutMs) },
        (res) => {
          resolve(res.statusCode ?? null);
          // Only the status matters; the body is drained (and cut off by the same deadline) so the socket is freed.
          res.on('error', () => undefined);
          res.resume();
        },
      );
      req.on('error', () => resolve(null));
      req.end(details.body ?? undefined);
    } catch {
      // request() throws synchronously for an endpoint that is not an https URL.
      resolve(null);
    }
  });
}
