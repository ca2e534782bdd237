import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stampInputs, staticClosure } from '../scripts/build-cli.mjs';
import { buildInChild, copyCheckout, editSource, runCheckoutCli } from './test-support/checkout-copy';

/**
 * Rebuilding the CLI bundle in a git checkout while other processes run from it: each test
 * works in its own copy of the sources (cli/test-support/checkout-copy.ts) and its dist/cli,
 * never the checkout's, which other tests use meanwhile.
 */

interface Stamp {
  readonly builtAt: number;
  readonly inputs: readonly string[];
}
interface Builds {
  readonly builds: readonly { readonly builtAt: number; readonly supersededAt?: number; readonly files: readonly string[] }[];
}

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

/** The bundle's state: what build.json, builds.json and meta.json say, and the files there are. */
const bundleOf = async (checkout: string) => {
  const dir = join(checkout, 'dist', 'cli');
  return {
    dir,
    files: new Set(await readdir(dir)),
    stamp: await readJson<Stamp>(join(dir, 'build.json')),
    builds: (await readJson<Builds>(join(dir, 'builds.json'))).builds,
    metafile: await readJson<Metafile>(join(dir, 'meta.json')),
  };
};

/** The chunk files (and their maps and legal notes) a metafile's build wrote. */
const chunksOf = (metafile: Metafile, files: ReadonlySet<string>) => {
  const names = Object.keys(metafile.outputs)
    .map((path) => path.slice(path.lastIndexOf('/') + 1))
    .filter((name) => name.startsWith('chunk-'));
  return [...files].filter((name) => names.some((chunk) => name === chunk || name.startsWith(`${chunk.replace(/\.map$/, '')}.`)));
};

/**
 * Every module in the bundle directory finds every chunk it imports (statically or lazily),
 * and build.json, builds.json and meta.json describe the same, current build.
 */
