import * as z from './zod-mini';

/** An account as ListAccounts returns it. */
export interface Account {
  readonly accountId: string;
  readonly accountName: string;
  readonly emailAddress: string;
}

/** An account with the role names assigned to the user in it. */
export interface AccountWithRoles extends Account {
  readonly roles: readonly string[];
}

/** The directory of one Identity Center instance, as synced and cached on disk. */
export interface Directory {
  readonly instanceId: string;
  readonly accounts: readonly AccountWithRoles[];
  /** Epoch ms of the sync that produced this directory. */
  readonly syncedAt: number;
  /** Accounts whose roles could not be listed in that sync (kept from the previous sync if known). */
  readonly failedAccounts: readonly { readonly accountId: string; readonly message: string }[];
}

export const accountIdSchema = z.string().check(z.regex(/^\d{12}$/, 'an AWS account id is 12 digits'));
export const roleNameSchema = z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[\w+=,.@-]+$/, 'not a valid IAM role name'));

/** Identifies one role of one account in one Identity Center instance. */
export const roleRefSchema = z.object({
  instanceId: z.string().check(z.minLength(1), z.maxLength(100)),
  accountId: accountIdSchema,
  roleName: roleNameSchema,
});
export type RoleRef = Readonly<z.output<typeof roleRefSchema>>;

export const roleKey = (ref: RoleRef): string => `${ref.instanceId}/${ref.accountId}/${ref.roleName}`;

export const sameRole = (a: RoleRef, b: RoleRef): boolean =>
  a.instanceId === b.instanceId && a.accountId === b.accountId && a.roleName === b.roleName;
