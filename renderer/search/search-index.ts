import { isDigits, isWordStart, parseQuery, scoreTerm } from './fuzzy-search';
import type { ScoredEntry } from './fuzzy-search';
import type { RoleEntry } from './role-entries';
import { DistinctFields } from './distinct-fields';

/**
 * searchEntries (fuzzy-search.ts) with what a keystroke can reuse kept between keystrokes,
 * for one list of entries; results are identical, entry for entry and score for score.
 *
 * - Letters and digits present: every field a term can match in (even scattered) is a
 *   field of the entry, so a term whose letters or digits the entry lacks cannot match it.
 *   Each entry's characters are two bit masks, built once; a miss costs two ANDs instead of
 *   scoring six fields.
 * - Narrowing: the entries that passed that test for the last query are a superset of those
 *   passing it for a query whose terms hold each earlier term's characters ("pro" → "prod",
 *   "prod" → "prod adm"), so typing on filters the last candidates instead of all 10,000.
 * - Term scores: a term's score against an entry never changes, so the terms of the last few
 *   queries keep theirs ("prod a" → "prod ad" scores only "ad").
 * - Distinct fields: a new term is scored once per account and per distinct role name, not
 *   once per entry (distinct-fields.ts).
 */

/** Scores one term against the entry at an index. */
interface Scorer {
  score(index: number): number;
}

const charBits = (text: string, masks: { lo: number; hi: number }): void => {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code >= 97 && code <= 122) masks.lo |= 1 << (code - 97);
    else if (code >= 48 && code <= 57) masks.hi |= 1 << (code - 48);
  }
};

interface TermBits {
  readonly lo: number;
  readonly hi: number;
}

const bitsOf = (term: string): TermBits => {
  const masks = { lo: 0, hi: 0 };
  charBits(term, masks);
  return masks;
};

const covers = (outer: TermBits, inner: TermBits): boolean => (outer.lo & inner.lo) === inner.lo && (outer.hi & inner.hi) === inner.hi;

/** The slot of a letter or digit among the 36 one-character terms (a-z, then 0-9); -1 for any other. */
const slotOf = (code: number): number => (code >= 97 && code <= 122 ? code - 97 : code >= 48 && code <= 57 ? 26 + code - 48 : -1);

/**
 * substringScore (fuzzy-search.ts) of every one-character term against one field at once, in
 * one walk over the field: a term's first occurrence at 0 scores 100 (whole field) or 80,
 * later ones 60 when one starts a word, else 40. Raises `into` to those scores.
 */
const singleScores = (original: string, lower: string, scratch: Float64Array, into: Float64Array): void => {
  scratch.fill(0);
  for (let i = 0; i < lower.length; i += 1) {
    const slot = slotOf(lower.charCodeAt(i));
    if (slot < 0) continue;
    const seen = scratch[slot] as number;
    if (seen === 0) scratch[slot] = i === 0 ? (lower.length === 1 ? 100 : 80) : isWordStart(original, lower, i) ? 60 : 40;
    else if (seen === 40 && isWordStart(original, lower, i)) scratch[slot] = 60;
  }
  for (let slot = 0; slot < 36; slot += 1) if ((scratch[slot] as number) > (into[slot] as number)) into[slot] = scratch[slot] as number;
};

/** Matches as entry indices, best first, and their scores (same positions). */
export interface Ranked {
  readonly indices: Int32Array;
  readonly scores: Float64Array;
}

/**
 * sortByScore on typed arrays: best score first, ties in the order given (the entries'
 * alphabetical order). Scores take few distinct values, so this is a counting sort.
 */
