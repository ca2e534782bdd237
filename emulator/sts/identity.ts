import { createHash } from 'node:crypto';
import type { RoleSession } from '../credential-store';

/**
 * The IAM identities behind the emulator's role sessions, shaped like AWS's: an Identity
 * Center permission set becomes the IAM role `AWSReservedSSO_{permission set}_{16 hex}` in
 * every account it is assigned to, and its sessions are named after the user.
 */

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** The 16 hex characters AWS appends to a permission set's role name (stable per permission set). */
export const permissionSetSuffix = (permissionSet: string): string =>
  digest(`permission-set:${permissionSet}`).toString('hex').slice(0, 16);

/** The IAM role name Identity Center provisions for a permission set. */
export const reservedSsoRoleName = (permissionSet: string): string =>
  `AWSReservedSSO_${permissionSet}_${permissionSetSuffix(permissionSet)}`;

const base32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A role's unique id: "AROA" + 17 characters, stable for an account and role name. */
export const roleId = (accountId: string, iamRoleName: string): string => {
  const bytes = digest(`role:${accountId}:${iamRoleName}`);
  return `AROA${Array.from({ length: 17 }, (_, i) => base32[(bytes[i] ?? 0) % 32]).join('')}`;
};

/** The IAM role name a session belongs to (the reserved SSO name for Identity Center sessions). */
export const iamRoleNameOf = (session: RoleSession): string =>
  session.kind === 'sso' ? reservedSsoRoleName(session.roleName) : session.roleName;

/** `arn:aws:sts::{account}:assumed-role/{role name}/{session name}`: what GetCallerIdentity answers. */
export const assumedRoleArn = (session: RoleSession): string =>
  `arn:aws:sts::${session.accountId}:assumed-role/${iamRoleNameOf(session)}/${session.sessionName}`;

/** `{role id}:{session name}`: GetCallerIdentity's UserId and AssumeRole's AssumedRoleId. */
export const assumedRoleId = (session: RoleSession): string =>
  `${roleId(session.accountId, iamRoleNameOf(session))}:${session.sessionName}`;

/** `arn:aws:iam::{account}:role/{path}{name}`, parsed; undefined when it is not an IAM role ARN. */
export const parseRoleArn = (arn: string): { readonly accountId: string; readonly roleName: string } | undefined => {
  const m = /^arn:aws:iam::(\d{12}):role\/(?:[\u0021-\u007e]*\/)?([\w+=,.@-]{1,64})$/.exec(arn);
  return m ? { accountId: m[1] as string, roleName: m[2] as string } : undefined;
};
