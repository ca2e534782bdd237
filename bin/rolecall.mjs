#!/usr/bin/env node
// The `rolecall` command. It runs the CLI bundled by scripts/build-cli.mjs into dist/cli/
// (plain JavaScript: nothing is compiled at run time) and dispatches the entries that need
// not load the whole CLI. The emulator is dispatched here rather than from cli/ because
// the core never imports emulator/.
//
// In an installed package (npm, or the desktop app's resources) there are no sources and
// the bundle is used as it is. In a git checkout the bundle is checked against the sources
// it was built from (dist/cli/build.json: one stat per source file) and rebuilt in-process
// with esbuild when a source changed, so a source edit never runs stale code; if another
// process is rebuilding at that moment, this one runs the sources through tsx instead.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The SDK's note that future releases need Node 22 is for developers, not for every CLI run
// (and it would land in the stderr that AWS SDKs show for credential_process).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// What `config populate --credential-process` writes: this launcher, unless a wrapper that
// started it (the desktop app's `rolecall` script) already named itself.
process.env.ROLECALL_LAUNCHER ??= fileURLToPath(import.meta.url);

const root = new URL('../', import.meta.url);
const bundle = new URL('dist/cli/', root);

/** The sources of each bundle entry (the same table as scripts/build-cli.mjs). */
const sources = {
  main: 'cli/main.ts',
  'credential-process': 'cli/commands/credential-process.ts',
  output: 'app/node/terminal-output.ts',
  web: 'web/main.ts',
  emulator: 'emulator/cli.ts',
  demo: 'scripts/demo.ts',
};

const readJson = (url) => {
  try {
    return JSON.parse(readFileSync(url, 'utf8'));
  } catch {
    return undefined;
  }
};

/** Whether the bundle is missing or older than any source it was built from. */
const bundleIsStale = () => {
  const stamp = readJson(new URL('build.json', bundle));
  if (!stamp || typeof stamp.builtAt !== 'number' || !Array.isArray(stamp.inputs)) return true;
  try {
    for (const input of stamp.inputs) {
      const info = statSync(new URL(input, root), { throwIfNoEntry: false });
      if (!info || info.mtimeMs > stamp.builtAt) return true;
    }
  } catch {
    return true;
  }
  return false;
};

/** A lock directory left by a killed build is taken over after this long. */
const STALE_LOCK_MS = 60_000;

/**
 * Rebuilds the bundle unless another process is doing so. Resolves with true when the
 * bundle is current, false when the caller should run the sources instead.
 */
const rebuild = async () => {
  const lock = new URL('dist/.cli-build.lock', root);
  mkdirSync(new URL('dist/', root), { recursive: true });
  try {
    mkdirSync(lock);
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    const held = statSync(lock, { throwIfNoEntry: false });
    if (held && Date.now() - held.mtimeMs < STALE_LOCK_MS) return false;
    rmSync(lock, { recursive: true, force: true });
    return rebuild();
  }
  try {
    // Another process may have finished a build between our check and the lock.
    if (!bundleIsStale()) return true;
    let buildCli;
    try {
      ({ buildCli } = await import(new URL('scripts/build-cli.mjs', root).href));
    } catch {
      return false; // esbuild is a devDependency; without it, run the sources.
    }
    if (process.stderr.isTTY) process.stderr.write('rolecall: sources changed, rebuilding the CLI bundle…\n');
    await buildCli();
    return true;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
};

/** Loads one entry: from the bundle, or in a checkout whose bundle cannot be rebuilt now, from its source through tsx. */
const loaders = async () => {
  const checkout = existsSync(new URL(sources.main, root));
  if (!checkout || !bundleIsStale() || (await rebuild())) return (entry) => import(new URL(`${entry}.mjs`, bundle).href);
  const { register } = await import('tsx/esm/api');
  register();
  return (entry) => import(new URL(sources[entry], root).href);
};

const [command, ...rest] = process.argv.slice(2);
if (command === '--version' || command === '-V') {
  const version = readJson(new URL('package.json', root))?.version ?? readJson(new URL('build.json', bundle))?.version ?? 'unknown';
  process.stdout.write(`${version}\n`);
} else {
  const load = await loaders();
  if (command === 'emulator') {
    const { runEmulatorCli } = await load('emulator');
    process.exitCode = await runEmulatorCli(rest);
  } else if (command === 'demo') {
    const { runDemo } = await load('demo');
    process.exitCode = await runDemo(rest);
  } else if (command === 'web') {
    // The web shell is its own entry: it is not part of the command-line shell.
    const [{ runWebCli }, { processOutput }] = await Promise.all([load('web'), load('output')]);
    process.exitCode = await runWebCli(rest, processOutput());
  } else if (command === 'credential-process') {
    // The AWS CLI and SDKs start this for every credential lookup: skip loading the whole CLI.
    const [{ runCredentialProcessCli }, { processOutput }] = await Promise.all([load('credential-process'), load('output')]);
    process.exitCode = await runCredentialProcessCli(rest, processOutput());
  } else {
    await load('main');
  }
}