export const sortRanked = (found: Int32Array, totals: Float64Array): Ranked => {
  const distinct: number[] = [];
  const bucket = new Int32Array(found.length);
  // Bucket of each distinct score through a small open-addressing table (scores are sums of
  // thirds and halves, so score × 6 spreads them over the slots); a Map of doubles costs
  // more than the rest of the keystroke at 10,000 matches.
  const slots = 512;
  const slotScores = new Float64Array(slots);
  const slotBuckets = new Int32Array(slots).fill(-1);
  let lastScore = Number.NaN;
  let lastBucket = -1;
  for (let m = 0; m < found.length; m += 1) {
    const score = totals[m] as number;
    if (score !== lastScore) {
      let slot = Math.round(score * 6) & (slots - 1);
      let b = slotBuckets[slot] as number;
      while (b >= 0 && slotScores[slot] !== score) {
        slot = (slot + 1) & (slots - 1);
        b = slotBuckets[slot] as number;
      }
      if (b < 0) {
        // Past half full the table would probe long: fall back to the plain way.
        if (distinct.length >= slots / 2) return sortRankedByComparison(found, totals);
        b = distinct.length;
        distinct.push(score);
        slotScores[slot] = score;
        slotBuckets[slot] = b;
      }
      lastScore = score;
      lastBucket = b;
    }
    bucket[m] = lastBucket;
  }
  if (distinct.length <= 1) return { indices: found, scores: totals };
  const start = new Int32Array(distinct.length);
  for (let m = 0; m < found.length; m += 1) {
    const b = bucket[m] as number;
    start[b] = (start[b] as number) + 1;
  }
  let next = 0;
  for (const b of distinct.map((_, b) => b).sort((x, y) => (distinct[y] as number) - (distinct[x] as number))) {
    const count = start[b] as number;
    start[b] = next;
    next += count;
  }
  const indices = new Int32Array(found.length);
  const scores = new Float64Array(found.length);
  for (let m = 0; m < found.length; m += 1) {
    const b = bucket[m] as number;
    const at = start[b] as number;
    start[b] = at + 1;
    indices[at] = found[m] as number;
    scores[at] = totals[m] as number;
  }
  return { indices, scores };
};

/** sortRanked for many distinct scores: a stable sort of positions by score, best first. */
const sortRankedByComparison = (found: Int32Array, totals: Float64Array): Ranked => {
  const order = Array.from({ length: found.length }, (_, m) => m).sort((x, y) => (totals[y] as number) - (totals[x] as number) || x - y);
  return { indices: Int32Array.from(order, (m) => found[m] as number), scores: Float64Array.from(order, (m) => totals[m] as number) };
};

/** How many terms keep their scores (a query rarely has more; typing reuses the last one or two). */
const keptTerms = 8;

export class SearchIndex {
  /**
   * Each entry's characters as bit masks, and the characters every entry has (all bits when
   * there are no entries). Built at the first search or in idle time (warm), not with the
   * index: the list with no query (a window's first paint) needs none of it, and at 10,000
   * roles it costs ~20 ms. Entries [0, masked) are done.
   */
  private masks: { readonly lo: Int32Array; readonly hi: Int32Array; everyLo: number; everyHi: number } | undefined;
  private masked = 0;
  private everything: readonly ScoredEntry[] | undefined;
  private last: { readonly bits: readonly TermBits[]; readonly candidates: Int32Array } | undefined;
  /** Scores by term, NaN where not computed yet; insertion order is the eviction order. */
  private readonly scores = new Map<string, Float64Array>();
  /** Scores of the 36 one-character letters and digits (slotOf), NaN where not computed yet. */
  private singleColumns: Float64Array[] | undefined;
  /** Entries [0, warmed) have all 36 one-character scores. */
  private warmed = 0;
  /** Scores of other one-character terms, never evicted. */
  private readonly singles = new Map<string, Float64Array>();
  private byKey: Map<string, number> | undefined;
  /** Built with the first term scored (or in idle time); null when entries of one account disagree on its fields. */
  private fields: DistinctFields | null | undefined;
  /** Per-field scorers of the terms whose scores are kept (same eviction as `scores`), and of single characters. */
  private readonly scorers = new Map<string, Scorer>();
  private everyIndex: Ranked | undefined;

  /** Each entry's account ordinal, and how many there are: grouping reads these, not the entries. */
  readonly accountOf: Int32Array;
  readonly accountCount: number;

  constructor(private readonly entries: readonly RoleEntry[]) {
    this.accountOf = new Int32Array(entries.length);
    let accountCount = 0;
    entries.forEach((entry, index) => {
      this.accountOf[index] = entry.accountOrdinal;
      accountCount = Math.max(accountCount, entry.accountOrdinal + 1);
    });
    this.accountCount = accountCount;
  }

  /** Masks the next entries while `timeLeft()` (ms) allows, 128 at a time (all of them without it); the masks once complete. */
  private characterMasks(timeLeft: () => number = () => Infinity): NonNullable<SearchIndex['masks']> | undefined {
    const { entries } = this;
    const masks = (this.masks ??= { lo: new Int32Array(entries.length), hi: new Int32Array(entries.length), everyLo: -1, everyHi: -1 });
    const bits = { lo: 0, hi: 0 };
    while (this.masked < entries.length && timeLeft() > 1) {
      const end = Math.min(entries.length, this.masked + 128);
      for (let index = this.masked; index < end; index += 1) {
        const entry = entries[index] as RoleEntry;
        bits.lo = 0;
        bits.hi = 0;
        const { lower } = entry;
        charBits(lower.accountName, bits);
        charBits(lower.alias, bits);
        charBits(lower.email, bits);
        charBits(lower.roleName, bits);
        charBits(lower.instanceLabel, bits);
        charBits(entry.accountId, bits);
        masks.lo[index] = bits.lo;
        masks.hi[index] = bits.hi;
        masks.everyLo &= bits.lo;
        masks.everyHi &= bits.hi;
      }
      this.masked = end;
    }
    return this.masked === entries.length ? masks : undefined;
  }

