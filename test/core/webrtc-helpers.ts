// What the in-browser WebRTC tests share: a bounded wait, a synthetic camera, and a frame counter.

/** Polls `cond` every 50 ms; throws after `ms` so a broken connection fails the test instead of hanging it. */
export async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A 160x120 canvas whose colour changes every frame, so the encoder always has something to send. */
export function canvasTrack(hue = 0): MediaStreamTrack {
  const c = document.createElement('canvas');
  c.width = 160;
  c.height = 120;
  const ctx = c.getContext('2d')!;
  let n = 0;
  const draw = () => {
    ctx.fillStyle = `hsl(${(hue + n++) % 360} 80% 50%)`;
    ctx.fillRect(0, 0, 160, 120);
  };
  draw();
  const timer = setInterval(draw, 50);
  const track = c.captureStream(20).getVideoTracks()[0]!;
  track.addEventListener('ended', () => clearInterval(timer));
  return track;
}

/**
 * Plays `stream` until `frames` frames were presented; returns how many were. Counted with
 * requestVideoFrameCallback: Firefox reports no playback quality for MediaStreams.
 */
export async function framesDecoded(stream: MediaStream, frames = 4): Promise<number> {
  const v = document.createElement('video');
  v.muted = true;
  v.srcObject = stream;
  document.body.append(v);
  await v.play().catch(() => undefined);
  let n = 0;
  const count = () =>
    v.requestVideoFrameCallback(() => {
      n++;
      count();
    });
  count();
  try {
    await until(() => n >= frames);
  } finally {
    v.remove();
  }
  return n;
}
