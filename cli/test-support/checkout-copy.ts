import { appendFile, cp, mkdir, mkdtemp, readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runProgram } from './run-cli';
import type { CliRun } from './run-cli';

const repo = resolve(__dirname, '../..');

/**
 * A copy of the sources the CLI bundle is built from, with this checkout's node_modules, in a
 * temp directory: its own bin/rolecall.mjs and scripts/build-cli.mjs build its own dist/cli,
 * and tests edit its sources, leaving the checkout's alone. Has a `home` for HOME.
 */
export const copyCheckout = async (): Promise<string> => {
  const checkout = await mkdtemp(join(tmpdir(), 'rolecall-checkout-'));
  for (const path of ['app', 'cli', 'web', 'emulator', 'scripts', 'bin', 'package.json', 'package-lock.json', 'tsconfig.base.json']) {
    await cp(join(repo, path), join(checkout, path), { recursive: true, filter: (source) => !source.endsWith('.test.ts') });
  }
  await symlink(join(repo, 'node_modules'), join(checkout, 'node_modules'));
  await mkdir(join(checkout, 'home'));
  return checkout;
};

/** An environment for the copy's commands, HOME and ROLECALL_HOME inside it. */
export const checkoutEnv = (checkout: string): NodeJS.ProcessEnv => ({
  ...process.env,
  HOME: join(checkout, 'home'),
  ROLECALL_HOME: join(checkout, 'home', 'rolecall'),
});

/** Runs the copy's bin/rolecall.mjs (which rebuilds its bundle when a source changed). */
export const runCheckoutCli = (checkout: string, ...args: string[]): Promise<CliRun> =>
  runProgram(process.execPath, [join(checkout, 'bin', 'rolecall.mjs'), ...args], { env: checkoutEnv(checkout) });

/** Calls the copy's exported buildCli(options) in a process of its own. */
export const buildInChild = (checkout: string, options: Record<string, unknown> = {}): Promise<CliRun> =>
  runProgram(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { buildCli } = await import(process.argv[1]); await buildCli(JSON.parse(process.argv[2]));`,
      pathToFileURL(join(checkout, 'scripts', 'build-cli.mjs')).href,
      JSON.stringify(options),
    ],
    { env: checkoutEnv(checkout) },
  );

/** Appends a statement to one of the copy's sources (its mtime moves on: the bundle is stale). */
export const editSource = async (checkout: string, path: string, statement: string): Promise<void> => {
  const file = join(checkout, path);
  await readFile(file); // fails loudly on a wrong path rather than creating a file
  await appendFile(file, `\n${statement}\n`);
};
