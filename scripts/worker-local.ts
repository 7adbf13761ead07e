// Runs the signaling Worker and its Durable Object locally under Miniflare (workerd), offline: for the shared
// protocol tests, the e2e test, the benchmark, and by hand:
//   node --import tsx scripts/worker-local.ts        (PORT, HOST and the Worker settings from the environment)
// The Worker is bundled with esbuild the way wrangler would; storage is in memory; Miniflare sends no telemetry.

import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import type { WorkerVars } from '../signaling/src/cloudflare/worker-env.ts';

export interface LocalWorker {
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  close(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('../signaling/src/cloudflare/worker.ts', import.meta.url));
/** Must match wrangler.toml, so local runs behave like the deployment. */
export const COMPATIBILITY_DATE = '2026-04-01';

/** Bundles the Worker into one ES module (the same input wrangler bundles). */
export async function bundleWorker(): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external: ['node:*'],
    write: false,
    logLevel: 'silent',
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error('esbuild produced no output');
  return out.text;
}

export async function startLocalWorker(vars: WorkerVars = {}, opts: { port?: number; host?: string } = {}): Promise<LocalWorker> {
  const script = await bundleWorker();
  const bindings: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) if (typeof v === 'string') bindings[k] = v;
  const mf = new Miniflare({
    modules: [{ type: 'ESModule', path: ENTRY.replace(/\.ts$/, '.js'), contents: script }],
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: ['nodejs_compat'],
    durableObjects: { ROOMS: 'SignalingRoom', USERS: 'SignalingUser' },
    bindings,
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 0,
    log: undefined,
  });
  const url = await mf.ready;
  return {
    origin: url.origin,
    port: Number(url.port),
    async close() {
      await mf.dispose();
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { PORT, HOST, ...rest } = process.env;
  const worker = await startLocalWorker(rest as WorkerVars, { port: Number(PORT ?? 8787), host: HOST ?? '127.0.0.1' });
  console.log(`Listening on ${worker.origin} (Cloudflare Worker under Miniflare: local emulation)`);
  const stop = (): void => void worker.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
