import type { DirectoryView } from '../../app/ipc/contract';
import { parseQuery } from '../../renderer/search/fuzzy-search';
import { buildResultList } from '../../renderer/search/result-list';
import { buildRoleEntries } from '../../renderer/search/role-entries';
import type { RoleEntry } from '../../renderer/search/role-entries';
import { describeSpread, ratio, spread, timeSync } from '../support/stats';

/**
 * `npx tsx bench/search/run.ts`: what one keystroke in the search box costs with 10,000 roles
 * (2,500 accounts × 4 roles, one account in ten with an alias): the fuzzy search plus the list
 * rows the UI renders, per keystroke p50/p95/max, against a plain substring filter over the
 * same entries in the same run (the least any search can do). One 16 ms frame is the budget
 * a user feels. It prints and asserts nothing; the last line is one JSON object with every
 * figure. Other processes on the machine skew the figures; compare the ratios.
 */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const FRAME_MS = 16;

const account = (accountName: string, accountId: string, roles: string[]) => ({
  accountName,
  accountId,
  emailAddress: `aws+${accountName}@example.com`,
  roles,
});

const directory: DirectoryView = {
  instanceId: 'big',
  syncedAt: 0,
  accounts: Array.from({ length: 2500 }, (_, i) =>
    account(`${['prod', 'dev', 'staging', 'sandbox'][i % 4]}-team-${i}`, String(100000000000 + i), [
      'AdministratorAccess',
      'ReadOnlyAccess',
      'Developer',
      'BillingViewer',
    ]),
  ),
};
const aliases = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`big/${100000000000 + i * 10}`, `svc-${i}`]));
const entries = buildRoleEntries([directory], () => 'Big', aliases);

/** Typing "prod adm" letter by letter, then queries that miss, use digits, or hit aliases. */
const keystrokes = [
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

/** The baseline: every term a plain substring of one of the fields, no scoring, no rows. */
const substringFilter = (all: readonly RoleEntry[], query: string): RoleEntry[] => {
  const terms = parseQuery(query);
  return all.filter((entry) =>
    terms.every(
      (term) =>
        entry.lower.accountName.includes(term) ||
        entry.lower.roleName.includes(term) ||
        entry.lower.alias.includes(term) ||
        entry.accountId.includes(term) ||
        entry.lower.email.includes(term),
    ),
  );
};

const main = () => {
  console.log(
    `search: ${entries.length} roles, ${keystrokes.length} keystrokes, ${ROUNDS} rounds each (fuzzy and baseline interleaved); frame ${FRAME_MS} ms`,
  );
  // Warm the JIT on both before anything is timed.
  for (let i = 0; i < 3; i += 1) {
    for (const query of keystrokes) {
      buildResultList(entries, query, [], []);
      substringFilter(entries, query);
    }
  }

  const fuzzyAll: number[] = [];
  const baselineAll: number[] = [];
  const perKeystroke: Record<
    string,
    { matches: number; fuzzy: ReturnType<typeof spread>; baseline: ReturnType<typeof spread>; ratioP50: number | null }
  > = {};
  for (const query of keystrokes) {
    const fuzzy: number[] = [];
    const baseline: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      fuzzy.push(timeSync(() => buildResultList(entries, query, [], [])));
      baseline.push(timeSync(() => substringFilter(entries, query)));
    }
    fuzzyAll.push(...fuzzy);
    baselineAll.push(...baseline);
    const f = spread(fuzzy);
    const b = spread(baseline);
    const matches = buildResultList(entries, query, [], []).matchCount;
    perKeystroke[query] = { matches, fuzzy: f, baseline: b, ratioP50: ratio(f.p50, b.p50) };
    console.log(
      `  ${JSON.stringify(query).padEnd(14)} ${String(matches).padStart(5)} matches  fuzzy ${describeSpread(f)}  |  substring ${describeSpread(b)}  |  ${ratio(f.p50, b.p50)}x`,
    );
  }

  const fuzzy = spread(fuzzyAll);
  const baseline = spread(baselineAll);
  const slowestP50 = Math.max(...Object.values(perKeystroke).map((k) => k.fuzzy.p50));
  console.log(
    `all keystrokes: fuzzy ${describeSpread(fuzzy)}  |  substring ${describeSpread(baseline)}  |  p50 ${ratio(fuzzy.p50, baseline.p50)}x the baseline`,
  );
  console.log(`slowest keystroke p50: ${slowestP50.toFixed(2)} ms = ${ratio(slowestP50, FRAME_MS)} of a ${FRAME_MS} ms frame`);
  console.log(
    JSON.stringify({
      bench: 'search',
      node: process.version,
      roles: entries.length,
      rounds: ROUNDS,
      fuzzyMs: fuzzy,
      baselineMs: baseline,
      ratioP50: ratio(fuzzy.p50, baseline.p50),
      ratioP95: ratio(fuzzy.p95, baseline.p95),
      slowestKeystrokeP50Ms: slowestP50,
      frameFractionOfSlowestP50: ratio(slowestP50, FRAME_MS),
      perKeystroke,
    }),
  );
};

main();
