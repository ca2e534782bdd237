import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRolecallError } from '../model/errors';
import { appendSection, findEntry, findSection, parseIni, printIni, removeKey, removeSection, setKey } from './ini-document';
import { configLikeFile, noisyConfigFile } from './test-support/config-arbitrary';

const roundTrips = (text: string): boolean => {
  try {
    return printIni(parseIni(text)) === text;
  } catch (error) {
    // Input the AWS CLI would reject is refused with a config-file error naming a line.
    return isRolecallError(error) && error.code === 'config-file' && /line \d+/.test(error.userMessage);
  }
};

const parseError = (text: string): string => {
  try {
    parseIni(text, '/tmp/config');
  } catch (error) {
    if (isRolecallError(error) && error.code === 'config-file') return error.userMessage;
    throw error;
  }
  throw new Error('expected a parse error');
};

describe('parseIni / printIni round trip', () => {
  it('is exact or a named-line error for arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), roundTrips), { numRuns: 2000 });
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('[', ']', '=', ':', ' ', '\t', '\r', '\n', '#', ';', 'a', 'b', '\ufeff'), maxLength: 60 }),
        roundTrips,
      ),
      { numRuns: 3000 },
    );
  });
  it('is exact for every generated config-like file', () => {
    fc.assert(
      fc.property(configLikeFile, (text) => printIni(parseIni(text)) === text),
      { numRuns: 1000 },
    );
    fc.assert(fc.property(noisyConfigFile, roundTrips), { numRuns: 1000 });
  });
  it('keeps a BOM, mixed line endings and a missing final newline', () => {
    const text = '\ufeff[default]\r\nregion = eu-west-1\n\r[profile a]\rx=1';
    const doc = parseIni(text);
    expect(doc.bom).toBe(true);
    expect(doc.lines.map((l) => l.eol)).toEqual(['\r\n', '\n', '\r', '\r', '']);
    expect(printIni(doc)).toBe(text);
    expect(parseIni('').lines).toEqual([]);
  });
});

describe('parseIni structure (the configparser reading)', () => {
  const text = [
    '# top comment',
    '[default]',
    'region=us-east-1',
    '  ; indented comment',
    '[services local]',
    's3 =',
    '  endpoint_url = http://127.0.0.1:9000',
    '',
    '  # a comment inside the block',
    '  addressing_style = path',
    'sts =',
    '\tendpoint_url = http://127.0.0.1:9001',
    '[profile Odd Name]',
    'Key With Spaces   :   value: with colon  ',
    '  continued line',
    '',
  ].join('\n');
  const doc = parseIni(text);

  it('finds sections, keys and nested sub-section blocks', () => {
    expect(doc.sections.map((s) => s.name)).toEqual(['default', 'services local', 'profile Odd Name']);
    const services = findSection(doc, 'services local');
    expect(services?.entries.map((e) => [e.name, e.fullValue])).toEqual([
      ['s3', '\nendpoint_url = http://127.0.0.1:9000\n\naddressing_style = path'],
      ['sts', '\nendpoint_url = http://127.0.0.1:9001'],
    ]);
    const odd = findSection(doc, 'profile Odd Name');
    expect(odd && findEntry(odd, 'KEY WITH SPACES')).toMatchObject({
      key: 'Key With Spaces',
      value: 'value: with colon',
      fullValue: 'value: with colon\ncontinued line',
    });
  });

  it('classifies every line', () => {
    expect(doc.lines.map((l) => l.kind)).toEqual([
      'comment',
      'section',
      'entry',
      'comment',
      'section',
      'entry',
      'continuation',
      'blank',
      'comment',
      'continuation',
      'entry',
      'continuation',
      'section',
      'entry',
      'continuation',
    ]);
  });
});

describe('parseIni errors name the line and the file', () => {
  it.each([
    ['region = us-east-1\n[default]\n', 1, 'outside any [section]'],
    ['[default]\nregion = x\n[profile dev\nregion = y\n', 3, 'never closed'],
    ['[default]\n\njust words\n', 3, 'is not "key = value"'],
    ['[default]\n = value\n', 2, 'is not "key = value"'],
    ['[a]\nx = 1\n[b]\n[a]\n', 4, 'repeats the section [a]'],
    ['[a]\nRegion = 1\nregion = 2\n', 3, 'repeats the key "region"'],
    ['\ufeff# c\r\nx=1', 2, 'outside any [section]'],
  ])('%j', (text, line, problem) => {
    const message = parseError(text);
    expect(message).toContain(`/tmp/config line ${line} `);
    expect(message).toContain(problem);
  });
});

