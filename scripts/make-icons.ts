// Draws the app icons (a speech bubble with "have/need" arrows) into public/icons as PNG.
// Run by hand when the design changes: `npx tsx scripts/make-icons.ts`; the PNGs are committed.
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';

const TEAL = [15, 118, 110] as const;
const WHITE = [255, 255, 255] as const;
const AMBER = [245, 158, 11] as const;

type Rgb = readonly [number, number, number];

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function png(size: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x, y);
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = r; raw[o + 1] = g; raw[o + 2] = b; raw[o + 3] = a;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; header[9] = 6; header[10] = 0; header[11] = 0; header[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ]);
}

// Signed distance to a rounded rectangle centred at (cx, cy).
function roundedRect(x: number, y: number, cx: number, cy: number, hw: number, hh: number, r: number): number {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

function segment(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const px = x - ax, py = y - ay, dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - t * dx, py - t * dy);
}

function inTriangle(x: number, y: number, a: number[], b: number[], c: number[]): boolean {
  const side = (p: number[], q: number[]) => (q[0]! - p[0]!) * (y - p[1]!) - (q[1]! - p[1]!) * (x - p[0]!);
  const d1 = side(a, b), d2 = side(b, c), d3 = side(c, a);
  return (d1 >= 0 && d2 >= 0 && d3 >= 0) || (d1 <= 0 && d2 <= 0 && d3 <= 0);
}

/** The design on a unit square; `inset` shrinks it into the maskable safe zone. */
function shade(u: number, v: number, inset: number, rounded: boolean): Rgb | null {
  const s = (t: number) => 0.5 + (t - 0.5) * inset;
  if (rounded && roundedRect(u, v, 0.5, 0.5, 0.5, 0.5, 0.22) > 0) return null;
  // Bubble with a tail at the bottom left.
  const bubble = Math.min(
    roundedRect(u, v, s(0.5), s(0.46), 0.32 * inset, 0.25 * inset, 0.12 * inset),
    inTriangle(u, v, [s(0.26), s(0.6)], [s(0.44), s(0.66)], [s(0.22), s(0.82)]) ? -1 : 1,
  );
  if (bubble <= 0) {
    const w = 0.035 * inset;
    // Two arrows: one up (have, amber) and one down (need, teal).
    const up = Math.min(
      segment(u, v, s(0.38), s(0.6), s(0.38), s(0.32)),
      segment(u, v, s(0.38), s(0.32), s(0.3), s(0.4)),
      segment(u, v, s(0.38), s(0.32), s(0.46), s(0.4)),
    );
    const down = Math.min(
      segment(u, v, s(0.62), s(0.32), s(0.62), s(0.6)),
      segment(u, v, s(0.62), s(0.6), s(0.54), s(0.52)),
      segment(u, v, s(0.62), s(0.6), s(0.7), s(0.52)),
    );
    if (up <= w) return AMBER;
    if (down <= w) return TEAL;
    return WHITE;
  }
  return TEAL;
}

function render(size: number, maskable: boolean): Buffer {
  const samples = 4;
  return png(size, (x, y) => {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < samples; sy++) {
      for (let sx = 0; sx < samples; sx++) {
        const c = shade((x + (sx + 0.5) / samples) / size, (y + (sy + 0.5) / samples) / size, maskable ? 0.8 : 1, !maskable);
        if (c) { r += c[0]; g += c[1]; b += c[2]; a += 255; }
      }
    }
    const n = samples * samples;
    const cover = a / 255;
    return cover === 0 ? [0, 0, 0, 0] : [Math.round(r / cover), Math.round(g / cover), Math.round(b / cover), Math.round(a / n)];
  });
}

writeFileSync('public/icons/icon-192.png', render(192, false));
writeFileSync('public/icons/icon-512.png', render(512, false));
writeFileSync('public/icons/maskable-512.png', render(512, true));
writeFileSync('public/icons/apple-touch-icon.png', render(180, true));
console.log('icons written to public/icons');
