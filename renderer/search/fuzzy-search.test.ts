import { describe, expect, it } from 'vitest';
import type { DirectoryView } from '../../app/ipc/contract';
import { parseQuery, scoreTerm, searchEntries } from './fuzzy-search';
import { buildRoleEntries } from './role-entries';
import { buildResultList } from './result-list';
import { bigDirectoryEntries, typedQueries } from './test-support/big-directory';

const account = (accountName: string, accountId: string, roles: string[], email = `aws+${accountName}@example.com`) => ({
  accountName,
  accountId,
  emailAddress: email,
  roles,
});

const directory: DirectoryView = {
  instanceId: 'acme',
  syncedAt: 0,
  accounts: [
    account('prod-payments', '111111111111', ['AdministratorAccess', 'ReadOnlyAccess', 'Developer']),
    account('preprod-admin-tools', '222222222222', ['Developer']),
    account('staging-payments', '333333333333', ['AdministratorAccess', 'ReadOnlyAccess']),
    account('sandbox', '444444444444', ['PowerUserAccess'], 'cloud-team@corp.example'),
    account('production', '555555555555', ['SecurityAudit', 'Admin']),
  ],
};

const entries = buildRoleEntries([directory], () => 'Acme');
const names = (query: string) => searchEntries(entries, query).map(({ entry }) => `${entry.accountName}/${entry.roleName}`);

describe('parseQuery', () => {
  it('lower-cases, splits on whitespace and drops duplicates', () => {
    expect(parseQuery('  Prod  ADM prod ')).toEqual(['prod', 'adm']);
    expect(parseQuery('   ')).toEqual([]);
  });
});

describe('searchEntries ranking', () => {
  it('requires every term (AND) and puts the intended role first for "prod adm"', () => {
    const result = names('prod adm');
    expect(result[0]).toBe('prod-payments/AdministratorAccess');
    expect(result).not.toContain('prod-payments/ReadOnlyAccess');
    expect(result).not.toContain('staging-payments/AdministratorAccess');
    // "production/Admin": prefix on both terms as well, but "prod" is a prefix of a
    // longer word there too; both outrank the substring-only "preprod-admin-tools".
    expect(result.indexOf('production/Admin')).toBeLessThan(result.indexOf('preprod-admin-tools/Developer'));
  });

  it('orders whole field > prefix > word start > substring > scattered letters', () => {
    const whole = scoreTerm(
      'sandbox',
      entries.find((e) => e.accountName === 'sandbox')!,
    );
    const prefix = scoreTerm(
      'prod',
      entries.find((e) => e.accountName === 'prod-payments')!,
    );
    const wordStart = scoreTerm(
      'payments',
      entries.find((e) => e.accountName === 'staging-payments')!,
    );
    const camelStart = scoreTerm(
      'access',
      entries.find((e) => e.roleName === 'ReadOnlyAccess')!,
    );
    const substring = scoreTerm(
      'rod',
      entries.find((e) => e.accountName === 'production')!,
    );
    const scattered = scoreTerm(
      'pwr',
      entries.find((e) => e.roleName === 'PowerUserAccess')!,
    );
    expect([whole, prefix, wordStart, camelStart, substring, scattered]).toEqual([100, 80, 60, 60, 40, expect.any(Number)]);
    expect(scattered).toBeGreaterThan(0);
    expect(scattered).toBeLessThan(substring);
  });

  it('finds roles by account id prefix and by e-mail', () => {
    expect(names('4444')).toEqual(['sandbox/PowerUserAccess']);
    expect(names('555555555555 audit')).toEqual(['production/SecurityAudit']);
    expect(names('cloud-team')).toEqual(['sandbox/PowerUserAccess']);
  });

  it('matches scattered letters fzf-style, but not across a long gap', () => {
    expect(
      scoreTerm(
        'pt',
        entries.find((e) => e.accountName === 'preprod-admin-tools')!,
      ),
    ).toBe(0);
    expect(names('stgpay')).toEqual(['staging-payments/AdministratorAccess', 'staging-payments/ReadOnlyAccess']);
    expect(names('stg')).toContain('staging-payments/ReadOnlyAccess');
    expect(names('rdonly')).toEqual(['prod-payments/ReadOnlyAccess', 'staging-payments/ReadOnlyAccess']);
    expect(names('zzz')).toEqual([]);
  });

  it('breaks ties alphabetically and applies the boost', () => {
    expect(names('payments readonly')).toEqual(['prod-payments/ReadOnlyAccess', 'staging-payments/ReadOnlyAccess']);
    const boosted = searchEntries(entries, 'payments readonly', (e) => (e.accountName.startsWith('staging') ? 2 : 0));
    expect(boosted.map(({ entry }) => entry.accountName)).toEqual(['staging-payments', 'prod-payments']);
  });

  it('returns everything in alphabetical order for an empty query', () => {
    expect(names('')).toHaveLength(entries.length);
    expect(names('')[0]).toBe('preprod-admin-tools/Developer');
  });

  it('groups matches by account, accounts ordered by their best role', () => {
    const list = buildResultList(entries, 'access', [], []);
    const rows = Array.from({ length: list.rowCount }, (_, index) => list.rowAt(index)!);
    expect(rows.filter((row) => row.kind === 'account').map((row) => row.accountName)).toEqual([
      'prod-payments',
      'sandbox',
      'staging-payments',
    ]);
    expect(rows.slice(1, 3).map((row) => (row.kind === 'role' ? row.entry.roleName : row.kind))).toEqual([
      'AdministratorAccess',
      'ReadOnlyAccess',
    ]);
    expect(rows[3]?.kind).toBe('account');
  });
});

