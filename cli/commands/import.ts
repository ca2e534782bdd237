import { createInterface } from 'node:readline/promises';
import { z } from 'zod';
import { RolecallError } from '../../app/model/errors';
import type { FoundSetup, SetupDiscovery, SetupImportResult } from '../../app/model/setups';
import type { RolecallController } from '../../app/session/controller';
import { parseOptions } from '../../app/node/command-options';
import { openCliCore } from '../../app/node/open-core';
import type { CliOutput } from '../../app/node/terminal-output';

const importSchema = z.object({
  yes: z.boolean().default(false),
  dryRun: z.boolean().default(false),
  json: z.boolean().default(false),
});

/** Whether a person can answer a question here (both ends are a terminal). */
export const canAsk = (): boolean => Boolean(process.stdin.isTTY && process.stderr.isTTY);

/** Asks a yes/no question on the terminal; Enter means yes. */
export const askYesNo = async (question: string): Promise<boolean> => {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await prompt.question(`${question} [Y/n] `)).trim().toLowerCase();
    return answer === '' || answer === 'y' || answer === 'yes';
  } finally {
    prompt.close();
  }
};

const describeToken = (setup: FoundSetup): string => {
  if (setup.cachedToken === 'valid' && setup.cachedTokenExpiresAt !== undefined)
    return `signed in (AWS CLI cache) until ${new Date(setup.cachedTokenExpiresAt).toLocaleString()}`;
  if (setup.cachedToken === 'expired') return 'cached sign-in expired: sign in after importing';
  return 'not signed in yet';
};

const describeSetup = (setup: FoundSetup): string => {
  const where = setup.from === 'sso-session' ? `[${setup.section}]` : `legacy profile ${setup.profiles[0] ?? setup.section}`;
  const profiles = setup.profiles.length > 0 ? `, ${setup.profiles.length} profile(s)` : '';
  const state = setup.configuredAs !== undefined ? `already configured as "${setup.configuredAs}"` : describeToken(setup);
  return `  ${setup.name}  ${setup.startUrl} (${setup.region})  from ${where}${profiles}; ${state}`;
};

/** Prints what the config holds; returns the set-ups not configured yet. */
export const printDiscovery = (discovery: SetupDiscovery, output: CliOutput): readonly FoundSetup[] => {
  if (discovery.setups.length === 0) {
    output.err(
      discovery.exists
        ? `No IAM Identity Center set-up (sso-session or sso_start_url profile) is in ${discovery.path}.`
        : `There is no AWS config file at ${discovery.path}: nothing to import.`,
    );
  } else {
    output.err(`IAM Identity Center set-ups in ${discovery.path}:`);
    for (const setup of discovery.setups) output.err(describeSetup(setup));
  }
  for (const skipped of discovery.skipped) output.err(skipped.reason);
  return discovery.setups.filter((setup) => setup.configuredAs === undefined);
};

/** Prints the outcome of an import, one line per instance. */
export const printImport = (result: SetupImportResult, output: CliOutput): void => {
  for (const added of result.imported)
    output.err(
      `Added ${added.label} (instance ${added.instanceId})${added.signedIn ? ', signed in with the AWS CLI sign-in' : '; sign in with `rolecall login --instance ' + added.instanceId + '`'}.`,
    );
  for (const skipped of result.skipped) output.err(skipped.reason);
};

/**
 * Offers the set-ups of ~/.aws/config on a CLI's first start (no instance yet, a person at a
 * terminal). Returns the import's result, or undefined when nothing was offered or accepted.
 */
export const offerImport = async (core: RolecallController, output: CliOutput): Promise<SetupImportResult | undefined> => {
  if (core.instances().length > 0 || !canAsk()) return undefined;
  const discovery = await core.api['aws-config:find-setups'](undefined).catch(() => undefined);
  const fresh = discovery?.setups.filter((setup) => setup.configuredAs === undefined) ?? [];
  if (!discovery || fresh.length === 0) return undefined;
  printDiscovery(discovery, output);
  if (!(await askYesNo(`Import ${fresh.length === 1 ? 'it' : `these ${fresh.length}`} into Rolecall (your AWS config is not changed)?`)))
    return undefined;
  const result = await core.api['aws-config:import-setups']({});
  printImport(result, output);
  return result;
};

/**
 * `rolecall import`: adds the Identity Center set-ups of ~/.aws/config (AWS_CONFIG_FILE) as
 * instances, signed in already where the AWS CLI's cached token is still valid. Only reads
 * the AWS files. Asks first at a terminal; elsewhere needs --yes.
 */
export const importSetups = async (raw: unknown, output: CliOutput): Promise<void> => {
  const options = parseOptions(importSchema, raw);
  const { core } = await openCliCore(process.env, { browser: false });
  try {
    const discovery = await core.api['aws-config:find-setups'](undefined);
    if (options.json && (options.dryRun || discovery.setups.every((setup) => setup.configuredAs !== undefined))) {
      output.out(JSON.stringify({ path: discovery.path, setups: discovery.setups, skipped: discovery.skipped, imported: [] }, null, 2));
      return;
    }
    const fresh = options.json ? discovery.setups.filter((setup) => setup.configuredAs === undefined) : printDiscovery(discovery, output);
    if (options.dryRun) {
      output.err(`--dry-run: ${fresh.length} set-up(s) would be added; nothing changed.`);
      return;
    }
    if (fresh.length === 0) {
      if (discovery.setups.length > 0) output.err('Nothing new to import.');
      return;
    }
    if (!options.yes) {
      if (!canAsk())
        throw new RolecallError(
          'invalid-input',
          'Not at a terminal to confirm: run `rolecall import --yes` to add them, or --dry-run to only list them.',
        );
      if (!(await askYesNo(`Add ${fresh.length} instance(s) to Rolecall (your AWS config is not changed)?`))) {
        output.err('Nothing imported.');
        return;
      }
    }
    const result = await core.api['aws-config:import-setups']({ names: fresh.map((setup) => setup.name) });
    if (options.json)
      output.out(
        JSON.stringify(
          { path: discovery.path, setups: discovery.setups, skipped: [...discovery.skipped, ...result.skipped], imported: result.imported },
          null,
          2,
        ),
      );
    else printImport(result, output);
  } finally {
    await core.stop();
  }
};
