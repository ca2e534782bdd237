/** The main process log: one line per event, to stderr, never with payloads or secrets. */
export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const createLog = (write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Log => ({
  info: (message) => write(`[rolecall] ${message}`),
  warn: (message) => write(`[rolecall] warning: ${message}`),
  error: (message) => write(`[rolecall] error: ${message}`),
});
