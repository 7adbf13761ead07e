// Four people, one of them on a 600 kbit/s uplink (a weak mobile or rural line): everyone keeps hearing them
// (concealed audio ≤ 2%), their video degrades or pauses with the tile saying so, and it comes back when the
// uplink recovers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sleep, waitFor, type AppServer } from '../e2e/harness.ts';
import { joinFrom, leaveLab, pathTo, seesEveryone, startLabServer, tileOf, type LabPerson } from './call-lab.ts';
import { Lab, labSupport } from './network.ts';

const skip = labSupport() ?? false;
const CAP_KBIT = 600;

/** Share of `speaker`'s audio that each listener had to conceal over `ms`. */
async function concealedShare(listeners: LabPerson[], speaker: LabPerson, ms: number): Promise<number[]> {
  const before = await Promise.all(listeners.map((l) => pathTo(l, speaker.home)));
  await sleep(ms);
  const after = await Promise.all(listeners.map((l) => pathTo(l, speaker.home)));
  return listeners.map((l, i) => {
    const a = before[i];
    const b = after[i];
    assert.ok(a && b, `${l.name} has a direct connection to ${speaker.name}`);
    const samples = b.samples - a.samples;
    assert.ok(samples > 0, `${l.name} received audio from ${speaker.name}`);
    return (b.concealed - a.concealed) / samples;
  });
}

describe(`a 4-person call with one uplink capped at ${CAP_KBIT} kbit/s`, { skip, timeout: 600_000 }, () => {
  let lab: Lab;
  let server: AppServer;
  const people: LabPerson[] = [];

  before(async () => {
    lab = await Lab.create(['a', 'b', 'c', 'd'].map((name) => ({ name })));
    server = await startLabServer(lab);
    // The three listeners join with their cameras off: four browsers encoding and decoding video on this
    // 2-core machine starve audio playout by themselves (1-2% concealed with no cap at all), which would hide
    // what the capped uplink does. Dev sends video to all three over what will be the capped line.
    const names = ['Ana', 'Ben', 'Cleo', 'Dev'];
    for (const [i, name] of names.entries()) {
      const home = lab.home('abcd'[i] ?? 'a');
      people.push(await joinFrom(home, server, name, { url: i === 0 ? null : (people[0]?.page.url() ?? null), cameraOff: i < 3 }));
    }
    await Promise.all(people.slice(0, 3).map((l) => seesEveryone(l, ['Dev'], 60_000)));
  });

  after(async () => {
    await leaveLab(people);
    await server?.stop();
    await lab?.close();
  });

  it('keeps the capped person audible to everyone, degrades their video, and restores it', async () => {
    const dev = people[3];
    assert.ok(dev);
    const listeners = people.slice(0, 3);
    await dev.home.setUplink(CAP_KBIT);
    // The estimates and the budget take a while to settle (up to 5% concealed for one listener in the first
    // ~10 s was seen); what matters is the call after that.
    await sleep(14_000);
    const shares = await concealedShare(listeners, dev, 12_000);
    console.log(`concealed audio from the capped person: ${shares.map((s) => (s * 100).toFixed(2) + '%').join(', ')}`);
    for (const [i, share] of shares.entries())
      assert.ok(share <= 0.02, `${listeners[i]?.name} concealed ${(share * 100).toFixed(1)}% of Dev's audio`);
    // Dev's own uplink carries three copies: the budget follows the estimate, below the 2 Mbit/s default.
    const budget = await dev.page.evaluate(() => {
      const app = document.querySelector('call-app') as (Element & { call?: { uplink(): { budgetBps: number } | null } }) | null;
      return app?.call?.uplink()?.budgetBps ?? null;
    });
    assert.ok(budget !== null && budget < 1_000_000, `Dev's budget follows the capped uplink: ${budget}`);

    // The tiles say what happened to Dev's picture when it paused, or it kept coming at a lower rate.
    for (const l of listeners) {
      const text = await tileOf(l, 'Dev').innerText();
      if (!/Video paused/.test(text)) await seesEveryone(l, ['Dev'], 20_000);
    }

    await dev.home.setUplink(null);
    await waitFor(
      async () => {
        await Promise.all(listeners.map((l) => seesEveryone(l, ['Dev'], 20_000)));
        return true;
      },
      60_000,
      "Dev's video to flow again",
    );
  });
});
