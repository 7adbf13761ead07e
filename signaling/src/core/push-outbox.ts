// The directory's pushes in flight. A push goes to a push service across the internet and may take seconds, so the
// directory never waits for one inside its event queue; this keeps track of them so that a shutdown or a test can
// wait until all have finished, and reports a subscription the push service says is gone.

import { RING_PUSH_TTL_SECONDS, type PushSender, type PushSubscriptionRecord } from './push.ts';

export class PushOutbox {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly sender: PushSender,
    /** Called when the push service answered 404/410 for `subscription` of `user`. */
    private readonly gone: (user: string, subscription: PushSubscriptionRecord) => Promise<void>,
    private readonly log: (line: string) => void,
  ) {}

  /** Rings are all short-lived and urgent; `topic` (the call id) lets a cancel replace a ring not yet shown. */
  send(user: string, subscription: PushSubscriptionRecord, payload: object, topic: string): void {
    const task = this.sender(subscription, JSON.stringify(payload), { topic, ttlSeconds: RING_PUSH_TTL_SECONDS, urgency: 'high' })
      .then((result) => (result === 'gone' ? this.gone(user, subscription) : undefined))
      .catch((err: unknown) => this.log(`push failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
