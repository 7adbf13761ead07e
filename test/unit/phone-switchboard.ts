// A stand-in for the server's directory, just enough to move frames between phone engines in one process:
// registrations by `?user=`, rings to the callee's registered lines, replies back to the ringing line, cancels.
// It checks nothing (the real directory's checks have their own tests, test/signaling); the engines under test
// must refuse what it lets through. Sockets open on the next task, as real ones do.
import type { SignalingSocket, SocketFactory } from '../../src/core/signaling-client';

type Frame = { type: string; [k: string]: unknown };

export class FakeLine implements SignalingSocket {
  readyState = 0;
  readonly sent: Frame[] = [];
  registered: string | null = null;
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;

  constructor(
    readonly url: string,
    readonly board: Switchboard,
    readonly name: string,
  ) {
    setTimeout(() => {
      if (this.readyState !== 0) return;
      this.readyState = 1;
      this.onopen?.(new Event('open'));
    }, 0);
  }

  get user(): string {
    return new URL(this.url).searchParams.get('user') ?? '';
  }

  send(text: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    const m = JSON.parse(text) as Frame;
    this.sent.push(m);
    this.board.receive(this, m);
  }

  deliver(m: Frame): void {
    if (this.readyState === 1) setTimeout(() => this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(m) })), 0);
  }

  close(): void {
    this.readyState = 3;
  }

  /** The server went away. */
  drop(): void {
    this.readyState = 3;
    this.onclose?.(new Event('close') as CloseEvent);
  }
}

export class Switchboard {
  readonly lines: FakeLine[] = [];
  /** Frames the board saw, in order: what each engine sent. */
  readonly log: { from: string; m: Frame }[] = [];
  /** Kids each user registered: a ring under another gets `unknown-link`, as from the real server. */
  private readonly kids = new Map<string, string[]>();

  factory(): SocketFactory {
    return (url) => {
      // The server's name for a socket: 22 base64url characters, as the real one makes.
      const line = new FakeLine(url, this, `socket${String(this.lines.length).padStart(16, '0')}`);
      this.lines.push(line);
      return line;
    };
  }

  receive(line: FakeLine, m: Frame): void {
    this.log.push({ from: line.name, m });
    switch (m.type) {
      case 'challenge':
        return line.deliver({ type: 'challenge', nonce: 'AAAAAAAAAAAAAAAAAAAAAA' });
      case 'register':
        line.registered = String(m.id);
        this.kids.set(String(m.id), [String(m.invite), ...(m.contacts as string[])]);
        return line.deliver({ type: 'registered', id: m.id });
      case 'ring':
        if (!this.kids.get(String(m.to))?.includes(String(m.kid)))
          return line.deliver({ type: 'error', code: 'unknown-link', message: 'this link no longer rings' });
        for (const l of this.registeredAs(String(m.to))) l.deliver({ type: 'ring', from: line.name, call: m.call, data: m.data });
        return;
      case 'ring-reply':
        for (const l of this.lines) if (l.name === m.to) l.deliver({ type: 'ring-reply', call: m.call, data: m.data });
        for (const l of this.registeredAs(line.registered ?? ''))
          if (l !== line) l.deliver({ type: 'ring-cancel', call: m.call, reason: 'answered' });
        return;
      case 'presence': {
        const known = this.kids.get(String(m.id))?.slice(1).includes(String(m.kid)) ?? false;
        const state = known && this.registeredAs(String(m.id)).length > 0 ? 'online' : 'unknown';
        return line.deliver({ type: 'presence', id: m.id, state });
      }
      case 'ring-cancel':
        for (const l of this.registeredAs(String(m.to))) l.deliver({ type: 'ring-cancel', call: m.call, reason: 'cancelled' });
        return;
    }
  }

  private registeredAs(id: string): FakeLine[] {
    return this.lines.filter((l) => l.registered === id && l.readyState === 1);
  }

  sentOfType(type: string): Frame[] {
    return this.log.filter((e) => e.m.type === type).map((e) => e.m);
  }
}