describe('account aliases', () => {
  // The user named prod-payments "pp" and production "money": an alias ranks like the account name.
  const aliased = buildRoleEntries([directory], () => 'Acme', { 'acme/111111111111': 'pp', 'acme/555555555555': 'Money Maker' });
  const aliasedNames = (query: string) => searchEntries(aliased, query).map(({ entry }) => `${entry.accountName}/${entry.roleName}`);

  it('carries the alias on every role of the account, and nowhere else', () => {
    expect(aliased.filter((e) => e.alias === 'pp').map((e) => e.roleName)).toEqual(['AdministratorAccess', 'Developer', 'ReadOnlyAccess']);
    expect(aliased.find((e) => e.accountName === 'sandbox')?.alias).toBe('');
    // Another instance's account with the same id does not share the alias.
    const other = buildRoleEntries([{ ...directory, instanceId: 'beta' }], () => 'Beta', { 'acme/111111111111': 'pp' });
    expect(other.every((e) => e.alias === '')).toBe(true);
  });

  it('typing the alias finds the account first, ahead of accounts that only match its letters', () => {
    // "pp" is also a scattered match in "preprod-admin-tools" and "prod-payments" itself without the alias.
    expect(names('pp')[0]).not.toMatch(/^prod-payments\//);
    const result = aliasedNames('pp');
    expect(result.slice(0, 3)).toEqual(['prod-payments/AdministratorAccess', 'prod-payments/Developer', 'prod-payments/ReadOnlyAccess']);
    expect(result).toContain('preprod-admin-tools/Developer');
  });

  it('scores an alias exactly like the account name: whole 100, prefix 80, word start 60', () => {
    const pp = aliased.find((e) => e.alias === 'pp')!;
    const money = aliased.find((e) => e.alias === 'Money Maker')!;
    expect(scoreTerm('pp', pp)).toBe(100);
    expect(scoreTerm('mon', money)).toBe(80);
    expect(scoreTerm('maker', money)).toBe(60);
    expect(scoreTerm('oney', money)).toBe(40);
    expect(scoreTerm('mnmk', money)).toBeGreaterThan(0);
    // The same term against the same text as an account name scores the same.
    const named = buildRoleEntries([{ ...directory, accounts: [account('Money Maker', '555555555555', ['Admin'])] }])[0]!;
    expect(['mon', 'maker', 'oney', 'mnmk'].map((term) => scoreTerm(term, named))).toEqual(
      ['mon', 'maker', 'oney', 'mnmk'].map((term) => scoreTerm(term, money)),
    );
  });

  it('multi-term: "pp adm" puts prod-payments / AdministratorAccess first, and the alias mixes with other fields', () => {
    expect(aliasedNames('pp adm')[0]).toBe('prod-payments/AdministratorAccess');
    expect(aliasedNames('money audit')).toEqual(['production/SecurityAudit']);
    expect(aliasedNames('maker 5555')).toEqual(['production/Admin', 'production/SecurityAudit']);
    // The real name still works once an alias is set.
    expect(aliasedNames('prod adm')[0]).toBe('prod-payments/AdministratorAccess');
  });

  it('shows the alias on the account row of the results', () => {
    const list = buildResultList(aliased, 'pp adm', [], []);
    expect(list.rows[0]).toMatchObject({ kind: 'account', accountName: 'prod-payments', alias: 'pp' });
    expect(buildResultList(aliased, 'sandbox', [], []).rows[0]).toMatchObject({ kind: 'account', alias: '' });
  });
});

describe('buildResultList', () => {
  const admin = { instanceId: 'acme', accountId: '111111111111', roleName: 'AdministratorAccess' };
  const audit = { instanceId: 'acme', accountId: '555555555555', roleName: 'SecurityAudit' };

  it('puts Pinned and Recent above every account when the search is empty', () => {
    const list = buildResultList(entries, '', [admin], [admin, audit]);
    const outline = list.rows
      .slice(0, 6)
      .map((row) =>
        row.kind === 'role'
          ? `${row.section}:${row.entry.roleName}`
          : `${row.kind}:${row.kind === 'section' ? row.title : row.accountName}`,
      );
    expect(outline).toEqual([
      'section:Pinned',
      'pinned:AdministratorAccess',
      'section:Recent',
      'recent:SecurityAudit',
      'section:All accounts',
      'account:preprod-admin-tools',
    ]);
    expect(list.optionRows).toHaveLength(entries.length + 2);
    expect(new Set(list.rows.map((row) => row.key)).size).toBe(list.rows.length);
  });

  it('shows only grouped matches while searching, option indexes in row order', () => {
    const list = buildResultList(entries, 'prod adm', [admin], []);
    expect(list.rows[0]).toMatchObject({ kind: 'account', accountName: 'prod-payments' });
    expect(list.rows[1]).toMatchObject({ kind: 'role', optionIndex: 0, entry: { roleName: 'AdministratorAccess' } });
    list.optionRows.forEach((rowIndex, optionIndex) => expect(list.rows[rowIndex]).toMatchObject({ kind: 'role', optionIndex }));
  });
});

// How fast a keystroke is lives in bench/search (`npx tsx bench/search/run.ts`): a test that
// times itself fails on a busy machine, so this one checks only what the list contains.
describe('search over 10,000 roles', () => {
  const big = bigDirectoryEntries();
  const keystrokes = typedQueries;

  /** The plain definition: an entry matches when every term scores, looked at one by one. */
  const expectedKeys = (query: string): string[] => {
    const terms = parseQuery(query);
    return big
      .filter((entry) => terms.every((term) => scoreTerm(term, entry) > 0))
      .map((entry) => entry.key)
      .sort();
  };

  it.each(keystrokes)('lists exactly the matching roles for %j, each under its own account', (query) => {
    expect(big).toHaveLength(10_000);
    const list = buildResultList(big, query, [], []);
    const roleRows = list.rows.filter((row) => row.kind === 'role');
    expect(roleRows.map((row) => row.entry.key).sort()).toEqual(expectedKeys(query));
    expect(list.matchCount).toBe(roleRows.length);
    expect(list.optionRows).toHaveLength(roleRows.length);
    // Every role row sits under the account row of its own account, and no account repeats.
    let current: string | undefined;
    const accountRows: string[] = [];
    const misplaced: string[] = [];
    for (const row of list.rows) {
      if (row.kind === 'account') {
        accountRows.push(row.key);
        current = row.key;
      } else if (row.kind === 'role' && `account:${row.entry.ref.instanceId}/${row.entry.accountId}` !== current) {
        misplaced.push(row.key);
      }
    }
    expect(misplaced).toEqual([]);
    expect(new Set(accountRows).size).toBe(accountRows.length);
  });

  it('ranks and counts as the user expects at that size', () => {
    expect(buildResultList(big, 'prod adm', [], []).matchCount).toBe(625);
    expect(buildResultList(big, 'prod admx', [], []).matchCount).toBe(0);
    expect(buildResultList(big, 'svc-42 adm', [], []).rows[0]).toMatchObject({
      kind: 'account',
      accountName: 'prod-team-420',
      alias: 'svc-42',
    });
    // The same query twice gives the same list: nothing is cached wrongly between keystrokes.
    expect(buildResultList(big, 'prod', [], [])).toEqual(buildResultList(big, 'prod', [], []));
  });
});
