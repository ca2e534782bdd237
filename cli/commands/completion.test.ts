import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Argument, Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../program';
import { commandSpec, completionScript } from './completion';

/**
 * The PowerShell script is checked against a golden file (no pwsh on this machine to run it);
 * `UPDATE_GOLDEN=1 npx vitest run cli/commands/completion.test.ts` rewrites the file after a
 * deliberate change. The tree is a small fixed one, so new commands do not churn the golden.
 */
const GOLDEN = join(__dirname, 'golden', 'completion.ps1');

const fixedProgram = (): Command => {
  const program = new Command('rolecall').option('--debug', 'show stack traces on errors');
  program
    .command('creds')
    .description("print credentials for a role in your shell's format")
    .requiredOption('--account <id|name>', 'account id or name')
    .requiredOption('--role <name>', 'role name')
    .addOption(new Option('--format <format>', 'output format').choices(['posix', 'powershell']))
    .option('--instance <name>', 'which instance');
  program
    .command('config')
    .description('manage AWS CLI profiles')
    .command('populate')
    .description('write profiles')
    .option('--dry-run', 'change nothing');
  program
    .command('completion')
    .description('print a shell completion script')
    .addArgument(new Argument('[shell]').choices(['bash', 'powershell']));
  return program;
};

describe('completion powershell', () => {
  it('matches the golden script for a fixed command tree', async () => {
    const script = completionScript('powershell', commandSpec(fixedProgram()));
    if (process.env.UPDATE_GOLDEN) await writeFile(GOLDEN, script);
    expect(script).toBe(await readFile(GOLDEN, 'utf8'));
  });

  it("offers the real program's commands, options and choices, like the bash script", () => {
    const spec = commandSpec(buildProgram({ out: () => undefined, err: () => undefined, interactive: false }));
    const powershell = completionScript('powershell', spec);
    const bash = completionScript('bash', spec);
    expect(powershell).toMatch(/^# rolecall completion for PowerShell\./);
    expect(powershell).toContain('Register-ArgumentCompleter -Native -CommandName rolecall');
    for (const sub of spec.subcommands) {
      expect(powershell).toContain(`' ${sub.name}' = @(`);
      expect(bash).toContain(`" ${sub.name}")`);
    }
    // Same candidates per command: the words bash offers after `rolecall creds` are PowerShell's too.
    const bashCreds = /" creds"\) words=\$'([^']*)'/.exec(bash)?.[1]?.split('\\n');
    const psCreds = /' creds' = @\(([^)]*)\)/
      .exec(powershell)?.[1]
      ?.split(', ')
      .map((word) => word.slice(1, -1));
    expect(psCreds).toEqual(bashCreds);
    expect(powershell).toContain("& rolecall completion --list ($prev.Substring(2) + 's') @extra");
  });
});
