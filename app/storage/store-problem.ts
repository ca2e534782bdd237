/** A file Rolecall could not read, what became of it, and one sentence for the user. */
export interface StoreProblem {
  readonly file: string;
  /** Where the unreadable file was moved; it is kept there, never deleted. */
  readonly movedTo: string;
  /** What was wrong with it (a JSON or schema error); contains no secret values. */
  readonly reason: string;
  readonly message: string;
}

export interface FileStoreOptions {
  /** Called once each time a corrupt file is moved aside. */
  readonly onProblem?: (problem: StoreProblem) => void;
  /** Time source for the `.corrupt-<timestamp>` name. */
  readonly now?: () => number;
}
