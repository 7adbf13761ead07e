import { after, before, it } from 'node:test';
import { sleep } from '../test/e2e/harness.ts';
import { joinFrom, leaveLab, startLabServer, startLabTurn, type LabPerson } from '../test/lab/call-lab.ts';
import { Lab } from '../test/lab/network.ts';

let lab: Lab;
let turn: any;
let server: any;
const people: LabPerson[] = [];
const policy = process.env.POLICY ?? 'all';
before(async () => {
  lab = await Lab.create([
    { name: 'a', nat: 'symmetric' },
    { name: 'b', nat: 'symmetric' },
  ]);
  turn = await startLabTurn(lab);
  server = await startLabServer(lab, { TURN_SECRET: turn.secret, TURN_URLS: turn.url, STUN_PORT: process.env.NOSTUN ? 'off' : '' });
  const b64 = (n: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(n))).toString('base64url');
  const url = `${server.url}/r/${b64(16)}#${b64(32)}`;
  people.push(await joinFrom(lab.home('a'), server, 'Alice', { url }));
  people.push(await joinFrom(lab.home('b'), server, 'Bob', { url }));
});
after(async () => {
  await leaveLab(people);
  await server?.stop();
  await turn?.stop();
  await lab?.close();
});
it('bare', async () => {
  const [a, b] = people as [LabPerson, LabPerson];
  const setup = (page: any, initiator: boolean) =>
    page.evaluate(
      async ([initiator, policy]: [boolean, string]) => {
        const servers = (window as any).__pcs.flatMap((pc: RTCPeerConnection) => pc.getConfiguration().iceServers ?? []);
        const pc = new RTCPeerConnection({ iceServers: servers, iceTransportPolicy: policy as RTCIceTransportPolicy });
        (window as any).__bare = pc;
        (window as any).__got = 0;
        (window as any).__log = [];
        pc.onconnectionstatechange = () => (window as any).__log.push(pc.connectionState + '@' + Math.round(performance.now()));
        const dc = pc.createDataChannel('t', { negotiated: true, id: 5 });
        dc.onmessage = () => (window as any).__got++;
        dc.onopen = () => setInterval(() => dc.readyState === 'open' && dc.send('x'), 100);
        return JSON.stringify(servers);
      },
      [initiator, policy],
    );
  console.log(await setup(a.page, true));
  await setup(b.page, false);
  const gathered = (page: any) =>
    page.evaluate(async () => {
      const pc = (window as any).__bare as RTCPeerConnection;
      await new Promise<void>((r) => {
        if (pc.iceGatheringState === 'complete') r();
        pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r();
      });
      return pc.localDescription!.sdp;
    });
  await a.page.evaluate(async () => {
    const pc = (window as any).__bare;
    await pc.setLocalDescription();
  });
  const offer = await gathered(a.page);
  const answer = await b.page.evaluate(async (sdp: string) => {
    const pc = (window as any).__bare;
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription();
    return '';
  }, offer);
  const ans = await gathered(b.page);
  await a.page.evaluate(async (sdp: string) => {
    await (window as any).__bare.setRemoteDescription({ type: 'answer', sdp });
  }, ans);
  for (let i = 0; i < 6; i++) {
    await sleep(5000);
    for (const p of people)
      console.log(p.name, await p.page.evaluate(() => JSON.stringify({ got: (window as any).__got, log: (window as any).__log })));
  }
});