const expectConsistent = async (checkout: string) => {
  const bundle = await bundleOf(checkout);
  let imports = 0;
  for (const name of bundle.files) {
    if (!name.endsWith('.mjs')) continue;
    const code = await readFile(join(bundle.dir, name), 'utf8');
    for (const [, imported] of code.matchAll(/["']\.\/(chunk-[A-Z0-9]+\.mjs)["']/g)) {
      imports++;
      expect(bundle.files, `${name} imports ${imported}`).toContain(imported);
    }
  }
  expect(imports).toBeGreaterThan(0);
  for (const output of Object.keys(bundle.metafile.outputs)) expect(bundle.files, output).toContain(output.slice('dist/cli/'.length));
  expect(bundle.stamp.inputs).toEqual(stampInputs(bundle.metafile));
  const [current] = bundle.builds;
  expect(current?.builtAt).toBe(bundle.stamp.builtAt);
  expect([...current!.files].sort()).toEqual(chunksOf(bundle.metafile, bundle.files).sort());
  return bundle;
};

describe('rebuilding the CLI bundle while processes run from it', () => {
  let checkout: string;
  beforeAll(async () => {
    checkout = await copyCheckout();
    const first = await buildInChild(checkout);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await rm(checkout, { recursive: true, force: true });
  });

  it('keeps the chunks a running process loads lazily: one that loaded the old credential-process entry imports them after a rebuild replaced it', async () => {
    const before = await bundleOf(checkout);
    // The chunks credential-process imports only on a cache miss (the core, the AWS SDK).
    const entry = 'dist/cli/credential-process.mjs';
    const lazy = [
      ...new Set(
        staticClosure(before.metafile, entry).flatMap((file) =>
          before.metafile.outputs[file]!.imports.filter((imported) => imported.kind === 'dynamic-import' && !imported.external).map(
            (imported) => imported.path,
          ),
        ),
      ),
    ];
    expect(lazy.length).toBeGreaterThan(0);

    // A process that loaded the old entry and has not yet needed its lazy chunks.
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const [entry, ...lazy] = process.argv.slice(1);
         await import(entry);
         process.stdout.write('loaded\\n');
         for await (const line of process.stdin) break;
         for (const chunk of lazy) await import(new URL(chunk, entry).href);
         process.stdout.write('imported\\n');`,
        pathToFileURL(join(checkout, entry)).href,
        ...lazy.map((path) => `./${path.slice('dist/cli/'.length)}`),
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'close');
    try {
      await expect.poll(() => stdout + stderr).toContain('loaded');

      // A source edit in the core, then `rolecall` rebuilds the bundle as any command would.
      await editSource(checkout, 'app/node/open-core.ts', `(globalThis as Record<string, unknown>).rolecallRebuildTest = ${Date.now()};`);
      const rebuilt = await runCheckoutCli(checkout, '--help');
      expect(rebuilt.code, rebuilt.stderr).toBe(0);
      const after = await bundleOf(checkout);
      expect(after.stamp.builtAt).toBeGreaterThan(before.stamp.builtAt);
      // The rebuild changed what credential-process loads lazily: swapping the directory would have removed the old chunks.
      const gone = lazy.flatMap((chunk) => staticClosure(before.metafile, chunk)).filter((file) => !(file in after.metafile.outputs));
      expect(gone.length).toBeGreaterThan(0);

      child.stdin.end('go\n');
      const [code] = (await exited) as [number | null];
      expect(stderr).toBe('');
      expect(stdout).toBe('loaded\nimported\n');
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    await expectConsistent(checkout);
  }, 120_000);

  it('serialises two rebuilds started at once: the second finds the bundle current and builds nothing', async () => {
    const before = await bundleOf(checkout);
    await editSource(checkout, 'cli/main.ts', "process.stderr.write('edited source\\n');");
    const runs = await Promise.all([runCheckoutCli(checkout, '--help'), runCheckoutCli(checkout, '--help')]);
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain('edited source');
    }
    const after = await expectConsistent(checkout);
    expect(after.builds.map((build) => build.builtAt).slice(1)).toEqual(before.builds.map((build) => build.builtAt));
  }, 120_000);

  it('serialises two forced builds started at once (npm run build:cli twice): both build, one after the other', async () => {
    const before = await bundleOf(checkout);
    const runs = await Promise.all([buildInChild(checkout), buildInChild(checkout)]);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const after = await expectConsistent(checkout);
    expect(after.builds.slice(2).map((build) => build.builtAt)).toEqual(before.builds.map((build) => build.builtAt));
    expect(after.builds[1]!.supersededAt).toBeGreaterThanOrEqual(after.builds[1]!.builtAt);
  }, 120_000);
});

describe('pruning old chunks', () => {
  let checkout: string;
  beforeAll(async () => {
    checkout = await copyCheckout();
  }, 60_000);
  afterAll(async () => {
    await rm(checkout, { recursive: true, force: true });
  });

  it('keeps every chunk of the current and the previous build and of builds current within the retention, and only those', async () => {
    const build = async (options: Record<string, unknown> = {}) => {
      const run = await buildInChild(checkout, options);
      expect(run.code, run.stderr).toBe(0);
      return expectConsistent(checkout);
    };
    const a = await build();
    await editSource(checkout, 'app/node/open-core.ts', "(globalThis as Record<string, unknown>).rolecallPruneTest = 'b';");
    // Left by a build killed after it copied its chunks: pruned once old, kept while recent.
    const dir = join(checkout, 'dist', 'cli');
    await writeFile(join(dir, 'chunk-OLDSTRAY.mjs'), 'export {};\n');
    const hoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await utimes(join(dir, 'chunk-OLDSTRAY.mjs'), hoursAgo, hoursAgo);
    await writeFile(join(dir, 'chunk-NEWSTRAY.mjs'), 'export {};\n');
    const b = await build();
    expect(b.files).not.toContain('chunk-OLDSTRAY.mjs');
    expect(b.files).toContain('chunk-NEWSTRAY.mjs');

    const aOnly = a.builds[0]!.files.filter((name) => !b.builds[0]!.files.includes(name));
    expect(aOnly.length).toBeGreaterThan(0);
    for (const name of aOnly) expect(b.files, `${name} of the previous build`).toContain(name);

    await editSource(checkout, 'app/node/open-core.ts', "(globalThis as Record<string, unknown>).rolecallPruneTest = 'c';");
    // The default retention (an hour) keeps the first build too...
    const c = await build();
    for (const name of aOnly) expect(c.files, `${name} of a build current a moment ago`).toContain(name);
    expect(c.builds.map((entry) => entry.builtAt)).toEqual([c.stamp.builtAt, b.stamp.builtAt, a.stamp.builtAt]);

    // ...one with none keeps only the current build and the one before it.
    await editSource(checkout, 'app/node/open-core.ts', "(globalThis as Record<string, unknown>).rolecallPruneTest = 'd';");
    const d = await build({ retainMs: 0 });
    expect(d.builds.map((entry) => entry.builtAt)).toEqual([d.stamp.builtAt, c.stamp.builtAt]);
    const kept = new Set([...d.builds[0]!.files, ...d.builds[1]!.files]);
    expect([...d.files].filter((name) => name.startsWith('chunk-') && !kept.has(name))).toEqual([]);
    for (const name of kept) expect(d.files).toContain(name);
  }, 180_000);

  it('keeps only the current build for a release (npm pack ships dist/cli as it is)', async () => {
    const before = await bundleOf(checkout);
    expect(before.builds.length).toBeGreaterThan(1);
    const run = await buildInChild(checkout, { release: true });
    expect(run.code, run.stderr).toBe(0);
    const release = await expectConsistent(checkout);
    expect(release.builds.map((entry) => entry.builtAt)).toEqual([release.stamp.builtAt]);
    expect([...release.files].filter((name) => name.startsWith('chunk-')).sort()).toEqual([...release.builds[0]!.files].sort());
  }, 120_000);

  it('clears what killed builds left beside the bundle once it is old', async () => {
    const old = join(checkout, 'dist', 'cli.staging-1-1');
    const recent = join(checkout, 'dist', 'cli.staging-2-2');
    await mkdir(old);
    await mkdir(recent);
    const hoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await utimes(old, hoursAgo, hoursAgo);
    const run = await buildInChild(checkout);
    expect(run.code, run.stderr).toBe(0);
    const dist = await readdir(join(checkout, 'dist'));
    expect(dist).not.toContain('cli.staging-1-1');
    expect(dist).toContain('cli.staging-2-2');
  }, 120_000);
});
