import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { SandboxEnv } from './sandbox';
import { waitUntil, withTimeout } from './wait';

const root = join(import.meta.dirname, '..', '..');

export interface RolecallProcess {
  readonly child: ChildProcess;
  /** Complete stdout lines so far. */
  readonly stdoutLines: string[];
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits for the first stdout line, bounded. */
  firstLine(timeoutMs: number): Promise<string>;
  /** Sends `signal` and waits (bounded) for the exit. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * `node bin/rolecall.mjs …` as a user runs it, with only the sandbox's variables (plus PATH):
 * no DISPLAY and ROLECALL_NO_BROWSER set, so it never tries to open a browser.
 */
export const spawnRolecall = (args: readonly string[], env: SandboxEnv): RolecallProcess => {
  const child = spawn(process.execPath, [join(root, 'bin', 'rolecall.mjs'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, ROLECALL_NO_BROWSER: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdoutLines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    stdoutLines.push(...parts);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const describe = () => `rolecall ${args[0] ?? ''} (stderr: ${stderr.trim() || 'empty'})`;
  return {
    child,
    stdoutLines,
    stderr: () => stderr,
    exited,
    firstLine: (timeoutMs) =>
      waitUntil(
        () => {
          if (stdoutLines.length > 0) return stdoutLines[0];
          if (done) throw new Error(`${describe()} exited before printing a line`);
          return undefined;
        },
        `the first stdout line of ${describe()}`,
        timeoutMs,
      ),
    stop: (signal = 'SIGTERM', timeoutMs = 10_000) => {
      if (!done) child.kill(signal);
      return withTimeout(exited, timeoutMs, `${describe()} to exit after ${signal}`);
    },
  };
};
