import * as z from './zod-mini';
import { regionSchema } from './instances';
import { roleKey, roleRefSchema } from './roles';
import type { RoleRef } from './roles';

/** `arn:{partition}:iam::{account}:role/{path/}{name}`: the roles STS AssumeRole accepts. */
export const roleArnSchema = z
  .string()
  .check(
    z.trim(),
    z.regex(
      /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role\/(?:[\u0021-\u007e]*\/)?[\w+=,.@-]{1,64}$/,
      'an IAM role ARN looks like arn:aws:iam::123456789012:role/Name',
    ),
  );

/** STS's limits for RoleSessionName and ExternalId. */
export const roleSessionNameSchema = z
  .string()
  .check(z.regex(/^[\w+=,.@-]{2,64}$/, 'a role session name is 2–64 characters of letters, digits and +=,.@_-'));
export const externalIdSchema = z
  .string()
  .check(z.regex(/^[\w+=,.@:/-]{2,1224}$/, 'an external id is 2–1224 characters of letters, digits and +=,.@:/_-'));

/** AWS caps a session assumed with role credentials (role chaining) at one hour. */
export const CHAINED_SESSION_MAX_SECONDS = 3600;

/**
 * A role reached by role chaining: Identity Center role credentials (the source) call STS
 * AssumeRole for a role in any account that trusts them.
 */
export const chainedRoleSchema = z.object({
  source: roleRefSchema,
  roleArn: roleArnSchema,
  externalId: z.optional(externalIdSchema),
  sessionName: z.optional(roleSessionNameSchema),
  durationSeconds: z.optional(z.number().check(z.int(), z.minimum(900), z.maximum(CHAINED_SESSION_MAX_SECONDS))),
  /** The STS region (and the profile's region); default: the instance's region. */
  region: z.optional(regionSchema),
  /** The user's name for it: the AWS CLI profile `config populate` writes. */
  name: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_.@+=,-]{1,64}$/, 'a profile name is letters, digits and _.@+=,-'))),
});
export type ChainedRole = Readonly<z.output<typeof chainedRoleSchema>>;

/** The session name used when none is given: AWS requires one, and it shows in CloudTrail. */
export const DEFAULT_ROLE_SESSION_NAME = 'rolecall';

/** One cache entry per source role, target, external id, session name and duration. */
export const chainedRoleKey = (chain: ChainedRole): string =>
  JSON.stringify([
    roleKey(chain.source),
    chain.roleArn,
    chain.externalId ?? '',
    chain.sessionName ?? DEFAULT_ROLE_SESSION_NAME,
    chain.durationSeconds ?? CHAINED_SESSION_MAX_SECONDS,
    chain.region ?? '',
  ]);

/** The account and role name in a role ARN. */
export const roleArnParts = (arn: string): { readonly accountId: string; readonly roleName: string } => {
  const [, , , , accountId = '', resource = ''] = arn.split(':');
  return { accountId, roleName: resource.slice(resource.lastIndexOf('/') + 1) };
};

/**
 * How a chained role appears beside roles (a countdown, a copy toast): the role it assumes,
 * as a ref in its source's instance. It names no Identity Center role: requests for a chained
 * role carry its saved name, never this ref.
 */
export const chainedRoleTarget = (chain: Pick<ChainedRole, 'source' | 'roleArn'>): RoleRef => {
  const { accountId, roleName } = roleArnParts(chain.roleArn);
  return { instanceId: chain.source.instanceId, accountId, roleName };
};
