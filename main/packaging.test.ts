import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it("validates against electron-builder's own JSON schema", () => {
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const valid = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('rejects a config the schema forbids, so the check above is real', () => {
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate({ ...config, linux: { ...(config.linux as object), category: 42 } })).toBe(false);
    expect(validate({ ...config, notAnOption: true })).toBe(false);
  });

  it('ships the bundled main and points electron at it, as a tray-only app on macOS', () => {
    expect(config).toMatchObject({
      productName: 'Rolecall',
      directories: { output: 'release' },
      extraMetadata: { main: 'dist/main/main.cjs' },
      mac: { extendInfo: { LSUIElement: true }, target: ['dmg'] },
      linux: { target: ['AppImage', 'deb'], category: 'Utility' },
      win: { target: ['nsis'] },
    });
  });

  it('refers only to icons that exist, including the tray icons the app loads at run time', () => {
    for (const key of ['linux', 'mac', 'win'] as const) {
      const icon = (config[key] as { icon: string }).icon;
      expect(existsSync(join(root, icon)), icon).toBe(true);
    }
    for (const state of ['signed-out', 'awaiting-code', 'signed-in', 'expiring', 'error']) {
      for (const name of [`tray-${state}.png`, `tray-${state}@2x.png`, `tray-${state}Template.png`, `tray-${state}Template@2x.png`]) {
        expect(existsSync(join(root, 'assets', name)), name).toBe(true);
      }
    }
    expect(existsSync(join(root, 'assets', 'trayTemplate.png'))).toBe(true);
    expect(existsSync(join(root, 'assets', 'trayTemplate@2x.png'))).toBe(true);
  });
});

describe('icons', () => {
  const pngSize = (name: string) => {
    const png = readFileSync(join(root, 'assets', name));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    return [png.readUInt32BE(16), png.readUInt32BE(20)];
  };

  it('are PNGs of the sizes each platform expects', () => {
    expect(pngSize('icon.png')).toEqual([512, 512]);
    expect(pngSize('tray-signed-in.png')).toEqual([16, 16]);
    expect(pngSize('tray-signed-in@2x.png')).toEqual([32, 32]);
    expect(pngSize('trayTemplate.png')).toEqual([16, 16]);
    expect(pngSize('trayTemplate@2x.png')).toEqual([32, 32]);
  });

  it('macOS template images are black with alpha only, so the menu bar can tint them', () => {
    for (const state of ['signed-out', 'awaiting-code', 'signed-in', 'expiring', 'error']) {
      const png = readFileSync(join(root, 'assets', `tray-${state}Template@2x.png`));
      const chunks: Buffer[] = [];
      for (let offset = 8; offset < png.length; ) {
        const length = png.readUInt32BE(offset);
        if (png.toString('ascii', offset + 4, offset + 8) === 'IDAT') chunks.push(png.subarray(offset + 8, offset + 8 + length));
        offset += 12 + length;
      }
      const rows = inflateSync(Buffer.concat(chunks));
      let opaque = 0;
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          const i = y * (32 * 4 + 1) + 1 + x * 4;
          expect(rows[i]! + rows[i + 1]! + rows[i + 2]!).toBe(0);
          if (rows[i + 3]! > 0) opaque++;
        }
      }
      expect(opaque).toBeGreaterThan(100);
    }
  });

  it('the .ico holds a 256 px image for the Windows installer', () => {
    const ico = readFileSync(join(root, 'assets', 'icon.ico'));
    expect(ico.readUInt16LE(2)).toBe(1);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, index) => ico[6 + index * 16] || 256);
    expect(sizes).toContain(256);
  });
});
