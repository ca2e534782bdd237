import { describe, expect, it } from 'vitest';
import { generateDirectory, parseDirectoryFile, resolveDirectory } from './directory-seed';

describe('generateDirectory', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = generateDirectory({ accounts: 40, rolesPerAccount: 4, seed: 3 });
    expect(generateDirectory({ accounts: 40, rolesPerAccount: 4, seed: 3 })).toEqual(a);
    expect(generateDirectory({ accounts: 40, rolesPerAccount: 4, seed: 4 })).not.toEqual(a);
  });

  it('keeps account 0 stable: prod-payments with AdministratorAccess and ReadOnlyAccess', () => {
    for (const seed of [1, 2, 99]) {
      for (const rolesPerAccount of [1, 2, 6]) {
        const [first] = generateDirectory({ accounts: 3, rolesPerAccount, seed });
        expect(first?.accountName).toBe('prod-payments');
        expect(first?.emailAddress).toBe('aws+prod-payments@example.com');
        expect(first?.roles.slice(0, 2)).toEqual(['AdministratorAccess', 'ReadOnlyAccess']);
        expect(first?.roles).toHaveLength(Math.max(2, rolesPerAccount));
      }
    }
  });

  it('makes unique 12-digit ids, unique realistic names and unique roles, even for thousands of accounts', () => {
    const directory = generateDirectory({ accounts: 3000, rolesPerAccount: 4, seed: 5, manyRolesEvery: 0 });
    expect(new Set(directory.map((a) => a.accountId)).size).toBe(3000);
    expect(new Set(directory.map((a) => a.accountName)).size).toBe(3000);
    for (const account of directory) {
      expect(account.accountId).toMatch(/^\d{12}$/);
      expect(account.accountName).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
      expect(account.emailAddress).toBe(`aws+${account.accountName}@example.com`);
      expect(new Set(account.roles).size).toBe(account.roles.length);
      expect(account.roles).toHaveLength(4);
    }
  });

  it('gives every Nth account max(25, 4 × rolesPerAccount) roles', () => {
    const directory = generateDirectory({ accounts: 20, rolesPerAccount: 8, seed: 1, manyRolesEvery: 5 });
    expect(directory.map((a) => a.roles.length)).toEqual(directory.map((_, i) => ((i + 1) % 5 === 0 ? 32 : 8)));
    expect(generateDirectory({ accounts: 100, rolesPerAccount: 2, seed: 1 }).filter((a) => a.roles.length === 25)).toHaveLength(2);
  });

  it('rejects nonsense seeds', () => {
    expect(() => generateDirectory({ accounts: 0, rolesPerAccount: 1 })).toThrow(/Invalid directory seed/);
    expect(() => generateDirectory({ accounts: 2, rolesPerAccount: 1.5 })).toThrow(/rolesPerAccount/);
  });
});

describe('parseDirectoryFile', () => {
  const good = { accounts: [{ accountId: '111122223333', accountName: 'dev', emailAddress: 'dev@example.com', roles: ['Developer'] }] };

  it('accepts a valid file, including through resolveDirectory', () => {
    expect(parseDirectoryFile(good)).toEqual(good.accounts);
    expect(resolveDirectory(good)).toEqual(good.accounts);
  });

  it('names what is wrong with a bad file', () => {
    expect(() => parseDirectoryFile({ accounts: [{ ...good.accounts[0], accountId: '12' }] })).toThrow(/12 digits/);
    expect(() => parseDirectoryFile({ accounts: [good.accounts[0], good.accounts[0]] })).toThrow(/duplicate accountId/);
    expect(() => parseDirectoryFile({ accounts: [{ ...good.accounts[0], roles: [] }] })).toThrow(/Invalid directory file/);
    expect(() => parseDirectoryFile('nope')).toThrow(/Invalid directory file/);
  });
});
