import { RolecallError } from '../app/model/errors';
import type { AccountWithRoles, Directory } from '../app/model/roles';

/**
 * Finds the account (by 12-digit id or by name, case-insensitively) and role a user named on
 * the command line, with a helpful message listing what exists when it does not match.
 */
export const resolveRole = (directory: Directory, account: string, role: string): { account: AccountWithRoles; roleName: string } => {
  const wanted = account.trim().toLowerCase();
  const found =
    directory.accounts.find((candidate) => candidate.accountId === wanted) ??
    directory.accounts.find((candidate) => candidate.accountName.toLowerCase() === wanted);
  if (!found) {
    const close = directory.accounts.filter((candidate) => candidate.accountName.toLowerCase().includes(wanted)).slice(0, 5);
    const hint =
      close.length > 0 ? ` Did you mean ${close.map((c) => `"${c.accountName}"`).join(', ')}?` : ' Run `rolecall ls` to see your accounts.';
    throw new RolecallError('not-found', `No account "${account}" is assigned to you.${hint}`);
  }
  const roleName =
    found.roles.find((candidate) => candidate === role) ?? found.roles.find((candidate) => candidate.toLowerCase() === role.toLowerCase());
  if (!roleName) {
    throw new RolecallError(
      'not-found',
      `No role "${role}" in ${found.accountName} (${found.accountId}); its roles are: ${found.roles.join(', ')}.`,
    );
  }
  return { account: found, roleName };
};

/** Multi-term, case-insensitive filter: every term must appear in the account name, id, e-mail or role. */
export const filterRoles = (directory: Directory, filter: readonly string[]) => {
  const terms = filter.flatMap((part) => part.toLowerCase().split(/\s+/)).filter(Boolean);
  return directory.accounts.flatMap((account) =>
    account.roles
      .filter((roleName) => {
        const haystack = `${account.accountName} ${account.accountId} ${account.emailAddress} ${roleName}`.toLowerCase();
        return terms.every((term) => haystack.includes(term));
      })
      .map((roleName) => ({
        accountId: account.accountId,
        accountName: account.accountName,
        emailAddress: account.emailAddress,
        roleName,
      })),
  );
};
