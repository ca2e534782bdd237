import { RolecallError } from '../model/errors';

/**
 * A round-trip-exact model of an AWS config file: every line keeps its own bytes and line
 * ending, so printing an unedited document gives back the input exactly. Lines are
 * classified the way Python's configparser (which botocore and the AWS CLI use) reads them,
 * so an edit lands where the AWS CLI will see it.
 */

export type Eol = '' | '\n' | '\r\n' | '\r';
export type LineKind = 'blank' | 'comment' | 'section' | 'entry' | 'continuation';

export interface IniLine {
  /** The line without its line ending (and without the BOM on the first line). */
  readonly text: string;
  readonly eol: Eol;
  readonly kind: LineKind;
}

export interface IniEntry {
  /** The key as written. */
  readonly key: string;
  /** The key as configparser stores it (lower case). */
  readonly name: string;
  /** The value on the key's own line, trimmed. */
  readonly value: string;
  /** The whole value as configparser returns it (continuation lines joined with "\n"). */
  readonly fullValue: string;
  /** Index of the key's line in `lines`. */
  readonly line: number;
  /** Index of the entry's last continuation line (`line` when it has none). */
  readonly lastLine: number;
}

export interface IniSection {
  /** The text between the brackets, e.g. `profile dev` or `sso-session corp`. */
  readonly name: string;
  readonly line: number;
  readonly entries: readonly IniEntry[];
  /** Index of the section's last entry line (the header when it has no entries). */
  readonly lastLine: number;
}

export interface IniDocument {
  readonly bom: boolean;
  readonly lines: readonly IniLine[];
  readonly sections: readonly IniSection[];
}

// Python's str.strip() and re's \s use exactly these characters (str.isspace()).
const PY_SPACE =
  '\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
const isPySpace = (c: string): boolean => PY_SPACE.includes(c);

const indentOf = (text: string): number => {
  let i = 0;
  while (i < text.length && isPySpace(text.charAt(i))) i++;
  return i;
};
const rstripPy = (text: string): string => {
  let end = text.length;
  while (end > 0 && isPySpace(text.charAt(end - 1))) end--;
  return text.slice(0, end);
};
const stripPy = (text: string): string => rstripPy(text.slice(indentOf(text)));

const SECTION_HEADER = /^\[([\s\S]+)\]/;
const isCommentText = (stripped: string): boolean => stripped.startsWith('#') || stripped.startsWith(';');

/** Splits text into lines, each keeping its own ending (`\r\n`, `\n` or `\r`, as Python's universal newlines). */
const splitLines = (text: string): { text: string; eol: Eol }[] => {
  const lines: { text: string; eol: Eol }[] = [];
  const pattern = /\r\n|\n|\r/g;
  let start = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    lines.push({ text: text.slice(start, match.index), eol: match[0] as Eol });
    start = match.index + match[0].length;
  }
  if (start < text.length) lines.push({ text: text.slice(start), eol: '' });
  return lines;
};

const syntaxError = (lineIndex: number, problem: string, source: string): RolecallError =>
  new RolecallError(
    'config-file',
    `${source} line ${lineIndex + 1} ${problem}; fix or remove that line and try again (the file was not changed).`,
  );

/** Where the delimiter (`=` or `:`, whichever comes first, as configparser) is in a stripped option line. */
const delimiterIndex = (stripped: string): number => {
  const eq = stripped.indexOf('=');
  const colon = stripped.indexOf(':');
  if (eq < 0) return colon;
  if (colon < 0) return eq;
  return Math.min(eq, colon);
};

/**
 * Parses an AWS config file. Throws RolecallError('config-file') naming the first line the
 * AWS CLI would also reject (a setting outside any section, an unclosed `[`, a line that is
 * not `key = value`, a duplicate section or key). `source` names the file in that message.
 */
