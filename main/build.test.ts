import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import Module, { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createFakeElectron } from './testing/fake-electron';

interface Metafile {
  readonly outputs: Record<string, { readonly imports: readonly { readonly path: string; readonly external?: boolean }[] }>;
}

const externals = (metafile: Metafile): string[] =>
  [
    ...new Set(
      Object.values(metafile.outputs).flatMap((output) => output.imports.filter((entry) => entry.external).map((entry) => entry.path)),
    ),
  ].sort();

const isBuiltin = (name: string) => name.startsWith('node:') || builtinModules.includes(name);

describe('scripts/build-electron.mjs', async () => {
  // @ts-expect-error -- a plain .mjs build script without type declarations
  const { buildElectron } = (await import('../scripts/build-electron.mjs')) as {
    buildElectron: () => Promise<{ main: Metafile; preload: Metafile; outdir: string }>;
  };
  const result = await buildElectron();

  it('bundles a sandbox-compatible preload that requires nothing but electron', () => {
    expect(externals(result.preload)).toEqual(['electron']);
    const code = readFileSync(join(result.outdir, 'preload.cjs'), 'utf8');
    expect([...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((match) => match[1])).toEqual(['electron']);
    expect(code).toContain('exposeInMainWorld');
    // zod stays out of the preload: the channel list is plain data.
    expect(code.length).toBeLessThan(20_000);
  });

  it('bundles main for Node with only electron and Node built-ins left outside', () => {
    const outside = externals(result.main).filter((name) => name !== 'electron' && !isBuiltin(name));
    // The AWS SDK probes for its optional native signer inside a try/catch.
    expect(outside.filter((name) => name !== '@aws-sdk/signature-v4-crt')).toEqual([]);
    expect(existsSync(join(result.outdir, 'main.cjs'))).toBe(true);
    expect(existsSync(join(result.outdir, 'main.cjs.map'))).toBe(true);
    expect(existsSync(join(result.outdir, 'preload.cjs.map'))).toBe(true);
  });

  it('the bundled main starts against the Electron fake: window, tray, IPC, app protocol', async () => {
    const fake = createFakeElectron();
    const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const original = loader._load;
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-bundle-'));
    const saved = { home: process.env.ROLECALL_HOME, demo: process.env.ROLECALL_DEMO_INSTANCE };
    process.env.ROLECALL_HOME = dir;
    delete process.env.ROLECALL_DEMO_INSTANCE;
    // The bundle requires 'electron' at run time; hand it the fake instead.
    loader._load = (request: string, ...rest: unknown[]) => (request === 'electron' ? fake : original(request, ...rest));
    try {
      createRequire(import.meta.url)(join(result.outdir, 'main.cjs'));
      await vi.waitFor(() => expect(fake.Tray.all).toHaveLength(1), { timeout: 10_000 });
      expect(fake.app.exitCode).toBeUndefined();
      expect(fake.BrowserWindow.all.at(-1)?.loaded).toBe('rolecall://app/index.html');
      expect(fake.ipcMain.handlers.size).toBeGreaterThan(10);
      const preload = (fake.BrowserWindow.all.at(-1)?.options as { webPreferences: { preload: string } }).webPreferences.preload;
      expect(preload).toBe(join(result.outdir, 'preload.cjs'));
      expect(fake.protocol.handlers.has('rolecall')).toBe(true);
    } finally {
      loader._load = original;
      fake.app.emit('before-quit');
      fake.app.emit('will-quit');
      if (saved.home === undefined) delete process.env.ROLECALL_HOME;
      else process.env.ROLECALL_HOME = saved.home;
      if (saved.demo !== undefined) process.env.ROLECALL_DEMO_INSTANCE = saved.demo;
    }
  });
});
