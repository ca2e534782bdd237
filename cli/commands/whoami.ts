import { z } from 'zod';
import { regionSchema } from '../../app/model/instances';
import { parseOptions } from '../../app/node/command-options';
import type { CliOutput } from '../../app/node/terminal-output';
import { assumeRoleOptions, identityOf, resolveCredentials, roleSchema, withCore } from './directory-commands';

const whoamiSchema = roleSchema.extend({ ...assumeRoleOptions, region: z.optional(regionSchema), json: z.boolean().default(false) });

/** `rolecall whoami`: STS GetCallerIdentity with a role's (or a chained role's) credentials. */
export const whoami = async (raw: unknown, output: CliOutput): Promise<void> => {
  const options = parseOptions(whoamiSchema, raw);
  await withCore(async (core) => {
    const resolved = await resolveCredentials(core, options, options.region);
    const identity = await identityOf(resolved, await resolved.credentials(), options.region);
    // The JSON is `aws sts get-caller-identity`'s, so scripts can switch between the two.
    if (options.json) output.out(JSON.stringify({ UserId: identity.userId, Account: identity.account, Arn: identity.arn }, null, 4));
    else output.out(identity.arn);
  });
};
