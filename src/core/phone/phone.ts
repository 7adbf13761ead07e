// The phone: my identity and link, presence on the server, and ringing both ways (docs/calling.md). It publishes
// PhoneState; the root element carries out `enterRoom` when a ring is answered, and the call then connects as any
// room call does. Nothing here trusts the server: rings and replies are opened (signature, expiry, replay) before
// anything is shown, and a ring that does not open is dropped without a word.

import { newRoomId, newRoomSecret } from '../room-link';
import type { SocketFactory } from '../signaling-client';
import { callLinkPath, decodeCallLink, kid, newInviteCode } from './call-link';
import { newContact, newContactToken, trustState, type Contact } from './contacts';
import { loadIdentity, type Identity } from './identity';
import type { PhoneStore } from './phone-db';
import { PhoneLine } from './phone-line';
import { INITIAL_PHONE_STATE, type ContactEntry, type PhoneState, type RingEnd } from './phone-state';
import type { ServerMessage } from '../../../signaling/src/protocol';
import { registerText } from '../../../signaling/src/phone-frames';
import type { PushControl } from './push-control';
import { ReplayGuard } from './replay-guard';
import { newCallId, openReply, openRing, sealReply, sealRing, type Answer, type Ring } from './ring-envelope';

/** The caller gives up after this long; the server forgets a ring 5 s later. */
export const RING_TIMEOUT_MS = 30_000;

export interface PhoneOptions {
  store: PhoneStore;
  signalingUrl: string;
  /** The host of the signaling URL, which the server checks: the registration signature names it. */
  host: string;
  /** Where my call link points (location.origin). */
  origin: string;
  socket?: SocketFactory;
  now?: () => number;
  ringTimeoutMs?: number;
  /** Join the ring's private room under `name`: both sides do, and the call connects as a room call. */
  enterRoom(room: string, secret: string, name: string): void;
  /** In a call already: a ring is shown as "busy". */
  inCall(): boolean;
  /** A ring is on (either side): the call can get ready to join `room`, so answering costs no more than Join. */
  ringing?(r: { side: 'caller' | 'callee'; room: string; secret: string; name: string }): void;
  /** That ring ended without both joining: whatever `ringing` prepared for `room` can go. */
  ringOver?(room: string): void;
  /** A system notification for a ring while the page is hidden. */
  notify?(title: string, body: string, tag: string): void;
  push?: PushControl;
}

type Listener = (s: PhoneState) => void;

interface Outgoing {
  call: string;
  to: string;
  secret: string;
  room: string;
  roomSecret: string;
  /** The token I offered them in the ring. */
  offer: string;
  fallback: string[];
  /** `secret` is their invite code (from their link, or kept with the contact). */
  viaLink: boolean;
  line: PhoneLine;
  timer: ReturnType<typeof setTimeout>;
}

interface Incoming {
  ring: Ring;
  /** The server's name for the caller's socket: where the reply goes. */
  via: string;
  secret: string;
  timer: ReturnType<typeof setTimeout>;
}

export class Phone {
  private state: PhoneState = INITIAL_PHONE_STATE;
  private readonly listeners = new Set<Listener>();
  private me: Identity | null = null;
  private invite = '';
  private contacts: Contact[] = [];
  private line: PhoneLine | null = null;
  private vapidKey: string | null = null;
  private out: Outgoing | null = null;
  private inc: Incoming | null = null;
  private accepted: { key: string; map: Promise<Map<string, string>> } | null = null;
  /** The tokens offered both ways in the last answered ring: saving the peer makes them a contact's. */
  private peerTokens: { mine: string; theirs: string | null; invite: string | null } | null = null;
  /** A call id the user already accepted from a notification (`/?answer=<call>`): answered as soon as it arrives. */
  private preAccepted: string | null = null;
  private readonly guard: ReplayGuard;
  private readonly now: () => number;

  constructor(private readonly opts: PhoneOptions) {
    this.now = opts.now ?? Date.now;
    this.guard = new ReplayGuard(this.now);
  }

