import { describe, expect, it } from 'vitest';
import type { DirectoryView } from '../../app/ipc/contract';
import { isDigits, scoreTerm, searchEntries } from './fuzzy-search';
import { DistinctFields } from './distinct-fields';
import type { ScoredEntry } from './fuzzy-search';
import { buildRoleEntries } from './role-entries';
import type { RoleEntry } from './role-entries';
import { SearchIndex } from './search-index';

/** The index must rank exactly like searchEntries, keystroke after keystroke. */

const words = ['prod', 'dev', 'staging', 'sandbox', 'payments', 'data', 'ml', 'edge', 'core', 'team'];
const roles = ['AdministratorAccess', 'ReadOnlyAccess', 'Developer', 'BillingViewer', 'PowerUserAccess', 'SecurityAudit'];

const directory = (count: number): DirectoryView => ({
  instanceId: 'big',
  syncedAt: 0,
  accounts: Array.from({ length: count }, (_, i) => ({
    accountId: String(100000000000 + i * 7919),
    accountName: `${words[i % words.length]}-${words[(i * 3) % words.length]}-${i}`,
    emailAddress: `aws+${words[(i * 7) % words.length]}${i}@example.com`,
    roles: roles.filter((_, r) => (i + r) % 3 !== 0),
  })),
});

const entries = buildRoleEntries(
  [directory(400)],
  () => 'Big Co',
  Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`big/${100000000000 + i * 10 * 7919}`, `svc-${i}`])),
);

const flat = (results: readonly ScoredEntry[]) => results.map((match) => [match.entry.key, match.score]);
const boost = (entry: RoleEntry): number => (entry.accountId.endsWith('3') ? 2 : entry.roleName === 'Developer' ? 1 : 0);

/** Typing each query letter by letter, then deleting it, as a user does. */
const typed = (queries: readonly string[]): string[] =>
  queries.flatMap((query) => [
    ...Array.from({ length: query.length }, (_, i) => query.slice(0, i + 1)),
    ...Array.from({ length: query.length }, (_, i) => query.slice(0, query.length - i - 1)),
  ]);

describe('SearchIndex', () => {
  it('gives what searchEntries gives for every keystroke of typing and deleting', () => {
    const index = new SearchIndex(entries);
    const keystrokes = typed([
      'prod adm',
      'p',
      'a',
      'xyzq',
      'rdonly 12',
      'team-24 dev',
      'svc-1 adm',
      'dvlpr',
      'aws+core',
      'big co 1000',
      'ro pay',
      'qqq prod',
    ]);
    for (const query of keystrokes) {
      expect(flat(index.search(query)), query).toEqual(flat(searchEntries(entries, query)));
      expect(flat(index.search(query, boost)), `${query} (boosted)`).toEqual(flat(searchEntries(entries, query, boost)));
    }
  });

  it('stays identical over random queries in random order', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = 'abcdeilmnoprstuvy0123 -+';
    const index = new SearchIndex(entries);
    let query = '';
    for (let step = 0; step < 400; step += 1) {
      // Mostly extend the query (the narrowing path), sometimes delete or start over.
      const move = random(10);
      if (move < 6) query += alphabet.charAt(random(alphabet.length));
      else if (move < 9) query = query.slice(0, -1);
      else query = '';
      expect(flat(index.search(query)), JSON.stringify(query)).toEqual(flat(searchEntries(entries, query)));
    }
  });
});

describe('SearchIndex scoring per distinct field', () => {
  const terms = ['prod', 'adm', 'ro', 'dvlpr', '1000', '79', 'aws+core', 'big', 'co', 'svc-1', 'access', 'payments-data', 'xq'];

  it('scores every term exactly as scoreTerm does, entry by entry', () => {
    const fields = DistinctFields.of(entries, new SearchIndex(entries).accountOf, new SearchIndex(entries).accountCount);
    expect(fields).toBeDefined();
    for (const term of terms) {
      const scorer = fields?.scorer(term, isDigits(term));
      const got = entries.map((_, index) => scorer?.score(index));
      expect(got, term).toEqual(entries.map((entry) => scoreTerm(term, entry, isDigits(term))));
    }
  });

  it('falls back to scoring per entry when entries of one account disagree on its fields', () => {
    // Hand-built entries: two accounts' entries under one ordinal (as a test or a bug might
    // make them); scoring per account would give the second the first one's name.
    const mixed = entries.slice(0, 40).map((entry) => ({ ...entry, accountOrdinal: 0 }));
    const index = new SearchIndex(mixed);
    expect(DistinctFields.of(mixed, index.accountOf, index.accountCount)).toBeUndefined();
    for (const query of typed(['prod adm', 'dev', '1000']))
      expect(flat(index.search(query)), query).toEqual(flat(searchEntries(mixed, query)));
  });
});
