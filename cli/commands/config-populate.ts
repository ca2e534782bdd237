import { existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { applyPopulate, readConfigFile } from '../../app/aws-config/config-file';
import { parseIni, printIni, removeSection } from '../../app/aws-config/ini-document';
import { markerInstance, planPopulate } from '../../app/aws-config/populate';
import type { PopulatePlan, ProfileChange } from '../../app/aws-config/populate';
import { RolecallError } from '../../app/model/errors';
import { regionSchema } from '../../app/model/instances';
import type { Directory } from '../../app/model/roles';
import { selectInstance } from '../../app/session/instance-registry';
import { openCliCore } from '../../app/node/open-core';
import type { CliOutput } from '../../app/node/terminal-output';
import { filterRoles } from '../role-resolution';
import { parseOptions } from '../../app/node/command-options';

type Env = Readonly<Record<string, string | undefined>>;

const populateSchema = z.object({
  instance: z.string().optional(),
  filter: z.string().optional(),
  profileTemplate: z.string().min(1).optional(),
  region: z.optional(regionSchema),
  prune: z.boolean().default(false),
  credentialProcess: z.boolean().default(false),
  dryRun: z.boolean().default(false),
  lowercase: z.boolean().default(false),
  refresh: z.boolean().default(false),
});

/**
 * This source tree's launcher, for when the code runs unbundled (tests, tsx). bin/rolecall.mjs
 * and the desktop app's `rolecall` script always set ROLECALL_LAUNCHER, which wins.
 */
const SOURCE_BIN = fileURLToPath(new URL('../../bin/rolecall.mjs', import.meta.url));

/** Quotes a word so botocore's shlex-style split of `credential_process` gives it back whole. */
const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `"${word.replace(/(["\\])/g, '\\$1')}"`);

const realpath = (path: string): string | undefined => {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
};

const sameFile = (a: string, b: string): boolean => {
  const real = realpath(a);
  return real !== undefined && real === realpath(b);
};

/** A launcher inside a git checkout: its sources sit beside it, and they move with the checkout. */
const inCheckout = (launcher: string): boolean => existsSync(join(dirname(realpath(launcher) ?? launcher), '..', 'cli', 'main.ts'));

/**
 * The `rolecall` on PATH that runs this launcher, as an absolute path. On Windows that is the
 * desktop app's rolecall.cmd itself, or npm's rolecall.cmd shim, which sits beside the
 * package's node_modules/rolecall.
 */
const onPath = (env: Env, platform: NodeJS.Platform, launcher: string): string | undefined => {
  const dirs = (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : delimiter).filter((dir) => isAbsolute(dir));
  for (const dir of dirs) {
    if (platform === 'win32') {
      const shim = join(dir, 'rolecall.cmd');
      if (!existsSync(shim)) continue;
      if (sameFile(shim, launcher) || sameFile(join(dir, 'node_modules', 'rolecall', 'bin', 'rolecall.mjs'), launcher)) return shim;
    } else {
      const candidate = join(dir, 'rolecall');
      if (existsSync(candidate) && sameFile(candidate, launcher)) return candidate;
    }
  }
  return undefined;
};

/**
 * The command a `credential_process` profile runs. The AWS CLI and SDKs start it with the
 * environment of whatever program asks for credentials (an IDE or a cron job may have a much
 * shorter PATH than this shell), so it is an absolute path, and one that outlives a node
 * upgrade and a moved checkout: never `process.execPath`, never a file inside a git checkout.
 *   1. the `rolecall` on PATH that is this installation (npm's bin link, /usr/bin/rolecall of
 *      the deb package): stable across upgrades of the package and of node;
 *   2. else this installation's launcher, when it is an installed one (npm package, or the
 *      desktop app's `rolecall` script, which runs the app's own runtime);
 *   3. else (a git checkout not on PATH) an error saying how to install the command.
 */
export const credentialProcessCommand = (env: Env = process.env, platform: NodeJS.Platform = process.platform): string => {
  const launcher = env.ROLECALL_LAUNCHER || SOURCE_BIN;
  const found = onPath(env, platform, launcher);
  if (found) return `${shellWord(found)} credential-process`;
  // Windows cannot start a .mjs file directly; only a .cmd launcher (the desktop app's) runs as is.
  const runnable = platform !== 'win32' || /\.(cmd|exe)$/i.test(launcher);
  if (runnable && !inCheckout(launcher)) return `${shellWord(launcher)} credential-process`;
  throw new RolecallError(
    'not-found',
    'The `rolecall` command is not installed on your PATH, and profiles must not depend on this checkout or this node binary; install it (`npm install -g` the package, `npm link` here, or the desktop app) and run this again.',
  );
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
    const section = doc.sections.find(
      (candidate) => candidate.name.startsWith('profile ') && candidate.name.slice('profile '.length).trim() === change.profile,
    );
    if (!section) continue;
    doc = removeSection(doc, section.name, (comment) => markerInstance(comment) !== undefined);
    removed.push(change);
  }
  return { ...plan, newText: printIni(doc), removed: [...plan.removed, ...removed], stale };
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
  const command = options.credentialProcess ? credentialProcessCommand(env) : undefined;
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
      ...(command ? { credentialProcess: { command } } : {}),
      prune: false,
      // Saved chained roles become role_arn + source_profile profiles on top of the role profiles.
      chainedRoles: core.settings().chainedRoles.filter((chain) => chain.source.instanceId === instance.id),
      pruneChained: options.prune,
    });
    const plan = options.prune ? pruneUnassigned(planned, directory, file.path) : planned;
    const result = await applyPopulate({ env, plan, dryRun: options.dryRun });

    const summary = `${count(plan.added.length, 'profile')} added, ${plan.updated.length} updated, ${plan.removed.length} removed, ${plan.unchanged.length} unchanged; [sso-session ${instance.ssoSessionName}] ${plan.session}`;
    if (options.dryRun) {
      if (result.diff) output.out(result.diff);
      output.err(
        result.changed
          ? `Dry run, ${result.path} was not changed: ${summary}.`
          : `${result.path} is already up to date (${plan.unchanged.length} profiles).`,
      );
    } else if (result.written) {
      output.err(`Updated ${result.path}: ${summary}.`);
      if (result.backupPath) output.err(`The previous file was saved as ${result.backupPath}.`);
    } else {
      output.err(`${result.path} is already up to date (${plan.unchanged.length} profiles).`);
    }
    for (const note of plan.notes) output.err(note);
    const notAssigned = plan.stale.filter(
      (change) => !directory.accounts.some((account) => account.accountId === change.accountId && account.roles.includes(change.roleName)),
    );
    if (!options.prune && notAssigned.length > 0) {
      output.err(
        `${count(notAssigned.length, 'Rolecall profile')} (${notAssigned.map((change) => change.profile).join(', ')}) ${notAssigned.length === 1 ? 'is' : 'are'} for roles no longer assigned to you; run again with --prune to remove ${notAssigned.length === 1 ? 'it' : 'them'}.`,
      );
    }
    if (command) output.err(`Profiles run \`${command}\`; the AWS CLI and SDKs get credentials from Rolecall while you are signed in.`);
  } finally {
    await core.stop();
  }
};
