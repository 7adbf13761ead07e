// The transfer meter (transfer-progress.ts): smoothed speed and time left from the receiver's acks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Meter } from '../../src/core/files/transfer-progress';

test('reports speed and time left once a quarter second has passed', () => {
  const m = new Meter();
  assert.deepEqual(m.sample(0, 1000, 1000), { speed: 0, eta: null });
  const r = m.sample(500, 1000, 1500);
  assert.equal(r.speed, 1000);
  assert.equal(r.eta, 0.5);
});

test('keeps the last speed between samples closer than a quarter second', () => {
  const m = new Meter();
  m.sample(0, 10_000, 1000);
  m.sample(1000, 10_000, 2000);
  assert.deepEqual(m.sample(1100, 10_000, 2100), { speed: 1000, eta: (10_000 - 1100) / 1000 });
});

test('smooths a sudden change instead of jumping to it', () => {
  const m = new Meter();
  m.sample(0, 1e9, 1000);
  m.sample(1000, 1e9, 2000);
  assert.equal(m.sample(11_000, 1e9, 3000).speed, 1000 * 0.7 + 10_000 * 0.3);
});

test('starts over when the count goes back (a resume from an earlier offset)', () => {
  const m = new Meter();
  m.sample(0, 1000, 1000);
  m.sample(800, 1000, 2000);
  assert.equal(m.sample(400, 1000, 2500).eta, null);
});
