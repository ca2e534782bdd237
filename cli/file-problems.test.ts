import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliFixture } from './test-support/cli-fixture';
import type { CliFixture } from './test-support/cli-fixture';
import { isolatedCliEnv, runRolecall } from './test-support/run-cli';

let fx: CliFixture;
beforeEach(async () => {
  fx = await cliFixture();
});
afterEach(async () => {
  await rm(fx.dir, { recursive: true, force: true });
});

describe('a corrupt file, seen from the CLI', () => {
  it('`rolecall ls` names the settings file it moved aside, once, instead of only "no instance"', async () => {
    await writeFile(join(fx.configDir, 'settings.json'), '{"instances": [ {"id": ');
    const env = isolatedCliEnv(fx.dir, { ROLECALL_NO_AGENT: '1' });
    const first = await runRolecall(['ls'], env);
    expect(first.code).toBe(1);
    const movedTo = (await readdir(fx.configDir)).find((name) => name.startsWith('settings.json.corrupt-'));
    expect(movedTo).toBeDefined();
    expect(first.stderr).toContain(`was unreadable and was moved to ${join(fx.configDir, movedTo!)}`);
    const second = await runRolecall(['ls'], env);
    expect(second.stderr).not.toContain('moved to');
  });

  it('`credential-process` says so too (on stderr, which the AWS CLI shows)', async () => {
    await writeFile(join(fx.configDir, 'secrets.json'), 'not json');
    const run = await runRolecall(
      ['credential-process', '--account', '111111111111', '--role', 'ReadOnly'],
      isolatedCliEnv(fx.dir, { ROLECALL_NO_AGENT: '1' }),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/saved sign-ins were unreadable and were moved to .*secrets\.json\.corrupt-/);
    expect(run.stderr).toMatch(/You are not signed in/);
  });
});
