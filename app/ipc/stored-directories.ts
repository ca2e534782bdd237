import { z } from 'zod';
import type { AccountWithRoles } from '../model/roles';
import type { DirectoryView } from './contract';

/**
 * What a view keeps of its directories between page loads, so a reload paints the roles
 * before the bridge answers: names, ids and role names, the instance labels and the user's
 * account aliases. Nothing secret (no token, no credential, no start URL). It is read back
 * from the browser's storage, which anything on the machine can edit: parse before use.
 *
 * Stored in columns (one array of strings per field, role names in one array with a count
 * per account), not as an object per account: checking 10,000 roles' worth of objects with
 * zod took longer than everything else a reload does before it paints, while arrays of
 * strings check in a few milliseconds. The columns are then checked to fit each other.
 */
const maxAccounts = 100_000;
const maxRolesPerAccount = 5_000;

const storedDirectorySchema = z.object({
  instanceId: z.string().min(1).max(100),
  syncedAt: z.number(),
  accountIds: z.array(z.string().max(20)).max(maxAccounts),
  accountNames: z.array(z.string().max(200)).max(maxAccounts),
  emailAddresses: z.array(z.string().max(320)).max(maxAccounts),
  /** How many of `roles` each account has, in account order. */
  roleCounts: z.array(z.number().int().min(0).max(maxRolesPerAccount)).max(maxAccounts),
  roles: z.array(z.string().max(128)).max(maxAccounts * 10),
});

export const storedDirectoriesSchema = z.object({
  version: z.literal(2),
  directories: z.array(storedDirectorySchema).max(100),
  labels: z.record(z.string(), z.string().max(200)),
  aliases: z.record(z.string(), z.string().max(200)),
});

type StoredDirectory = z.infer<typeof storedDirectorySchema>;

export interface StoredDirectories {
  readonly directories: readonly DirectoryView[];
  readonly labels: Readonly<Record<string, string>>;
  readonly aliases: Readonly<Record<string, string>>;
}

const toColumns = ({ instanceId, syncedAt, accounts }: DirectoryView): StoredDirectory => ({
  instanceId,
  syncedAt,
  accountIds: accounts.map((account) => account.accountId),
  accountNames: accounts.map((account) => account.accountName),
  emailAddresses: accounts.map((account) => account.emailAddress),
  roleCounts: accounts.map((account) => account.roles.length),
  roles: accounts.flatMap((account) => account.roles),
});

/** The accounts back from their columns; undefined when the columns do not fit each other. */
const fromColumns = (stored: StoredDirectory): DirectoryView | undefined => {
  const { accountIds, accountNames, emailAddresses, roleCounts, roles } = stored;
  const count = accountIds.length;
  if (accountNames.length !== count || emailAddresses.length !== count || roleCounts.length !== count) return undefined;
  const accounts: AccountWithRoles[] = new Array<AccountWithRoles>(count);
  let next = 0;
  for (let index = 0; index < count; index += 1) {
    const end = next + roleCounts[index]!;
    if (end > roles.length) return undefined;
    accounts[index] = {
      accountId: accountIds[index]!,
      accountName: accountNames[index]!,
      emailAddress: emailAddresses[index]!,
      roles: roles.slice(next, end),
    };
    next = end;
  }
  if (next !== roles.length) return undefined;
  return { instanceId: stored.instanceId, accounts, syncedAt: stored.syncedAt };
};

/** The text to store for these directories (read back by parseStoredDirectories). */
export const serializeStoredDirectories = (stored: StoredDirectories): string =>
  JSON.stringify({
    version: 2,
    directories: stored.directories.map(toColumns),
    labels: stored.labels,
    aliases: stored.aliases,
  } satisfies z.infer<typeof storedDirectoriesSchema>);

/** The stored text back as directories; undefined when absent, unreadable or from another version. */
export const parseStoredDirectories = (text: string | null): StoredDirectories | undefined => {
  if (!text) return undefined;
  try {
    const parsed = storedDirectoriesSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return undefined;
    const directories: DirectoryView[] = [];
    for (const stored of parsed.data.directories) {
      const directory = fromColumns(stored);
      if (!directory) return undefined;
      directories.push(directory);
    }
    return { directories, labels: parsed.data.labels, aliases: parsed.data.aliases };
  } catch {
    return undefined;
  }
};
