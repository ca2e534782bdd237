import { readdir, readFile, realpath, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { AwsEnv } from '../aws-cli-cache/aws-paths';
import { awsPaths } from '../aws-cli-cache/aws-paths';
import { RolecallError } from '../model/errors';
import { writeFileAtomic } from '../storage/atomic-file';
import type { PopulatePlan } from './populate';

/** How many `config.rolecall-backup-*` files are kept next to the config file. */
export const BACKUPS_KEPT = 5;

export interface ConfigFileText {
  /** The file the AWS CLI reads (AWS_CONFIG_FILE or ~/.aws/config), symlinks resolved. */
  readonly path: string;
  /** '' when the file does not exist yet. */
  readonly text: string;
  readonly exists: boolean;
}

/** Follows a symlinked config (dotfile managers) so the edit lands in the real file, not over the link. */
const resolveTarget = async (path: string): Promise<string> => {
  try {
    return await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return path;
    throw error;
  }
};

/** Reads the AWS config file this environment uses. */
export const readConfigFile = async (env: AwsEnv): Promise<ConfigFileText> => {
  const path = await resolveTarget(awsPaths(env).configFile);
  try {
    return { path, text: await readFile(path, 'utf8'), exists: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { path, text: '', exists: false };
    throw new RolecallError(
      'config-file',
      `The AWS config file ${path} cannot be read (${code ?? 'error'}); check its permissions and try again.`,
      { cause: error },
    );
  }
};

export interface ApplyResult {
  readonly path: string;
  /** Whether the plan changes the file at all. */
  readonly changed: boolean;
  /** Unified diff of the change ('' when nothing changes). */
  readonly diff: string;
  /** Whether the file was written (false on a dry run or when nothing changed). */
  readonly written: boolean;
  /** The backup of the previous file, when one was written. */
  readonly backupPath?: string;
}

const backupStamp = (epochMs: number): string => new Date(epochMs).toISOString().replace(/[:.]/g, '-');

/** Deletes all but the newest `BACKUPS_KEPT` backups of this config file (names sort by time). */
const pruneBackups = async (path: string): Promise<void> => {
  const prefix = `${basename(path)}.rolecall-backup-`;
  const backups = (await readdir(dirname(path))).filter((name) => name.startsWith(prefix)).sort();
  for (const old of backups.slice(0, Math.max(0, backups.length - BACKUPS_KEPT))) {
    await unlink(join(dirname(path), old)).catch(() => undefined);
  }
};

const writeBackup = async (path: string, text: string, now: number): Promise<string> => {
  const base = `${path}.rolecall-backup-${backupStamp(now)}`;
  let candidate = base;
  for (
    let n = 1;
    await stat(candidate).then(
      () => true,
      () => false,
    );
    n++
  )
    candidate = `${base}-${n}`;
  await writeFileAtomic(candidate, text, { mode: 0o600 });
  await pruneBackups(path);
  return candidate;
};

/**
 * Applies a populate plan to the AWS config file: a dry run only returns the unified diff;
 * a real run first keeps a backup (0600, the last five), then replaces the file atomically
 * with its existing mode (0600 when new). Refuses when the file changed since it was planned.
 * Never touches the credentials file.
 */
export const applyPopulate = async (options: {
  readonly env: AwsEnv;
  /** What the file held when the edit was planned, and what it should hold. */
  readonly plan: Pick<PopulatePlan, 'oldText' | 'newText'>;
  readonly dryRun: boolean;
  readonly now?: () => number;
}): Promise<ApplyResult> => {
  const current = await readConfigFile(options.env);
  const { path } = current;
  if (current.text !== options.plan.oldText) {
    throw new RolecallError('config-file', `${path} changed while Rolecall was preparing its edit; run the command again.`);
  }
  const changed = options.plan.newText !== current.text;
  const diff = changed
    ? createTwoFilesPatch(path, path, current.text, options.plan.newText, 'current', 'after rolecall config populate')
    : '';
  if (!changed || options.dryRun) return { path, changed, diff, written: false };

  const mode = current.exists ? (await stat(path)).mode & 0o777 : 0o600;
  const backupPath = current.exists ? await writeBackup(path, current.text, (options.now ?? Date.now)()) : undefined;
  await writeFileAtomic(path, options.plan.newText, { mode });
  return { path, changed, diff, written: true, ...(backupPath ? { backupPath } : {}) };
};
