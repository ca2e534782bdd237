import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmulator } from '../../emulator/server';
import type { RunningEmulator } from '../../emulator/options';
import { CREDENTIAL_PROCESS_CACHE_FILE } from '../../app/credentials/credential-process-cache';

/**
 * `npm run bench:cli`: what a `rolecall credential-process` costs, the command the AWS CLI
 * and SDKs start for every credential lookup. In one run, side by side:
 *   - CPU (user+sys) and wall of a cached `credential-process` against a bare `node -e 0`,
 *     interleaved run by run so load on the machine hits both alike;
 *   - a burst of 50 parallel processes with a cold credential cache, and one with the access
 *     token expired: successes, GetRoleCredentials and CreateToken calls (emulator counters),
 *     p50/p95 latency;
 *   - the same through a running `rolecall agent`, when this checkout has one.
 * It prints and asserts nothing; the last line is one JSON object with every figure.
 * Other processes on the machine skew the figures; compare the ratios, not the absolutes.
 */

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const BIN = resolve(import.meta.dirname, '../../bin/rolecall.mjs');
const RUNS = Number(process.env.BENCH_RUNS ?? 25);
const BURST = Number(process.env.BENCH_BURST ?? 50);
const BASH = ['/bin/bash', '/usr/bin/bash'].find((path) => existsSync(path));

interface Timed {
  readonly code: number | null;
  readonly stdout: string;
  readonly cpuMs: number;
  readonly wallMs: number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const ms = (value: number): string => `${value.toFixed(1)} ms`;

/** The CPU clock of this process's reaped children (/proc/self/stat cutime+cstime), in ms. */
const childrenCpuMs = (): number => {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // Fields 16 and 17 of stat(5), counted from "state" as field 3.
  return (Number(fields[13]) + Number(fields[14])) * 10;
};

/**
 * How CPU is measured, said in the output. Preferred: bash's `time` keyword, which reports the
 * child's getrusage (user+sys, whole process life including Node's own startup) to the
 * millisecond. Without bash, the children's clock of this process, which counts in 10 ms ticks.
 */
const CPU_METHOD = BASH
  ? 'user+sys of each child from getrusage, via bash `time` (TIMEFORMAT=%3U %3S %3R), whole process life including Node startup'
  : 'user+sys of each child from /proc/self/stat cutime+cstime deltas (10 ms ticks), whole process life';

/** Runs a child to completion, collecting stdout and, when given, fd 3; the event loop keeps serving the in-process emulator. */
const collect = (
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  fd3: boolean,
): Promise<{ code: number | null; stdout: string; stderr: string; fd3: string }> =>
  new Promise((resolveRun, reject) => {
    const child = spawn(command, [...args], { env, stdio: ['ignore', 'pipe', 'pipe', ...(fd3 ? (['pipe'] as const) : [])] });
    const text = { stdout: '', stderr: '', fd3: '' };
    child.stdout?.on('data', (chunk: Buffer) => (text.stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (text.stderr += chunk.toString()));
    (child.stdio[3] as NodeJS.ReadableStream | undefined)?.on('data', (chunk: Buffer) => (text.fd3 += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, ...text });
    });
  });

/** Runs one command to completion and reports its CPU and wall time. */
const timed = async (command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Timed> => {
  if (BASH) {
    const script = 'TIMEFORMAT="%3U %3S %3R"; { time "$@" 2>/dev/null; } 2>&3';
    const result = await collect(BASH, ['-c', script, 'bench', command, ...args], env, true);
    const [user, sys, real] = result.fd3.trim().split(/\s+/).map(Number);
    return { code: result.code, stdout: result.stdout, cpuMs: ((user ?? NaN) + (sys ?? NaN)) * 1000, wallMs: (real ?? NaN) * 1000 };
  }
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const result = await collect(command, args, env, false);
  return { code: result.code, stdout: result.stdout, cpuMs: childrenCpuMs() - cpuBefore, wallMs: performance.now() - started };
};

/** A user with nothing but a temp home: no AWS variables, no display, no browser. */
const userEnv = (home: string): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('AWS_') && key !== 'DISPLAY' && key !== 'WAYLAND_DISPLAY') env[key] = value;
  return {
    ...env,
    HOME: home,
    ROLECALL_HOME: join(home, 'rolecall'),
    ROLECALL_NO_BROWSER: '1',
    NO_COLOR: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
};

