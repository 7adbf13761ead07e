// Bundles the baseline pages and the probe with esbuild, in memory. simple-peer is taken as its prebuilt
// browser bundle (simplepeer.min.js), which already carries the buffer/events/process shims it needs.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const pagesDir = fileURLToPath(new URL('../pages/', import.meta.url));
export const BASELINE_PAGES = ['raw', 'simple-peer', 'peerjs', 'raw-mesh'] as const;
export type BaselinePage = (typeof BASELINE_PAGES)[number];

export interface Bundles {
  /** The probe as a classic script, for addInitScript. */
  probe: string;
  pages: Map<BaselinePage, string>;
}

async function bundle(entry: string, format: 'esm' | 'iife'): Promise<string> {
  const out = await build({
    entryPoints: [pagesDir + entry],
    bundle: true,
    write: false,
    format,
    platform: 'browser',
    target: 'chrome120',
    alias: { 'simple-peer': fileURLToPath(import.meta.resolve('simple-peer/simplepeer.min.js')) },
    logLevel: 'error',
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error(`esbuild produced nothing for ${entry}`);
  return file.text;
}

export async function bundlePages(): Promise<Bundles> {
  const pages = new Map<BaselinePage, string>();
  for (const name of BASELINE_PAGES) pages.set(name, await bundle(`${name}.ts`, 'esm'));
  return { probe: await bundle('probe.ts', 'iife'), pages };
}

export function pageHtml(name: BaselinePage): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>bench ${name}</title>
<button>Join</button><div id="tiles"></div><script type="module" src="/${name}.js"></script></html>`;
}
