// Which browser pages may open the signaling socket. Origin checks only constrain browsers (any other client
// can send whatever Origin it likes), and the server holds no cookies or ambient authority, so the point is to
// keep other web sites from using this server as their free signaling service.
//
// Policy (ALLOWED_ORIGINS):
// - unset/empty: the page must come from the same host as the socket (the one-command start, or a reverse
//   proxy that keeps the Host header), or from a loopback host (the Vite dev server on localhost:5173);
// - "*": any origin;
// - a list: exactly those origins (scheme://host[:port]).
// A request without an Origin header is not from a browser and is allowed in every mode.

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes('*')) return true;
  if (allowed.length > 0) return allowed.includes(origin);
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // includes the opaque "null" origin of sandboxed frames and file: pages
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (host !== undefined && url.host.toLowerCase() === host.toLowerCase()) return true;
  return LOOPBACK.has(url.hostname);
}
