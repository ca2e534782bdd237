import { describe, expect, it } from 'vitest';
import type { AccountWithRoles } from '../model/roles';
import type { DirectoryView } from './contract';
import { applyDirectoryDiff, diffDirectories } from './directory-diff';

const account = (n: number, roles: readonly string[] = ['ReadOnly']): AccountWithRoles => ({
  accountId: String(100000000000 + n),
  accountName: `account-${n}`,
  emailAddress: `a${n}@example.com`,
  roles,
});

const view = (accounts: readonly AccountWithRoles[], syncedAt: number): DirectoryView => ({ instanceId: 'acme', accounts, syncedAt });

describe('directory diffs', () => {
  it('names what was added, changed and removed, and applying it gives the new directory', () => {
    const before = view([account(1), account(2), account(3), account(4)], 1_000);
    const after = view([account(1), account(2, ['ReadOnly', 'Admin']), account(4), account(5)], 2_000);
    const diff = diffDirectories(before, after);
    expect(diff.fromSyncedAt).toBe(1_000);
    expect(diff.added.map((a) => a.accountId)).toEqual([account(5).accountId]);
    expect(diff.changed).toEqual([account(2, ['ReadOnly', 'Admin'])]);
    expect(diff.removed).toEqual([account(3).accountId]);
    expect(diff.order).toBeUndefined();
    expect(applyDirectoryDiff(before, 'acme', diff)).toEqual(after);
  });

  it('sends nothing but the new syncedAt for a sync that changed nothing', () => {
    const accounts = [account(1), account(2)];
    const diff = diffDirectories(view(accounts, 1), view(accounts, 2));
    expect(diff).toEqual({ fromSyncedAt: 1, syncedAt: 2, added: [], changed: [], removed: [] });
  });

  it('keeps the new order when accounts moved', () => {
    const before = view([account(1), account(2), account(3)], 1);
    const after = view([account(0), account(3), account(1)], 2);
    const diff = diffDirectories(before, after);
    expect(diff.order).toEqual(after.accounts.map((a) => a.accountId));
    expect(applyDirectoryDiff(before, 'acme', diff)).toEqual(after);
  });

  it('builds a whole directory for a view that had none', () => {
    const after = view([account(1), account(2)], 5);
    const diff = diffDirectories(undefined, after);
    expect(diff.fromSyncedAt).toBeNull();
    expect(applyDirectoryDiff(null, 'acme', diff)).toEqual(after);
  });

  it('round-trips random changes', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 50; round += 1) {
      const before = view(
        Array.from({ length: random(20) }, (_, i) => account(i, random(2) ? ['A'] : ['A', 'B'])),
        round,
      );
      const after = view(
        Array.from({ length: random(20) }, (_, i) => account(random(30), random(3) ? ['A'] : ['B', `R${i}`])).filter(
          (a, i, all) => all.findIndex((other) => other.accountId === a.accountId) === i,
        ),
        round + 1,
      );
      expect(applyDirectoryDiff(before, 'acme', diffDirectories(before, after))).toEqual(after);
    }
  });
});
