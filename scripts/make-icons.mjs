#!/usr/bin/env node
// Draws Rolecall's tray and app icons as vector shapes into RGBA buffers and encodes them as
// PNG (and the Windows .ico) with node:zlib only, so icons are reproducible without network
// access or image tools. Run: node scripts/make-icons.mjs  (writes assets/).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets');

// ---- PNG encoding --------------------------------------------------------------------

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes) => {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};
export const encodePng = (width, height, rgba) => {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) {
    rows[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
};

/** An .ico whose entries are PNGs (Windows Vista and later read these). */
const encodeIco = (images) => {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + images.length * 16;
  const entries = images.map(({ size, png }) => {
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size;
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4); // planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map(({ png }) => png)]);
};

// ---- shapes as signed distance functions, in a 0..1 unit square -----------------------

const circle = (cx, cy, r) => (x, y) => Math.hypot(x - cx, y - cy) - r;
const ring = (cx, cy, r, w) => (x, y) => Math.abs(Math.hypot(x - cx, y - cy) - r) - w / 2;
const capsule = (ax, ay, bx, by, w) => (x, y) => {
  const px = x - ax,
    py = y - ay,
    dx = bx - ax,
    dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - dx * t, py - dy * t) - w / 2;
};
const roundedSquare = (inset, radius) => (x, y) => {
  const half = 0.5 - inset - radius;
  const qx = Math.abs(x - 0.5) - half,
    qy = Math.abs(y - 0.5) - half;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
};
const union =
  (...shapes) =>
  (x, y) =>
    Math.min(...shapes.map((shape) => shape(x, y)));
const subtract = (a, b) => (x, y) => Math.max(a(x, y), -b(x, y));

// The mark: a badge ring; the glyph inside says the state.
const keyhole = union(circle(0.5, 0.43, 0.1), capsule(0.5, 0.45, 0.5, 0.64, 0.1));
const glyphs = {
  'signed-in': keyhole,
  'signed-out': capsule(0.3, 0.7, 0.7, 0.3, 0.09),
  'awaiting-code': union(circle(0.32, 0.5, 0.065), circle(0.5, 0.5, 0.065), circle(0.68, 0.5, 0.065)),
  expiring: union(capsule(0.5, 0.5, 0.5, 0.3, 0.08), capsule(0.5, 0.5, 0.64, 0.58, 0.08)),
  error: union(capsule(0.5, 0.28, 0.5, 0.56, 0.1), circle(0.5, 0.71, 0.06)),
};
const colours = {
  'signed-in': [46, 160, 67],
  'signed-out': [120, 124, 130],
  'awaiting-code': [212, 160, 23],
  expiring: [230, 115, 0],
  error: [207, 34, 46],
};

/** Renders layers ({shape, rgb}) painted in order, 4×4 supersampled, into an RGBA buffer. */
const render = (size, layers) => {
  const out = Buffer.alloc(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (const { shape, rgb } of layers) {
        let covered = 0;
        for (let sy = 0; sy < samples; sy++) {
          for (let sx = 0; sx < samples; sx++) {
            if (shape((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size) <= 0) covered++;
          }
        }
        const alpha = covered / (samples * samples);
        // "over" compositing with premultiplied accumulation
        r = rgb[0] * alpha + r * (1 - alpha);
        g = rgb[1] * alpha + g * (1 - alpha);
        b = rgb[2] * alpha + b * (1 - alpha);
        a = alpha + a * (1 - alpha);
      }
      const i = (py * size + px) * 4;
      out[i] = a > 0 ? Math.round(r / a) : 0;
      out[i + 1] = a > 0 ? Math.round(g / a) : 0;
      out[i + 2] = a > 0 ? Math.round(b / a) : 0;
      out[i + 3] = Math.round(a * 255);
    }
  }
  return out;
};

const write = (name, size, layers) => {
  const png = encodePng(size, size, render(size, layers));
  const path = join(outDir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, png);
  return png;
};

const main = () => {
  const black = [0, 0, 0];
  const white = [255, 255, 255];
  const badgeRing = ring(0.5, 0.5, 0.4, 0.1);

  for (const [state, glyph] of Object.entries(glyphs)) {
    // macOS template: black + alpha only; the system tints it for light and dark menu bars.
    const template = [{ shape: union(badgeRing, glyph), rgb: black }];
    write(`tray-${state}Template.png`, 16, template);
    write(`tray-${state}Template@2x.png`, 32, template);
    // Linux and Windows: a coloured disc with a white glyph, readable on light and dark panels.
    const coloured = [
      { shape: circle(0.5, 0.5, 0.47), rgb: colours[state] },
      { shape: glyph, rgb: white },
    ];
    write(`tray-${state}.png`, 16, coloured);
    write(`tray-${state}@2x.png`, 32, coloured);
  }
  // The generic template electron-builder ships as an extra resource (signed-in look).
  const generic = [{ shape: union(badgeRing, glyphs['signed-in']), rgb: black }];
  write('trayTemplate.png', 16, generic);
  write('trayTemplate@2x.png', 32, generic);

  // App icon: a rounded square with the badge mark.
  const appLayers = [
    { shape: roundedSquare(0.06, 0.18), rgb: [35, 47, 62] },
    {
      shape: subtract(
        union(ring(0.5, 0.5, 0.3, 0.07), union(circle(0.5, 0.45, 0.075), capsule(0.5, 0.46, 0.5, 0.6, 0.075))),
        circle(2, 2, 0),
      ),
      rgb: [255, 153, 0],
    },
  ];
  write('icon.png', 512, appLayers);
  const ico = encodeIco([16, 32, 48, 256].map((size) => ({ size, png: encodePng(size, size, render(size, appLayers)) })));
  writeFileSync(join(outDir, 'icon.ico'), ico);
  console.log(`icons written to ${outDir}`);
};

// Importing the encoder (e.g. from a test) must not rewrite the icons.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
