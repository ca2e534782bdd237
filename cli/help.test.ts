import type { Command } from 'commander';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram, runCli } from './program';
import { isolatedCliEnv, runRolecall } from './test-support/run-cli';

const quiet = { out: () => undefined, err: () => undefined, interactive: false };

/** Every command path of the program, nested ones included (`config populate`). */
const commandPaths = (command: Command, path: readonly string[] = []): string[][] =>
  command.commands.flatMap((sub) => [[...path, sub.name()], ...commandPaths(sub, [...path, sub.name()])]);

/** The commands bin/rolecall.mjs hands to their own entry (their --help is not the program's). */
const OWN_ENTRY = new Set(['web', 'emulator', 'credential-process']);

describe('--help', () => {
  const paths = commandPaths(buildProgram(quiet));

  it.each(paths.filter((path) => !OWN_ENTRY.has(path[0]!)).map((path) => [path.join(' ')]))(
    'rolecall %s --help ends with an example',
    async (path) => {
      let text = '';
      const code = await runCli([...path.split(' '), '--help'], {
        out: (line) => (text += `${line}\n`),
        err: (line) => (text += `${line}\n`),
        interactive: false,
      });
      expect(code).toBe(0);
      expect(text).toMatch(/\nExample:\n {2}\S/);
      expect(text).toContain(`rolecall ${path.split(' ')[0]}`);
    },
  );

  describe('commands with their own entry, through the real bin', () => {
    let home: string;
    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'rolecall-help-'));
    });
    afterAll(async () => {
      if (home) await rm(home, { recursive: true, force: true });
    });

    it.each([...OWN_ENTRY].map((name) => [name]))('rolecall %s --help ends with an example', async (name) => {
      expect(paths.some((path) => path[0] === name)).toBe(true);
      const run = await runRolecall([name, '--help'], isolatedCliEnv(home, { ROLECALL_NO_AGENT: '1' }));
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout + run.stderr).toMatch(/\nExample:\n {2}\S/);
    });
  });
});
