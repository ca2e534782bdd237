import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPopulate, BACKUPS_KEPT, readConfigFile } from './config-file';
import { planPopulate } from './populate';
import { REALISTIC_CONFIG, baseInput } from './test-support/fixtures';

let home: string;
let env: Record<string, string>;
let configPath: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'rolecall-config-file-'));
  configPath = join(home, 'custom', 'aws-config');
  env = { HOME: home, AWS_CONFIG_FILE: configPath, AWS_SHARED_CREDENTIALS_FILE: join(home, 'custom', 'credentials') };
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const planFor = async (overrides = {}) => {
  const current = await readConfigFile(env);
  return planPopulate({ ...baseInput(current.text, overrides), source: current.path });
};

describe('applyPopulate', () => {
  it('dry run prints a unified diff and writes nothing', async () => {
    await mkdir(join(home, 'custom'));
    await writeFile(configPath, REALISTIC_CONFIG, { mode: 0o644 });
    const result = await applyPopulate({ env, plan: await planFor(), dryRun: true });
    expect(result).toMatchObject({ path: configPath, changed: true, written: false });
    expect(result.diff).toContain(`--- ${configPath}\tcurrent`);
    expect(result.diff).toContain('+[profile prod-ReadOnly]');
    expect(result.diff).not.toMatch(/^-[^-]/m);
    expect(await readFile(configPath, 'utf8')).toBe(REALISTIC_CONFIG);
    expect(await readdir(join(home, 'custom'))).toEqual(['aws-config']);
  });

  it("keeps a 0600 backup, writes the new text with the file's own mode, and never the credentials file", async () => {
    await mkdir(join(home, 'custom'));
    await writeFile(configPath, REALISTIC_CONFIG);
    await chmod(configPath, 0o640);
    const plan = await planFor();
    const result = await applyPopulate({ env, plan, dryRun: false, now: () => Date.UTC(2030, 0, 1) });
    expect(result.written).toBe(true);
    expect(result.backupPath).toBe(`${configPath}.rolecall-backup-2030-01-01T00-00-00-000Z`);
    expect(await readFile(result.backupPath as string, 'utf8')).toBe(REALISTIC_CONFIG);
    expect((await stat(result.backupPath as string)).mode & 0o777).toBe(0o600);
    expect(await readFile(configPath, 'utf8')).toBe(plan.newText);
    expect((await stat(configPath)).mode & 0o777).toBe(0o640);
    await expect(stat(env.AWS_SHARED_CREDENTIALS_FILE as string)).rejects.toThrow();
    await expect(stat(join(home, '.aws'))).rejects.toThrow();
  });

  it('creates a missing file 0600 without a backup, and a second run changes nothing', async () => {
    const first = await applyPopulate({ env, plan: await planFor(), dryRun: false });
    expect(first).toMatchObject({ written: true, changed: true });
    expect(first.backupPath).toBeUndefined();
    expect((await stat(configPath)).mode & 0o777).toBe(0o600);
    const second = await applyPopulate({ env, plan: await planFor(), dryRun: false });
    expect(second).toEqual({ path: configPath, changed: false, diff: '', written: false });
  });

  it(`keeps only the last ${BACKUPS_KEPT} backups`, async () => {
    await mkdir(join(home, 'custom'));
    await writeFile(configPath, '[default]\n');
    for (let i = 0; i < BACKUPS_KEPT + 3; i++) {
      const plan = await planFor({
        region: `eu-west-${(i % 3) + 1}`,
        roles: [{ accountId: '111111111111', accountName: 'p', roleName: `R${i}` }],
      });
      await applyPopulate({ env, plan, dryRun: false, now: () => Date.UTC(2030, 0, 1, 0, 0, i) });
    }
    const backups = (await readdir(join(home, 'custom'))).filter((n) => n.includes('.rolecall-backup-')).sort();
    expect(backups).toHaveLength(BACKUPS_KEPT);
    expect(backups[0]).toBe('aws-config.rolecall-backup-2030-01-01T00-00-03-000Z');
  });

  it('refuses a plan made from text that has since changed', async () => {
    await mkdir(join(home, 'custom'));
    await writeFile(configPath, '[default]\n');
    const plan = await planFor();
    await writeFile(configPath, '[default]\nregion = us-east-1\n');
    await expect(applyPopulate({ env, plan, dryRun: false })).rejects.toThrow(/changed while Rolecall was preparing/);
    expect(await readFile(configPath, 'utf8')).toBe('[default]\nregion = us-east-1\n');
  });

  it('edits the target of a symlinked config and keeps the link', async () => {
    await mkdir(join(home, 'dotfiles'));
    await mkdir(join(home, 'custom'));
    await writeFile(join(home, 'dotfiles', 'aws-config'), REALISTIC_CONFIG);
    await symlink(join(home, 'dotfiles', 'aws-config'), configPath);
    const result = await applyPopulate({ env, plan: await planFor(), dryRun: false });
    expect(result.path).toBe(join(home, 'dotfiles', 'aws-config'));
    expect((await stat(configPath)).isFile()).toBe(true);
    expect(await readFile(configPath, 'utf8')).toContain('[profile prod-ReadOnly]');
    expect(await readdir(join(home, 'custom'))).toEqual(['aws-config']);
  });

  it('leaves a malformed file untouched and names the line', async () => {
    await mkdir(join(home, 'custom'));
    const broken = '[default]\nregion = us-east-1\noops no equals\n';
    await writeFile(configPath, broken);
    await expect(planFor()).rejects.toThrow(`${configPath} line 3 `);
    expect(await readFile(configPath, 'utf8')).toBe(broken);
    expect(await readdir(join(home, 'custom'))).toEqual(['aws-config']);
  });
});
