// Turns a peer connection that never connects into a reason a person can act on, instead of a spinner
// that spins forever. The browser's own signals are thin: ICE may stay "checking" (or even "new", when
// relay-only mode gathered nothing) without ever failing, so a deadline stands in for "failed", and
// icecandidateerror events tell a refused TURN credential apart from an unreachable TURN server.

/** Why a participant's tile shows a problem instead of their video. */
export type LinkProblem = 'identity-mismatch' | 'turn-refused' | 'relay-unavailable' | 'no-relay' | 'unreachable';

export interface ReachabilityOptions {
  relayOnly: boolean;
  /** At least one turn:/turns: URL with credentials was configured. */
  hasTurn: boolean;
  /** How long a link may stay unconnected before we say why. */
  timeoutMs?: number;
}

// 401 Unauthorized (wrong or expired REST credential), 403 Forbidden, 437/441 allocation or credential mismatch.
const AUTH_ERRORS = new Set([401, 403, 437, 441]);
// 701: the browser got no answer from the server at all.
const UNREACHABLE_ERROR = 701;

export function hasTurnServer(servers: readonly RTCIceServer[]): boolean {
  return servers.some((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]).some((u) => /^turns?:/.test(u)));
}

/** Reports a problem when the link is not connected in time (or ICE fails), and null once it connects. */
export function watchReachability(pc: RTCPeerConnection, opts: ReachabilityOptions, report: (p: LinkProblem | null) => void): () => void {
  let turnRefused = false;
  let turnSilent = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let reported = false;

  const verdict = (): void => {
    timer = undefined;
    if (pc.connectionState === 'connected' || pc.connectionState === 'closed') return;
    reported = true;
    if (turnRefused) report('turn-refused');
    else if (opts.relayOnly && (!opts.hasTurn || turnSilent)) report('relay-unavailable');
    else if (!opts.hasTurn) report('no-relay');
    else report('unreachable');
  };
  const arm = (): void => {
    if (timer === undefined) timer = setTimeout(verdict, opts.timeoutMs ?? 15_000);
  };
  const onError = (e: Event): void => {
    const { url, errorCode } = e as RTCPeerConnectionIceErrorEvent;
    if (!/^turns?:/.test(url ?? '')) return;
    if (AUTH_ERRORS.has(errorCode)) turnRefused = true;
    else if (errorCode === UNREACHABLE_ERROR) turnSilent = true;
  };
  const onState = (): void => {
    const s = pc.connectionState;
    if (s === 'connected') {
      clearTimeout(timer);
      timer = undefined;
      if (reported) report(null);
      reported = false;
    } else if (s === 'failed') {
      clearTimeout(timer);
      verdict();
    } else if (s === 'disconnected') {
      arm();
    }
  };
  pc.addEventListener('icecandidateerror', onError);
  pc.addEventListener('connectionstatechange', onState);
  arm();
  return () => {
    clearTimeout(timer);
    pc.removeEventListener('icecandidateerror', onError);
    pc.removeEventListener('connectionstatechange', onState);
  };
}
