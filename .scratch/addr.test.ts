import { after, before, it } from 'node:test';
import { sleep } from '../test/e2e/harness.ts';
import { framesOf, joinFrom, leaveLab, startLabServer, timeUntilAllSeeAll, type LabPerson } from '../test/lab/call-lab.ts';
import { Lab } from '../test/lab/network.ts';

const dump = (p: LabPerson) =>
  p.page.evaluate(async () => {
    const out: string[] = [];
    for (const pc of (window as any).__pcs as RTCPeerConnection[]) {
      if (pc.connectionState === 'closed') continue;
      const st = [...(await pc.getStats()).values()] as any[];
      const by = new Map(st.map((s) => [s.id, s]));
      const tr = st.find((s) => s.type === 'transport');
      out.push(`pc ${pc.connectionState}/${pc.iceConnectionState} sel=${tr?.selectedCandidatePairId}`);
      for (const s of st.filter((s) => s.type === 'candidate-pair')) {
        const l = by.get(s.localCandidateId),
          r = by.get(s.remoteCandidateId);
        out.push(
          `  ${s.state} nom=${s.nominated} ${l?.candidateType}:${l?.address}:${l?.port} -> ${r?.candidateType}:${r?.address}:${r?.port} sent=${s.bytesSent} recv=${s.bytesReceived} req=${s.requestsSent}/${s.responsesReceived}`,
        );
      }
      for (const s of st.filter((s) => s.type === 'inbound-rtp'))
        out.push(
          `  in ${s.kind} bytes=${s.bytesReceived} fr=${s.framesReceived} dec=${s.framesDecoded} key=${s.keyFramesDecoded} pli=${s.pliCount} fir=${s.firCount} nack=${s.nackCount} lost=${s.packetsLost} ssrc=${s.ssrc} fps=${s.framesPerSecond} w=${s.frameWidth} drop=${s.framesDropped} freeze=${s.freezeCount} dec=${s.decoderImplementation} codec=${s.codecId}`,
        );
      for (const s of st.filter((s) => s.type === 'outbound-rtp'))
        out.push(
          `  out ${s.kind} bytes=${s.bytesSent} enc=${s.framesEncoded} key=${s.keyFramesEncoded} pli=${s.pliCount} lim=${s.qualityLimitationReason} active=${s.active} ssrc=${s.ssrc} res=${s.frameWidth}x${s.frameHeight}`,
        );
    }
    return out.join('\n');
  });

let lab: Lab;
let server: any;
const people: LabPerson[] = [];
before(async () => {
  lab = await Lab.create([{ name: 'a' }, { name: 'b' }]);
  server = await startLabServer(lab, { RESUME_GRACE_SECONDS: '10', HEARTBEAT_SECONDS: '3' });
  people.push(await joinFrom(lab.home('a'), server, 'Alice'));
  people.push(await joinFrom(lab.home('b'), server, 'Bob', { url: people[0]!.page.url() }));
});
after(async () => {
  await leaveLab(people);
  await server?.stop();
  await lab?.close();
});
it('addr', async () => {
  await timeUntilAllSeeAll(people, 30_000);
  console.log('BEFORE\n' + (await dump(people[0]!)) + '\n' + (await dump(people[1]!)));
  for (const p of people)
    await p.page
      .getByRole('group', { name: p.name === 'Alice' ? 'Bob' : 'Alice', exact: true })
      .locator('video')
      .first()
      .evaluate((v: any) => {
        v.__tag = 'orig';
        (window as any).__ev = [];
        v.__rvfc = 0;
        const tick = () => {
          v.__rvfc++;
          v.requestVideoFrameCallback(tick);
        };
        v.requestVideoFrameCallback(tick);
        for (const e of ['emptied', 'loadstart', 'pause', 'play', 'playing', 'waiting', 'stalled', 'suspend', 'abort', 'error'])
          v.addEventListener(e, () => (window as any).__ev.push(e + '@' + Math.round(performance.now())));
        const s = v.srcObject as MediaStream;
        for (const t of s.getTracks())
          for (const e of ['mute', 'unmute', 'ended'])
            t.addEventListener(e, () => (window as any).__ev.push(t.kind + e + '@' + Math.round(performance.now())));
        s.addEventListener('removetrack', () => (window as any).__ev.push('removetrack'));
        s.addEventListener('addtrack', () => (window as any).__ev.push('addtrack'));
      });
  for (const p of people)
    await p.page.evaluate(() => {
      const d = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject')!;
      const seen = new Map<string, number>();
      (window as any).__stacks = seen;
      Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
        get: d.get,
        set(v) {
          const k = (v === this.srcObject ? 'SAME ' : 'DIFF ') + (new Error().stack ?? '').split('\n').slice(2, 6).join(' | ');
          seen.set(k, (seen.get(k) ?? 0) + 1);
          d.set!.call(this, v);
        },
        configurable: true,
      });
    });
  await lab.home('b').changeAddress();
  const t0 = Date.now();
  try {
    console.log('recovered in', await timeUntilAllSeeAll(people, 30_000));
  } catch (e) {
    console.log('FAILED', String(e), Date.now() - t0);
  }
  for (const p of people)
    console.log(
      p.name,
      'video',
      await p.page
        .getByRole('group', { name: p.name === 'Alice' ? 'Bob' : 'Alice', exact: true })
        .locator('video')
        .first()
        .evaluate((v: HTMLVideoElement) => {
          const s = v.srcObject as MediaStream | null;
          return JSON.stringify({
            rvfc: (v as any).__rvfc,
            tag: (v as any).__tag,
            ev: (window as any).__ev,
            now: Math.round(performance.now()),
            paused: v.paused,
            rs: v.readyState,
            t: v.currentTime,
            q: v.getVideoPlaybackQuality().totalVideoFrames,
            w: v.videoWidth,
            conn: v.isConnected,
            tracks: s?.getTracks().map((t) => [t.kind, t.readyState, t.muted, t.enabled]),
          });
        })
        .catch(String),
    );
  for (const p of people) console.log(p.name, 'stacks', await p.page.evaluate(() => JSON.stringify([...(window as any).__stacks])));
  for (const p of people) console.log(p.name, 'text', await p.page.locator('body').innerText().catch(String));
  for (const p of people) console.log(p.name, 'frames', await framesOf(p, p.name === 'Alice' ? 'Bob' : 'Alice').catch(String));
  for (let i = 0; i < 1; i++) {
    await sleep(5000);
    console.log(`T+${(i + 1) * 5}s\nALICE\n` + (await dump(people[0]!)) + '\nBOB\n' + (await dump(people[1]!)));
  }
});