  get(): PhoneState {
    return this.state;
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private set(patch: Partial<PhoneState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l(this.state);
  }

  /** Loads (or on first run makes) my identity, then stays registered while the page is open. */
  async start(): Promise<void> {
    if (this.me) return;
    const store = this.opts.store;
    this.me = await loadIdentity(store);
    this.invite = (await store.setting('inviteCode')) ?? '';
    if (!this.invite) {
      this.invite = newInviteCode();
      await store.setSetting('inviteCode', this.invite);
    }
    const name = (await store.setting('displayName')) ?? '';
    this.contacts = await store.contacts();
    const push = this.opts.push;
    this.set({
      me: { id: this.me.id, key: this.me.key, name, link: await this.link() },
      contacts: this.entries(),
      push: { supported: push?.supported() ?? false, enabled: (await push?.current()) != null, denied: push?.permission() === 'denied' },
    });
    this.line = new PhoneLine(
      { url: this.opts.signalingUrl, user: this.me.id, socket: this.opts.socket, reconnect: true },
      {
        open: () => this.line?.send({ type: 'challenge' }),
        message: (m) => void this.onOwnLine(m),
        closed: () => this.set({ registration: 'connecting' }),
      },
    );
    this.set({ registration: 'connecting' });
    this.line.start();
  }

  stop(): void {
    this.line?.stop();
    this.endOutgoing(null);
    if (this.inc) clearTimeout(this.inc.timer);
    this.inc = null;
  }

  /** After a network change, a fresh socket (and so a fresh registration) at once. */
  networkChanged(): void {
    this.reregister();
  }

  /** The server learns my kids only at registration: a new link or contact means registering again. */
  private reregister(): void {
    if (!this.line) return;
    this.set({ registration: 'connecting' });
    this.line.reconnectNow();
  }

  answerWhenRinging(call: string): void {
    this.preAccepted = call;
  }

  private async link(): Promise<string> {
    if (!this.me) return '';
    return this.opts.origin + (await callLinkPath({ id: this.me.id, inviteCode: this.invite }));
  }

  private entries(): ContactEntry[] {
    const presence = new Map(this.state.contacts.map((c) => [c.id, c.presence]));
    return this.contacts.map((c) => ({ ...c, presence: presence.get(c.id) ?? 'unknown' }));
  }

  private async register(nonce: string): Promise<void> {
    const me = this.me;
    if (!me || !this.line) return;
    const sig = await me.sign(registerText(nonce, me.id, this.opts.host));
    const accepted = await this.acceptedKids();
    const [invite, ...contacts] = accepted.keys();
    this.line.send({ type: 'register', id: me.id, key: me.key, sig, invite: invite ?? '', contacts });
  }

  /**
   * The secrets a ring may be sealed under, by kid: my invite code first, then the token I gave each contact.
   * Made once per change of those, not per ring or registration (each kid is a SHA-256).
   */
  private acceptedKids(): Promise<Map<string, string>> {
    const secrets = [this.invite, ...this.contacts.map((c) => c.myToken)];
    const key = secrets.join(' ');
    if (this.accepted?.key !== key) {
      const map = Promise.all(secrets.map(async (s) => [await kid(s), s] as const)).then((pairs) => new Map(pairs));
      this.accepted = { key, map };
    }
    return this.accepted.map;
  }

  /** After a change of invite code or contacts: the server hears of it only if the kids it should accept changed. */
  private kidsMayHaveChanged(before: string | undefined): void {
    void this.acceptedKids();
    if (this.accepted?.key !== before) this.reregister();
  }

  private async onOwnLine(m: ServerMessage): Promise<void> {
    switch (m.type) {
      case 'challenge':
        return this.register(m.nonce);
      case 'registered':
        if (m.id !== this.me?.id) return;
        this.vapidKey = m.vapidKey ?? null;
        this.set({ registration: 'online' });
        this.refreshPresence();
        return this.refreshPush();
      case 'ring':
        return this.onRing(m.from, m.call, m.data);
      case 'ring-cancel':
        if (this.inc?.ring.call !== m.call) return;
        return this.endIncoming(m.reason === 'answered' ? 'answered-elsewhere' : 'cancelled');
      case 'error':
        if (m.code === 'bad-registration') this.set({ registration: 'refused' });
        return;
      default:
        return;
    }
  }

  private secretFor = (k: string): Promise<string | undefined> => this.secretForKid(k);

  private async secretForKid(k: string): Promise<string | undefined> {
    return (await this.acceptedKids()).get(k);
  }

  private async onRing(via: string, call: string, data: string): Promise<void> {
    const me = this.me;
    if (!me) return;
    const opened = await openRing(data, { callee: me.id, call, secretFor: this.secretFor, guard: this.guard });
    if (!opened.ok) return;
    const ring = opened.value;
    const contact = this.contacts.find((c) => c.id === ring.from);
    if (contact?.blocked) return;
    const secret = (await this.secretForKid(ring.kid)) ?? '';
    // One ring at a time: a second caller hears "busy" at once rather than ringing a screen that cannot show them.
    if (this.inc && this.inc.ring.call !== call && this.state.incoming?.phase === 'ringing') {
      return this.reply({ ring, via, secret, timer: setTimeout(() => {}, 0) }, 'busy');
    }
    if (this.inc) clearTimeout(this.inc.timer);
    const timer = setTimeout(() => this.endIncoming('no-answer'), this.opts.ringTimeoutMs ?? RING_TIMEOUT_MS);
    this.inc = { ring, via, secret, timer };
    const name = contact?.name || ring.name;
    this.set({
      incoming: { call, from: ring.from, name, trust: trustState(contact, ring.key), busy: this.opts.inCall(), phase: 'ringing' },
    });
    if (this.preAccepted === call) {
      this.preAccepted = null;
      return this.accept();
    }
    this.opts.ringing?.({ side: 'callee', room: ring.room, secret: ring.secret, name: this.myName() });
    this.opts.notify?.(name, '', call);
  }

  async accept(): Promise<void> {
    const inc = this.inc;
    if (!inc || this.state.incoming?.phase !== 'ringing') return;
    clearTimeout(inc.timer);
    this.inc = null;
    const ring = inc.ring;
    const contact = this.contacts.find((c) => c.id === ring.from && c.key === ring.key);
    const offer = contact?.myToken ?? newContactToken();
    this.peerTokens = { mine: offer, theirs: ring.token, invite: null };
    this.set({ incoming: null, lastPeer: this.peerFrom(ring.from, ring.key, ring.name) });
    // Into the room first: the caller already waits there, so the join need not wait for the reply's signature.
    this.opts.enterRoom(ring.room, ring.secret, this.myName());
    await this.reply(inc, 'accept', offer);
    // A contact who had no way to ring me back gets one now (they saved me after I saved them).
    if (contact && ring.token && contact.theirToken !== ring.token) await this.putContact({ ...contact, theirToken: ring.token });
  }

  async decline(): Promise<void> {
    const inc = this.inc;
    if (!inc) return;
    clearTimeout(inc.timer);
    this.inc = null;
    this.set({ incoming: null });
    this.opts.ringOver?.(inc.ring.room);
    await this.reply(inc, 'decline');
  }

  private async reply(inc: Incoming, answer: Answer, token?: string): Promise<void> {
    const me = this.me;
    if (!me || !inc.secret) return;
    const details = { callee: me.id, secret: inc.secret, call: inc.ring.call, answer, name: this.myName(), ...(token ? { token } : {}) };
    const data = await sealReply(me, details, this.now());
    this.line?.send({ type: 'ring-reply', to: inc.via, call: inc.ring.call, data });
  }

  private endIncoming(ended: RingEnd): void {
    const inc = this.inc;
    this.inc = null;
    if (inc) {
      clearTimeout(inc.timer);
      this.opts.ringOver?.(inc.ring.room);
    }
    const shown = this.state.incoming;
    if (shown) this.set({ incoming: { ...shown, phase: 'ended', ended } });
  }

  private myName(): string {
    return this.state.me?.name.trim() || 'Guest';
  }

  private peerFrom(id: string, key: string, name: string): PhoneState['lastPeer'] {
    return { id, key, name, saved: this.contacts.some((c) => c.id === id && c.key === key) };
  }

  /** Rings the owner of a call link, or a saved contact. */
  async callLink(link: string): Promise<void> {
    const decoded = await decodeCallLink(link);
    if (!decoded.ok) return this.set({ outgoing: { call: '', to: '', name: '', trust: 'new', phase: 'ended', ended: 'bad-link' } });
    return this.ring(decoded.value.id, decoded.value.inviteCode, [], true);
  }

  /** With the token they gave me; if they do not accept it (they never saved me), the link I first called them by. */
  async callContact(id: string): Promise<void> {
    const c = this.contacts.find((x) => x.id === id);
    const secrets = [c?.theirToken, c?.invite].filter((x): x is string => typeof x === 'string');
    if (!c || secrets.length === 0)
      return this.set({ outgoing: { call: '', to: id, name: c?.name ?? '', trust: 'new', phase: 'ended', ended: 'unknown-link' } });
    return this.ring(c.id, secrets[0], secrets.slice(1), secrets[0] === c.invite);
  }

  /** `fallback`: secrets to try in turn when the server says the callee does not accept this one. */
  private async ring(
    to: string,
    secret: string,
    fallback: string[],
    viaLink: boolean,
    again?: { room: string; roomSecret: string },
  ): Promise<void> {
    const me = this.me;
    if (!me || this.out) return;
    const contact = this.contacts.find((c) => c.id === to);
    const call = newCallId();
    const room = again?.room ?? newRoomId();
    const roomSecret = again?.roomSecret ?? newRoomSecret();
    const offer = contact?.myToken ?? newContactToken();
    const sealed = await sealRing(me, { callee: to, secret, call, name: this.myName(), room, roomSecret, token: offer }, this.now());
    const line = new PhoneLine(
      { url: this.opts.signalingUrl, user: to, socket: this.opts.socket },
      {
        open: () => line.send({ type: 'ring', to, call, kid: sealed.kid, data: sealed.data }),
        message: (m) => void this.onCallerLine(call, m),
        closed: () => {
          if (this.out?.call === call) this.endOutgoing('failed');
        },
      },
    );
    const timer = setTimeout(() => {
      if (this.out?.call !== call) return;
      line.send({ type: 'ring-cancel', to, call });
      this.endOutgoing('no-answer');
    }, this.opts.ringTimeoutMs ?? RING_TIMEOUT_MS);
    this.out = { call, to, secret, room, roomSecret, offer, line, timer, fallback, viaLink };
    this.set({
      outgoing: { call, to, name: contact?.name ?? '', trust: contact ? trustState(contact, contact.key) : 'new', phase: 'calling' },
    });
    line.start();
    if (!again) this.opts.ringing?.({ side: 'caller', room, secret: roomSecret, name: this.myName() });
  }

  private async onCallerLine(call: string, m: ServerMessage): Promise<void> {
    const out = this.out;
    if (out?.call !== call) return;
    if (m.type === 'error') {
      const [next, ...rest] = out.fallback;
      if (m.code === 'unknown-link' && next) {
        // Quietly, under the same "Calling…" screen: to the person it is one call.
        this.endOutgoing(null, 'again');
        return this.ring(out.to, next, rest, true, { room: out.room, roomSecret: out.roomSecret });
      }
      const ended: RingEnd = m.code === 'unknown-link' ? 'unknown-link' : m.code === 'rate-limited' ? 'rate-limited' : 'failed';
      return this.endOutgoing(ended);
    }
    if (m.type !== 'ring-reply' || m.call !== call) return;
    const opened = await openReply(m.data, { callee: out.to, call, secret: out.secret, guard: this.guard });
    if (!opened.ok || this.out?.call !== call) return;
    const reply = opened.value;
    if (reply.answer !== 'accept') return this.endOutgoing(reply.answer === 'busy' ? 'busy' : 'declined');
    this.endOutgoing(null, 'answered');
    const contact = this.contacts.find((c) => c.id === reply.from && c.key === reply.key);
    if (contact && reply.token && contact.theirToken !== reply.token) await this.putContact({ ...contact, theirToken: reply.token });
    this.peerTokens = { mine: out.offer, theirs: reply.token, invite: out.viaLink ? out.secret : null };
    this.set({ lastPeer: this.peerFrom(reply.from, reply.key, reply.name) });
    this.opts.enterRoom(out.room, out.roomSecret, this.myName());
  }

  cancel(): void {
    const out = this.out;
    if (!out) return this.set({ outgoing: null });
    out.line.send({ type: 'ring-cancel', to: out.to, call: out.call });
    this.endOutgoing(null);
  }

  /**
   * `ended` null: the ring is over with nothing to say (answered, or cancelled by me). `how`: 'again' when the same
   * call goes on under another secret (nothing changes on screen), 'answered' when both now join the room.
   */
  private endOutgoing(ended: RingEnd | null, how: 'over' | 'answered' | 'again' = 'over'): void {
    const out = this.out;
    this.out = null;
    if (out) {
      clearTimeout(out.timer);
      out.line.stop();
      if (how === 'over') this.opts.ringOver?.(out.room);
    }
    if (how === 'again') return;
    const shown = this.state.outgoing;
    this.set({ outgoing: ended && shown ? { ...shown, phase: 'ended', ended } : null });
  }

  dismiss(): void {
    if (this.state.outgoing?.phase === 'ended') this.set({ outgoing: null });
    if (this.state.incoming?.phase === 'ended') this.set({ incoming: null });
  }

  async setName(name: string): Promise<void> {
    const me = this.state.me;
    if (!me) return;
    this.set({ me: { ...me, name } });
    await this.opts.store.setSetting('displayName', name);
  }

  /** A new invite code: links given out before stop ringing once the server has the new kid. */
  async newLink(): Promise<void> {
    const me = this.state.me;
    if (!me) return;
    const before = this.accepted?.key;
    this.invite = newInviteCode();
    await this.opts.store.setSetting('inviteCode', this.invite);
    this.set({ me: { ...me, link: await this.link() } });
    this.kidsMayHaveChanged(before);
  }

  async saveLastPeer(): Promise<void> {
    const peer = this.state.lastPeer;
    if (!peer || peer.saved) return;
    const existing = this.contacts.find((c) => c.id === peer.id);
    const tokens = this.peerTokens ?? { mine: newContactToken(), theirs: null, invite: null };
    const contact = existing
      ? {
          ...existing,
          key: peer.key,
          name: existing.name || peer.name,
          theirToken: tokens.theirs ?? existing.theirToken,
          invite: tokens.invite ?? existing.invite,
        }
      : { ...newContact({ ...peer, theirToken: tokens.theirs, invite: tokens.invite }, this.now()), myToken: tokens.mine };
    await this.putContact(contact);
    this.set({ lastPeer: { ...peer, saved: true } });
  }

  async updateContact(id: string, change: (c: Contact) => Contact | null): Promise<void> {
    const c = this.contacts.find((x) => x.id === id);
    if (!c) return;
    const next = change(c);
    if (next) return this.putContact(next);
    const before = this.accepted?.key;
    await this.opts.store.deleteContact(id);
    this.contacts = this.contacts.filter((x) => x.id !== id);
    this.set({ contacts: this.entries() });
    this.kidsMayHaveChanged(before);
  }

  async importContacts(list: readonly Contact[]): Promise<void> {
    const before = this.accepted?.key;
    for (const c of list) {
      await this.opts.store.putContact(c);
      this.contacts = [...this.contacts.filter((x) => x.id !== c.id), c];
    }
    this.set({ contacts: this.entries() });
    this.kidsMayHaveChanged(before);
  }

  allContacts(): readonly Contact[] {
    return this.contacts;
  }

  notice(key: string, params?: Record<string, string>): void {
    this.set({ notice: { key, ...(params ? { params } : {}) } });
  }

  private async putContact(contact: Contact): Promise<void> {
    const before = this.accepted?.key;
    await this.opts.store.putContact(contact);
    const known = this.contacts.some((c) => c.id === contact.id);
    this.contacts = known ? this.contacts.map((c) => (c.id === contact.id ? contact : c)) : [...this.contacts, contact];
    this.set({ contacts: this.entries() });
    // The server learns the kids I accept only at registration: a rename or a verification does not change them.
    this.kidsMayHaveChanged(before);
  }

  /**
   * Asks the server about each contact who can be rung by token: `online`, `push` (reachable when their app is
   * closed) or `unknown`. One short line per contact, since each id's presence lives with that id (one Durable
   * Object per id); the server answers only to a holder of a token that contact gave out.
   */
  refreshPresence(): void {
    for (const c of this.contacts) {
      if (!c.theirToken || c.blocked) continue;
      const token = c.theirToken;
      const line: PhoneLine = new PhoneLine(
        { url: this.opts.signalingUrl, user: c.id, socket: this.opts.socket },
        {
          open: () => void kid(token).then((k) => line.send({ type: 'presence', id: c.id, kid: k })),
          message: (m) => {
            if (m.type === 'presence' && m.id === c.id) this.setPresence(c.id, m.state);
            if (m.type === 'presence' || m.type === 'error') done();
          },
          closed: () => undefined,
        },
      );
      // An answer that never comes (an old server) must not keep a socket open.
      const timer = setTimeout(() => line.stop(), 10_000);
      const done = (): void => {
        clearTimeout(timer);
        line.stop();
      };
      line.start();
    }
  }

  private setPresence(id: string, presence: ContactEntry['presence']): void {
    this.set({ contacts: this.state.contacts.map((c) => (c.id === id ? { ...c, presence } : c)) });
  }

  /** "Ring me when the app is closed": asks for notification permission, then hands the subscription to the server. */
  async setPush(enabled: boolean): Promise<void> {
    const push = this.opts.push;
    if (!push) return;
    if (!enabled) {
      await push.unsubscribe();
      this.line?.send({ type: 'push-unsubscribe' });
      return this.set({ push: { ...this.state.push, enabled: false } });
    }
    if (!this.vapidKey) return this.notice('pushUnavailable');
    const sub = await push.subscribe(this.vapidKey);
    if (!sub) return this.set({ push: { ...this.state.push, enabled: false, denied: push.permission() === 'denied' } });
    this.line?.send({ type: 'push-subscribe', subscription: sub });
    this.set({ push: { ...this.state.push, enabled: true, denied: false } });
  }

  /** After each registration: the server may have lost a subscription (it is re-sent; the server keeps one per id). */
  private async refreshPush(): Promise<void> {
    const sub = await this.opts.push?.current();
    if (sub) this.line?.send({ type: 'push-subscribe', subscription: sub });
  }
}
