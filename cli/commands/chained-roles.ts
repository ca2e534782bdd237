import { z } from 'zod';
import { roleArnParts } from '../../app/model/chained-roles';
import { RolecallError } from '../../app/model/errors';
import { regionSchema } from '../../app/model/instances';
import { savedChainedRoleSchema } from '../../app/model/settings';
import { parseOptions } from '../../app/node/command-options';
import type { CliOutput } from '../../app/node/terminal-output';
import { terminalSafe } from '../../app/node/terminal-text';
import { selectInstance } from '../../app/session/instance-registry';
import { chainOf, findRole, roleSchema, withCore, assumeRoleOptions } from './directory-commands';

const addSchema = roleSchema.extend({
  ...assumeRoleOptions,
  assumeRole: assumeRoleOptions.assumeRole.unwrap(),
  region: z.optional(regionSchema),
  duration: z.coerce.number().int().min(900).max(3600).optional(),
});

/**
 * `rolecall config chain add NAME --account … --role … --assume-role ARN`: saves a chained
 * role in the settings (through the core, so a running desktop app sees it at once);
 * `config populate` then writes it as the AWS CLI profile NAME.
 */
export const chainAdd = async (name: string, raw: unknown, output: CliOutput): Promise<void> => {
  const options = parseOptions(addSchema, raw);
  await withCore(async (core) => {
    const instance = selectInstance(core.instances(), options.instance);
    const { account, roleName } = await findRole(core, instance.id, options.account, options.role);
    const chain = chainOf({ instanceId: instance.id, accountId: account.accountId, roleName }, options, options.region);
    const parsed = savedChainedRoleSchema.safeParse({ ...chain, name, ...(options.duration ? { durationSeconds: options.duration } : {}) });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RolecallError(
        'invalid-input',
        `The chained role cannot be saved: ${issue?.path.join('.') || 'value'} is ${issue?.message ?? 'invalid'}.`,
      );
    }
    await core.api['chained-roles:save'](parsed.data);
    output.err(
      `Saved "${name}": ${terminalSafe(account.accountName)} / ${terminalSafe(roleName)} assumes ${parsed.data.roleArn}; run \`rolecall config populate\` to write it as an AWS CLI profile.`,
    );
  });
};

/** `rolecall config chain remove NAME`. */
export const chainRemove = async (name: string, output: CliOutput): Promise<void> => {
  await withCore(async (core) => {
    if (!core.settings().chainedRoles.some((chain) => chain.name === name))
      throw new RolecallError('not-found', `No chained role is saved as "${name}"; \`rolecall config chain ls\` lists them.`);
    await core.api['chained-roles:remove']({ name });
    output.err(`Removed "${name}"; \`rolecall config populate --prune\` removes its profile.`);
  });
};

/** `rolecall config chain ls [--json]`. */
export const chainList = async (raw: unknown, output: CliOutput): Promise<void> => {
  const options = parseOptions(z.object({ json: z.boolean().default(false) }), raw);
  await withCore(async (core) => {
    const chains = core.settings().chainedRoles;
    if (options.json) return output.out(JSON.stringify(chains, null, 2));
    for (const chain of chains) {
      const target = roleArnParts(chain.roleArn);
      output.out(`${chain.name}  ${chain.source.accountId}/${chain.source.roleName} -> ${target.accountId}/${target.roleName}`);
    }
    if (chains.length === 0)
      output.err('No chained roles are saved; add one with `rolecall config chain add NAME --account … --role … --assume-role ARN`.');
  });
};