const run = (args: readonly string[], env: NodeJS.ProcessEnv) => collect(process.execPath, [BIN, ...args], env, false);

interface User {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly emulator: RunningEmulator;
  readonly roles: readonly { accountId: string; roleName: string }[];
}

/** Signs a fresh user in against the emulator (auto-approved device code) and lists the roles. */
const signedInUser = async (emulator: RunningEmulator): Promise<User> => {
  const home = await mkdtemp(join(tmpdir(), 'rolecall-bench-cli-'));
  const env = userEnv(home);
  const login = await run(
    ['login', '--start-url', emulator.startUrl, '--region', emulator.region, '--endpoint', emulator.url, '--no-browser'],
    env,
  );
  if (login.code !== 0) throw new Error(`rolecall login failed: ${login.stderr}`);
  const ls = await run(['ls', '--json'], env);
  if (ls.code !== 0) throw new Error(`rolecall ls failed: ${ls.stderr}`);
  return { home, env, emulator, roles: JSON.parse(ls.stdout) as { accountId: string; roleName: string }[] };
};

const credentialProcessArgs = (role: { accountId: string; roleName: string }): string[] => [
  BIN,
  'credential-process',
  '--account',
  role.accountId,
  '--role',
  role.roleName,
];
const isCredentials = (stdout: string): boolean => {
  try {
    return typeof (JSON.parse(stdout) as { AccessKeyId?: unknown }).AccessKeyId === 'string';
  } catch {
    return false;
  }
};

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The launcher as it was before the bundle (bin/rolecall.mjs at 4489400): tsx compiling the
 * TypeScript sources at every start. Measured beside the bundle for the before/after figure.
 */
const tsxLauncher = (role: { accountId: string; roleName: string }): string[] => {
  const url = (path: string) => JSON.stringify(pathToFileURL(join(ROOT, path)).href);
  const code = [
    "import { register } from 'tsx/esm/api';",
    'register();',
    `const [{ runCredentialProcessCli }, { processOutput }] = await Promise.all([import(${url('cli/commands/credential-process.ts')}), import(${url('app/node/terminal-output.ts')})]);`,
    `process.exitCode = await runCredentialProcessCli(${JSON.stringify(['--account', role.accountId, '--role', role.roleName])}, processOutput());`,
  ].join('\n');
  return ['--input-type=module', '-e', code];
};

/** What bin/rolecall.mjs's stale-bundle check costs per start in a checkout (the same reads and stats), in ms. */
const staleCheckMs = (): { ms: number; files: number } | undefined => {
  const stampPath = join(ROOT, 'dist', 'cli', 'build.json');
  if (!existsSync(stampPath)) return undefined;
  const rounds = 200;
  let files = 0;
  const started = performance.now();
  for (let i = 0; i < rounds; i++) {
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as { builtAt: number; inputs: string[] };
    files = stamp.inputs.length;
    for (const input of stamp.inputs) statSync(join(ROOT, input), { throwIfNoEntry: false });
  }
  return { ms: (performance.now() - started) / rounds, files };
};

interface SideBySide {
  readonly runs: number;
  readonly baselineCpuMs: number;
  readonly baselineWallMs: number;
  readonly cachedCpuMs: number;
  readonly cachedWallMs: number;
  readonly cpuRatio: number;
  readonly wallRatio: number;
  readonly failures: number;
}

/** `node -e 0` and a cached credential-process, alternating, RUNS times each. */
const sideBySide = async (user: User, role: { accountId: string; roleName: string }): Promise<SideBySide> => {
  const warm = await timed(process.execPath, credentialProcessArgs(role), user.env);
  if (!isCredentials(warm.stdout)) throw new Error('credential-process did not print credentials when warming the cache');
  const baseline: Timed[] = [];
  const cached: Timed[] = [];
  for (let i = 0; i < RUNS; i++) {
    baseline.push(await timed(process.execPath, ['-e', '0'], user.env));
    cached.push(await timed(process.execPath, credentialProcessArgs(role), user.env));
  }
  const figures = {
    runs: RUNS,
    baselineCpuMs: median(baseline.map((t) => t.cpuMs)),
    baselineWallMs: median(baseline.map((t) => t.wallMs)),
    cachedCpuMs: median(cached.map((t) => t.cpuMs)),
    cachedWallMs: median(cached.map((t) => t.wallMs)),
    failures: cached.filter((t) => t.code !== 0 || !isCredentials(t.stdout)).length,
  };
  return { ...figures, cpuRatio: figures.cachedCpuMs / figures.baselineCpuMs, wallRatio: figures.cachedWallMs / figures.baselineWallMs };
};

