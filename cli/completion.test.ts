import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, cliFixture } from './test-support/cli-fixture';
import type { CliFixture } from './test-support/cli-fixture';
import { ROLECALL_BIN, isolatedCliEnv, runRolecall } from './test-support/run-cli';
import { runProgram } from './test-support/run-cli';

/**
 * The bash completion script in a real bash: commands and options from the command tree,
 * account and role names from the cached directory (the fixture's instance points at a
 * closed port, so an AWS call would fail and complete nothing).
 */

let fixture: CliFixture;
let env: NodeJS.ProcessEnv;
const HOSTILE = '$(touch PWNED)`touch PWNED`';

beforeAll(async () => {
  fixture = await cliFixture();
  await fixture.setAccounts([
    ...ACCOUNTS,
    { accountId: '333333333333', accountName: HOSTILE, emailAddress: 'x@example.com', roles: ['Odd'] },
  ]);
  const bin = join(fixture.dir, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'rolecall'), `#!/bin/sh\nexec '${process.execPath}' '${ROLECALL_BIN}' "$@"\n`);
  await chmod(join(bin, 'rolecall'), 0o755);
  env = {
    ...isolatedCliEnv(fixture.dir, { ROLECALL_HOME: fixture.configDir, ROLECALL_NO_AGENT: '1' }),
    PATH: `${bin}:${process.env.PATH ?? ''}`,
  };
});

afterAll(async () => {
  if (fixture) await rm(fixture.dir, { recursive: true, force: true });
});

/**
 * Sources `script` (written to `fileName`) in a real `shell` between its `setup` and `check`
 * lines, then prints COMPREPLY for each command line (the last word is the one completed).
 */
const completeIn = async (
  shell: {
    readonly command: string;
    readonly args: readonly string[];
    readonly fileName: string;
    readonly setup: readonly string[];
    readonly check?: readonly string[];
  },
  script: string,
  lines: readonly (readonly string[])[],
  shellEnv: NodeJS.ProcessEnv = env,
): Promise<string[][]> => {
  const scriptFile = join(fixture.dir, shell.fileName);
  await writeFile(scriptFile, script);
  const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;
  const driver = [
    ...shell.setup,
    `source ${quote(scriptFile)}`,
    ...(shell.check ?? []),
    'try() { COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _rolecall; printf "%s\\n" "${COMPREPLY[@]}"; echo "@@"; }',
    ...lines.map((words) => `try ${words.map(quote).join(' ')}`),
  ].join('\n');
  const result = await runProgram(shell.command, [...shell.args, driver], { env: shellEnv, cwd: fixture.dir });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout
    .split('@@\n')
    .slice(0, lines.length)
    .map((block) => block.split('\n').filter((line) => line !== ''));
};

/** The bash script sourced in bash (`complete -p` proves it registered). */
const complete = (script: string, lines: readonly (readonly string[])[]): Promise<string[][]> =>
  completeIn(
    {
      command: 'bash',
      args: ['--norc', '--noprofile', '-c'],
      fileName: 'rolecall.bash',
      setup: ['set -u'],
      check: ['complete -p rolecall >/dev/null || exit 9'],
    },
    script,
    lines,
  );

/** Whether zsh is installed (the zsh test says so and skips where it is not). */
const hasZsh = spawnSync('zsh', ['--version'], { stdio: 'ignore' }).status === 0;

/** The zsh script in a real zsh (compinit, then the script's bashcompinit). */
const completeInZsh = (script: string, lines: readonly (readonly string[])[]): Promise<string[][]> =>
  completeIn(
    { command: 'zsh', args: ['-f', '-c'], fileName: '_rolecall', setup: ['autoload -U compinit && compinit -u -D'] },
    script,
    lines,
    { ...env, ZDOTDIR: fixture.dir },
  );

