// `npm run bench [scenario|all]`: runs benchmark scenarios, prints each report and writes it to
// bench/results/<scenario>.md, then prints every summary line last. Registering a scenario is one line.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { ScenarioResult } from './lib/stats.ts';

const scenarios: Record<string, () => Promise<{ run(): Promise<ScenarioResult> }>> = {
  setup: () => import('./setup.ts'),
  mesh: () => import('./mesh.ts'),
  signaling: () => import('./signaling.ts'),
  transfer: () => import('./transfer.ts'),
  network: () => import('./network.ts'),
  ring: () => import('./ring.ts'),
  swarm: () => import('./swarm.ts'),
};

const CEILING_MIN = 20;

async function main(): Promise<void> {
  const arg = process.argv[2] ?? 'all';
  const names = arg === 'all' ? Object.keys(scenarios) : [arg];
  const unknown = names.filter((n) => !(n in scenarios));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}`);
  const resultsDir = new URL('./results/', import.meta.url);
  mkdirSync(resultsDir, { recursive: true });
  const summaries: string[] = [];
  for (const name of names) {
    const load = scenarios[name];
    if (!load) continue;
    // A hard ceiling per scenario, so a wedged browser can never hang CI while `all` may take longer than
    // any one ceiling (five scenarios: about 35 min here); teardown happens in each scenario's finally.
    const ceiling = setTimeout(() => {
      console.error(`bench: ${name} gave up after ${CEILING_MIN} minutes`);
      process.exit(2);
    }, CEILING_MIN * 60_000);
    const { table, summary } = await (await load()).run();
    clearTimeout(ceiling);
    writeFileSync(new URL(`${name}.md`, resultsDir), table);
    console.log(table);
    summaries.push(summary);
  }
  console.log(summaries.join('\n'));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
