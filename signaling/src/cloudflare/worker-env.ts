// The Worker's settings: the same names and meanings as the Node server's environment variables (config.ts),
// set as `[vars]` (or secrets, for TURN_SECRET) in wrangler.toml. Invalid values throw, naming the variable.

import { loadConfig } from '../core/config.ts';
import type { RoomObjectOptions } from './room-object.ts';
import type { UserObjectOptions } from './user-object.ts';
import { iceServersFor } from '../core/turn.ts';

export interface WorkerVars {
  ROOM_CAP?: string;
  RESUME_GRACE_SECONDS?: string;
  RATE_LIMIT_PER_SECOND?: string;
  RATE_LIMIT_BURST?: string;
  ALLOWED_ORIGINS?: string;
  ICE_SERVERS?: string;
  TURN_SECRET?: string;
  TURN_URLS?: string;
  TURN_TTL?: string;
}

function config(vars: WorkerVars): ReturnType<typeof loadConfig> {
  // Bindings such as the Durable Object namespace are not strings; only the string settings are read.
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) if (typeof v === 'string') env[k] = v;
  return loadConfig(env, '/');
}

/**
 * A Worker cannot answer STUN (no UDP), as the Node server does by default: unless ICE_SERVERS says otherwise,
 * browsers are sent Cloudflare's public STUN server, so people behind ordinary home NATs still connect.
 */
export const WORKER_DEFAULT_ICE_SERVERS = [{ urls: ['stun:stun.cloudflare.com:3478'] }];

export function roomSettings(vars: WorkerVars): Omit<RoomObjectOptions, 'randomId'> {
  const c = config(vars);
  const base = vars.ICE_SERVERS?.trim() ? c.iceServers : WORKER_DEFAULT_ICE_SERVERS;
  return { cap: c.roomCap, graceMs: c.graceMs, rateLimit: c.rateLimit, iceServers: iceServersFor(base, c.turn) };
}

export function userSettings(vars: WorkerVars): Omit<UserObjectOptions, 'randomId'> {
  return { rateLimit: config(vars).rateLimit };
}

export function allowedOrigins(vars: WorkerVars): string[] {
  return config(vars).allowedOrigins;
}
