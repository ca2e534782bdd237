import { processOutput } from '../app/node/terminal-output';
import { runCli } from './program';

// Entry point for bin/rolecall.mjs. Sets the exit code rather than calling process.exit so
// pending writes to stdout (large `ls --json`) are flushed.
process.exitCode = await runCli(process.argv.slice(2), processOutput());
