import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cliExternal, staticClosure } from '../scripts/build-cli.mjs';
import { copyCheckout } from './test-support/checkout-copy';

/**
 * The CLI bundle (scripts/build-cli.mjs) and bin/rolecall.mjs's handling of it in a checkout.
 * Each test builds into its own temp directory: the checkout's dist/cli is left alone.
 */

const repo = resolve(__dirname, '..');

describe('the CLI bundle', () => {
  let dir: string;
  let metafile: Metafile;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rolecall-bundle-'));
    ({ metafile } = await buildCli({ outdir: join(dir, 'cli') }));
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const outputFor = (entry: string) => Object.keys(metafile.outputs).find((path) => path.endsWith(`/cli/${entry}.mjs`))!;
  const inputsLoadedBy = (entry: string) =>
    staticClosure(metafile, outputFor(entry)).flatMap((file) => Object.keys(metafile.outputs[file]!.inputs));

  it('starts credential-process without the AWS SDK, the core, the web server or the browser opener (they load on a cache miss)', () => {
    const loaded = inputsLoadedBy('credential-process');
    expect(loaded).toContain('cli/commands/credential-process.ts');
    for (const heavy of [
      '@aws-sdk/',
      '@smithy/',
      'app/session/controller.ts',
      'cli/cli-core.ts',
      'node_modules/ws/',
      'node_modules/open/',
      'web/',
      'node_modules/diff/',
    ]) {
      expect(
        loaded.filter((input) => input.includes(heavy)),
        heavy,
      ).toEqual([]);
    }
    // ...and the SDK is in the bundle, behind a dynamic import.
    expect(Object.keys(metafile.inputs).some((input) => input.includes('@aws-sdk/client-sso-oidc'))).toBe(true);
  });

  it('starts credential-process on zod/mini alone, without commander or the secrets, and asks a running owner without the IPC contract', () => {
    // Classic zod costs that process more CPU to compile than the rest of it takes to run.
    // zod/mini has its own tree-shaken copy of zod/v4/core (scripts/build-cli.mjs): the shared
    // one, whole files of it, must not come back either.
    const classic = (inputs: readonly string[]) =>
      inputs.filter(
        (input) => /^node_modules\/zod\/(index\.js|v4\/(classic|core)\/)/.test(input) || input.includes('node_modules/commander/'),
      );
    const loaded = inputsLoadedBy('credential-process');
    expect(loaded.some((input) => input.startsWith('zod-mini:') && input.includes('node_modules/zod/v4/mini/'))).toBe(true);
    expect(classic(loaded)).toEqual([]);
    // settings.json and Rolecall's secrets (sign-in, encrypted cache) load only when no owner answers.
    const secrets = [
      'app/storage/file-settings-store.ts',
      'app/model/settings.ts',
      'app/session/token-vault.ts',
      'app/storage/file-secret-store.ts',
      'app/credentials/credential-process-cache.ts',
    ];
    expect(loaded.filter((input) => secrets.includes(input))).toEqual([]);
    // The agent client, loaded when an owner's agent.json is there: framing, no contract schemas.
    const ownerChunk = Object.keys(metafile.outputs).find(
      (path) => metafile.outputs[path]!.inputs['cli/commands/credential-process-owner.ts'],
    )!;
    const ownerPath = staticClosure(metafile, ownerChunk).flatMap((file) => Object.keys(metafile.outputs[file]!.inputs));
    expect(ownerPath).toContain('app/agent/agent-client.ts');
    expect(classic(ownerPath)).toEqual([]);
    expect(ownerPath.filter((input) => input === 'app/ipc/contract.ts' || input === 'app/agent/request-frame.ts')).toEqual([]);
  });

  it('answers in English on zod/mini alone (zod/mini sets no locale of its own)', () => {
    const home = join(dir, 'home');
    const entry = (name: string) => JSON.stringify(pathToFileURL(join(dir, 'cli', `${name}.mjs`)).href);
    const script = `const [{ runCredentialProcessCli }, { processOutput }] = await Promise.all([import(${entry('credential-process')}), import(${entry('output')})]);
process.exitCode = await runCredentialProcessCli(['--account', '111111111111', '--role', 'Admin', '--wait', 'soon'], processOutput());`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, HOME: home, ROLECALL_HOME: home, ROLECALL_NO_AGENT: '1' },
    });
    expect(run.stderr.trim()).toBe('Invalid --wait: Invalid input: expected number, received NaN.');
    expect(run.status).toBe(1);
  });

  it("leaves out only Node's built-ins and the declared build tools, and zod's locales but English", () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
    const external = new Set(
      Object.values(metafile.outputs).flatMap((output) =>
        output.imports.filter((imported) => imported.external).map((imported) => imported.path),
      ),
    );
    expect([...external].filter((path) => !builtins.has(path) && !cliExternal.includes(path))).toEqual([]);
    expect(Object.keys(metafile.inputs).filter((input) => /zod\/v4\/locales\/(?!en\.js)/.test(input))).toEqual([]);
  });

  it('records its version and every source it was built from', async () => {
    const stamp = JSON.parse(await readFile(join(dir, 'cli', 'build.json'), 'utf8')) as {
      version: string;
      builtAt: number;
      inputs: string[];
    };
    expect(stamp.version).toBe((JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as { version: string }).version);
    expect(stamp.inputs).toEqual(
      expect.arrayContaining([
        'cli/main.ts',
        'cli/commands/credential-process.ts',
        'emulator/cli.ts',
        'scripts/demo.ts',
        'package-lock.json',
        'scripts/build-cli.mjs',
      ]),
    );
    expect(stamp.inputs.filter((input) => input.includes('node_modules') || input.includes(':'))).toEqual([]);
  });
});

describe('bin/rolecall.mjs in a git checkout', () => {
  let checkout: string;
  const stampOf = async () =>
    (JSON.parse(await readFile(join(checkout, 'dist', 'cli', 'build.json'), 'utf8')) as { builtAt: number }).builtAt;
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(checkout, 'bin', 'rolecall.mjs'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, ROLECALL_HOME: join(checkout, 'home'), HOME: join(checkout, 'home') },
    });

  beforeAll(async () => {
    checkout = await copyCheckout();
  }, 60_000);
  afterAll(async () => {
    await rm(checkout, { recursive: true, force: true });
  });

  it('builds a missing bundle, reuses a current one, and rebuilds after a source edit', async () => {
    expect(run('--help').status).toBe(0);
    const first = await stampOf();
    expect(run('--help').status).toBe(0);
    expect(await stampOf()).toBe(first);

    const main = join(checkout, 'cli', 'main.ts');
    await writeFile(main, `${await readFile(main, 'utf8')}\nprocess.stderr.write('edited source\\n');\n`);
    const edited = run('--help');
    expect(edited.status).toBe(0);
    expect(edited.stderr).toContain('edited source');
    expect(await stampOf()).toBeGreaterThan(first);
  }, 120_000);

  it('takes over the lock a killed rebuild left behind and rebuilds', async () => {
    const before = await stampOf();
    await writeFile(
      join(checkout, 'cli', 'main.ts'),
      `${await readFile(join(checkout, 'cli', 'main.ts'), 'utf8')}\nprocess.stderr.write('second edit\\n');\n`,
    );
    const lock = join(checkout, 'dist', '.cli-build.lock');
    await mkdir(lock);
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(lock, minuteAgo, minuteAgo);
    const rebuilt = run('--help');
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    expect(rebuilt.stderr).toContain('second edit');
    expect(await stampOf()).toBeGreaterThan(before);
    expect(existsSync(lock)).toBe(false);
  }, 120_000);
});
