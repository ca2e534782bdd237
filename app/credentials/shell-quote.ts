import { RolecallError } from '../model/errors';

/**
 * Quoting for each target a credential can be pasted into. Real AWS credentials are
 * base64-ish ([A-Za-z0-9/+=]), but these functions are exact for any string so a surprising
 * value can never turn into a command.
 */

/** POSIX sh/bash/zsh: single quotes keep everything literal; a quote is closed, escaped and reopened. */
export const quotePosix = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/** fish: inside single quotes only backslash and the single quote itself are special. */
export const quoteFish = (value: string): string => `'${value.replace(/[\\']/g, (char) => `\\${char}`)}'`;

/**
 * PowerShell: single-quoted strings are verbatim; a quote is escaped by doubling it.
 * PowerShell also treats the typographic quotes U+2018–U+201B as single quotes, so those are
 * doubled too (otherwise one of them would end the string).
 */
export const quotePowerShell = (value: string): string => `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (char) => char + char)}'`;

/**
 * Characters Windows cmd cannot hold safely in `set "NAME=value"`, which is the form that
 * keeps & | < > ( ) literal:
 * - `%` expands variables even inside quotes; `%%` only escapes it in batch files and `^%`
 *   only at the prompt, so no one spelling is safe both pasted and saved in a .cmd file.
 * - `!` expands under delayed expansion (`cmd /V:ON`, `setlocal EnableDelayedExpansion`).
 * - `^` is literal inside quotes only while delayed expansion is off or the line has no `!`;
 *   it is rejected rather than trusted to the user's cmd settings.
 * - `"` would end the quoted section and expose the rest of the line to the parser.
 * - line breaks end the command; other control characters have no safe spelling.
 * So these are rejected with a message pointing to PowerShell, which can hold anything.
 */
const isControl = (char: string): boolean => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f;
const cmdUnsafe = (char: string): boolean => '%!^"'.includes(char) || isControl(char);

/** Windows cmd: `set "NAME=value"`, refusing values cmd would alter or execute. */
export const cmdSet = (name: string, value: string): string => {
  const bad = [...value].find(cmdUnsafe);
  if (bad !== undefined) {
    const shown = bad === '\n' || bad === '\r' ? 'a line break' : isControl(bad) ? 'a control character' : `"${bad}"`;
    throw new RolecallError(
      'invalid-input',
      `${name} contains ${shown}, which Windows cmd cannot hold safely; copy the credentials in PowerShell format instead.`,
    );
  }
  return `set "${name}=${value}"`;
};

/**
 * .env files: double-quoted, with \ " $ ` backslash-escaped as POSIX sh reads them when the
 * file is sourced (`set -a; . ./.env`), and line breaks written as \n, the one escape every
 * dotenv parser decodes. Parsers differ on the rest (npm dotenv decodes only \n and \r,
 * python-dotenv not \$), but real credentials contain none of these characters, so every
 * parser reads them the same way.
 */
export const quoteDotenv = (value: string): string =>
  `"${value.replace(/[\\"$`\n\r]/g, (char) => (char === '\n' ? '\\n' : char === '\r' ? '\\r' : `\\${char}`))}"`;

/**
 * ~/.aws/credentials has no quoting at all: a value runs to the end of the line, is trimmed,
 * and the SDK for JavaScript cuts it at " #" or " ;". So only printable ASCII without spaces
 * is written; anything else is refused rather than silently changed.
 */
export const iniValue = (name: string, value: string): string => {
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new RolecallError(
      'invalid-input',
      `${name} contains a space or a character an AWS credentials file cannot hold; use another copy format.`,
    );
  }
  return value;
};
