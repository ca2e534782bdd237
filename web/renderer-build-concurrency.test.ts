import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installBuild } from '../app/node/build-directory.mjs';
import type { RecordedBuild } from '../app/node/build-directory.mjs';
import { buildRenderer, rendererBuildRecord } from './renderer-build';
import { loadStaticFiles } from './static-files';

/**
 * Rebuilding the renderer while other processes build it or read it. Every build goes to a
 * temporary outDir, never the checkout's dist/renderer, which other tests use meanwhile.
 */

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const moduleUrl = pathToFileURL(join(__dirname, 'renderer-build.ts')).href;

/** Runs `script` (an ES module body; argv[1..] are `args`) in a node process of its own, with tsx for the .ts sources. */
const runNode = async (script: string, ...args: string[]): Promise<Run> => {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
};

/** buildRenderer(options) in a process of its own; its log lines go to stderr. */
const buildInChild = (outDir: string, options: Record<string, unknown> = {}): Promise<Run> =>
  runNode(
    `const { buildRenderer } = await import(process.argv[1]);
     await buildRenderer({ ...JSON.parse(process.argv[2]), log: (line) => process.stderr.write(line + '\\n') });`,
    moduleUrl,
    JSON.stringify({ outDir, ...options }),
  );

const builtLines = (run: Run) => run.stderr.split('\n').filter((line) => line.includes('web UI built'));

/** The assets index.html references (scripts, styles, preloads, the icon), relative to outDir. */
const referencedAssets = (html: string): string[] => [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((match) => match[1]!);

/** index.html is there and every asset it references is too; returns those assets. */
const expectConsistent = async (outDir: string): Promise<string[]> => {
  const assets = referencedAssets(await readFile(join(outDir, 'index.html'), 'utf8'));
  expect(assets.length).toBeGreaterThan(1);
  const present = await readdir(join(outDir, 'assets'));
  for (const asset of assets) expect(present, asset).toContain(asset.slice('assets/'.length));
  return assets;
};

const readRecord = async (outDir: string): Promise<RecordedBuild[]> =>
  (JSON.parse(await readFile(rendererBuildRecord(outDir), 'utf8')) as { builds: RecordedBuild[] }).builds;

let parent: string;
beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'rolecall-renderer-race-'));
});
afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

describe('two processes building the renderer at once', () => {
  it('build it once when it is missing: the second waits for the first and finds the build current', async () => {
    const outDir = join(parent, 'missing', 'renderer');
    const runs = await Promise.all([buildInChild(outDir), buildInChild(outDir)]);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(runs.flatMap(builtLines)).toHaveLength(1);
    await expectConsistent(outDir);
    expect((await readdir(join(parent, 'missing'))).sort()).toEqual(['.renderer-builds.json', 'renderer']);
  }, 180_000);

  it('both succeed when both are forced, one after the other, and leave a consistent build', async () => {
    const outDir = join(parent, 'forced', 'renderer');
    const runs = await Promise.all([buildInChild(outDir, { force: true }), buildInChild(outDir, { force: true })]);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(runs.flatMap(builtLines)).toHaveLength(2);
    const assets = await expectConsistent(outDir);
    const [current, previous] = await readRecord(outDir);
    expect(previous!.supersededAt).toBeGreaterThanOrEqual(current!.builtAt);
    expect([...current!.files].sort()).toEqual(expect.arrayContaining(assets));
    expect((await readdir(join(parent, 'forced'))).sort()).toEqual(['.renderer-builds.json', 'renderer']);
  }, 180_000);
});

