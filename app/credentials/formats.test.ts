import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isRolecallError } from '../model/errors';
import type { RoleCredentials } from '../model/tokens';
import { formatCredentials } from './formats';

const credentials: RoleCredentials = {
  accessKeyId: 'ASIAEXAMPLE123456789',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+',
  sessionToken: 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJGMEQCIBX+abc==',
  expiration: Date.UTC(2025, 0, 2, 3, 4, 5, 678),
};
const secret = credentials.secretAccessKey;
const token = credentials.sessionToken;

describe('formatCredentials golden output', () => {
  it('posix', () => {
    expect(formatCredentials(credentials, 'posix', { region: 'eu-west-1' })).toBe(
      `export AWS_ACCESS_KEY_ID='ASIAEXAMPLE123456789'
export AWS_SECRET_ACCESS_KEY='${secret}'
export AWS_SESSION_TOKEN='${token}'
export AWS_CREDENTIAL_EXPIRATION='2025-01-02T03:04:05Z'
export AWS_REGION='eu-west-1'
export AWS_DEFAULT_REGION='eu-west-1'
`,
    );
  });

  it('posix without a region has no region lines', () => {
    expect(formatCredentials(credentials, 'posix')).not.toContain('REGION');
    expect(formatCredentials(credentials, 'posix').split('\n')).toHaveLength(5);
  });

  it('fish', () => {
    expect(formatCredentials(credentials, 'fish', { region: 'eu-west-1' })).toBe(
      `set -gx AWS_ACCESS_KEY_ID 'ASIAEXAMPLE123456789'
set -gx AWS_SECRET_ACCESS_KEY '${secret}'
set -gx AWS_SESSION_TOKEN '${token}'
set -gx AWS_CREDENTIAL_EXPIRATION '2025-01-02T03:04:05Z'
set -gx AWS_REGION 'eu-west-1'
set -gx AWS_DEFAULT_REGION 'eu-west-1'
`,
    );
  });

  it('powershell', () => {
    expect(formatCredentials(credentials, 'powershell')).toBe(
      `$Env:AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE123456789'
$Env:AWS_SECRET_ACCESS_KEY = '${secret}'
$Env:AWS_SESSION_TOKEN = '${token}'
$Env:AWS_CREDENTIAL_EXPIRATION = '2025-01-02T03:04:05Z'
`,
    );
  });

  it('cmd', () => {
    expect(formatCredentials(credentials, 'cmd', { region: 'us-gov-west-1' })).toBe(
      `set "AWS_ACCESS_KEY_ID=ASIAEXAMPLE123456789"
set "AWS_SECRET_ACCESS_KEY=${secret}"
set "AWS_SESSION_TOKEN=${token}"
set "AWS_CREDENTIAL_EXPIRATION=2025-01-02T03:04:05Z"
set "AWS_REGION=us-gov-west-1"
set "AWS_DEFAULT_REGION=us-gov-west-1"
`,
    );
  });

  it('dotenv', () => {
    expect(formatCredentials(credentials, 'dotenv')).toBe(
      `AWS_ACCESS_KEY_ID="ASIAEXAMPLE123456789"
AWS_SECRET_ACCESS_KEY="${secret}"
AWS_SESSION_TOKEN="${token}"
AWS_CREDENTIAL_EXPIRATION="2025-01-02T03:04:05Z"
`,
    );
  });

  it('json is exactly the credential_process document', () => {
    const text = formatCredentials(credentials, 'json', { region: 'eu-west-1', profileName: 'ignored' });
    expect(text).toBe(
      `{
  "Version": 1,
  "AccessKeyId": "ASIAEXAMPLE123456789",
  "SecretAccessKey": "${secret}",
  "SessionToken": "${token}",
  "Expiration": "2025-01-02T03:04:05Z"
}
`,
    );
    expect(Object.keys(JSON.parse(text))).toEqual(['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
  });

  it('ini block for ~/.aws/credentials', () => {
    expect(formatCredentials(credentials, 'ini', { profileName: 'prod-admin', region: 'eu-west-1' })).toBe(
      `[prod-admin]
# Written by Rolecall; these credentials expire at 2025-01-02T03:04:05Z.
aws_access_key_id = ASIAEXAMPLE123456789
aws_secret_access_key = ${secret}
aws_session_token = ${token}
region = eu-west-1
`,
    );
    expect(formatCredentials(credentials, 'ini').startsWith('[default]\n')).toBe(true);
  });

  it('refuses what a format cannot hold instead of altering it', () => {
    const expectInvalid = (run: () => unknown, mentions: string) => {
      try {
        run();
        expect.unreachable('should have thrown');
      } catch (error) {
        expect(isRolecallError(error) && error.code).toBe('invalid-input');
        expect((error as Error).message).toContain(mentions);
        // The message names the variable, never the secret value.
        expect((error as Error).message).not.toContain('abc');
      }
    };
    for (const bad of ['abc%PATH%', 'abc^x', 'abc!x!', 'ab"c', 'abc\nx', 'abc\rx']) {
      expectInvalid(() => formatCredentials({ ...credentials, secretAccessKey: bad }, 'cmd'), 'AWS_SECRET_ACCESS_KEY');
    }
    expectInvalid(() => formatCredentials({ ...credentials, sessionToken: 'abc #def' }, 'ini'), 'aws_session_token');
  });

  it('ini maps a profile name the credentials file cannot hold (spaces, brackets, newlines) to a safe one', () => {
    expect(formatCredentials(credentials, 'ini', { profileName: 'dev sandbox-AdministratorAccess' }).split('\n')[0]).toBe(
      '[dev-sandbox-AdministratorAccess]',
    );
    const forged = formatCredentials(credentials, 'ini', { profileName: 'evil]\n[default' });
    expect(forged.split('\n')[0]).toBe('[evil-default]');
    expect(forged.match(/^\[/gm)).toHaveLength(1);
    expect(formatCredentials(credentials, 'ini', { profileName: '  ' }).split('\n')[0]).toBe('[rolecall]');
  });

  it('cmd keeps & | < > ( ) literal inside the quotes', () => {
    expect(formatCredentials({ ...credentials, secretAccessKey: 'a&b|c<d>e(f)' }, 'cmd')).toContain(
      'set "AWS_SECRET_ACCESS_KEY=a&b|c<d>e(f)"\n',
    );
  });

  it('quotes PowerShell and fish specials', () => {
    expect(formatCredentials({ ...credentials, secretAccessKey: "it's ‘x’ $a `b" }, 'powershell')).toContain(
      "$Env:AWS_SECRET_ACCESS_KEY = 'it''s ‘‘x’’ $a `b'\n",
    );
    expect(formatCredentials({ ...credentials, secretAccessKey: "it's \\ $a" }, 'fish')).toContain(
      "set -gx AWS_SECRET_ACCESS_KEY 'it\\'s \\\\ $a'\n",
    );
  });
});

// Values a shell would expand, split, execute or cut short if quoting were wrong.
const adversarial = [
  "it's",
  "'",
  "''\\''",
  '$HOME',
  '${PATH}',
  '$(touch /tmp/rolecall-pwned)',
  '`touch /tmp/rolecall-pwned`',
  'a b  c',
  ' leading and trailing ',
  '%PATH%',
  '^',
  '!!',
  '!$',
  'line\nbreak',
  'trailing newline\n\n',
  'carriage\rreturn',
  'tab\there',
  '\\',
  '\\n',
  '"',
  'a"b\'c',
  '*',
  '?[a]',
  '~',
  '#comment',
  ';&|<>()',
  'é 😀 ‘smart’',
  '',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+',
];

const specials = fc.constantFrom(...'\'"$`\\\n\r\t %^!*?[]{}();&|<>#~=/+‘’'.split(''));
const adversarialString = fc.string({
  unit: fc.oneof(specials, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })),
  maxLength: 40,
});

const hasCommand = (command: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Runs each value's generated text in `shell`, printing the variables NUL-separated. */
const roundTrip = (
  shell: string,
  args: readonly string[],
  values: readonly string[],
  render: (value: string) => string,
  print: string,
): string[][] => {
  const script = values.map((value) => `${render(value)}${print}`).join('\n');
  const output = execFileSync(shell, [...args, script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent' },
  });
  const fields = output.split('\0');
  fields.pop();
  const perValue: string[][] = [];
  for (let i = 0; i < fields.length; i += 3) perValue.push(fields.slice(i, i + 3));
  return perValue;
};

const variantsOf = (value: string): RoleCredentials => ({
  accessKeyId: value,
  secretAccessKey: `${value}/+`,
  sessionToken: `tok${value}`,
  expiration: credentials.expiration,
});
const expected = (value: string): string[] => [value, `${value}/+`, `tok${value}`];

const posixShells = ['sh', 'bash', 'dash', 'zsh'].filter(hasCommand);

describe.each(posixShells)('posix output run in a real %s', (shell) => {
  const print = `\nprintf '%s\\0' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN"`;

  it('sets every adversarial value exactly, with nothing executed', () => {
    rmSync('/tmp/rolecall-pwned', { force: true });
    const results = roundTrip(
      shell,
      ['-c'],
      adversarial,
      (value) => formatCredentials(variantsOf(value), 'posix', { region: 'eu-west-1' }),
      print,
    );
    expect(results).toEqual(adversarial.map(expected));
    expect(() => execFileSync('test', ['-e', '/tmp/rolecall-pwned'])).toThrow();
  });

  it('sets arbitrary strings exactly (property)', () => {
    fc.assert(
      fc.property(fc.array(adversarialString, { minLength: 1, maxLength: 20 }), (values) => {
        const results = roundTrip(shell, ['-c'], values, (value) => formatCredentials(variantsOf(value), 'posix'), print);
        expect(results).toEqual(values.map(expected));
      }),
      { numRuns: 40 },
    );
  });

  it('reads a sourced .env file exactly (values without line breaks)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-dotenv-'));
    try {
      const values = adversarial.filter((value) => !/[\n\r]/.test(value));
      const results = roundTrip(
        shell,
        ['-c'],
        values,
        (value) => {
          const file = join(dir, `${values.indexOf(value)}.env`);
          writeFileSync(file, formatCredentials(variantsOf(value), 'dotenv'));
          return `set -a; . '${file}'; set +a`;
        },
        print,
      );
      expect(results).toEqual(values.map(expected));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const missing: string[] = [];
if (posixShells.length === 0) missing.push('no POSIX shell (sh) on PATH');
const hasFish = hasCommand('fish');
const hasPwsh = hasCommand('pwsh');
if (!hasFish) missing.push('fish is not installed, so fish output is checked by golden tests only');
if (!hasPwsh) missing.push('pwsh is not installed, so PowerShell output is checked by golden tests only');
if (missing.length > 0) console.info(`formats.test: skipping real-shell runs: ${missing.join('; ')}.`);

describe.skipIf(!hasFish)('fish output run in a real fish', () => {
  it('sets every adversarial value exactly', () => {
    const print = `\nprintf '%s\\0' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN"`;
    const results = roundTrip('fish', ['--no-config', '-c'], adversarial, (value) => formatCredentials(variantsOf(value), 'fish'), print);
    expect(results).toEqual(adversarial.map(expected));
  });
});

describe.skipIf(!hasPwsh)('PowerShell output run in a real pwsh', () => {
  it('sets every adversarial value exactly', () => {
    const print =
      '\n[Console]::Out.Write($Env:AWS_ACCESS_KEY_ID + [char]0 + $Env:AWS_SECRET_ACCESS_KEY + [char]0 + $Env:AWS_SESSION_TOKEN + [char]0)';
    // Windows environment variables cannot be empty (setting '' removes them), so skip ''.
    const values = adversarial.filter((value) => value !== '');
    const results = roundTrip(
      'pwsh',
      ['-NoProfile', '-NonInteractive', '-Command'],
      values,
      (value) => formatCredentials(variantsOf(value), 'powershell'),
      print,
    );
    expect(results).toEqual(values.map(expected));
  });
});

afterAll(() => rmSync('/tmp/rolecall-pwned', { force: true }));
