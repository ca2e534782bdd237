import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, readlink, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

interface ResourceSet {
  readonly from: string;
  readonly to: string;
  readonly filter?: readonly string[];
}

describe('the rolecall command in the desktop app', () => {
  const resources = config.extraResources as readonly ResourceSet[];
  const cli = resources.filter((set) => set.to.startsWith('rolecall-cli/'));

  it('ships the CLI bundle, its launcher and the web UI in the layout of the npm package', () => {
    expect(Object.fromEntries(cli.map((set) => [set.to, set.from]))).toEqual({
      'rolecall-cli/dist/cli': 'dist/cli',
      'rolecall-cli/dist/renderer': 'dist/renderer',
      'rolecall-cli/bin/rolecall.mjs': 'bin/rolecall.mjs',
      'rolecall-cli/bin/rolecall': 'assets/cli/rolecall',
      'rolecall-cli/bin/rolecall.cmd': 'assets/cli/rolecall.cmd',
      'rolecall-cli/package.json': 'package.json',
    });
    // The bundle without its source maps and build metafile; dist/ is built by `npm run build`.
    expect(cli.find((set) => set.from === 'dist/cli')?.filter).toEqual(['*.mjs', '*.LEGAL.txt', 'build.json']);
    for (const set of cli) if (!set.from.startsWith('dist/')) expect(existsSync(join(root, set.from)), set.from).toBe(true);
    expect((config.files as string[]).some((pattern) => pattern.startsWith('dist/cli'))).toBe(false);
  });

  it('sets every Electron fuse that hardens the packaged app', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: true,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('keeps the RunAsNode fuse on, which the launchers need to run the app binary as Node', () => {
    expect(config.electronFuses).toMatchObject({ runAsNode: true });
    const sh = readFileSync(join(root, 'assets/cli/rolecall'), 'utf8');
    const cmd = readFileSync(join(root, 'assets/cli/rolecall.cmd'), 'utf8');
    for (const script of [sh, cmd]) {
      expect(script).toMatch(/ELECTRON_RUN_AS_NODE=1/);
      expect(script).toMatch(/RunAsNode/);
    }
    expect(sh).toMatch(/"\$bin\/rolecall\.mjs" "\$@"/);
    expect(cmd).toMatch(/"%~dp0\.\.\\\.\.\\\.\.\\Rolecall\.exe" "%~dp0rolecall\.mjs" %\*/);
    expect(cmd.split('\n').every((line) => line === '' || line.endsWith('\r'))).toBe(true);
  });

  describe('the deb scripts', () => {
    const defaults = join(dirname(require.resolve('app-builder-lib/package.json')), 'templates', 'linux');
    const deb = config.deb as { afterInstall: string; afterRemove: string };

    it("are electron-builder's own scripts plus the rolecall link, with only the macros it defines", () => {
      expect(deb).toMatchObject({ afterInstall: 'assets/linux/after-install.sh', afterRemove: 'assets/linux/after-remove.sh' });
      for (const [ours, theirs] of [
        [deb.afterInstall, 'after-install.tpl'],
        [deb.afterRemove, 'after-remove.tpl'],
      ] as const) {
        const text = readFileSync(join(root, ours), 'utf8');
        // Replacing the default script must not drop what it does (the app's own /usr/bin link, chrome-sandbox, AppArmor).
        expect(text.startsWith(readFileSync(join(defaults, theirs), 'utf8').trimEnd())).toBe(true);
        expect(new Set([...text.matchAll(/\$\{([a-zA-Z]+)\}/g)].map((match) => match[1]))).toEqual(
          new Set(['executable', 'sanitizedProductName']),
        );
        expect(spawnSync('bash', ['-n', join(root, ours)]).status).toBe(0);
      }
    });

    /** Our part of a script (after electron-builder's), its macros filled in and its absolute paths moved under `fakeRoot`. */
    const rolecallPart = (file: string, template: string, fakeRoot: string): string =>
      readFileSync(join(root, file), 'utf8')
        .slice(readFileSync(join(defaults, template), 'utf8').trimEnd().length)
        .replaceAll('${sanitizedProductName}', 'Rolecall')
        .replaceAll('${executable}', 'rolecall-desktop')
        .replaceAll('/usr/bin/', `${fakeRoot}/usr/bin/`)
        .replaceAll("'/opt/", `'${fakeRoot}/opt/`);

    let fakeRoot: string;
    beforeAll(async () => {
      fakeRoot = await mkdtemp(join(tmpdir(), 'rolecall-deb-'));
    });
    afterAll(async () => {
      await rm(fakeRoot, { recursive: true, force: true });
    });

    it('link /usr/bin/rolecall to the shipped launcher, leave another rolecall alone, and remove only their own link', async () => {
      const launcher = join(fakeRoot, 'opt/Rolecall/resources/rolecall-cli/bin/rolecall');
      const link = join(fakeRoot, 'usr/bin/rolecall');
      await mkdir(join(fakeRoot, 'usr/bin'), { recursive: true });
      await mkdir(join(fakeRoot, 'opt/Rolecall/resources/rolecall-cli/bin'), { recursive: true });
      await writeFile(launcher, '#!/bin/sh\n', { mode: 0o644 });
      const install = () =>
        execFileSync('bash', ['-c', rolecallPart(deb.afterInstall, 'after-install.tpl', fakeRoot)], { encoding: 'utf8' });
      const remove = () => execFileSync('bash', ['-c', rolecallPart(deb.afterRemove, 'after-remove.tpl', fakeRoot)], { encoding: 'utf8' });

      install();
      expect(await readlink(link)).toBe(launcher);
      expect(spawnSync('test', ['-x', launcher]).status).toBe(0);
      install(); // an upgrade reinstalls over its own link
      expect(await readlink(link)).toBe(launcher);
      remove();
      expect(existsSync(link)).toBe(false);

      await writeFile(link, '#!/bin/sh\necho npm rolecall\n');
      expect(install()).toMatch(/Not linking .*another rolecall command is installed there/);
      remove();
      expect(await readFile(link, 'utf8')).toContain('npm rolecall');
    });
  });

  describe('assets/cli/rolecall', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await realpath(await mkdtemp(join(tmpdir(), 'rolecall-launcher-')));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("runs the shipped bin/rolecall.mjs with the app's binary as Node, through the /usr/bin link, and names itself for config populate", async () => {
      // /opt/Rolecall as the deb installs it; the "app binary" is a stand-in that checks it is asked to be Node.
      const bin = join(dir, 'opt/Rolecall/resources/rolecall-cli/bin');
      await mkdir(bin, { recursive: true });
      const runtime = join(dir, 'opt/Rolecall/rolecall-desktop');
      await writeFile(
        runtime,
        `#!/bin/sh\n[ "$ELECTRON_RUN_AS_NODE" = 1 ] || { echo "not run as node" >&2; exit 9; }\nexec '${process.execPath}' "$@"\n`,
      );
      await chmod(runtime, 0o755);
      await copyFile(join(root, 'assets/cli/rolecall'), join(bin, 'rolecall'));
      await chmod(join(bin, 'rolecall'), 0o755);
      await writeFile(
        join(bin, 'rolecall.mjs'),
        'console.log(JSON.stringify({ argv: process.argv.slice(2), launcher: process.env.ROLECALL_LAUNCHER }));\n',
      );
      await mkdir(join(dir, 'usr/bin'), { recursive: true });
      await symlink(join(bin, 'rolecall'), join(dir, 'usr/bin/rolecall'));

      const run = spawnSync(join(dir, 'usr/bin/rolecall'), ['ls', 'prod admin', '--json'], {
        encoding: 'utf8',
        env: { PATH: '/usr/bin:/bin' },
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ argv: ['ls', 'prod admin', '--json'], launcher: join(bin, 'rolecall') });
    });
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
      for (let offset = 8; offset < png.length;) {
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
