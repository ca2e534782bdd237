import { parseQuery, searchEntries } from '../../renderer/search/fuzzy-search';
import { SearchIndex } from '../../renderer/search/search-index';
import { buildResultList } from '../../renderer/search/result-list';
import type { RoleEntry } from '../../renderer/search/role-entries';
import { bigDirectoryEntries, typedQueries } from '../../renderer/search/test-support/big-directory';
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

const entries = bigDirectoryEntries();
const keystrokes = typedQueries;

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

  // "before": searchEntries from scratch on every keystroke (what the UI did). "after": the
  // SearchIndex the UI now uses, fresh per round and fed the keystrokes in typing order, as
  // one user typing the sequence once (its term scores and candidates carry over between
  // keystrokes, never between rounds).
  const fuzzyAll: number[] = [];
  const indexedAll: number[] = [];
  const baselineAll: number[] = [];
  const indexedBy = new Map<string, number[]>(keystrokes.map((query) => [query, []]));
  const buildMs: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    let index: SearchIndex | undefined;
    buildMs.push(timeSync(() => (index = new SearchIndex(entries))));
    const search = (_: readonly RoleEntry[], query: string, boost?: (entry: RoleEntry) => number) => index!.search(query, boost);
    for (const query of keystrokes) indexedBy.get(query)!.push(timeSync(() => buildResultList(entries, query, [], [], search)));
  }
  const perKeystroke: Record<
    string,
    {
      matches: number;
      fuzzy: ReturnType<typeof spread>;
      indexed: ReturnType<typeof spread>;
      baseline: ReturnType<typeof spread>;
      ratioP50: number | null;
    }
  > = {};
  for (const query of keystrokes) {
    const fuzzy: number[] = [];
    const baseline: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      fuzzy.push(timeSync(() => buildResultList(entries, query, [], [], searchEntries)));
      baseline.push(timeSync(() => substringFilter(entries, query)));
    }
    const indexed = indexedBy.get(query)!;
    fuzzyAll.push(...fuzzy);
    indexedAll.push(...indexed);
    baselineAll.push(...baseline);
    const f = spread(fuzzy);
    const x = spread(indexed);
    const b = spread(baseline);
    const matches = buildResultList(entries, query, [], []).matchCount;
    perKeystroke[query] = { matches, fuzzy: f, indexed: x, baseline: b, ratioP50: ratio(x.p50, b.p50) };
    console.log(
      `  ${JSON.stringify(query).padEnd(14)} ${String(matches).padStart(5)} matches  before ${describeSpread(f)}  |  indexed ${describeSpread(x)}  |  substring ${describeSpread(b)}`,
    );
  }

  const fuzzy = spread(fuzzyAll);
  const indexed = spread(indexedAll);
  const baseline = spread(baselineAll);
  const build = spread(buildMs);
  const slowestP50 = Math.max(...Object.values(perKeystroke).map((k) => k.indexed.p50));
  console.log(`index build (once per directory change): ${describeSpread(build)}`);
  console.log(
    `all keystrokes: before ${describeSpread(fuzzy)}  |  indexed ${describeSpread(indexed)}  |  substring ${describeSpread(baseline)}  |  indexed p50 ${ratio(indexed.p50, baseline.p50)}x the baseline`,
  );
  console.log(`slowest keystroke p50 (indexed): ${slowestP50.toFixed(2)} ms = ${ratio(slowestP50, FRAME_MS)} of a ${FRAME_MS} ms frame`);
  console.log(
    JSON.stringify({
      bench: 'search',
      node: process.version,
      roles: entries.length,
      rounds: ROUNDS,
      beforeMs: fuzzy,
      indexedMs: indexed,
      indexBuildMs: build,
      baselineMs: baseline,
      ratioP50: ratio(indexed.p50, baseline.p50),
      ratioP95: ratio(indexed.p95, baseline.p95),
      slowestKeystrokeP50Ms: slowestP50,
      frameFractionOfSlowestP50: ratio(slowestP50, FRAME_MS),
      perKeystroke,
    }),
  );
};

main();
