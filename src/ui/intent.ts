import type { PhoneIntent } from '../core/phone/phone-state';

/** What a user asked for. Views dispatch one `intent` event type; the root element carries it out. */
export type Intent =
  | { type: 'start' }
  | { type: 'join' }
  | { type: 'leave' }
  | { type: 'home' }
  | { type: 'name'; name: string }
  | { type: 'device'; kind: 'audio' | 'video'; id: string }
  | { type: 'toggle-mic' }
  | { type: 'toggle-camera' }
  | { type: 'copy-link' }
  | { type: 'share-link' }
  | { type: 'switch-camera' }
  | { type: 'send-shared' }
  | { type: 'dismiss-shared' }
  | { type: 'toggle-screen' }
  | { type: 'chat'; text: string }
  /** `to` is a participant key or 'all'. */
  | { type: 'send-files'; files: File[]; to: string }
  | { type: 'transfer'; action: 'accept' | 'decline' | 'cancel' | 'dismiss'; id: string }
  | PhoneIntent;

export class IntentEvent extends Event {
  constructor(readonly intent: Intent) {
    super('intent', { bubbles: true, composed: true });
  }
}

export function emit(from: EventTarget, intent: Intent): void {
  from.dispatchEvent(new IntentEvent(intent));
}

declare global {
  interface HTMLElementEventMap {
    intent: IntentEvent;
  }
}
