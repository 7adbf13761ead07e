import { expect } from '@open-wc/testing';
import { initialState, type CallState, type Participant } from '../../src/core/call-store';
import { bestGrid, modeOf, nearestCorner, tilesOf } from '../../src/ui/layout';

const peer = (key: string, patch: Partial<Participant> = {}): Participant => ({
  key,
  name: key,
  stream: null,
  mic: true,
  camera: true,
  connection: 'connected',
  ...patch,
});
const call = (patch: Partial<CallState>): CallState => ({ ...initialState, phase: 'in-call', ...patch });

describe('call layout rules', () => {
  it('is solo alone, picture-in-picture with one other, a grid from three on', () => {
    expect(modeOf(tilesOf(call({})))).to.deep.equal({ mode: 'solo', main: 'self' });
    expect(modeOf(tilesOf(call({ participants: [peer('b')] })))).to.deep.equal({ mode: 'pip', main: 'b' });
    expect(modeOf(tilesOf(call({ participants: [peer('b'), peer('c')] }))).mode).to.equal('grid');
  });

  it("puts someone else's screen on stage before our own", () => {
    const screen = new MediaStream();
    expect(modeOf(tilesOf(call({ localScreen: screen, participants: [peer('b')] })))).to.deep.equal({ mode: 'stage', main: 'self:screen' });
    expect(modeOf(tilesOf(call({ localScreen: screen, participants: [peer('b', { screen })] })))).to.deep.equal({
      mode: 'stage',
      main: 'b:screen',
    });
  });

  it('keeps tiles in one order, so a change of layout never rebuilds one', () => {
    const keys = tilesOf(call({ participants: [peer('b', { screen: new MediaStream() }), peer('c')] })).map((x) => x.key);
    expect(keys).to.deep.equal(['self', 'b', 'b:screen', 'c']);
  });

  it("picks the grid that makes tiles largest for the screen's shape", () => {
    expect(bestGrid(4, 1264, 712)).to.deep.equal({ cols: 2, rows: 2 });
    expect(bestGrid(4, 374, 756)).to.deep.equal({ cols: 1, rows: 4 });
    expect(bestGrid(3, 1264, 400)).to.deep.equal({ cols: 3, rows: 1 });
    expect(bestGrid(6, 828, 300)).to.deep.equal({ cols: 3, rows: 2 });
    // Whatever the count, every tile fits: rows x cols hold them all.
    for (let n = 1; n <= 7; n++) {
      const { cols, rows } = bestGrid(n, 390, 700);
      expect(cols * rows).to.be.at.least(n);
    }
  });

  it('snaps a dragged picture to the nearest corner', () => {
    expect(nearestCorner(10, 10, 400, 800)).to.equal('top-left');
    expect(nearestCorner(390, 790, 400, 800)).to.equal('bottom-right');
    expect(nearestCorner(300, 100, 400, 800)).to.equal('top-right');
  });
});