  /** Same as searchEntries(entries, query, boost). */
  search(query: string, boost?: (entry: RoleEntry) => number): readonly ScoredEntry[] {
    if (parseQuery(query).length === 0) return (this.everything ??= this.entries.map((entry) => ({ entry, score: 0 })));
    const { indices, scores } = this.rank(query, boost ? (index) => boost(this.entries[index] as RoleEntry) : undefined);
    const matches: ScoredEntry[] = new Array<ScoredEntry>(indices.length);
    for (let m = 0; m < indices.length; m += 1)
      matches[m] = { entry: this.entries[indices[m] as number] as RoleEntry, score: scores[m] as number };
    return matches;
  }

  /**
   * What search() finds, as entry indices best first with their scores beside them: no
   * object per match, so a letter that matches all 10,000 roles costs a few typed arrays.
   * With no terms, every entry in order, scored 0.
   */
  rank(query: string, boostAt?: (index: number) => number): Ranked {
    const terms = parseQuery(query);
    if (terms.length === 0) return this.all();
    const bits = terms.map(bitsOf);
    const candidates = this.candidates(bits);
    const digits = terms.map(isDigits);
    const columns = terms.map((term) => this.scoresOf(term));
    const scorers = terms.map((term, t) => this.scorerOf(term, digits[t] as boolean));
    const found = new Int32Array(candidates.length);
    const totals = new Float64Array(candidates.length);
    let size = 0;
    for (let c = 0; c < candidates.length; c += 1) {
      const index = candidates[c] as number;
      let total = 0;
      for (let t = 0; t < terms.length; t += 1) {
        const column = columns[t] as Float64Array;
        let score = column[index] as number;
        if (Number.isNaN(score)) {
          score = (scorers[t] as Scorer).score(index);
          column[index] = score;
        }
        if (score === 0) {
          total = 0;
          break;
        }
        total += score;
      }
      if (total > 0) {
        found[size] = index;
        totals[size] = total + (boostAt ? boostAt(index) : 0);
        size += 1;
      }
    }
    return sortRanked(found.subarray(0, size), totals.subarray(0, size));
  }

  /** The position of the entry with this key, -1 when none (the map is built on first ask). */
  indexOfKey(key: string): number {
    if (!this.byKey) this.byKey = new Map(this.entries.map((entry, index) => [entry.key, index]));
    return this.byKey.get(key) ?? -1;
  }

  /**
   * Masks the entries' characters, then scores the 36 one-character terms against the next entries while `timeLeft()` (ms) allows,
   * 128 entries at a time; true once every entry is scored. Keystrokes never wait
   * for it: a term meets NaN where it is not done yet and scores that entry itself.
   */
  warm(timeLeft: () => number): boolean {
    const count = this.entries.length;
    if (!this.characterMasks(timeLeft)) return false;
    this.distinctFields();
    while (this.warmed < count && timeLeft() > 1) {
      const end = Math.min(count, this.warmed + 128);
      this.scoreSingles(this.warmed, end);
      this.warmed = end;
    }
    return this.warmed >= count;
  }

  private singles36(): Float64Array[] {
    this.singleColumns ??= Array.from({ length: 36 }, () => new Float64Array(this.entries.length).fill(Number.NaN));
    return this.singleColumns;
  }

  /** scoreTerm of each of the 36 one-character terms against entries [from, to), field by field in one pass. */
  private scoreSingles(from: number, to: number): void {
    const columns = this.singles36();
    const scratch = new Float64Array(36);
    const names = new Float64Array(36);
    const email = new Float64Array(36);
    const label = new Float64Array(36);
    for (let e = from; e < to; e += 1) {
      const entry = this.entries[e] as RoleEntry;
      const { lower } = entry;
      names.fill(0);
      email.fill(0);
      label.fill(0);
      singleScores(entry.roleName, lower.roleName, scratch, names);
      singleScores(entry.accountName, lower.accountName, scratch, names);
      if (lower.alias) singleScores(entry.alias, lower.alias, scratch, names);
      singleScores(entry.email, lower.email, scratch, email);
      singleScores(entry.instanceLabel, lower.instanceLabel, scratch, label);
      const id = entry.accountId;
      for (let slot = 0; slot < 36; slot += 1) {
        let best = names[slot] as number;
        // In scoreTerm's order: a name match of 80 or more is final before ids, e-mail and labels count.
        if (best < 80) {
          if (slot >= 26) {
            const at = id.indexOf(String.fromCharCode(48 + slot - 26));
            if (at === 0) best = Math.max(best, id.length === 1 ? 100 : 80);
            else if (at > 0) best = Math.max(best, 40);
          }
          const inEmail = email[slot] as number;
          if (inEmail > 0) best = Math.max(best, inEmail / 2);
          const inLabel = label[slot] as number;
          if (inLabel > 0) best = Math.max(best, inLabel / 3);
        }
        (columns[slot] as Float64Array)[e] = best;
      }
    }
  }

