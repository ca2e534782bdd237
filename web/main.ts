import { Command, CommanderError } from 'commander';
import { reportError } from '../app/node/terminal-output';
import type { CliOutput } from '../app/node/terminal-output';
import { web } from './command';
import { examplesText } from '../app/node/help-examples';

/**
 * `rolecall web` as its own entry: bin/rolecall.mjs starts this shell directly, so the web
 * server never rides inside the command-line shell (shells import the core, not each other).
 * Same conventions as the CLI: exit 1 with one sentence on failure, 2 for a malformed line.
 */
export const runWebCli = async (argv: readonly string[], output: CliOutput): Promise<number> => {
  const program = new Command('rolecall web')
    .description('serve the Rolecall UI on 127.0.0.1 (for machines without a tray)')
    .option('--port <port>', 'port to listen on (default: any free port)')
    .option('--open', 'open it in the browser')
    .option('--debug', 'show stack traces on errors')
    .addHelpText('after', examplesText('web'))
    .exitOverride()
    .configureOutput({ writeOut: (text) => output.out(text.trimEnd()), writeErr: (text) => output.err(text.trimEnd()) });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    const { debug: _debug, ...options } = program.opts();
    await web(options, output);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    reportError(output, error, Boolean(program.opts().debug));
    return 1;
  }
};
