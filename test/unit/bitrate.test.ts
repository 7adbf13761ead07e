// The uplink budget (bitrate.ts) and the link quality rating: pure numbers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_AUDIO_BPS, VIDEO_FLOOR_BPS, resolutionScale, senderBudget, shouldPauseVideo } from '../../src/core/quality/bitrate';
import { qualityOf } from '../../src/core/quality/stats';

describe('senderBudget', () => {
  test('divides the uplink by the number of remote peers, audio first', () => {
    for (const peers of [1, 2, 3, 4, 5]) {
      const b = senderBudget(peers, false, { uplinkBps: 2_000_000, maxVideoBps: 10_000_000 });
      assert.equal(b.camera.maxBitrate, Math.floor(2_000_000 / peers) - DEFAULT_AUDIO_BPS);
      assert.ok(b.totalBps <= 2_000_000, `${peers} peers: ${b.totalBps}`);
      assert.equal(b.screen, null);
    }
  });

  test('caps one copy and never goes negative', () => {
    assert.equal(senderBudget(1, false, { uplinkBps: 50_000_000 }).camera.maxBitrate, 1_500_000);
    assert.equal(senderBudget(5, false, { uplinkBps: 100_000 }).camera.maxBitrate, 0);
  });

  test('counts a room of zero or a fraction of a peer as one', () => {
    assert.deepEqual(senderBudget(0, false, { uplinkBps: 1_000_000 }), senderBudget(1, false, { uplinkBps: 1_000_000 }));
    assert.deepEqual(senderBudget(2.7, false, { uplinkBps: 1_000_000 }), senderBudget(2, false, { uplinkBps: 1_000_000 }));
  });

  test('gives the screen most of a peer share and keeps the total within the uplink', () => {
    const b = senderBudget(3, true, { uplinkBps: 3_000_000 });
    assert.ok(b.screen);
    assert.ok(b.screen.maxBitrate > b.camera.maxBitrate);
    assert.equal(b.screen.scaleResolutionDownBy, 1);
    assert.ok(b.totalBps <= 3_000_000);
  });

  test('keeps the screen share between 10 % and 90 % whatever is asked', () => {
    const share = (screenShare: number) => {
      const b = senderBudget(1, true, { uplinkBps: 1_048_000, screenShare });
      const screen = b.screen?.maxBitrate ?? 0;
      return screen / (screen + b.camera.maxBitrate);
    };
    assert.equal(share(1), 0.9);
    assert.equal(share(0), 0.1);
    assert.equal(share(0.5), 0.5);
  });

  test('scales resolution down as the room grows and as bits get scarce', () => {
    const scales = [1, 2, 3, 5].map((n) => senderBudget(n, false, { uplinkBps: 100_000_000 }).camera.scaleResolutionDownBy);
    for (let i = 1; i < scales.length; i++) assert.ok(scales[i]! > scales[i - 1]!, `${scales}`);
    assert.equal(resolutionScale(1, 200_000), 4);
    assert.equal(resolutionScale(1, 2_000_000), 1);
  });
});

describe('shouldPauseVideo', () => {
  test('pauses below the floor and resumes only well above it', () => {
    assert.equal(shouldPauseVideo(false, VIDEO_FLOOR_BPS - 1), true);
    assert.equal(shouldPauseVideo(false, VIDEO_FLOOR_BPS + 1), false);
    assert.equal(shouldPauseVideo(true, VIDEO_FLOOR_BPS + 1), true);
    assert.equal(shouldPauseVideo(true, VIDEO_FLOOR_BPS * 3), false);
  });

  test('keeps its state when the browser gives no estimate (Firefox) or a nonsense one', () => {
    assert.equal(shouldPauseVideo(true, null), true);
    assert.equal(shouldPauseVideo(false, null), false);
    assert.equal(shouldPauseVideo(false, Number.NaN), false);
    assert.equal(shouldPauseVideo(true, Number.POSITIVE_INFINITY), true);
  });
});

describe('qualityOf', () => {
  test('rates round-trip time and loss', () => {
    assert.equal(qualityOf(40, 0), 'good');
    assert.equal(qualityOf(null, null), 'good');
    assert.equal(qualityOf(400, 0), 'fair');
    assert.equal(qualityOf(40, 0.05), 'fair');
    assert.equal(qualityOf(800, 0), 'poor');
    assert.equal(qualityOf(40, 0.2), 'poor');
  });
});
