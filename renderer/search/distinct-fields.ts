import { subsequenceScore, substringScore } from './fuzzy-search';
import type { RoleEntry } from './role-entries';

/**
 * scoreTerm (fuzzy-search.ts) computed once per distinct field value instead of once per
 * entry. The entries of one account share its name, alias, e-mail, id and instance label,
 * and a directory has few distinct role names: at 10,000 roles in 2,500 accounts a term
 * typed for the first time scores ~2,500 accounts and a dozen role names instead of 10,000
 * entries. The rules are scoreTerm's, applied in the same order, so the scores are equal.
 */
export class DistinctFields {
  private constructor(
    private readonly entries: readonly RoleEntry[],
    /** Each entry's ordinal among the distinct role names. */
    private readonly roleOf: Int32Array,
    /** One entry index per distinct role name. */
    private readonly roleEntry: Int32Array,
    private readonly accountOf: Int32Array,
    /** One entry index per account ordinal. */
    private readonly accountEntry: Int32Array,
  ) {}

  /**
   * The distinct fields of a list of entries; undefined when two entries of one account
   * ordinal disagree on an account field (entries built by hand, say), as scoring per
   * account would then be wrong.
   */
  static of(entries: readonly RoleEntry[], accountOf: Int32Array, accountCount: number): DistinctFields | undefined {
    const roleOf = new Int32Array(entries.length);
    const roleEntries: number[] = [];
    const roles = new Map<string, number>();
    const accountEntry = new Int32Array(accountCount).fill(-1);
    for (let index = 0; index < entries.length; index += 1) {
      const entry = entries[index] as RoleEntry;
      let role = roles.get(entry.roleName);
      if (role === undefined) {
        role = roleEntries.length;
        roles.set(entry.roleName, role);
        roleEntries.push(index);
      }
      roleOf[index] = role;
      const account = accountOf[index] as number;
      const first = accountEntry[account] as number;
      if (first < 0) accountEntry[account] = index;
      else if (!sameAccountFields(entries[first] as RoleEntry, entry)) return undefined;
    }
    return new DistinctFields(entries, roleOf, Int32Array.from(roleEntries), accountOf, accountEntry);
  }

  /** A scorer of one term over these entries, filling in per-field scores as entries ask. */
  scorer(term: string, digits: boolean): TermScorer {
    return new TermScorer(term, digits, this.entries, this.roleOf, this.roleEntry, this.accountOf, this.accountEntry);
  }
}

const sameAccountFields = (a: RoleEntry, b: RoleEntry): boolean =>
  a.accountName === b.accountName &&
  a.alias === b.alias &&
  a.email === b.email &&
  a.accountId === b.accountId &&
  a.instanceLabel === b.instanceLabel;

const unscored = (length: number): Float64Array => new Float64Array(length).fill(Number.NaN);

/** One term's scores per distinct role name and per account, each computed when first needed. */
export class TermScorer {
  private readonly roleSubstring: Float64Array;
  private readonly roleScattered: Float64Array;
  /** Best of the account name and the alias, as substrings. */
  private readonly nameSubstring: Float64Array;
  /** Best of the id (digits only), half the e-mail and a third of the instance label. */
  private readonly otherFields: Float64Array;
  private readonly nameScattered: Float64Array;

  constructor(
    private readonly term: string,
    private readonly digits: boolean,
    private readonly entries: readonly RoleEntry[],
    private readonly roleOf: Int32Array,
    private readonly roleEntry: Int32Array,
    private readonly accountOf: Int32Array,
    private readonly accountEntry: Int32Array,
  ) {
    this.roleSubstring = unscored(roleEntry.length);
    this.roleScattered = unscored(roleEntry.length);
    this.nameSubstring = unscored(accountEntry.length);
    this.otherFields = unscored(accountEntry.length);
    this.nameScattered = unscored(accountEntry.length);
  }

  /** scoreTerm(term, entries[index]). */
  score(index: number): number {
    const role = this.roleOf[index] as number;
    const account = this.accountOf[index] as number;
    let roleSubstring = this.roleSubstring[role] as number;
    if (Number.isNaN(roleSubstring)) {
      const entry = this.entries[this.roleEntry[role] as number] as RoleEntry;
      roleSubstring = this.roleSubstring[role] = substringScore(this.term, entry.roleName, entry.lower.roleName);
    }
    let nameSubstring = this.nameSubstring[account] as number;
    if (Number.isNaN(nameSubstring)) nameSubstring = this.nameSubstring[account] = this.accountNameScore(account);
    let best = Math.max(roleSubstring, nameSubstring);
    if (best >= 80) return best;
    let other = this.otherFields[account] as number;
    if (Number.isNaN(other)) other = this.otherFields[account] = this.otherFieldsScore(account);
    best = Math.max(best, other);
    if (best > 0) return best;
    let roleScattered = this.roleScattered[role] as number;
    if (Number.isNaN(roleScattered)) {
      const entry = this.entries[this.roleEntry[role] as number] as RoleEntry;
      roleScattered = this.roleScattered[role] = subsequenceScore(this.term, entry.lower.roleName);
    }
    let nameScattered = this.nameScattered[account] as number;
    if (Number.isNaN(nameScattered)) {
      const { lower } = this.entries[this.accountEntry[account] as number] as RoleEntry;
      nameScattered = this.nameScattered[account] = Math.max(
        subsequenceScore(this.term, lower.accountName),
        lower.alias ? subsequenceScore(this.term, lower.alias) : 0,
      );
    }
    return Math.max(roleScattered, nameScattered);
  }

  private accountNameScore(account: number): number {
    const entry = this.entries[this.accountEntry[account] as number] as RoleEntry;
    const name = substringScore(this.term, entry.accountName, entry.lower.accountName);
    return entry.lower.alias ? Math.max(name, substringScore(this.term, entry.alias, entry.lower.alias)) : name;
  }

  private otherFieldsScore(account: number): number {
    const entry = this.entries[this.accountEntry[account] as number] as RoleEntry;
    let best = 0;
    if (this.digits) {
      const at = entry.accountId.indexOf(this.term);
      if (at === 0) best = this.term.length === entry.accountId.length ? 100 : 80;
      else if (at > 0) best = 40;
    }
    const email = substringScore(this.term, entry.email, entry.lower.email);
    if (email > 0) best = Math.max(best, email / 2);
    const label = substringScore(this.term, entry.instanceLabel, entry.lower.instanceLabel);
    if (label > 0) best = Math.max(best, label / 3);
    return best;
  }
}
