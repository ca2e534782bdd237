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
import { build } from 'esbuild';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  plugins: [zodEnglishOnly],
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
 * Builds the CLI into `outdir` (default dist/cli). It is built beside the target and swapped
 * in, so a process starting meanwhile finds the old bundle or the new one, never half of one.
 */
export const buildCli = async ({ outdir = join(root, 'dist', 'cli') } = {}) => {
  const builtAt = Date.now();
  const staging = `${outdir}.staging-${process.pid}-${builtAt}`;
  const retired = `${outdir}.old-${process.pid}-${builtAt}`;
  await mkdir(dirname(outdir), { recursive: true });
  try {
    const result = await build(cliBuildOptions(staging));
    const metafile = renameOutputs(result.metafile, posixRelative(staging), posixRelative(outdir));
    const version = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).version;
    await writeFile(join(staging, 'build.json'), `${JSON.stringify({ version, builtAt, inputs: stampInputs(metafile) }, null, 1)}\n`);
    await writeFile(join(staging, 'meta.json'), JSON.stringify(metafile));
    await rename(outdir, retired).catch((error) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(staging, outdir);
    return { outdir, metafile, builtAt };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(retired, { recursive: true, force: true });
  }
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
  const { outdir } = await buildCli();
  console.log(`rolecall CLI bundled into ${outdir} in ${Date.now() - started} ms`);
}
