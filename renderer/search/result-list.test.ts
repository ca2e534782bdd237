import { describe, expect, it } from 'vitest';
import type { DirectoryView } from '../../app/ipc/contract';
import { searchEntries } from './fuzzy-search';
import type { ScoredEntry } from './fuzzy-search';
import { buildResultList } from './result-list';
import type { ResultList } from './result-list';
import { buildRoleEntries } from './role-entries';
import { SearchIndex, sortRanked } from './search-index';
import { bigDirectoryEntries, typedQueries } from './test-support/big-directory';
import { buildEagerResultList } from './test-support/eager-result-list';
import type { EagerResultList } from './test-support/eager-result-list';

/**
 * The list's rows are compact (entry indices, rows built when asked for) and its matches come
 * from the index's typed-array ranking: both must give exactly what the plain definitions give
 * (searchEntries, and every row built as an object up front), row for row.
 */

const big = bigDirectoryEntries();

/** A small seeded generator: the same "random" queries on every run. */
const seeded = (seed: number) => {
  let state = seed;
  return (n: number): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
};

/** Mostly extending the query (the narrowing path), sometimes deleting or starting over, as a user types. */
const randomQueries = (count: number, seed: number, alphabet = 'abcdeilmnoprstuvy0123456789 -+@.'): string[] => {
  const random = seeded(seed);
  const queries: string[] = [];
  let query = '';
  for (let step = 0; step < count; step += 1) {
    const move = random(10);
    if (move < 6) query += alphabet.charAt(random(alphabet.length));
    else if (move < 9) query = query.slice(0, -1);
    else query = '';
    queries.push(query);
  }
  return queries;
};

const flat = (results: readonly ScoredEntry[]) => results.map((match) => [match.entry.key, match.score]);

/** The compact list read the way the view reads it (rowAt, kindAt), beside its rows. */
const expectSameList = (compact: ResultList, eager: EagerResultList, label: string): void => {
  expect(compact.rowCount, label).toBe(eager.rows.length);
  expect(compact.matchCount, label).toBe(eager.matchCount);
  expect(compact.searching, label).toBe(eager.searching);
  expect([...compact.optionRows], label).toEqual(eager.optionRows);
  for (let index = 0; index < eager.rows.length; index += 1) {
    expect(compact.kindAt(index), `${label} row ${index}`).toBe(eager.rows[index]?.kind);
  }
  expect(
    Array.from({ length: compact.rowCount }, (_, index) => compact.rowAt(index)),
    label,
  ).toEqual(eager.rows);
  expect(compact.rows, label).toEqual(eager.rows);
};

describe('SearchIndex over the 10,000-role directory', () => {
  it('ranks exactly like searchEntries for random queries, boosted or not', () => {
    const index = new SearchIndex(big);
    const boost = (entry: (typeof big)[number]): number => (entry.accountId.endsWith('7') ? 2 : entry.roleName === 'Developer' ? 1 : 0);
    for (const query of randomQueries(80, 7)) {
      expect(flat(index.search(query)), JSON.stringify(query)).toEqual(flat(searchEntries(big, query)));
      expect(flat(index.search(query, boost)), `${JSON.stringify(query)} boosted`).toEqual(flat(searchEntries(big, query, boost)));
    }
  });

  it('ranks every letter and digit alike before, while and after warm() scores them ahead', () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const cold = new SearchIndex(big);
    const half = new SearchIndex(big);
    let rounds = 0;
    // Stops after two blocks of entries: the rest are scored by the keystroke itself.
    expect(half.warm(() => (rounds++ < 2 ? 10 : 0))).toBe(false);
    const warmed = new SearchIndex(big);
    expect(warmed.warm(() => 10)).toBe(true);
    for (const letter of alphabet) {
      const expected = flat(searchEntries(big, letter));
      expect(flat(cold.search(letter)), letter).toEqual(expected);
      expect(flat(half.search(letter)), `${letter} (half warmed)`).toEqual(expected);
      expect(flat(warmed.search(letter)), `${letter} (warmed)`).toEqual(expected);
    }
  });

  it('finds the same whether its character masks are not built, half built in idle time, or complete', () => {
    // The masks are built at the first search or by warm(), never with the index (the first paint needs none).
    const queries = ['xq', 'prod adm', 'zz', '9', 'dev ro', 'qqqq'];
    const half = new SearchIndex(big);
    let rounds = 0;
    expect(half.warm(() => (rounds++ < 3 ? 10 : 0))).toBe(false);
    const fresh = new SearchIndex(big);
    for (const query of queries) {
      const expected = flat(searchEntries(big, query));
      expect(flat(half.search(query)), `${query} (half masked)`).toEqual(expected);
      expect(flat(fresh.search(query)), `${query} (not masked yet)`).toEqual(expected);
    }
  });

  it('scores single characters like scoreTerm on awkward names: camelCase, separators, digits, whole fields', () => {
    const directory: DirectoryView = {
      instanceId: 'odd',
      syncedAt: 0,
      accounts: [
        { accountName: 'a', accountId: '7', emailAddress: 'a@b.c', roles: ['A', 'aA', 'ReadOnlyAccess', 'x-Ray_y.z', 'İstanbul'] },
        { accountName: 'Büro 9', accountId: '900000000009', emailAddress: 'team+9@example.com', roles: ['b', 'Zz9'] },
        { accountName: 'no-alias', accountId: '123', emailAddress: 'q@q.q', roles: ['dev'] },
      ],
    };
    const entries = buildRoleEntries([directory], () => 'Label K', { 'odd/123': 'Kilo 1' });
    const index = new SearchIndex(entries);
    expect(index.warm(() => 10)).toBe(true);
    for (const letter of 'abcdefghijklmnopqrstuvwxyz0123456789') {
      expect(flat(index.search(letter)), letter).toEqual(flat(searchEntries(entries, letter)));
    }
  });

  it('gives every entry in order for the empty query, and indexOfKey finds each entry', () => {
    const index = new SearchIndex(big);
    expect([...index.rank('  ').indices]).toEqual(big.map((_, at) => at));
    expect(big.every((entry, at) => index.indexOfKey(entry.key) === at)).toBe(true);
    expect(index.indexOfKey('nobody/000000000000/Nothing')).toBe(-1);
  });
});

