import { isRolecallError } from '../model/errors';
import { terminalSafe, terminalSafeLines } from './terminal-text';

/** Where the CLI writes: stdout for results (pipeable), stderr for everything a person reads. */
export interface CliOutput {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Whether stderr is a terminal (progress lines are drawn only then). */
  readonly interactive: boolean;
}

/**
 * stdout carries results a program reads (credentials, JSON, URLs) and is written as given;
 * each command makes what it prints there safe (see terminal-text.ts). stderr is only ever
 * read by a person, so no control or bidi character reaches it raw.
 */
export const processOutput = (): CliOutput => {
  endQuietlyOnClosedPipe();
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(`${terminalSafeLines(text.endsWith('\n') ? text.slice(0, -1) : text)}\n`),
    interactive: Boolean(process.stderr.isTTY),
  };
};

let pipeHandled = false;
/** `rolecall ls | head` closes stdout early: end quietly with exit 0, as `git log | head` does, not with an EPIPE stack. */
const endQuietlyOnClosedPipe = (): void => {
  if (pipeHandled) return;
  pipeHandled = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
};

/** One line for a person: the RolecallError's sentence, or a plain summary of anything else. */
export const describeError = (error: unknown): string => {
  // One line whatever the message quotes (a role name with a newline cannot forge a second one).
  if (isRolecallError(error)) return terminalSafe(error.userMessage);
  if (error instanceof Error) return `Unexpected error: ${terminalSafe(error.message)}. Run again with --debug for details.`;
  return 'Unexpected error. Run again with --debug for details.';
};

/** Reports a failed command on stderr: its one sentence, and with --debug the stack too. */
export const reportError = (output: CliOutput, error: unknown, debug: boolean): void => {
  output.err(describeError(error));
  if (debug && error instanceof Error && error.stack) output.err(error.stack);
};