export const parseIni = (text: string, source = 'The AWS config file'): IniDocument => {
  const bom = text.startsWith('\ufeff');
  const raw = splitLines(bom ? text.slice(1) : text);
  const kinds: LineKind[] = [];
  const sections: { name: string; line: number; entries: IniEntry[]; lastLine: number }[] = [];
  const seenSections = new Set<string>();
  let current: (typeof sections)[number] | undefined;
  let seenKeys = new Set<string>();
  // The entry being read, with its value parts, mirroring configparser's cursect[optname].
  let open: { key: string; name: string; value: string; line: number; lastLine: number; parts: string[] } | undefined;
  let indentLevel = 0;

  const closeEntry = (): void => {
    if (!open || !current) return;
    current.entries.push({
      key: open.key,
      name: open.name,
      value: open.value,
      fullValue: rstripPy(open.parts.join('\n')),
      line: open.line,
      lastLine: open.lastLine,
    });
    current.lastLine = open.lastLine;
    open = undefined;
  };

  raw.forEach((line, index) => {
    const stripped = stripPy(line.text);
    if (isCommentText(stripped)) {
      kinds.push('comment');
      return;
    }
    if (stripped === '') {
      kinds.push('blank');
      // configparser keeps blank lines in the open value (trimmed off at the end).
      open?.parts.push('');
      return;
    }
    const indent = indentOf(line.text);
    if (open && indent > indentLevel) {
      kinds.push('continuation');
      open.parts.push(stripped);
      open.lastLine = index;
      return;
    }
    closeEntry();
    indentLevel = indent;
    const header = SECTION_HEADER.exec(stripped);
    if (header) {
      const name = header[1] as string;
      if (seenSections.has(name)) throw syntaxError(index, `repeats the section [${name}], which the AWS CLI rejects`, source);
      seenSections.add(name);
      current = { name, line: index, entries: [], lastLine: index };
      sections.push(current);
      seenKeys = new Set();
      kinds.push('section');
      return;
    }
    if (stripped.startsWith('[')) throw syntaxError(index, 'starts a [section] header that is never closed with "]"', source);
    if (!current) throw syntaxError(index, 'has a setting outside any [section]', source);
    const at = delimiterIndex(stripped);
    const key = at < 0 ? '' : rstripPy(stripped.slice(0, at));
    if (at < 0 || key === '') throw syntaxError(index, 'is not "key = value", a [section] header or a # comment', source);
    const name = key.toLowerCase();
    if (seenKeys.has(name)) throw syntaxError(index, `repeats the key "${key}" in [${current.name}], which the AWS CLI rejects`, source);
    seenKeys.add(name);
    const value = stripPy(stripped.slice(at + 1));
    open = { key, name, value, line: index, lastLine: index, parts: [value] };
    kinds.push('entry');
  });
  closeEntry();

  return {
    bom,
    lines: raw.map((line, index) => ({ ...line, kind: kinds[index] as LineKind })),
    sections,
  };
};

/** Prints a document back to text; `printIni(parseIni(t)) === t` for every parsable t. */
export const printIni = (doc: IniDocument): string => (doc.bom ? '\ufeff' : '') + doc.lines.map((line) => line.text + line.eol).join('');

/** The section with this exact name (section names are case-sensitive, as in the AWS CLI). */
export const findSection = (doc: IniDocument, name: string): IniSection | undefined => doc.sections.find((s) => s.name === name);

/** The entry for a key in a section (keys are case-insensitive, as in the AWS CLI). */
export const findEntry = (section: IniSection, key: string): IniEntry | undefined =>
  section.entries.find((e) => e.name === key.toLowerCase());

/** The line ending most lines use (`\n` on a tie or when there are none). */
export const dominantEol = (doc: IniDocument): Exclude<Eol, ''> => {
  const counts = { '\n': 0, '\r\n': 0, '\r': 0 };
  for (const line of doc.lines) if (line.eol !== '') counts[line.eol]++;
  if (counts['\r\n'] > counts['\n'] && counts['\r\n'] >= counts['\r']) return '\r\n';
  if (counts['\r'] > counts['\n'] && counts['\r'] > counts['\r\n']) return '\r';
  return '\n';
};

/** The comment line directly above a section header (no blank line between), if any. */
export const commentAbove = (doc: IniDocument, section: IniSection): string | undefined => {
  const above = doc.lines[section.line - 1];
  return above?.kind === 'comment' ? above.text : undefined;
};

type MutableLine = { text: string; eol: Eol };