describe('edits', () => {
  it('updates a value in place, keeping the line spacing style and ending', () => {
    const text = '[profile a]\r\nregion   =   us-east-1   \r\noutput=json\r\n';
    const doc = setKey(setKey(parseIni(text), 'profile a', 'region', 'eu-west-1'), 'profile a', 'OUTPUT', 'yaml');
    expect(printIni(doc)).toBe('[profile a]\r\nregion   =   eu-west-1   \r\noutput=yaml\r\n');
  });

  it('fills an empty value and replaces a multi-line value but keeps comments among it', () => {
    const doc = parseIni('[a]\nx =\ny = 1\n  more\n  # note\n  more2\nz = 2\n');
    const edited = setKey(setKey(doc, 'a', 'x', 'v'), 'a', 'y', 'single');
    expect(printIni(edited)).toBe('[a]\nx = v\ny = single\n  # note\nz = 2\n');
  });

  it('appends a new key after the last entry (and its nested block) in the neighbours style', () => {
    const text = '[services s]\n  s3=\n    addressing_style = path\n# trailing comment\n\n[profile b]\nx = 1';
    const doc = setKey(parseIni(text), 'services s', 'region', 'us-east-1');
    expect(printIni(doc)).toBe(
      '[services s]\n  s3=\n    addressing_style = path\n  region=us-east-1\n# trailing comment\n\n[profile b]\nx = 1',
    );
    const last = setKey(parseIni(text), 'profile b', 'y', '2');
    expect(printIni(last)).toBe(`${text}\ny = 2`);
  });

  it('adds a key to an empty section without capturing an indented header below', () => {
    const doc = setKey(parseIni('[a]\n  [b]\n  k = v\n'), 'a', 'x', '1');
    expect(printIni(doc)).toBe('[a]\n  x = 1\n  [b]\n  k = v\n');
    expect(findSection(doc, 'b')?.entries.map((e) => e.name)).toEqual(['k']);
  });

  it('appends a section after one blank line, in the dominant line ending, keeping a missing final newline', () => {
    const crlf = parseIni('[default]\r\nregion = x\r\n');
    expect(printIni(appendSection(crlf, 'profile p', [['k', 'v']], ['marker']))).toBe(
      '[default]\r\nregion = x\r\n\r\n# marker\r\n[profile p]\r\nk = v\r\n',
    );
    const noEol = parseIni('[default]\nregion = x');
    expect(printIni(appendSection(noEol, 'profile p', [['k', 'v']]))).toBe('[default]\nregion = x\n\n[profile p]\nk = v');
    expect(printIni(appendSection(parseIni(''), 'p', [['k', 'v']]))).toBe('[p]\nk = v\n');
    expect(printIni(appendSection(parseIni('[a]\n\n'), 'p', []))).toBe('[a]\n\n[p]\n');
  });

  it('removing an appended section restores the original bytes', () => {
    fc.assert(
      fc.property(configLikeFile, (text) => {
        const doc = parseIni(text);
        // Files ending in a blank line are the one case where the separator is shared.
        fc.pre(doc.lines.at(-1)?.kind !== 'blank' && findSection(doc, 'rolecall-test') === undefined);
        const added = appendSection(
          doc,
          'rolecall-test',
          [
            ['a', '1'],
            ['b', '2'],
          ],
          ['Managed by test'],
        );
        return printIni(removeSection(added, 'rolecall-test', (c) => c.includes('Managed by test'))) === text;
      }),
      { numRuns: 500 },
    );
  });

  it('removes a section in the middle with its marker and one blank line, and a key with its block', () => {
    const text = '[a]\nx = 1\n\n# marker\n[b]\ny = 2\n  z\n\n[c]\ns3 =\n  k = v\nw = 1\n';
    expect(printIni(removeSection(parseIni(text), 'b', (c) => c === '# marker'))).toBe('[a]\nx = 1\n\n[c]\ns3 =\n  k = v\nw = 1\n');
    expect(printIni(removeSection(parseIni(text), 'b'))).toBe('[a]\nx = 1\n\n# marker\n[c]\ns3 =\n  k = v\nw = 1\n');
    expect(printIni(removeKey(parseIni(text), 'c', 's3'))).toBe('[a]\nx = 1\n\n# marker\n[b]\ny = 2\n  z\n\n[c]\nw = 1\n');
    expect(printIni(removeKey(parseIni('[a]\nx = 1\ny = 2'), 'a', 'y'))).toBe('[a]\nx = 1');
  });
});