describe('sortRanked', () => {
  /** The definition: best score first, ties in the order given. */
  const reference = (found: number[], totals: number[]) =>
    found.map((index, at) => ({ index, score: totals[at]!, at })).sort((x, y) => y.score - x.score || x.at - y.at);

  it.each([
    { name: 'few distinct scores', distinct: 12 },
    { name: 'more distinct scores than its table holds', distinct: 2_000 },
  ])('sorts like a stable sort by score with $name', ({ distinct }) => {
    const random = seeded(distinct);
    const found = Array.from({ length: 5_000 }, (_, at) => at * 3);
    const totals = found.map(() => 1 + random(distinct) / 3);
    const sorted = sortRanked(Int32Array.from(found), Float64Array.from(totals));
    const expected = reference(found, totals);
    expect([...sorted.indices]).toEqual(expected.map((match) => match.index));
    expect([...sorted.scores]).toEqual(expected.map((match) => match.score));
  });
});

describe('compact result list', () => {
  const first = big[0]!;
  const favorites = [big[40]!.ref, big[7]!.ref];
  const recents = [big[7]!.ref, big[1234]!.ref, big[9999]!.ref];

  it.each(['', ...typedQueries])('equals the list built row by row for %j (pinned and recent roles too)', (query) => {
    expectSameList(buildResultList(big, query, [], []), buildEagerResultList(big, query, [], []), query);
    expectSameList(
      buildResultList(big, query, favorites, recents),
      buildEagerResultList(big, query, favorites, recents),
      `${query} with pins`,
    );
  });

  it('equals the list built row by row for random queries typed in a row', () => {
    for (const query of randomQueries(60, 11)) {
      expectSameList(
        buildResultList(big, query, favorites, recents),
        buildEagerResultList(big, query, favorites, recents),
        JSON.stringify(query),
      );
    }
  });

  it('lists saved chained roles like the eager list, pinned, recent and searched', () => {
    const directory: DirectoryView = {
      instanceId: 'acme',
      syncedAt: 0,
      accounts: [
        { accountName: 'prod', accountId: '111111111111', emailAddress: 'p@example.com', roles: ['Admin', 'ReadOnly'] },
        { accountName: 'dev', accountId: '222222222222', emailAddress: 'd@example.com', roles: ['Developer'] },
      ],
    };
    const entries = buildRoleEntries([directory], () => 'Acme', { 'acme/222222222222': 'dv' }, [
      {
        source: { instanceId: 'acme', accountId: '111111111111', roleName: 'Admin' },
        name: 'deployer',
        roleArn: 'arn:aws:iam::333333333333:role/Deploy',
      },
    ]);
    const chained = { favorites: ['deployer'], recents: ['deployer'] };
    for (const query of ['', 'dep', 'dv', 'admin', 'zzz']) {
      expectSameList(
        buildResultList(entries, query, [], [{ instanceId: 'acme', accountId: '222222222222', roleName: 'Developer' }], undefined, chained),
        buildEagerResultList(
          entries,
          query,
          [],
          [{ instanceId: 'acme', accountId: '222222222222', roleName: 'Developer' }],
          undefined,
          chained,
        ),
        query,
      );
    }
  });

  it('finds rows by key, builds each row once, and answers nothing outside its rows', () => {
    const list = buildResultList(big, '', favorites, recents);
    expect(list.indexOfKey(`pinned:${big[40]!.key}`)).toBe(1);
    const accountRow = list.indexOfKey(`account:big/${first.accountId}`);
    expect(list.rowAt(accountRow)).toMatchObject({ kind: 'account', accountId: first.accountId });
    const roleRow = list.indexOfKey(first.key);
    expect(list.rowAt(roleRow)).toMatchObject({ kind: 'role', section: 'accounts', entry: first });
    expect(list.rowAt(roleRow)).toBe(list.rowAt(roleRow));
    expect(list.rows[roleRow]).toBe(list.rowAt(roleRow));
    expect(list.indexOfKey('no such row')).toBe(-1);
    expect(list.rowAt(-1)).toBeUndefined();
    expect(list.rowAt(list.rowCount)).toBeUndefined();
    expect(list.kindAt(list.rowCount)).toBeUndefined();
  });
});