  private all(): Ranked {
    if (!this.everyIndex) {
      const indices = new Int32Array(this.entries.length);
      for (let i = 0; i < indices.length; i += 1) indices[i] = i;
      this.everyIndex = { indices, scores: new Float64Array(this.entries.length) };
    }
    return this.everyIndex;
  }

  /** Entries (in order) holding every term's letters and digits, narrowed from the last query's when it can be. */
  private candidates(bits: readonly TermBits[]): Int32Array {
    const last = this.last;
    const narrows = last !== undefined && last.bits.every((before) => bits.some((now) => covers(now, before)));
    const from = narrows ? last.candidates : undefined;
    // Holding each term's characters is holding all of them at once: one test per entry.
    let needLo = 0;
    let needHi = 0;
    for (const term of bits) {
      needLo |= term.lo;
      needHi |= term.hi;
    }
    // Characters every entry has ("a", "e", "s" in most directories): nothing to test.
    const { lo, hi, everyLo, everyHi } = this.characterMasks() as NonNullable<SearchIndex['masks']>;
    if ((everyLo & needLo) === needLo && (everyHi & needHi) === needHi) {
      const candidates = from ?? this.all().indices;
      this.last = { bits, candidates };
      return candidates;
    }
    const count = from ? from.length : this.entries.length;
    const kept = new Int32Array(count);
    let size = 0;
    for (let c = 0; c < count; c += 1) {
      const index = from ? (from[c] as number) : c;
      if (((lo[index] as number) & needLo) === needLo && ((hi[index] as number) & needHi) === needHi) kept[size++] = index;
    }
    const candidates = kept.subarray(0, size);
    this.last = { bits, candidates };
    return candidates;
  }

  private distinctFields(): DistinctFields | null {
    if (this.fields === undefined) this.fields = DistinctFields.of(this.entries, this.accountOf, this.accountCount) ?? null;
    return this.fields;
  }

  /** The term's scorer: per distinct field when the entries allow it, else scoreTerm per entry. */
  private scorerOf(term: string, digits: boolean): Scorer {
    let scorer = this.scorers.get(term);
    if (!scorer) {
      const fields = this.distinctFields();
      scorer = fields ? fields.scorer(term, digits) : { score: (index) => scoreTerm(term, this.entries[index] as RoleEntry, digits) };
      this.scorers.set(term, scorer);
    }
    return scorer;
  }

  private scoresOf(term: string): Float64Array {
    // A single letter or digit is what every query starts with (and the dearest: it matches
    // nearly everything), and there are only 36 of them: they are kept for good, and warm()
    // scores all 36 ahead of the typing, entry by entry, in idle time.
    const slot = term.length === 1 ? slotOf(term.charCodeAt(0)) : -1;
    if (slot >= 0) return this.singles36()[slot] as Float64Array;
    if (term.length === 1) {
      let single = this.singles.get(term);
      if (!single) {
        single = new Float64Array(this.entries.length).fill(Number.NaN);
        this.singles.set(term, single);
      }
      return single;
    }
    let column = this.scores.get(term);
    if (column) {
      // Most recently used goes last, so eviction takes the oldest.
      this.scores.delete(term);
    } else {
      column = new Float64Array(this.entries.length).fill(Number.NaN);
      if (this.scores.size >= keptTerms) {
        const oldest = this.scores.keys().next().value as string;
        this.scores.delete(oldest);
        this.scorers.delete(oldest);
      }
    }
    this.scores.set(term, column);
    return column;
  }
}

const indexes = new WeakMap<readonly RoleEntry[], SearchIndex>();

/** The index of a list of entries, built on first use and dropped with the list. */
export const searchIndexFor = (entries: readonly RoleEntry[]): SearchIndex => {
  let index = indexes.get(entries);
  if (!index) {
    index = new SearchIndex(entries);
    indexes.set(entries, index);
  }
  return index;
};
