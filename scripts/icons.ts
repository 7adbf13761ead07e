// Writes the app icons into public/ (`node --import tsx scripts/icons.ts`). No image tools are needed: a PNG
// is a few zlib-compressed rows with CRC-checked chunks, and the icon is simple geometry (a camera on a disc).
// The output is committed; run this again only to change the design.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

type Rgba = [number, number, number, number];

const ACCENT: Rgba = [0x1f, 0x5f, 0xd1, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png(size: number, pixel: (x: number, y: number) => Rgba): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 4 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x++) raw.set(pixel(x + 0.5, y + 0.5), row + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** A video-camera glyph in unit coordinates (0..1), centred; `scale` shrinks it into the maskable safe zone. */
function camera(u: number, v: number, scale: number): boolean {
  const x = (u - 0.5) / scale + 0.5;
  const y = (v - 0.5) / scale + 0.5;
  const body = x > 0.22 && x < 0.62 && y > 0.34 && y < 0.66;
  // The lens housing: a triangle widening to the right.
  const t = (x - 0.62) / 0.18;
  const lens = t >= 0 && t <= 1 && Math.abs(y - 0.5) < 0.06 + 0.1 * t;
  return body || lens;
}

function icon(size: number, maskable: boolean): Buffer {
  return png(size, (px, py) => {
    const u = px / size;
    const v = py / size;
    const inDisc = Math.hypot(u - 0.5, v - 0.5) <= 0.5;
    // A maskable icon must fill the whole square; the platform cuts its own shape out of it.
    if (!maskable && !inDisc) return CLEAR;
    return camera(u, v, maskable ? 0.75 : 1) ? WHITE : ACCENT;
  });
}

const out = (name: string) => fileURLToPath(new URL(`../public/${name}`, import.meta.url));
writeFileSync(out('icon-192.png'), icon(192, false));
writeFileSync(out('icon-512.png'), icon(512, false));
writeFileSync(out('icon-maskable-512.png'), icon(512, true));
writeFileSync(out('apple-touch-icon.png'), icon(180, true));
console.log('Wrote public/icon-192.png, icon-512.png, icon-maskable-512.png, apple-touch-icon.png');
