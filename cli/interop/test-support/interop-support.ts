import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { OperationCounters, RunningEmulator } from '../../../emulator/options';
import { probePython } from '../../../app/aws-cli-cache/test-support/run-python';

export const ROLECALL_BIN = resolve(__dirname, '../../../bin/rolecall.mjs');
export const INTEROP_SCRIPT = resolve(__dirname, '../aws_sdk_interop.py');

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Why the boto3 tests cannot run here, or undefined when python3 imports boto3 (checked before any emulator starts). */
export const realClientsMissing = (): string | undefined => {
  const python = probePython();
  if ('unavailable' in python) return python.unavailable;
  const boto3 = spawnSync(python.executable, ['-c', 'import boto3'], { encoding: 'utf8' });
  if (boto3.status !== 0)
    return `python3 cannot import boto3 (${(boto3.stderr || boto3.error?.message || 'unknown').trim().split('\n').pop() ?? ''})`;
  return undefined;
};

/**
 * A user with nothing but a temp home: HOME, ROLECALL_HOME, AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE inside it, no AWS_* credentials or profile from the test runner,
 * the SSO endpoints pointing at the emulator, no display (so no browser is ever opened).
 */
export const isolatedUser = async (emu: RunningEmulator): Promise<{ home: string; env: Record<string, string> }> => {
  const home = await mkdtemp(join(tmpdir(), 'rolecall-interop-'));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('AWS_') || key === 'DISPLAY' || key === 'WAYLAND_DISPLAY' || key.startsWith('ROLECALL_'))
      continue;
    env[key] = value;
  }
  Object.assign(env, {
    HOME: home,
    ROLECALL_HOME: join(home, 'rolecall'),
    ROLECALL_NO_BROWSER: '1',
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_ENDPOINT_URL_SSO: emu.url,
    AWS_ENDPOINT_URL_SSO_OIDC: emu.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUTF8: '1',
    NO_COLOR: '1',
  });
  // `rolecall` installed on PATH the way `npm link` installs it, so `config populate
  // --credential-process` writes a command that outlives this checkout (it refuses otherwise).
  await mkdir(join(home, 'bin'), { recursive: true });
  await symlink(ROLECALL_BIN, join(home, 'bin', 'rolecall'));
  env.PATH = `${join(home, 'bin')}${delimiter}${env.PATH ?? ''}`;
  return { home, env };
};

/** The `rolecall` an isolated user has on PATH (see isolatedUser). */
export const rolecallOnPath = (home: string): string => join(home, 'bin', 'rolecall');

/** Runs a program asynchronously (the emulator answers from this same process, so never spawnSync). */
export const run = (
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  options: { input?: string; onTick?: () => void } = {},
): Promise<Run> =>
  new Promise((resolveRun, reject) => {
    const started = performance.now();
    const child = spawn(command, [...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(options.input ?? '');
    const ticker = options.onTick ? setInterval(options.onTick, 25) : undefined;
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      if (ticker) clearInterval(ticker);
      resolveRun({ code, stdout, stderr, ms: performance.now() - started });
    });
  });

export const rolecall = (args: readonly string[], env: Record<string, string>, onTick?: () => void): Promise<Run> =>
  run(process.execPath, [ROLECALL_BIN, ...args], env, onTick ? { onTick } : {});

/** `rolecall login` as a user would run it, approving the device code once the emulator has issued it. */
export const rolecallLogin = async (emu: RunningEmulator, env: Record<string, string>): Promise<Run> => {
  const before = new Set(emu.pendingUserCodes());
  let approved = false;
  return rolecall(['login', '--start-url', emu.startUrl, '--region', emu.region, '--endpoint', emu.url, '--no-browser'], env, () => {
    if (approved) return;
    const code = emu.pendingUserCodes().find((candidate) => !before.has(candidate));
    if (code) {
      approved = true;
      emu.approveDevice(code);
    }
  });
};

/** Runs a command of aws_sdk_interop.py with the real python3 (not a pyenv shim, which needs the real HOME). */
export const python = async <T>(command: string, input: unknown, env: Record<string, string>): Promise<T> => {
  const probe = probePython();
  if ('unavailable' in probe) throw new Error(probe.unavailable);
  const result = await run(probe.executable, [INTEROP_SCRIPT, command], env, { input: JSON.stringify(input) });
  if (result.code !== 0) throw new Error(`aws_sdk_interop.py ${command} failed (${result.code}): ${result.stdout} ${result.stderr}`);
  return JSON.parse(result.stdout.trim()) as T;
};

/** The AWS CLI installed next to that python, if any. */
export const awsCliPath = (): string | undefined => {
  const probe = probePython();
  return 'unavailable' in probe ? undefined : probe.awsCli;
};

/** GET /_emulator/counters: how many calls of each operation the emulator has answered. */
export const counters = async (emu: RunningEmulator): Promise<Record<string, OperationCounters>> =>
  (await (await fetch(`${emu.url}/_emulator/counters`)).json()) as Record<string, OperationCounters>;

export const requestsOf = async (emu: RunningEmulator, operation: string): Promise<number> =>
  (await counters(emu))[operation]?.requests ?? 0;