/** Re-parses edited lines so every edit yields a consistent document (and proves it is still valid). */
const rebuild = (bom: boolean, lines: readonly MutableLine[]): IniDocument => {
  const text = lines
    .map((line, i) => {
      // A lone "\r" followed by an empty line ending in "\n" would read back as one "\r\n":
      // end that empty line with "\r" too so the line count survives the edit.
      const previous = lines[i - 1];
      return previous?.eol === '\r' && line.text === '' && line.eol.startsWith('\n') ? '\r' : line.text + line.eol;
    })
    .join('');
  return parseIni((bom ? '\ufeff' : '') + text, 'The edited AWS config file');
};

const requireSection = (doc: IniDocument, name: string): IniSection => {
  const section = findSection(doc, name);
  if (!section) throw new RolecallError('internal', `The AWS config file has no [${name}] section to edit; run the command again.`);
  return section;
};

/** Replaces the value on an entry's line, keeping the key, the spacing around the delimiter and any trailing spaces. */
const replaceValue = (text: string, value: string): string => {
  const indent = indentOf(text);
  const at = indent + delimiterIndex(text.slice(indent));
  let start = at + 1;
  while (start < text.length && isPySpace(text.charAt(start))) start++;
  const end = Math.max(start, rstripPy(text).length);
  const wasEmpty = start === end;
  // `key =` with no value: give the new value the same space the key has before "=".
  const gap = wasEmpty && at > 0 && isPySpace(text.charAt(at - 1)) && start === at + 1 ? ' ' : '';
  return text.slice(0, start) + gap + value + text.slice(end);
};

/** The spacing of an existing entry line (`key = v`, `key=v`, indented), to copy for a new key. */
const entryStyle = (text: string): { indent: string; before: string; after: string } => {
  const indent = indentOf(text);
  const at = indent + delimiterIndex(text.slice(indent));
  let keyEnd = at;
  while (keyEnd > indent && isPySpace(text.charAt(keyEnd - 1))) keyEnd--;
  let valueStart = at + 1;
  while (valueStart < text.length && isPySpace(text.charAt(valueStart))) valueStart++;
  const before = text.slice(keyEnd, at);
  // `s3 =` opening a nested block has no value to show the spacing after "=": mirror the one before.
  const after = valueStart >= rstripPy(text).length ? before : text.slice(at + 1, valueStart);
  return { indent: text.slice(0, indent), before, after };
};

/**
 * Sets a key in a section: an existing single value is replaced in place (multi-line values
 * lose their continuation lines), a new key goes after the section's last entry in the
 * spacing style of its neighbours.
 */
export const setKey = (doc: IniDocument, sectionName: string, key: string, value: string): IniDocument => {
  const section = requireSection(doc, sectionName);
  const lines: MutableLine[] = doc.lines.map((l) => ({ text: l.text, eol: l.eol }));
  const existing = findEntry(section, key);
  if (existing) {
    if (existing.value === value && existing.lastLine === existing.line) return doc;
    const keyLine = lines[existing.line] as MutableLine;
    keyLine.text = replaceValue(keyLine.text, value);
    // Drop the old continuation lines (and blank lines among them) but keep comments.
    const kept = lines.filter((_, i) => i <= existing.line || i > existing.lastLine || doc.lines[i]?.kind === 'comment');
    return rebuild(doc.bom, kept);
  }
  const last = section.entries.at(-1);
  const after = section.lastLine;
  // A new line must not become a continuation of the entry above, nor swallow the next
  // structural line as its own continuation: take the indent of the line it follows, or,
  // in an empty section, of the next structural line.
  const nextStructural = doc.lines.findIndex((l, i) => i > after && (l.kind === 'section' || l.kind === 'entry'));
  const style = last
    ? entryStyle(doc.lines[last.line]?.text ?? '')
    : {
        indent:
          nextStructural >= 0 ? (doc.lines[nextStructural]?.text ?? '').slice(0, indentOf(doc.lines[nextStructural]?.text ?? '')) : '',
        before: ' ',
        after: ' ',
      };
  const previous = lines[after] as MutableLine;
  const eol = previous.eol === '' ? dominantEol(doc) : previous.eol;
  const inserted: MutableLine = { text: `${style.indent}${key}${style.before}=${style.after}${value}`, eol: previous.eol };
  previous.eol = eol;
  lines.splice(after + 1, 0, inserted);
  return rebuild(doc.bom, lines);
};