describe('a rebuild under readers', () => {
  it('never leaves the build missing or half there: a poller in another process always finds index.html and its assets', async () => {
    const outDir = join(parent, 'polled', 'renderer');
    expect((await buildInChild(outDir)).code).toBe(0);
    const stop = join(parent, 'polled', 'stop');
    // Reads index.html and checks its assets in a tight loop until told to stop (bounded by count too).
    const poller = runNode(
      `import { existsSync, readFileSync } from 'node:fs';
       import { join } from 'node:path';
       const [outDir, stop] = process.argv.slice(1);
       let polls = 0, misses = 0;
       while (!existsSync(stop) && polls < 5_000_000) {
         polls++;
         try {
           const html = readFileSync(join(outDir, 'index.html'), 'utf8');
           for (const [, asset] of html.matchAll(/(?:src|href)="\\.\\/(assets\\/[^"]+)"/g))
             if (!existsSync(join(outDir, asset))) { misses++; process.stderr.write('missing ' + asset + '\\n'); }
         } catch (error) { misses++; process.stderr.write(String(error) + '\\n'); }
       }
       process.stdout.write(JSON.stringify({ polls, misses }));`,
      outDir,
      stop,
    );
    try {
      for (let round = 0; round < 2; round++) {
        const run = await buildInChild(outDir, { force: true, retainMs: 0 });
        expect(run.code, run.stderr).toBe(0);
      }
    } finally {
      await writeFile(stop, '');
    }
    const polled = await poller;
    expect(polled.stderr).toBe('');
    const { polls, misses } = JSON.parse(polled.stdout) as { polls: number; misses: number };
    expect(misses).toBe(0);
    expect(polls).toBeGreaterThan(0);
    await expectConsistent(outDir);
  }, 240_000);

  it("keeps an older build's hashed assets for pages still loading them, and prunes them once no retained build references them", async () => {
    const outDir = join(parent, 'replaced', 'renderer');
    // An older build with other hashes than today's sources produce, installed the way a build is.
    const staging = join(parent, 'replaced', 'renderer.staging-old');
    await mkdir(join(staging, 'assets'), { recursive: true });
    await writeFile(join(staging, 'assets', 'index-OLDBUILD.js'), 'import("./mount-OLDBUILD.js");\n');
    await writeFile(join(staging, 'assets', 'mount-OLDBUILD.js'), 'export {};\n');
    await writeFile(join(staging, 'index.html'), '<script type="module" src="./assets/index-OLDBUILD.js"></script>\n');
    await installBuild({
      staging,
      outdir: outDir,
      builtAt: 1,
      isHashed: (path) => path.startsWith('assets/'),
      last: 'index.html',
      record: rendererBuildRecord(outDir),
      retainMs: 0,
    });
    await rm(staging, { recursive: true, force: true });
    await utimes(join(outDir, 'index.html'), new Date(0), new Date(0));
    const old = ['assets/index-OLDBUILD.js', 'assets/mount-OLDBUILD.js'];

    const assetsNow = async () => (await readdir(join(outDir, 'assets'))).map((name) => `assets/${name}`);

    // A stale build is replaced: the old assets stay beside the new build's (the previous build's always do).
    await buildRenderer({ outDir, retainMs: 0 });
    const assets = await expectConsistent(outDir);
    for (const file of old) expect(assets).not.toContain(file);
    expect(await assetsNow()).toEqual(expect.arrayContaining(old));
    const record = await readRecord(outDir);
    expect(record[1]).toMatchObject({ builtAt: 1, files: old });
    // A server started now serves them too (from disk, when asked), but waits for a page to fetch only the current build's scripts and styles.
    const served = await loadStaticFiles(outDir);
    expect(await served.get('/assets/index-OLDBUILD.js')).toBeDefined();
    expect([...served.scriptsAndStyles].sort()).toEqual(
      assets
        .filter((asset) => /\.(js|css)$/.test(asset))
        .map((asset) => `/${asset}`)
        .sort(),
    );

    // Another build: the old build was current moments ago, within the retention, so its assets stay...
    await buildRenderer({ outDir, force: true });
    expect(await assetsNow()).toEqual(expect.arrayContaining(old));
    expect((await readRecord(outDir)).map((entry) => entry.builtAt)[2]).toBe(1);
    // ...and go with none, the old build being neither current nor the previous one.
    await buildRenderer({ outDir, force: true, retainMs: 0 });
    const after = await assetsNow();
    for (const file of old) expect(after).not.toContain(file);
    await expectConsistent(outDir);
  }, 240_000);
});
