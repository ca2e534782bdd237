import { existsSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { applyPopulate, readConfigFile } from '../../aws-config/config-file';
import { parseIni, printIni, removeSection } from '../../aws-config/ini-document';
import { markerInstance, planPopulate } from '../../aws-config/populate';
import type { PopulatePlan, ProfileChange } from '../../aws-config/populate';
import { RolecallError } from '../../model/errors';
import { regionSchema } from '../../model/instances';
import type { Directory } from '../../model/roles';
import { selectInstance } from '../../session/instance-registry';
import { openCliCore } from '../cli-core';
import type { CliOutput } from '../output';
import { filterRoles } from '../role-resolution';
import { parseOptions } from './options';

type Env = Readonly<Record<string, string | undefined>>;

const populateSchema = z.object({
  instance: z.string().optional(),
  filter: z.string().optional(),
  profileTemplate: z.string().min(1).optional(),
  region: regionSchema.optional(),
  prune: z.boolean().default(false),
  credentialProcess: z.boolean().default(false),
  dryRun: z.boolean().default(false),
  lowercase: z.boolean().default(false),
  refresh: z.boolean().default(false),
});

const ROLECALL_BIN = fileURLToPath(new URL('../../../bin/rolecall.mjs', import.meta.url));

/** Quotes a word so botocore's shlex-style split of `credential_process` gives it back whole. */
const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `"${word.replace(/(["\\])/g, '\\$1')}"`);

const sameFile = (a: string, b: string): boolean => {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
};

/**
 * The command a `credential_process` profile runs. The AWS CLI and SDKs start it with the
 * environment of whatever program asks for credentials — an IDE or a cron job may have a
 * much shorter PATH than this shell — so the default is absolute: this node binary running
 * this installation's bin/rolecall.mjs, which works from anywhere. Only when `rolecall` on
 * PATH is this very installation (an npm global install) is the bare name written: it
 * reads better and survives a node upgrade that would remove the absolute node path.
 */
export const credentialProcessCommand = (env: Env = process.env, platform: NodeJS.Platform = process.platform): string => {
  // On Windows `rolecall` on PATH is a .cmd shim that cannot be compared with the script.
  if (platform !== 'win32') {
    for (const dir of (env.PATH ?? '').split(delimiter)) {
      const candidate = dir && join(dir, 'rolecall');
      if (candidate && existsSync(candidate) && sameFile(candidate, ROLECALL_BIN)) return 'rolecall credential-process';
    }
  }
  return `${shellWord(process.execPath)} ${shellWord(ROLECALL_BIN)} credential-process`;
};

/**
 * `--prune` removes Rolecall's profiles whose role is no longer assigned — not the ones a
 * `--filter` merely left out this time. So the plan is made without pruning, and of its stale
 * profiles only those missing from the whole directory are removed. Accounts whose roles
 * could not be listed in the last sync are never pruned: absence there proves nothing.
 */
const pruneUnassigned = (plan: PopulatePlan, directory: Directory, source: string): PopulatePlan => {
  const assigned = new Set(directory.accounts.flatMap((account) => account.roles.map((role) => `${account.accountId}/${role}`)));
  const unknown = new Set(directory.failedAccounts.map((failed) => failed.accountId));
  const removed: ProfileChange[] = [];
  const stale: ProfileChange[] = [];
  let doc = parseIni(plan.newText, source);
  for (const change of plan.stale) {
    if (assigned.has(`${change.accountId}/${change.roleName}`) || unknown.has(change.accountId)) {
      stale.push(change);
      continue;
    }
    const section = doc.sections.find((candidate) => candidate.name.startsWith('profile ') && candidate.name.slice('profile '.length).trim() === change.profile);
    if (!section) continue;
    doc = removeSection(doc, section.name, (comment) => markerInstance(comment) !== undefined);
    removed.push(change);
  }
  return { ...plan, newText: printIni(doc), removed, stale };
};

const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * `rolecall config populate`: writes an `[sso-session]` and one `[profile]` per chosen role to
 * the AWS config file (AWS_CONFIG_FILE or ~/.aws/config), editing only Rolecall's own sections.
 * `--dry-run` prints the unified diff on stdout and writes nothing; otherwise a backup is kept
 * and a summary goes to stderr.
 */
export const configPopulate = async (raw: unknown, output: CliOutput, env: Env = process.env): Promise<void> => {
  const options = parseOptions(populateSchema, raw);
  const { core } = await openCliCore(env, { browser: false });
  try {
    const instance = selectInstance(core.instances(), options.instance);
    const directory = options.refresh ? await core.sync(instance.id) : await core.directory(instance.id);
    const filter = options.filter ? [options.filter] : [];
    const roles = filterRoles(directory, filter);
    if (roles.length === 0) {
      throw new RolecallError(
        'not-found',
        options.filter
          ? `No assigned role matches "${options.filter}"; run \`rolecall ls ${options.filter}\` to check, or \`--refresh\` to sync first.`
          : `No roles are assigned to you in ${instance.label}; run \`rolecall ls --refresh\` to check.`,
      );
    }

    const file = await readConfigFile(env);
    const planned = planPopulate({
      text: file.text,
      source: file.path,
      instanceId: instance.id,
      session: { name: instance.ssoSessionName, startUrl: instance.startUrl, region: instance.region },
      roles,
      ...(options.profileTemplate ? { template: options.profileTemplate } : {}),
      lowercase: options.lowercase,
      ...(options.region ? { region: options.region } : {}),
      ...(options.credentialProcess ? { credentialProcess: { command: credentialProcessCommand(env) } } : {}),
      prune: false,
    });
    const plan = options.prune ? pruneUnassigned(planned, directory, file.path) : planned;
    const result = await applyPopulate({ env, plan, dryRun: options.dryRun });

    const summary = `${count(plan.added.length, 'profile')} added, ${plan.updated.length} updated, ${plan.removed.length} removed, ${plan.unchanged.length} unchanged; [sso-session ${instance.ssoSessionName}] ${plan.session}`;
    if (options.dryRun) {
      if (result.diff) output.out(result.diff);
      output.err(result.changed ? `Dry run, ${result.path} was not changed: ${summary}.` : `${result.path} is already up to date (${plan.unchanged.length} profiles).`);
    } else if (result.written) {
      output.err(`Updated ${result.path}: ${summary}.`);
      if (result.backupPath) output.err(`The previous file was saved as ${result.backupPath}.`);
    } else {
      output.err(`${result.path} is already up to date (${plan.unchanged.length} profiles).`);
    }
    for (const note of plan.notes) output.err(note);
    const notAssigned = plan.stale.filter((change) => !directory.accounts.some((account) => account.accountId === change.accountId && account.roles.includes(change.roleName)));
    if (!options.prune && notAssigned.length > 0) {
      output.err(`${count(notAssigned.length, 'Rolecall profile')} (${notAssigned.map((change) => change.profile).join(', ')}) ${notAssigned.length === 1 ? 'is' : 'are'} for roles no longer assigned to you; run again with --prune to remove ${notAssigned.length === 1 ? 'it' : 'them'}.`);
    }
    if (options.credentialProcess) output.err('Profiles run `rolecall credential-process`; the AWS CLI and SDKs get credentials from Rolecall while you are signed in.');
  } finally {
    await core.stop();
  }
};