/** Removes a key (and its continuation lines) from a section; no change when it is absent. */
export const removeKey = (doc: IniDocument, sectionName: string, key: string): IniDocument => {
  const section = requireSection(doc, sectionName);
  const entry = findEntry(section, key);
  if (!entry) return doc;
  const lines: MutableLine[] = doc.lines.map((l) => ({ text: l.text, eol: l.eol }));
  const lastRemoved = lines[entry.lastLine] as MutableLine;
  const kept = lines.filter((_, i) => i < entry.line || i > entry.lastLine || doc.lines[i]?.kind === 'comment');
  // Removing the file's last line keeps the file's "no final newline" style.
  if (lastRemoved.eol === '' && entry.line > 0 && kept.length === entry.line) (kept[entry.line - 1] as MutableLine).eol = '';
  return rebuild(doc.bom, kept);
};

/**
 * Appends a section at the end of the file: one blank line before it, optional comment
 * lines right above the header, keys as `key = value`, in the file's dominant line ending.
 */
export const appendSection = (
  doc: IniDocument,
  name: string,
  entries: readonly (readonly [string, string])[],
  comments: readonly string[] = [],
): IniDocument => {
  if (findSection(doc, name))
    throw new RolecallError('internal', `The AWS config file already has a [${name}] section; run the command again.`);
  const eol = dominantEol(doc);
  const lines: MutableLine[] = doc.lines.map((l) => ({ text: l.text, eol: l.eol }));
  const last = lines.at(-1);
  const endsWithoutEol = last !== undefined && last.eol === '';
  if (last && endsWithoutEol) last.eol = eol;
  if (last && stripPy(last.text) !== '') lines.push({ text: '', eol });
  const added = [...comments.map((c) => `# ${c}`), `[${name}]`, ...entries.map(([k, v]) => `${k} = ${v}`)];
  for (const text of added) lines.push({ text, eol });
  // A file that had no final newline keeps that style.
  if (endsWithoutEol) (lines.at(-1) as MutableLine).eol = '';
  return rebuild(doc.bom, lines);
};

/** Renames a section in place: only the text between the header's brackets changes. */
export const renameSection = (doc: IniDocument, from: string, to: string): IniDocument => {
  const section = requireSection(doc, from);
  if (findSection(doc, to))
    throw new RolecallError('config-file', `The AWS config file already has a [${to}] section; remove or rename it first.`);
  const lines: MutableLine[] = doc.lines.map((l) => ({ text: l.text, eol: l.eol }));
  const header = lines[section.line] as MutableLine;
  const open = header.text.indexOf('[');
  const close = header.text.indexOf(']', open);
  header.text = `${header.text.slice(0, open + 1)}${to}${header.text.slice(close)}`;
  return rebuild(doc.bom, lines);
};

/**
 * Removes a section: its header, its entries and comments among them, the comment line
 * directly above the header when `withCommentAbove` accepts it, and one adjoining blank line.
 */
export const removeSection = (
  doc: IniDocument,
  name: string,
  withCommentAbove: (comment: string) => boolean = () => false,
): IniDocument => {
  const section = requireSection(doc, name);
  const above = commentAbove(doc, section);
  let start = above !== undefined && withCommentAbove(above) ? section.line - 1 : section.line;
  let end = section.lastLine;
  const lines: MutableLine[] = doc.lines.map((l) => ({ text: l.text, eol: l.eol }));
  const atEnd = end === lines.length - 1;
  const lastEol = lines[end]?.eol ?? '';
  if (doc.lines[end + 1]?.kind === 'blank') end++;
  else if (doc.lines[start - 1]?.kind === 'blank') start--;
  const kept = [...lines.slice(0, start), ...lines.slice(end + 1)];
  if (atEnd && lastEol === '' && start > 0) (kept[start - 1] as MutableLine).eol = '';
  return rebuild(doc.bom, kept);
};
