#!/usr/bin/env node
// The `rolecall` command. It runs the CLI bundled by scripts/build-cli.mjs into dist/cli/
// (plain JavaScript: nothing is compiled at run time) and dispatches the entries that need
// not load the whole CLI. The emulator is dispatched here rather than from cli/ because
// the core never imports emulator/.
//
// In an installed package (npm, or the desktop app's resources) there are no sources and
// the bundle is used as it is. In a git checkout the bundle is checked against the sources
// it was built from (dist/cli/build.json: one stat per source file) and rebuilt in-process
// with esbuild when a source changed, so a source edit never runs stale code; a process that
// finds another rebuilding waits for it and runs what it built.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The SDK's note that future releases need Node 22 is for developers, not for every CLI run
// (and it would land in the stderr that AWS SDKs show for credential_process).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// What `config populate --credential-process` writes: this launcher, unless a wrapper that
// started it (the desktop app's `rolecall` script) already named itself.
process.env.ROLECALL_LAUNCHER ??= fileURLToPath(import.meta.url);

const root = new URL('../', import.meta.url);
const bundle = new URL('dist/cli/', root);

/** A source file: present in a git checkout, absent from an installed package. */
const checkoutSource = new URL('cli/main.ts', root);

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

/**
 * Rebuilds the stale bundle (in a checkout only: esbuild is a devDependency). Rebuilders
 * queue on scripts/build-cli.mjs's lock; one that waited for another's rebuild finds the
 * bundle current then and uses it. Processes running from the old bundle keep working: the
 * build adds its chunks beside the old ones and replaces the entries one rename at a time.
 */
const rebuild = async () => {
  let buildCli;
  try {
    ({ buildCli } = await import(new URL('scripts/build-cli.mjs', root).href));
  } catch (error) {
    throw new Error(`its build tools are missing (${error.message}); run \`npm ci\``, { cause: error });
  }
  await buildCli({
    unlessCurrent: () => !bundleIsStale(),
    onBuild: () => {
      if (process.stderr.isTTY) process.stderr.write('rolecall: sources changed, rebuilding the CLI bundle…\n');
    },
  });
};

/** Loads one entry from the bundle; in a checkout, rebuilds it first when a source changed. */
const loaders = async () => {
  if (existsSync(checkoutSource) && bundleIsStale()) {
    try {
      await rebuild();
    } catch (error) {
      process.stderr.write(`rolecall: the CLI bundle could not be rebuilt from this checkout's sources: ${error.message}\n`);
      process.exit(1);
    }
  }
  return (entry) => import(new URL(`${entry}.mjs`, bundle).href);
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
