#!/usr/bin/env node
// Bundles the CLI with esbuild into dist/cli/ (ESM, code-split), so `rolecall` never compiles
// TypeScript at run time. Entries (bin/rolecall.mjs dispatches them):
//   main.mjs                the whole CLI (cli/main.ts)
//   credential-process.mjs  the fast path the AWS CLI and SDKs start for every lookup
//   output.mjs              the process output the fast path writes through
//   web.mjs                 `rolecall web`, the web shell (web/main.ts)
//   emulator.mjs            `rolecall emulator` (emulator/cli.ts)
//   demo.mjs                `rolecall demo` (scripts/demo.ts)
// Code the entries share goes into chunk-*.mjs; a dynamic import() in the sources (the core
// and the AWS SDK on a credential-process cache miss) stays a separate chunk loaded only then.
// build.json records when the bundle was built from which sources, so bin/rolecall.mjs can
// tell in a git checkout that a source edit made it stale.
//
// A rebuild must not break processes already running from the bundle (`rolecall web`, an
// agent, parallel credential-process runs): they import chunks lazily, long after they loaded
// their entry. So dist/cli is never swapped as a whole: new chunks are added beside the old
// ones (a chunk's name is its content hash, so one already there is the same file), each
// fixed-name entry is replaced with a rename, build.json last, and old chunks are pruned
// only once no build that referenced them has been current for RETAIN_MS. Rebuilders are
// serialised by a lock beside outdir. app/node/build-directory.mjs does all that, for the
// renderer's build too.
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RETAIN_OLD_BUILDS_MS, installBuild, pruneBuild, stagingDirFor, withBuildLock } from '../app/node/build-directory.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const cliEntryPoints = {
  main: 'cli/main.ts',
  'credential-process': 'cli/commands/credential-process.ts',
  output: 'app/node/terminal-output.ts',
  web: 'web/main.ts',
  emulator: 'emulator/cli.ts',
  demo: 'scripts/demo.ts',
};

/**
 * Packages left out of the bundle. vite builds the web UI and esbuild the Electron main, in a
 * git checkout only (an installed package serves its shipped dist/renderer; `rolecall demo`
 * builds the desktop app from sources); ws's native add-ons are optional speed-ups it loads
 * in a try/catch. Everything else is inlined, so the package has no runtime dependencies.
 */
export const cliExternal = ['vite', 'esbuild', 'electron', 'bufferutil', 'utf-8-validate'];

/**
 * zod re-exports all of its ~40 locales (270 kB, more than half of zod) as `z.locales` and
 * `z.core.locales`; Rolecall uses neither and speaks English (zod configures `en` itself).
 * Every process would parse them at start, `credential-process` included: give those two
 * namespaces English only.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'rolecall-zod' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'rolecall-zod' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: root,
    }));
  },
};

/**
 * zod/mini (app/model/zod-mini.ts: the schemas credential-process loads) gets its own copy of
 * zod/v4/core. esbuild splits code by file: the core files classic zod shares with zod/mini
 * would land whole in credential-process's chunks (160 kB, every schema type and JSON Schema
 * too) although zod/mini needs a fifth of them. In their own namespace they are tree-shaken to
 * what zod/mini uses. Two cores in one process are fine: zod keeps its config and registry on
 * globalThis, and schemas of either copy nest in the other's (they meet only through `_zod`).
 */
const zodMiniOwnCore = {
  name: 'zod-mini-own-core',
  setup(build) {
    const namespace = 'zod-mini';
    build.onResolve({ filter: /^zod\/(mini|v4\/locales\/en\.js)$/ }, async (args) => {
      if (args.pluginData?.zodMiniResolving || args.namespace !== 'file' || /[\\/]node_modules[\\/]/.test(args.importer)) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { zodMiniResolving: true },
      });
      return resolved.errors.length > 0 ? { errors: resolved.errors } : { path: resolved.path, namespace, sideEffects: false };
    });
    // zod imports its own files by relative .js paths only. As zodEnglishOnly does for the
    // shared copy, `locales` holds English only.
    const englishOnly = 'english-only-locales';
    build.onResolve({ filter: /.*/, namespace }, (args) => {
      const path = join(args.resolveDir, args.path);
      const english = /[\\/]locales[\\/]index\.js$/.test(path);
      return { path: english ? englishOnly : path, namespace, sideEffects: false, pluginData: dirname(path) };
    });
    build.onLoad({ filter: /.*/, namespace }, async (args) =>
      args.path === englishOnly
        ? { contents: "export { default as en } from './en.js';", loader: 'js', resolveDir: args.pluginData }
        : { contents: await readFile(args.path, 'utf8'), loader: 'js', resolveDir: dirname(args.path) },
    );
  },
};

/** Files besides the bundle's inputs whose change makes the bundle stale. */
const extraStampInputs = ['package-lock.json', 'scripts/build-cli.mjs', 'scripts/cli-prelude.mjs'];

