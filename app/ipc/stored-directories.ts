import { z } from 'zod';
import type { DirectoryView } from './contract';

/**
 * What a view keeps of its directories between page loads, so a reload paints the roles
 * before the bridge answers: names, ids and role names, the instance labels and the user's
 * account aliases. Nothing secret (no token, no credential, no start URL). It is read back
 * from the browser's storage, which anything on the machine can edit: parse before use.
 */
const accountSchema = z.object({
  accountId: z.string().max(20),
  accountName: z.string().max(200),
  emailAddress: z.string().max(320),
  roles: z.array(z.string().max(128)).max(5_000),
});

const directorySchema = z.object({
  instanceId: z.string().min(1).max(100),
  accounts: z.array(accountSchema).max(100_000),
  syncedAt: z.number(),
});

export const storedDirectoriesSchema = z.object({
  version: z.literal(1),
  directories: z.array(directorySchema).max(100),
  labels: z.record(z.string(), z.string().max(200)),
  aliases: z.record(z.string(), z.string().max(200)),
});

export interface StoredDirectories {
  readonly version: 1;
  readonly directories: readonly DirectoryView[];
  readonly labels: Readonly<Record<string, string>>;
  readonly aliases: Readonly<Record<string, string>>;
}

/** The stored text back as directories; undefined when absent, unreadable or from another version. */
export const parseStoredDirectories = (text: string | null): StoredDirectories | undefined => {
  if (!text) return undefined;
  try {
    const parsed = storedDirectoriesSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};