interface Burst {
  readonly processes: number;
  readonly successes: number;
  readonly getRoleCredentials: number;
  readonly createToken: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly firstError?: string;
}

/** BURST credential-process processes started at once for one role. */
const burst = async (user: User, role: { accountId: string; roleName: string }): Promise<Burst> => {
  await rm(join(user.home, 'rolecall', 'cache', CREDENTIAL_PROCESS_CACHE_FILE), { force: true });
  user.emulator.resetCounters();
  const results = await Promise.all(
    Array.from(
      { length: BURST },
      () =>
        new Promise<{ ok: boolean; ms: number; stderr: string }>((resolveRun) => {
          const started = performance.now();
          const child = spawn(process.execPath, credentialProcessArgs(role), { env: user.env, stdio: ['ignore', 'pipe', 'pipe'] });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
          child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          child.once('close', (code) =>
            resolveRun({ ok: code === 0 && isCredentials(stdout), ms: performance.now() - started, stderr: stderr.trim() }),
          );
          child.once('error', (error) => resolveRun({ ok: false, ms: performance.now() - started, stderr: error.message }));
        }),
    ),
  );
  const counters = user.emulator.counters();
  const firstError = results.find((result) => !result.ok)?.stderr;
  return {
    processes: BURST,
    successes: results.filter((result) => result.ok).length,
    getRoleCredentials: counters.GetRoleCredentials?.requests ?? 0,
    createToken: counters.CreateToken?.requests ?? 0,
    p50Ms: percentile(
      results.map((result) => result.ms),
      50,
    ),
    p95Ms: percentile(
      results.map((result) => result.ms),
      95,
    ),
    ...(firstError !== undefined ? { firstError } : {}),
  };
};

const describeBurst = (label: string, figures: Burst): string =>
  `  ${label}: ${figures.successes}/${figures.processes} succeeded, ${figures.getRoleCredentials} GetRoleCredentials, ${figures.createToken} CreateToken, p50 ${ms(figures.p50Ms)}, p95 ${ms(figures.p95Ms)}` +
  (figures.firstError ? `\n    first failure: ${figures.firstError.split('\n')[0]}` : '');

const describeSideBySide = (label: string, figures: SideBySide): string[] => [
  `  node -e 0 (baseline):           CPU ${ms(figures.baselineCpuMs)}, wall ${ms(figures.baselineWallMs)} (median of ${figures.runs})`,
  `  ${label.padEnd(31)} CPU ${ms(figures.cachedCpuMs)}, wall ${ms(figures.cachedWallMs)} (median of ${figures.runs}${figures.failures ? `, ${figures.failures} failed` : ''})`,
  `  ratio to node -e 0:             CPU ${figures.cpuRatio.toFixed(2)}x, wall ${figures.wallRatio.toFixed(2)}x`,
];

/** Whether this checkout's CLI has `rolecall agent`. */
const hasAgent = async (env: NodeJS.ProcessEnv): Promise<boolean> => (await run(['agent', '--help'], env)).code === 0;

