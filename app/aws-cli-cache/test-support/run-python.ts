import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type PythonProbe =
  { readonly executable: string; readonly botocore: string; readonly awsCli?: string } | { readonly unavailable: string };

let probed: PythonProbe | undefined;

/**
 * Finds the real python3 executable with botocore. Resolved once with the caller's own
 * environment, because a pyenv shim stops working once a test points HOME elsewhere.
 */
export const probePython = (): PythonProbe => {
  if (probed) return probed;
  const probe = spawnSync('python3', ['-c', 'import sys, botocore, dateutil; print(sys.executable); print(botocore.__version__)'], {
    encoding: 'utf8',
  });
  if (probe.error) probed = { unavailable: `python3 is not runnable (${probe.error.message})` };
  else if (probe.status !== 0) probed = { unavailable: `python3 cannot import botocore: ${probe.stderr.trim().split('\n').pop() ?? ''}` };
  else {
    const [executable = 'python3', version = '?'] = probe.stdout.trim().split('\n');
    // The `aws` script installed next to that python (a pyenv shim would need the real HOME).
    const awsCli = join(dirname(executable), 'aws');
    probed = { executable, botocore: version, ...(existsSync(awsCli) ? { awsCli } : {}) };
  }
  return probed;
};

/** Runs a Python helper with a JSON argument on stdin and an explicit (isolated) environment; returns its JSON output. */
export const runPythonJson = <T = Record<string, unknown>>(
  script: string,
  args: readonly string[],
  input: unknown,
  env: Readonly<Record<string, string>>,
): T => {
  const python = probePython();
  if ('unavailable' in python) throw new Error(python.unavailable);
  const result = spawnSync(python.executable, [script, ...args], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    // Only PATH plus the isolated AWS variables: never the real HOME.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PYTHONUTF8: '1', ...env },
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  const out = result.stdout.trim();
  if (result.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (${result.status}): ${out} ${result.stderr}`);
  return JSON.parse(out) as T;
};
