import { z } from 'zod';
import type { AssumableRole, DirectoryFile, DirectorySeed } from './options';

/**
 * The emulator's directory of accounts and roles: generated deterministically from a seed,
 * or read from an explicit DirectoryFile.
 */

export interface DirectoryAccount {
  readonly accountId: string;
  readonly accountName: string;
  readonly emailAddress: string;
  readonly roles: readonly string[];
  /** IAM roles STS AssumeRole may chain to in this account; absent: defaultAssumableRoles. */
  readonly assumableRoles?: readonly AssumableRole[];
}

/**
 * Every seeded account's chained roles, deterministic: `ChainedReadOnly` trusts every role
 * session of the directory; `ChainedDeployer` also wants ExternalId `rolecall-{accountId}`.
 */
export const defaultAssumableRoles = (accountId: string): readonly AssumableRole[] => [
  { roleName: 'ChainedReadOnly' },
  { roleName: 'ChainedDeployer', externalId: `rolecall-${accountId}` },
];

/** The roles AssumeRole may target in an account. */
export const assumableRolesOf = (account: DirectoryAccount): readonly AssumableRole[] =>
  account.assumableRoles ?? defaultAssumableRoles(account.accountId);

export type Directory = readonly DirectoryAccount[];

export const defaultDirectorySeed: DirectorySeed = { accounts: 24, rolesPerAccount: 4, seed: 1 };

/** mulberry32: a tiny, well-mixed PRNG, so the same seed always builds the same directory. */
const mulberry32 = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const environments = ['prod', 'staging', 'dev', 'qa', 'sandbox', 'test', 'perf', 'uat'];
const domains = [
  'payments',
  'data-platform',
  'identity',
  'checkout',
  'search',
  'analytics',
  'mobile-api',
  'ml-training',
  'logging',
  'billing',
  'catalog',
  'notifications',
  'web-frontend',
  'orders',
  'inventory',
  'streaming',
  'reporting',
  'edge',
  'platform',
  'crm',
  'fraud-detection',
  'media',
];
const standalone = ['security-audit', 'shared-networking', 'log-archive', 'management', 'shared-services', 'backup-vault'];

const baseRoles = [
  'AdministratorAccess',
  'ReadOnlyAccess',
  'PowerUserAccess',
  'Developer',
  'Billing',
  'SecurityAudit',
  'ViewOnlyAccess',
  'DataScientist',
  'SupportUser',
  'NetworkAdministrator',
  'DatabaseAdministrator',
  'SystemAdministrator',
  'DevOpsEngineer',
  'ReleaseManager',
  'IncidentResponder',
  'CostExplorer',
  'DataEngineer',
  'MLEngineer',
  'QualityAssurance',
  'AuditorReadOnly',
  'BreakGlass',
  'Operator',
  'CloudFormationDeployer',
  'S3ReadOnly',
  'LambdaDeveloper',
  'EKSAdmin',
];
const roleTeams = ['Payments', 'Data', 'Platform', 'Identity', 'Search', 'Mobile', 'Web', 'Ml', 'Ops', 'Finance'];

