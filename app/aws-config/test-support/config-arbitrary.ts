import fc from 'fast-check';

/** fast-check generators for AWS-config-like files: the shapes real files have, plus odd spacing, comments and line endings. */

const word = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/);
const value = fc.stringMatching(/^[A-Za-z0-9_.:/=@+ -]{0,20}$/).map((v) => v.trim());
const spaces = fc.constantFrom('', ' ', '  ', '\t');
const eol = fc.constantFrom('\n', '\n', '\n', '\r\n', '\r');

const comment = fc.tuple(spaces, fc.constantFrom('#', ';'), fc.stringMatching(/^[^\r\n]{0,20}$/)).map(([s, c, t]) => `${s}${c}${t}`);
const blank = spaces;
const keyLine = fc.tuple(word, spaces, fc.constantFrom('=', ':', '='), spaces, value).map(([k, a, d, b, v]) => `${k}${a}${d}${b}${v}`);
const nested = fc
  .tuple(word, fc.array(fc.tuple(word, value), { minLength: 1, maxLength: 3 }), fc.constantFrom('  ', '    ', '\t'))
  .map(([k, kvs, indent]) => [`${k} =`, ...kvs.map(([nk, nv]) => `${indent}${nk} = ${nv}`)]);
const bodyItem = fc.oneof(
  { weight: 5, arbitrary: keyLine.map((l) => [l]) },
  { weight: 2, arbitrary: comment.map((l) => [l]) },
  { weight: 2, arbitrary: blank.map((l) => [l]) },
  { weight: 1, arbitrary: nested },
);
const sectionName = fc.oneof(
  fc.constant('default'),
  word.map((w) => `profile ${w}`),
  word.map((w) => `sso-session ${w}`),
  word.map((w) => `services ${w}`),
  word,
);

/** A whole file: optional BOM, leading comments, unique sections with unique keys, mixed endings, maybe no final newline. */
export const configLikeFile: fc.Arbitrary<string> = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.oneof(comment, blank), { maxLength: 3 }),
    fc.uniqueArray(fc.tuple(sectionName, fc.constant(''), fc.array(bodyItem, { maxLength: 6 })), {
      selector: ([name]) => name,
      maxLength: 5,
    }),
    fc.array(eol, { minLength: 80, maxLength: 80 }),
    fc.boolean(),
  )
  .map(([bom, lead, sections, eols, finalEol]) => {
    const lines: string[] = [...lead];
    for (const [name, indent, body] of sections) {
      lines.push(`${indent}[${name}]`);
      const seen = new Set<string>();
      for (const item of body) {
        const key = item[0]?.split(/[=:]/)[0]?.trim().toLowerCase();
        // Keys are unique per section; a body item whose key repeats becomes a comment.
        const isKey = item[0] !== undefined && /^[A-Za-z0-9_.-]/.test(item[0]) && key !== undefined;
        if (isKey && seen.has(key)) lines.push(`# ${item.join(' ')}`);
        else {
          if (isKey) seen.add(key);
          lines.push(...item);
        }
      }
    }
    const text = lines.map((line, i) => line + (i === lines.length - 1 && !finalEol ? '' : (eols[i % eols.length] as string))).join('');
    return (bom ? '\ufeff' : '') + text;
  });

/** A config-like file with one line the AWS CLI may refuse (junk, a key before any section, an unclosed header, a repeat) inserted anywhere. */
export const noisyConfigFile: fc.Arbitrary<string> = fc
  .tuple(
    configLikeFile,
    fc.constantFrom(
      'just words',
      '= value',
      '[unclosed',
      'region = us-east-1',
      '[default]',
      '  indented = 1',
      'output:json',
      '[]',
      ' [profile x] trailing',
    ),
    fc.nat(),
  )
  .map(([text, junk, at]) => {
    const lines = text.split(/(?<=\n)/);
    const index = lines.length === 0 ? 0 : at % (lines.length + 1);
    return [...lines.slice(0, index), `${junk}\n`, ...lines.slice(index)].join('');
  });