/** esbuild's options for the CLI bundle written to outdir. */
export const cliBuildOptions = (outdir) => ({
  absWorkingDir: root,
  entryPoints: cliEntryPoints,
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunk-[hash]',
  external: cliExternal,
  plugins: [zodMiniOwnCore, zodEnglishOnly],
  inject: ['scripts/cli-prelude.mjs'],
  // Less to parse at every start; names kept so errors and --debug stacks stay readable.
  minify: true,
  keepNames: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  // Bundled CommonJS packages (commander, proper-lockfile, the SDK's deps) call require() for
  // Node built-ins, which ESM has not got: give every chunk one.
  banner: {
    js: "import { createRequire as __rolecallCreateRequire } from 'node:module'; const require = __rolecallCreateRequire(import.meta.url);",
  },
  metafile: true,
  logLevel: 'warning',
});

/** The sources (relative to the repository) the bundle was built from, for the stale check. */
export const stampInputs = (metafile) =>
  [
    ...new Set([
      ...Object.keys(metafile.inputs).filter((input) => !input.includes('node_modules/') && !/^[\w-]+:/.test(input)),
      ...extraStampInputs,
    ]),
  ].sort();

const posixRelative = (path) => relative(root, path).split(sep).join('/');

/** The metafile as if built straight into its final directory (it is built in a staging one). */
const renameOutputs = (metafile, from, to) => {
  const fix = (path) => (path.startsWith(`${from}/`) ? `${to}/${path.slice(from.length + 1)}` : path);
  const outputs = Object.fromEntries(
    Object.entries(metafile.outputs).map(([path, output]) => [
      fix(path),
      { ...output, imports: output.imports.map((imported) => ({ ...imported, path: fix(imported.path) })) },
    ]),
  );
  return { ...metafile, outputs };
};

/**
 * How long chunks stay after the last build that referenced them stopped being current: a
 * process started from that build (`rolecall web`, an agent) may still import them lazily.
 * The current and the previous build's chunks are always kept.
 */
export const RETAIN_MS = RETAIN_OLD_BUILDS_MS;

/** Chunks are named by their content (chunk-[hash]: the chunk, its map, its legal notes); the rest are fixed names. */
const isChunkFile = (name) => name.startsWith('chunk-');

/**
 * Builds the CLI into `outdir` (default dist/cli), beside it first, then moved in so a process
 * starting meanwhile loads the old build or the new one, never half of one, and a process
 * already running keeps finding the chunks of the build it started from. One build at a time:
 * with `unlessCurrent`, a caller that waited for another's build asks it again once it holds
 * the lock and builds nothing (resolving undefined) when the bundle has become current.
 * `onBuild` hears that a build starts; `retainMs` overrides RETAIN_MS (tests). `release` keeps
 * this build's chunks alone, for a package, which ships dist/cli as it is (processes still
 * running from an older build in this checkout then lose their lazily loaded chunks).
 */
export const buildCli = async ({
  outdir = join(root, 'dist', 'cli'),
  unlessCurrent,
  onBuild,
  retainMs: retain = RETAIN_MS,
  release = false,
} = {}) => {
  await mkdir(dirname(outdir), { recursive: true });
  return withBuildLock(outdir, async (lockLost) => {
    if (unlessCurrent?.()) return undefined;
    onBuild?.();
    const builtAt = Date.now();
    const staging = stagingDirFor(outdir, builtAt);
    try {
      const result = await build(cliBuildOptions(staging));
      const metafile = renameOutputs(result.metafile, posixRelative(staging), posixRelative(outdir));
      const version = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).version;
      await writeFile(join(staging, 'build.json'), `${JSON.stringify({ version, builtAt, inputs: stampInputs(metafile) }, null, 1)}\n`);
      await writeFile(join(staging, 'meta.json'), JSON.stringify(metafile));
      const retainMs = release ? 0 : retain;
      // build.json last: it makes the build current for bin/rolecall.mjs's stale check.
      const layout = { outdir, isHashed: isChunkFile };
      const record = join(outdir, 'builds.json');
      const builds = await installBuild({ ...layout, staging, builtAt, last: 'build.json', record, retainMs, release });
      // Another builder may be at work if our lock went stale (this process was frozen): prune next time.
      if (!lockLost()) await pruneBuild({ ...layout, builds, retainMs });
      return { outdir, metafile, builtAt };
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  });
};

/**
 * The bundle files an entry loads before its code runs: the entry and its static imports,
 * transitively (dynamic imports excluded). Paths are relative to the repository.
 */
export const staticClosure = (metafile, entryFile) => {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? [])
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  visit(entryFile);
  return [...seen];
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  // --release (npm pack, the desktop package): the bundle as shipped, without older builds' chunks.
  const { outdir } = await buildCli({ release: process.argv.includes('--release') });
  console.log(`rolecall CLI bundled into ${outdir} in ${Date.now() - started} ms`);
}
