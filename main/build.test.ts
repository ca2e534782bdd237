import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Metafile {
  readonly outputs: Record<string, { readonly imports: readonly { readonly path: string; readonly external?: boolean }[] }>;
}

const externals = (metafile: Metafile): string[] =>
  [...new Set(Object.values(metafile.outputs).flatMap((output) => output.imports.filter((entry) => entry.external).map((entry) => entry.path)))].sort();

const isBuiltin = (name: string) => name.startsWith('node:') || builtinModules.includes(name);

describe('scripts/build-electron.mjs', async () => {
  // @ts-expect-error -- a plain .mjs build script without type declarations
  const { buildElectron } = (await import('../scripts/build-electron.mjs')) as { buildElectron: () => Promise<{ main: Metafile; preload: Metafile; outdir: string }> };
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
});
