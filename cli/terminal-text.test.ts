import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RolecallError } from '../app/model/errors';
import { describeError } from '../app/node/terminal-output';
import { terminalSafe, terminalSafeLines } from '../app/node/terminal-text';
import { cliFixture } from './test-support/cli-fixture';
import type { CliFixture } from './test-support/cli-fixture';
import { ROLECALL_BIN, isolatedCliEnv, runRolecall } from './test-support/run-cli';

/** Names an AWS administrator could type: escape sequences, line breaks, NUL, bidi overrides, very long. */
const HOSTILE = {
  osc52: 'prod\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07',
  title: 'dev\x1b]0;pwned\x07',
  forgedRow: 'ops\r\nfake-account  999999999999  AdministratorAccess',
  nul: 'nul\x00name',
  rtl: 'invoice\u202egnp.exe',
  long: 'x'.repeat(1024),
};
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('terminalSafe', () => {
  it('makes every control and bidi character visible, keeping the rest of the name', () => {
    expect(terminalSafe(HOSTILE.osc52)).toBe('prod\\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\\x07');
    expect(terminalSafe(HOSTILE.forgedRow)).toBe('ops\\x0d\\x0afake-account  999999999999  AdministratorAccess');
    expect(terminalSafe(HOSTILE.nul)).toBe('nul\\x00name');
    expect(terminalSafe(HOSTILE.rtl)).toBe('invoice\\u202egnp.exe');
    expect(terminalSafe('Ünïcödé accounts 本番')).toBe('Ünïcödé accounts 本番');
  });

  it('keeps line breaks in multi-line text for people (help), and nothing else raw', () => {
    expect(terminalSafeLines('Usage: rolecall\n\tls\x1b[31m')).toBe('Usage: rolecall\n\tls\\x1b[31m');
  });

  it('error sentences quoting AWS data stay one line', () => {
    const message = describeError(new RolecallError('not-found', `No role "${HOSTILE.forgedRow}" in account 1; run \`rolecall ls\`.`));
    expect(message).not.toMatch(RAW_CONTROL);
    expect(message.split('\n')).toHaveLength(1);
  });
});

describe('rolecall ls with hostile account and role names', () => {
  let fx: CliFixture;
  beforeEach(async () => {
    fx = await cliFixture();
    await fx.setAccounts(
      Object.values(HOSTILE).map((name, index) => ({
        accountId: String(100000000000 + index),
        accountName: name,
        emailAddress: `a${index}@example.com`,
        roles: [`Role${index}`, index === 0 ? 'Admin\x1b[2J' : `Read\u202eOnly`],
      })),
    );
  });
  afterEach(async () => {
    await rm(fx.dir, { recursive: true, force: true });
  });

  it('prints no raw control byte and exactly one row per role', async () => {
    const run = await runRolecall(['ls'], isolatedCliEnv(fx.dir));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + Object.keys(HOSTILE).length * 2);
    expect(run.stdout).toContain('prod\\x1b]52;c;');
  });

  it('ends quietly with exit 0 when the reader of stdout goes away (rolecall ls | head -1)', async () => {
    // Enough rows that the CLI is still writing when the reader hangs up.
    await fx.setAccounts(
      Array.from({ length: 4000 }, (_, index) => ({
        accountId: String(200000000000 + index),
        accountName: `account-${index}`,
        emailAddress: `b${index}@example.com`,
        roles: ['ReadOnly', 'Admin'],
      })),
    );
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [ROLECALL_BIN, 'ls'], { env: isolatedCliEnv(fx.dir), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // What `head -1` does: read the first chunk, then close the pipe.
      child.stdout.once('data', () => child.stdout.destroy());
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });
    expect(result.stderr).not.toMatch(/EPIPE|Error/);
    expect(result.code).toBe(0);
  });
});
