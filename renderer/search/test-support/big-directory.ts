import type { DirectoryView } from '../../../app/ipc/contract';
import { buildRoleEntries } from '../role-entries';
import type { RoleEntry } from '../role-entries';

/**
 * The 10,000-role directory the search test and bench:search both use: 2,500 accounts
 * (prod/dev/staging/sandbox-team-N) × 4 roles, one account in ten with an alias (svc-N).
 */
const bigDirectory: DirectoryView = {
  instanceId: 'big',
  syncedAt: 0,
  accounts: Array.from({ length: 2500 }, (_, i) => {
    const accountName = `${['prod', 'dev', 'staging', 'sandbox'][i % 4]}-team-${i}`;
    return {
      accountName,
      accountId: String(100000000000 + i),
      emailAddress: `aws+${accountName}@example.com`,
      roles: ['AdministratorAccess', 'ReadOnlyAccess', 'Developer', 'BillingViewer'],
    };
  }),
};

const bigAliases = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`big/${100000000000 + i * 10}`, `svc-${i}`]));

/** The big directory's entries, labelled "Big", with its aliases. */
export const bigDirectoryEntries = (): readonly RoleEntry[] => buildRoleEntries([bigDirectory], () => 'Big', bigAliases);

/** Typing "prod adm" letter by letter, then queries that miss, use digits, or hit aliases. */
export const typedQueries: readonly string[] = [
  'p',
  'pr',
  'pro',
  'prod',
  'prod ',
  'prod a',
  'prod ad',
  'prod adm',
  'prod admx',
  'xyzq',
  'rdonly 12',
  'team-24 dev',
  'svc-1 adm',
];
