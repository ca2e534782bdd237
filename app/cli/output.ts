import { isRolecallError } from '../model/errors';

/** Where the CLI writes: stdout for results (pipeable), stderr for everything a person reads. */
export interface CliOutput {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Whether stderr is a terminal (progress lines are drawn only then). */
  readonly interactive: boolean;
}

export const processOutput = (): CliOutput => ({
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  interactive: Boolean(process.stderr.isTTY),
});

/** One line for a person: the RolecallError's sentence, or a plain summary of anything else. */
export const describeError = (error: unknown): string => {
  if (isRolecallError(error)) return error.userMessage;
  if (error instanceof Error) return `Unexpected error: ${error.message}. Run again with --debug for details.`;
  return 'Unexpected error. Run again with --debug for details.';
};
