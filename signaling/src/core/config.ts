// Reads the server's settings from environment variables (documented in docs/deploy.md, "Node server").
// Invalid values stop the start with a message naming the variable, rather than running with a surprise.

import { resolve } from 'node:path';
import type { IceServer } from '../protocol.ts';
import type { RateLimit } from './rate-limit.ts';
import type { TurnConfig } from './turn.ts';

export interface Config {
  port: number;
  host: string;
  distDir: string;
  roomCap: number;
  graceMs: number;
  heartbeatMs: number;
  rateLimit: RateLimit;
  /** Empty: browsers from the server's own host or from loopback only; ['*']: any origin. */
  allowedOrigins: string[];
  iceServers: IceServer[];
  turn: TurnConfig | null;
  /**
   * The built-in STUN server's UDP port: 'http' for the same number as the HTTP port, null for none. On by
   * default, so browsers behind ordinary home NATs connect with no settings; ICE_SERVERS replaces it unless
   * STUN_PORT is also set.
   */
  stunPort: number | 'http' | null;
  /** Where the Node server keeps what must outlive it (users' records, the VAPID keys). */
  dataDir: string;
  /** The contact the VAPID claims name (`mailto:` or `https:`); push services may use it to reach the operator. */
  vapidSubject: string;
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env, cwd: string = process.cwd()): Config {
  const turnSecret = env.TURN_SECRET?.trim() ?? '';
  const turnUrls = list(env.TURN_URLS);
  if ((turnSecret === '') !== (turnUrls.length === 0)) {
    throw new Error('TURN_SECRET and TURN_URLS must be set together');
  }
  const badTurnUrl = turnUrls.find((u) => !/^turns?:/.test(u));
  if (badTurnUrl) throw new Error(`TURN_URLS must be turn: or turns: URLs, got "${badTurnUrl}"`);
  return {
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    distDir: resolve(cwd, env.DIST_DIR?.trim() || 'dist'),
    roomCap: int(env, 'ROOM_CAP', 6, 2, 50),
    graceMs: num(env, 'RESUME_GRACE_SECONDS', 20, 0, 3600) * 1000,
    heartbeatMs: num(env, 'HEARTBEAT_SECONDS', 15, 0.05, 3600) * 1000,
    rateLimit: {
      perSecond: num(env, 'RATE_LIMIT_PER_SECOND', 50, 1, 1e6),
      burst: int(env, 'RATE_LIMIT_BURST', 100, 1, 1e6),
    },
    allowedOrigins: list(env.ALLOWED_ORIGINS).map((o) => (o === '*' ? o : o.replace(/\/+$/, ''))),
    iceServers: parseIceServers(env.ICE_SERVERS),
    turn: turnSecret ? { secret: turnSecret, urls: turnUrls, ttlSeconds: int(env, 'TURN_TTL', 3600, 60, 7 * 86400) } : null,
    stunPort: stunPort(env),
    dataDir: resolve(cwd, env.DATA_DIR?.trim() || 'data'),
    vapidSubject: vapidSubject(env.VAPID_SUBJECT),
  };
}

function stunPort(env: Env): number | 'http' | null {
  const raw = env.STUN_PORT?.trim().toLowerCase();
  if (raw === 'off') return null;
  if (!raw) return env.ICE_SERVERS?.trim() ? null : 'http';
  return int(env, 'STUN_PORT', 0, 1, 65535);
}

function vapidSubject(raw: string | undefined): string {
  const v = raw?.trim() || 'mailto:admin@localhost';
  if (!/^(mailto:|https:\/\/)\S+$/.test(v)) throw new Error(`VAPID_SUBJECT must be a mailto: or https:// URL, got "${v}"`);
  return v;
}

function list(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function num(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
  return n;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const n = num(env, name, fallback, min, max);
  if (!Number.isInteger(n)) throw new Error(`${name} must be a whole number, got "${env[name]}"`);
  return n;
}

/** Accepts the RTCIceServer shape, where `urls` may be one string, and normalises it to the wire shape. */
export function parseIceServers(raw: string | undefined): IceServer[] {
  if (!raw?.trim()) return [];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error('ICE_SERVERS must be a JSON array such as [{"urls":"stun:stun.example.org:3478"}]');
  }
  if (!Array.isArray(value)) throw new Error('ICE_SERVERS must be a JSON array');
  return value.map((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null) throw new Error(`ICE_SERVERS[${i}] must be an object`);
    const { urls, username, credential } = entry as Record<string, unknown>;
    const urlList = typeof urls === 'string' ? [urls] : urls;
    if (!Array.isArray(urlList) || urlList.length === 0 || !urlList.every((u) => typeof u === 'string' && /^(stuns?|turns?):/.test(u))) {
      throw new Error(`ICE_SERVERS[${i}].urls must be stun:/turn: URLs`);
    }
    if (username !== undefined && typeof username !== 'string') throw new Error(`ICE_SERVERS[${i}].username must be a string`);
    if (credential !== undefined && typeof credential !== 'string') throw new Error(`ICE_SERVERS[${i}].credential must be a string`);
    const server: IceServer = { urls: urlList as string[] };
    if (username !== undefined) server.username = username;
    if (credential !== undefined) server.credential = credential;
    return server;
  });
}
