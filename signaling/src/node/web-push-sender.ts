// PLACEHOLDER, to be replaced by the real file from branch `push` (another engineer writes it): it exists only so
// that main.ts typechecks on branch `directory`. It sends nothing; every push reports 'failed', so a ring to a
// user with no open socket only waits for that user to register. On merge, take branch `push`'s version whole.

import type { PushSender } from '../core/push.ts';

export function createWebPushSender(_vapid: { publicKey: string; privateKey: string; subject: string }): PushSender {
  return () => Promise.resolve('failed');
}
