import type { RingEnd } from '../../core/phone/phone-state';
import { t, type PlainKey } from '../i18n';

/** What the caller reads when a ring ends: what happened, and what to do about it. */
export const OUTGOING_END: Record<RingEnd, PlainKey> = {
  declined: 'endDeclined',
  'no-answer': 'endNoAnswer',
  cancelled: 'endCancelled',
  busy: 'endBusy',
  'unknown-link': 'endUnknownLink',
  'rate-limited': 'endRateLimited',
  'bad-link': 'endBadLink',
  failed: 'endFailed',
  'answered-elsewhere': 'endAnsweredElsewhere',
};

/** What the callee reads. A ring that stopped before anyone answered is a missed call, whoever stopped it. */
export function incomingEndText(end: RingEnd, name: string): string {
  switch (end) {
    case 'no-answer':
    case 'cancelled':
      return t('missedCall', { name });
    case 'answered-elsewhere':
      return t('answeredElsewhere');
    case 'declined':
      return t('youDeclined', { name });
    case 'busy':
      return t('youWereBusy', { name });
    case 'unknown-link':
    case 'rate-limited':
    case 'bad-link':
    case 'failed':
      return t('incomingFailed', { name });
  }
}

/** The initial for an avatar; a name may start with an emoji or a combining mark, so by grapheme. */
export function initial(name: string): string {
  const first = new Intl.Segmenter().segment(name.trim())[Symbol.iterator]().next();
  return first.done ? '?' : first.value.segment.toLocaleUpperCase();
}
