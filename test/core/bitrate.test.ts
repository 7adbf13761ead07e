import { expect } from '@open-wc/testing';
import { DEFAULT_AUDIO_BPS, VIDEO_FLOOR_BPS, resolutionScale, senderBudget, shouldPauseVideo } from '../../src/core/bitrate';
import { qualityOf } from '../../src/core/stats';

describe('senderBudget', () => {
  it('divides the uplink by the number of remote peers, audio first', () => {
    for (const peers of [1, 2, 3, 4, 5]) {
      const b = senderBudget(peers, false, { uplinkBps: 2_000_000, maxVideoBps: 10_000_000 });
      expect(b.camera.maxBitrate).to.equal(Math.floor(2_000_000 / peers) - DEFAULT_AUDIO_BPS);
      expect(b.totalBps).to.be.at.most(2_000_000);
      expect(b.screen).to.equal(null);
    }
  });

  it('caps one copy and never goes negative', () => {
    expect(senderBudget(1, false, { uplinkBps: 50_000_000 }).camera.maxBitrate).to.equal(1_500_000);
    expect(senderBudget(5, false, { uplinkBps: 100_000 }).camera.maxBitrate).to.equal(0);
  });

  it('gives the screen most of a peer share and keeps the total within the uplink', () => {
    const b = senderBudget(3, true, { uplinkBps: 3_000_000 });
    expect(b.screen).to.not.equal(null);
    expect(b.screen!.maxBitrate).to.be.greaterThan(b.camera.maxBitrate);
    expect(b.screen!.scaleResolutionDownBy).to.equal(1);
    expect(b.totalBps).to.be.at.most(3_000_000);
  });

  it('scales resolution down as the room grows and as bits get scarce', () => {
    const scales = [1, 2, 3, 5].map((n) => senderBudget(n, false, { uplinkBps: 100_000_000 }).camera.scaleResolutionDownBy);
    for (let i = 1; i < scales.length; i++) expect(scales[i]).to.be.greaterThan(scales[i - 1]!);
    expect(resolutionScale(1, 200_000)).to.equal(4);
    expect(resolutionScale(1, 2_000_000)).to.equal(1);
  });
});

describe('shouldPauseVideo', () => {
  it('pauses below the floor and resumes only well above it', () => {
    expect(shouldPauseVideo(false, VIDEO_FLOOR_BPS - 1)).to.equal(true);
    expect(shouldPauseVideo(false, VIDEO_FLOOR_BPS + 1)).to.equal(false);
    expect(shouldPauseVideo(true, VIDEO_FLOOR_BPS + 1)).to.equal(true);
    expect(shouldPauseVideo(true, VIDEO_FLOOR_BPS * 3)).to.equal(false);
  });

  it('keeps its state when the browser gives no estimate (Firefox)', () => {
    expect(shouldPauseVideo(true, null)).to.equal(true);
    expect(shouldPauseVideo(false, null)).to.equal(false);
  });
});

describe('qualityOf', () => {
  it('rates round-trip time and loss', () => {
    expect(qualityOf(40, 0)).to.equal('good');
    expect(qualityOf(null, null)).to.equal('good');
    expect(qualityOf(400, 0)).to.equal('fair');
    expect(qualityOf(40, 0.05)).to.equal('fair');
    expect(qualityOf(800, 0)).to.equal('poor');
    expect(qualityOf(40, 0.2)).to.equal('poor');
  });
});
