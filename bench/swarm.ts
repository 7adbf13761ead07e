// `npm run bench:swarm`: a file to everyone in a 4-person call across the network lab (test/lab), every home's
// uplink capped the same, through the app's UI. Per round, in the same call: the time for the file to reach one
// receiver alone (Ana → Ben), then all three (Ana → Everyone: the receivers swarm), from the last Accept to the
// last "Done, checksum verified". Without swarming the sender's uplink carries three copies: a ratio near 3.
// Summary: `swarm_ratio=<all three / one, median>`; goal ≤ 1.4.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor, type AppServer } from '../test/e2e/harness.ts';
import { randomFile, row, send, until } from '../test/e2e/files-ui.ts';
import { openPanel } from '../test/e2e/room.ts';
import { joinFrom, leaveLab, startLabServer, tileNames, type LabPerson } from '../test/lab/call-lab.ts';
import { Lab, labSupport } from '../test/lab/network.ts';
import { markdownTable, median, scenarioResult, type ScenarioResult } from './lib/stats.ts';

const MiB = 1024 * 1024;
const ROUNDS = Number(process.env.BENCH_SWARM_ROUNDS ?? 3);
const SIZE_MIB = Number(process.env.BENCH_SWARM_MIB ?? 32);
const UPLINK_KBIT = Number(process.env.BENCH_SWARM_KBIT ?? 8000);
const log = (line: string): void => console.error(`[swarm] ${line}`);

async function deliver(dir: string, people: LabPerson[], to: 'Ben' | 'Everyone', name: string): Promise<number> {
  const [ana, ...rest] = people as [LabPerson, ...LabPerson[]];
  const receivers = to === 'Ben' ? rest.slice(0, 1) : rest;
  const file = await randomFile(dir, name, SIZE_MIB * MiB);
  await send(ana, file.path, to);
  for (const p of receivers) await row(p.page, name, 'Ana', 'from').getByRole('button', { name: 'Accept' }).click();
  const started = Date.now();
  for (const p of receivers) await until(row(p.page, name, 'Ana', 'from'), 'Done, checksum verified', 600_000, [ana.page, p.page]);
  return Date.now() - started;
}

export async function run(): Promise<ScenarioResult> {
  const unsupported = labSupport();
  if (unsupported) throw new Error(`bench swarm needs the network lab: ${unsupported}`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-swarm-'));
  const lab = await Lab.create(['a', 'b', 'c', 'd'].map((name) => ({ name })));
  let server: AppServer | null = null;
  const people: LabPerson[] = [];
  const load = [(await import('node:os')).loadavg()[0] ?? 0];
  try {
    server = await startLabServer(lab);
    const names = ['Ana', 'Ben', 'Cleo', 'Dev'];
    for (const [i, name] of names.entries()) {
      const url = i === 0 ? null : (people[0]?.page.url() ?? null);
      // Cameras off (four browsers encoding video would take the CPU the transfer needs); microphones on.
      people.push(await joinFrom(lab.home('abcd'[i] ?? 'a'), server, name, { url, cameraOff: true }));
    }
    for (const p of people) {
      await waitFor(async () => (await tileNames(p)).length === 3, 60_000, `${p.name} to see everyone`);
      await openPanel(p.page, 'Files');
    }
    for (const home of 'abcd') await lab.home(home).setUplink(UPLINK_KBIT);
    const one: number[] = [];
    const all: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      one.push(await deliver(dir, people, 'Ben', `one-${r}.bin`));
      all.push(await deliver(dir, people, 'Everyone', `all-${r}.bin`));
      log(`round ${r + 1}: one receiver ${one.at(-1)} ms, all three ${all.at(-1)} ms`);
    }
    load.push((await import('node:os')).loadavg()[0] ?? 0);
    const ratio = median(all) / median(one);
    const ideal = ((SIZE_MIB * MiB * 8) / (UPLINK_KBIT * 1000)) * 1000;
    const table = [
      `# Swarm: ${SIZE_MIB} MiB to everyone in a 4-person call, every uplink ${UPLINK_KBIT / 1000} Mbit/s`,
      '',
      markdownTable(
        ['to', 'median ms', 'vs one receiver', 'every run (ms)'],
        [
          ['one receiver (Ben)', median(one).toFixed(0), '1.00', one.join(', ')],
          ['all three (swarm)', median(all).toFixed(0), ratio.toFixed(2), all.join(', ')],
        ],
      ),
      '',
      `- ${ROUNDS} rounds, interleaved in one call; four homes behind NAT (test/lab), one Chromium each, cameras off, microphones on.`,
      `- One copy at the capped rate takes at least ${ideal.toFixed(0)} ms; three copies from the sender alone at least ${(3 * ideal).toFixed(0)} ms.`,
      `- Timed from the last Accept to the last "Done, checksum verified" (every receiver checks each piece and the whole file).`,
      `- Load average ${load.map((l) => l.toFixed(1)).join(' → ')} on ${(await import('node:os')).cpus().length} cores (the machine is shared).`,
    ].join('\n');
    return scenarioResult([table], `swarm_ratio=${ratio.toFixed(2)}`);
  } finally {
    await leaveLab(people);
    await server?.stop();
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
