import type { RoleEntry } from './role-entries';

/**
 * Fuzzy role search: every term must match somewhere (account name or the user's alias for
 * it, account id, e-mail, role name, instance label), so "prod adm" finds account
 * "prod-payments" with role "AdministratorAccess", and so does "pp adm" once the user has
 * named that account "pp". A term scores by how it matches its best field:
 *
 *   whole field 100 > field prefix 80 > word start 60 > substring 40 > scattered letters ≤ 25
 *
 * An alias counts exactly like the account name (the user chose it to find the account).
 * E-mail and instance label count for less (they are rarely what a user means), and
 * account ids match by digits only. Scattered matches (fzf-style subsequences) only count
 * inside one account or role name and within a bounded span, so noise stays low.
 */

export interface ScoredEntry {
  readonly entry: RoleEntry;
  readonly score: number;
}

/** Lower-cased, de-duplicated terms; an empty array means "no search". */
export const parseQuery = (query: string): readonly string[] => {
  const terms = query
    .toLowerCase()
    .split(/\s+/)
    .filter((term) => term.length > 0);
  return [...new Set(terms)];
};

export const isWordStart = (original: string, lower: string, index: number): boolean => {
  if (index === 0) return true;
  const before = lower.charCodeAt(index - 1);
  // After a separator ("prod-payments", "aws+team@x", "dev_ops", "a.b", "two words").
  if (!((before >= 97 && before <= 122) || (before >= 48 && before <= 57))) return true;
  // CamelCase: "ReadOnlyAccess" starts words at O and A.
  const here = original.charCodeAt(index);
  const prev = original.charCodeAt(index - 1);
  return here >= 65 && here <= 90 && prev >= 97 && prev <= 122;
};

/** Score of a contiguous match; 0 when the term is not a substring. */
export const substringScore = (term: string, original: string, lower: string): number => {
  const first = lower.indexOf(term);
  if (first < 0) return 0;
  if (first === 0) return lower.length === term.length ? 100 : 80;
  // A later occurrence may sit on a word start even if the first does not.
  for (let index = first; index >= 0; index = lower.indexOf(term, index + 1)) {
    if (isWordStart(original, lower, index)) return 60;
  }
  return 40;
};

/** fzf-style: the term's letters in order; tighter spans score higher. 0 = no match. */
export const subsequenceScore = (term: string, lower: string): number => {
  if (term.length < 2 || term.length > lower.length) return 0;
  let start = lower.indexOf(term.charAt(0));
  if (start < 0) return 0;
  let best = 0;
  // Try each start of the first letter: the tightest span wins.
  for (; start >= 0; start = lower.indexOf(term.charAt(0), start + 1)) {
    let position = start;
    for (let t = 1; t < term.length && position >= 0; t += 1) position = lower.indexOf(term.charAt(t), position + 1);
    if (position < 0) break;
    const span = position - start + 1;
    const slack = span - term.length;
    if (slack > term.length * 3) continue;
    best = Math.max(best, 25 - Math.min(20, slack * 2) - (start === 0 ? 0 : 2));
  }
  return Math.max(0, best);
};

export const isDigits = (term: string): boolean => /^\d+$/.test(term);

/** The best score of one term against one entry; 0 = no match. */
export const scoreTerm = (term: string, entry: RoleEntry, digits: boolean = isDigits(term)): number => {
  const { lower } = entry;
  let best = Math.max(substringScore(term, entry.roleName, lower.roleName), substringScore(term, entry.accountName, lower.accountName));
  // Most accounts have no alias: skip the call rather than scan an empty string.
  if (lower.alias) best = Math.max(best, substringScore(term, entry.alias, lower.alias));
  if (best >= 80) return best;
  if (digits) {
    const index = entry.accountId.indexOf(term);
    if (index === 0) best = Math.max(best, term.length === entry.accountId.length ? 100 : 80);
    else if (index > 0) best = Math.max(best, 40);
  }
  const email = substringScore(term, entry.email, lower.email);
  if (email > 0) best = Math.max(best, email / 2);
  const label = substringScore(term, entry.instanceLabel, lower.instanceLabel);
  if (label > 0) best = Math.max(best, label / 3);
  if (best > 0) return best;
  return Math.max(
    subsequenceScore(term, lower.roleName),
    subsequenceScore(term, lower.accountName),
    lower.alias ? subsequenceScore(term, lower.alias) : 0,
  );
};

/** Entries matching every term, best first (ties keep the alphabetical order). */
export const searchEntries = (
  entries: readonly RoleEntry[],
  query: string,
  boost?: (entry: RoleEntry) => number,
): readonly ScoredEntry[] => {
  const terms = parseQuery(query);
  if (terms.length === 0) return entries.map((entry) => ({ entry, score: 0 }));
  const digits = terms.map(isDigits);
  const matches: ScoredEntry[] = [];
  for (const entry of entries) {
    let total = 0;
    for (let t = 0; t < terms.length; t += 1) {
      const score = scoreTerm(terms[t] as string, entry, digits[t]);
      if (score === 0) {
        total = 0;
        break;
      }
      total += score;
    }
    if (total > 0) matches.push({ entry, score: total + (boost ? boost(entry) : 0) });
  }
  return sortByScore(matches);
};

/**
 * Best score first, ties in the entries' alphabetical order. Scores take few distinct
 * values, so bucketing is linear where a comparison sort of 10,000 matches is not.
 */
export const sortByScore = (matches: readonly ScoredEntry[]): ScoredEntry[] => {
  const buckets = new Map<number, ScoredEntry[]>();
  for (const match of matches) {
    const bucket = buckets.get(match.score);
    if (bucket) bucket.push(match);
    else buckets.set(match.score, [match]);
  }
  const sorted: ScoredEntry[] = [];
  // Entries were visited in `order`, so each bucket is already alphabetical.
  for (const score of [...buckets.keys()].sort((a, b) => b - a))
    for (const match of buckets.get(score) as ScoredEntry[]) sorted.push(match);
  return sorted;
};
