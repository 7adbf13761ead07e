// Text chat on the control channel. Each sender's messages arrive in the order sent (the channel is
// ordered and reliable); entries are shown in arrival order, with the sender's own clock as their time.
import { MAX_CHAT_LENGTH, type ChatMessage } from './peer-protocol';
import { randomId } from './room-link';

export interface ChatEntry {
  id: string;
  /** The sender's key, or null for this tab's own messages. */
  from: string | null;
  name: string;
  text: string;
  /** Milliseconds since the epoch, as the sender's clock saw it. */
  at: number;
}

/** The log keeps this many entries; older ones scroll away for good. */
const MAX_ENTRIES = 500;

export function outgoingChat(text: string, now = Date.now()): ChatMessage | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  return { type: 'chat', id: randomId(12), text: trimmed.slice(0, MAX_CHAT_LENGTH), at: now };
}

export function appendChat(log: readonly ChatEntry[], entry: ChatEntry): ChatEntry[] {
  if (log.some((e) => e.id === entry.id && e.from === entry.from)) return [...log];
  const next = [...log, entry];
  return next.length > MAX_ENTRIES ? next.slice(next.length - MAX_ENTRIES) : next;
}