const pick = <T>(rng: () => number, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

/** Every role name the generator may use, base names first. */
const rolePool = (size: number): string[] => {
  const pool = [...baseRoles];
  for (const team of roleTeams) {
    if (pool.length >= size) break;
    for (const role of baseRoles) pool.push(`${team}${role}`);
  }
  return pool;
};

const shuffledTake = (rng: () => number, pool: readonly string[], count: number, first: readonly string[]): string[] => {
  const rest = pool.filter((r) => !first.includes(r));
  // Partial Fisher–Yates: only as many swaps as roles needed.
  for (let i = 0; i < Math.min(count, rest.length); i++) {
    const j = i + Math.floor(rng() * (rest.length - i));
    [rest[i], rest[j]] = [rest[j] as string, rest[i] as string];
  }
  return [...first, ...rest.slice(0, Math.max(0, count - first.length))];
};

const accountName = (rng: () => number, index: number, taken: ReadonlySet<string>): string => {
  if (index === 0) return 'prod-payments';
  for (let attempt = 0; attempt < 20; attempt++) {
    const roll = rng();
    const candidate =
      roll < 0.05
        ? pick(rng, standalone)
        : roll < 0.15
          ? `${pick(rng, ['dev', 'sandbox', 'test'])}-sandbox-${1 + Math.floor(rng() * 99)}`
          : `${pick(rng, environments)}-${pick(rng, domains)}`;
    if (!taken.has(candidate)) return candidate;
  }
  // The index makes this one unique whatever was taken before.
  return `${pick(rng, environments)}-${pick(rng, domains)}-${index}`;
};

const seedSchema = z.object({
  accounts: z.number().int().min(1).max(100_000),
  rolesPerAccount: z.number().int().min(1).max(200),
  seed: z.number().int().optional(),
  manyRolesEvery: z.number().int().min(0).optional(),
});

/** Builds the same directory for the same seed: account 0 is always "prod-payments" with AdministratorAccess and ReadOnlyAccess. */
export const generateDirectory = (seed: DirectorySeed): Directory => {
  const parsed = seedSchema.safeParse(seed);
  if (!parsed.success) throw new Error(`Invalid directory seed: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
  const { accounts, rolesPerAccount, manyRolesEvery = 50 } = parsed.data;
  const rng = mulberry32(parsed.data.seed ?? 1);
  const manyRoles = Math.max(25, 4 * rolesPerAccount);
  const pool = rolePool(Math.max(manyRoles, rolesPerAccount));
  const names = new Set<string>();
  const ids = new Set<string>();
  const result: DirectoryAccount[] = [];
  for (let i = 0; i < accounts; i++) {
    const name = accountName(rng, i, names);
    names.add(name);
    let id = '';
    do {
      id = Array.from({ length: 12 }, () => Math.floor(rng() * 10)).join('');
    } while (ids.has(id));
    ids.add(id);
    const isMany = manyRolesEvery > 0 && (i + 1) % manyRolesEvery === 0;
    const count = isMany ? manyRoles : i === 0 ? Math.max(2, rolesPerAccount) : rolesPerAccount;
    const first = i === 0 ? ['AdministratorAccess', 'ReadOnlyAccess'] : [];
    result.push({
      accountId: id,
      accountName: name,
      emailAddress: `aws+${name}@example.com`,
      roles: shuffledTake(rng, pool, count, first),
    });
  }
  return result;
};

const fileSchema = z
  .object({
    accounts: z
      .array(
        z.object({
          accountId: z.string().regex(/^\d{12}$/, 'accountId must be 12 digits'),
          accountName: z.string().min(1),
          emailAddress: z.string().min(3),
          roles: z.array(z.string().regex(/^[\w+=,.@-]{1,64}$/, 'role names are 1–64 characters of [A-Za-z0-9+=,.@_-]')).min(1),
          assumableRoles: z
            .array(
              z.object({
                roleName: z.string().regex(/^[\w+=,.@-]{1,64}$/, 'role names are 1–64 characters of [A-Za-z0-9+=,.@_-]'),
                externalId: z
                  .string()
                  .regex(/^[\w+=,.@:/-]{2,1224}$/, 'externalId is 2–1224 characters of [A-Za-z0-9+=,.@:/_-]')
                  .optional(),
                trustedRoles: z.array(z.string().min(1)).optional(),
              }),
            )
            .optional(),
        }),
      )
      .min(1),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.accounts.forEach((account, index) => {
      if (seen.has(account.accountId))
        ctx.addIssue({ code: 'custom', path: ['accounts', index, 'accountId'], message: `duplicate accountId ${account.accountId}` });
      seen.add(account.accountId);
      if (new Set(account.roles).size !== account.roles.length)
        ctx.addIssue({ code: 'custom', path: ['accounts', index, 'roles'], message: 'duplicate role names' });
    });
  });

/** Validates an explicit directory; throws an Error naming what is wrong. */
export const parseDirectoryFile = (value: unknown): Directory => {
  const parsed = fileSchema.safeParse(value);
  if (!parsed.success) throw new Error(`Invalid directory file: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
  return parsed.data.accounts;
};

const isDirectoryFile = (value: DirectorySeed | DirectoryFile): value is DirectoryFile => Array.isArray(value.accounts);

/** The directory an emulator option describes (the default seed when none). */
export const resolveDirectory = (option: DirectorySeed | DirectoryFile | undefined): Directory =>
  option === undefined
    ? generateDirectory(defaultDirectorySeed)
    : isDirectoryFile(option)
      ? parseDirectoryFile(option)
      : generateDirectory(option);