describe('rolecall completion', () => {
  it('completes commands, options, choices and cached account and role names in bash', async () => {
    const script = await runRolecall(['completion', 'bash'], env);
    expect(script.code, script.stderr).toBe(0);
    const [commands, options, accounts, roles, formats, shells, nested, afterDashDash, ids] = await complete(script.stdout, [
      ['rolecall', 'cre'],
      ['rolecall', 'exec', '--f'],
      ['rolecall', 'creds', '--account', ''],
      ['rolecall', 'creds', '--account', 'prod', '--role', ''],
      ['rolecall', 'creds', '--format', 'p'],
      ['rolecall', 'completion', ''],
      ['rolecall', 'config', 'p'],
      ['rolecall', 'exec', '--account', 'prod', '--role', 'ReadOnly', '--', 'cre'],
      ['rolecall', 'ls', '--instance', fixture.instance.id.slice(0, 3)],
    ]);
    expect(commands).toEqual(['creds', 'credential-process']);
    expect(options).toEqual(['--force']);
    expect(accounts).toEqual(expect.arrayContaining(['prod', '111111111111', 'dev\\ sandbox', '222222222222']));
    expect(roles).toEqual(['AdministratorAccess', 'ReadOnly']);
    expect(formats).toEqual(['posix', 'powershell']);
    expect(shells).toEqual(['bash', 'zsh', 'fish', 'powershell', '--help']);
    expect(nested).toEqual(['populate']);
    expect(afterDashDash).toEqual([]);
    expect(ids).toEqual([fixture.instance.id]);
    // A hostile name from AWS is a quoted candidate, never run.
    expect(accounts!.some((candidate) => candidate.includes('touch'))).toBe(true);
    expect(existsSync(join(fixture.dir, 'PWNED'))).toBe(false);
  });

  it('lists candidates from the cache only, and nothing when there is no cache', async () => {
    const listed = await runRolecall(['completion', '--list', 'roles', '--account', '222222222222'], env);
    expect(listed.stdout.trim().split('\n')).toEqual(['AdministratorAccess', 'Developer']);
    const empty = await runRolecall(['completion', '--list', 'accounts'], { ...env, ROLECALL_HOME: join(fixture.dir, 'nothing-here') });
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toBe('');
  });

  it.skipIf(!hasZsh)('completes the same candidates in a real zsh (skipped: zsh is not installed)', async () => {
    const script = await runRolecall(['completion', 'zsh'], env);
    expect(script.code, script.stderr).toBe(0);
    const [commands, options, accounts, roles, formats, shells, nested] = await completeInZsh(script.stdout, [
      ['rolecall', 'cre'],
      ['rolecall', 'exec', '--f'],
      ['rolecall', 'creds', '--account', ''],
      ['rolecall', 'creds', '--account', 'prod', '--role', ''],
      ['rolecall', 'creds', '--format', 'p'],
      ['rolecall', 'completion', ''],
      ['rolecall', 'config', 'p'],
    ]);
    expect(commands).toEqual(['creds', 'credential-process']);
    expect(options).toEqual(['--force']);
    expect(accounts).toEqual(expect.arrayContaining(['prod', '111111111111', '222222222222']));
    expect(roles).toEqual(['AdministratorAccess', 'ReadOnly']);
    expect(formats).toEqual(['posix', 'powershell']);
    expect(shells).toEqual(['bash', 'zsh', 'fish', 'powershell', '--help']);
    expect(nested).toEqual(['populate']);
    expect(existsSync(join(fixture.dir, 'PWNED'))).toBe(false);
  });

  it('prints zsh, fish and PowerShell scripts, and refuses an unknown shell', async () => {
    const zsh = await runRolecall(['completion', 'zsh'], env);
    expect(zsh.stdout).toMatch(/^#compdef rolecall\n/);
    expect(zsh.stdout).toContain('bashcompinit');
    const fish = await runRolecall(['completion', 'fish'], env);
    expect(fish.stdout).toContain("complete -c rolecall -n '__fish_use_subcommand' -a creds");
    expect(fish.stdout).toContain('(rolecall completion --list accounts 2>/dev/null)');
    const powershell = await runRolecall(['completion', 'powershell'], env);
    expect(powershell.stdout).toContain('Register-ArgumentCompleter -Native -CommandName rolecall');
    const bad = await runRolecall(['completion', 'tcsh'], env);
    expect(bad.code).toBe(2);
  });
});