/** Starts `rolecall agent` for the user; resolves once it prints its JSON line. */
const startAgent = (user: User): Promise<{ stop: () => Promise<void> }> =>
  new Promise((resolveAgent, reject) => {
    const child = spawn(process.execPath, [BIN, 'agent'], { env: user.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rolecall agent did not start: ${stderr}`));
    }, 30_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!stdout.includes('\n')) return;
      clearTimeout(timer);
      resolveAgent({
        stop: () =>
          new Promise<void>((resolveStop) => {
            child.once('close', () => resolveStop());
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`rolecall agent exited (${code}) before it was ready: ${stderr.trim()}`));
    });
  });

const main = async () => {
  const bundle = existsSync(resolve(import.meta.dirname, '../../dist/cli/build.json'));
  console.log(
    `rolecall credential-process benchmark (node ${process.version}, ${RUNS} runs each, bursts of ${BURST}; the CLI ${bundle ? 'runs from its bundle, dist/cli' : 'has no bundle'})`,
  );
  console.log(`CPU: ${CPU_METHOD}; wall: the same child's real time.`);
  const valid = await startEmulator({
    directory: { accounts: 4, rolesPerAccount: 3, seed: 7 },
    autoApprove: true,
    deviceCodeIntervalSeconds: 0,
    log: () => undefined,
  });
  // Access tokens that expire 2 s after sign-in: every process of the second burst finds one expired.
  const short = await startEmulator({
    directory: { accounts: 4, rolesPerAccount: 3, seed: 7 },
    autoApprove: true,
    deviceCodeIntervalSeconds: 0,
    accessTokenTtlSeconds: 2,
    log: () => undefined,
  });
  const users: User[] = [];
  const summary: Record<string, unknown> = {
    bench: 'cli',
    node: process.version,
    runs: RUNS,
    burst: BURST,
    cpuMethod: BASH ? 'bash-time-getrusage' : 'proc-cutime',
  };
  try {
    const alone = await signedInUser(valid);
    users.push(alone);
    const [first, second, third, fourth] = alone.roles;
    if (!first || !second || !third || !fourth) throw new Error('the emulator directory has too few roles');

    console.log('\nCached credential-process, no owner running:');
    const cached = await sideBySide(alone, first);
    for (const line of describeSideBySide('cached credential-process:', cached)) console.log(line);
    summary.cached = cached;
    const before: Timed[] = [];
    const beforeRuns = Math.max(5, Math.ceil(RUNS / 3));
    for (let i = 0; i < beforeRuns; i++) before.push(await timed(process.execPath, tsxLauncher(first), alone.env));
    const beforeCpuMs = median(before.map((t) => t.cpuMs));
    const beforeWallMs = median(before.map((t) => t.wallMs));
    console.log(
      `  before the bundle (tsx):        CPU ${ms(beforeCpuMs)}, wall ${ms(beforeWallMs)} (median of ${beforeRuns}), CPU ${(beforeCpuMs / cached.baselineCpuMs).toFixed(2)}x node -e 0`,
    );
    summary.beforeBundle = {
      runs: beforeRuns,
      cpuMs: beforeCpuMs,
      wallMs: beforeWallMs,
      cpuRatio: beforeCpuMs / cached.baselineCpuMs,
      failures: before.filter((t) => !isCredentials(t.stdout)).length,
    };
    const check = staleCheckMs();
    if (check) {
      console.log(
        `  stale-bundle check in a checkout: ${check.ms.toFixed(2)} ms per start (${check.files} source files stat'ed; none in an installed package)`,
      );
      summary.staleCheck = check;
    }

    console.log(`\nBursts of ${BURST} parallel credential-process, no owner running:`);
    const cold = await burst(alone, second);
    console.log(describeBurst('cold cache, valid token  ', cold));
    summary.coldBurst = cold;

    const expiring = await signedInUser(short);
    users.push(expiring);
    await new Promise((wait) => setTimeout(wait, 2_500));
    const expired = await burst(expiring, expiring.roles[1]!);
    console.log(describeBurst('cold cache, token expired', expired));
    summary.expiredBurst = expired;

    if (await hasAgent(alone.env)) {
      console.log('\nThrough a running `rolecall agent`:');
      const agent = await startAgent(alone);
      try {
        const viaAgent = await sideBySide(alone, third);
        for (const line of describeSideBySide('cached, through the agent:', viaAgent)) console.log(line);
        summary.agentCached = viaAgent;
        const agentCold = await burst(alone, fourth);
        console.log(describeBurst('cold cache, valid token  ', agentCold));
        summary.agentColdBurst = agentCold;
      } finally {
        await agent.stop();
      }
      const agentExpiring = await signedInUser(short);
      users.push(agentExpiring);
      await new Promise((wait) => setTimeout(wait, 2_500));
      const expiredAgent = await startAgent(agentExpiring);
      try {
        const agentExpired = await burst(agentExpiring, agentExpiring.roles[1]!);
        console.log(describeBurst('cold cache, token expired', agentExpired));
        summary.agentExpiredBurst = agentExpired;
      } finally {
        await expiredAgent.stop();
      }
    } else {
      console.log(
        '\nTODO: the agent leg is missing: this checkout has no `rolecall agent` command yet, so nothing was measured through an owner.',
      );
      summary.agent = 'missing';
    }
  } finally {
    await Promise.all([valid.close(), short.close()]);
    await Promise.all(users.map((user) => rm(user.home, { recursive: true, force: true })));
  }
  console.log(JSON.stringify(summary));
};

await main();
