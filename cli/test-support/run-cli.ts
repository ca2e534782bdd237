import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { RunningEmulator } from '../../emulator/options';

/** The real `rolecall` entry, as users (and the AWS CLI, for credential_process) start it. */
export const ROLECALL_BIN = resolve(__dirname, '../../bin/rolecall.mjs');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of a user with nothing but `home`: no AWS variables, no display, no
 * browser; ROLECALL_HOME inside it. `extra` adds or overrides (ROLECALL_NO_AGENT, say).
 */
export const isolatedCliEnv = (home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('AWS_') && key !== 'DISPLAY' && key !== 'WAYLAND_DISPLAY') env[key] = value;
  return { ...env, HOME: home, ROLECALL_HOME: join(home, 'rolecall'), ROLECALL_NO_BROWSER: '1', NO_COLOR: '1', ...extra };
};

/**
 * Runs a program to completion (killed after 2 minutes), collecting stdout and stderr;
 * `onStderr` sees stderr as it arrives (to approve a device code, say).
 */
export const runProgram = (
  command: string,
  args: readonly string[],
  options: { readonly env: NodeJS.ProcessEnv; readonly cwd?: string; readonly onStderr?: (stderr: string) => void },
): Promise<CliRun> =>
  new Promise((resolveRun, reject) => {
    const child = spawn(command, [...args], {
      env: options.env,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onStderr?.(stderr);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });

/** Runs the CLI as a separate process; `onStderr` sees stderr as it arrives. */
export const runRolecall = (args: readonly string[], env: NodeJS.ProcessEnv, onStderr?: (stderr: string) => void): Promise<CliRun> =>
  runProgram(process.execPath, [ROLECALL_BIN, ...args], { env, ...(onStderr ? { onStderr } : {}) });

/** `rolecall login --device-code` against an emulator, approving the device code as soon as the CLI prints it. */
export const loginThroughCli = (emulator: RunningEmulator, env: NodeJS.ProcessEnv, startUrl = emulator.startUrl): Promise<CliRun> => {
  let approved = false;
  return runRolecall(
    ['login', '--start-url', startUrl, '--region', emulator.region, '--endpoint', emulator.url, '--device-code', '--no-browser'],
    env,
    (stderr) => {
      const code = /code: ([A-Z]{4}-[A-Z]{4})/.exec(stderr)?.[1];
      if (code && !approved) {
        approved = true;
        emulator.approveDevice(code);
      }
    },
  );
};
