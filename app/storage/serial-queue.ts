/** Runs async tasks one after another; a failed task does not stop the ones queued after it. */
export type SerialQueue = <T>(task: () => Promise<T>) => Promise<T>;

export const createSerialQueue = (): SerialQueue => {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
};

const byPath = new Map<string, SerialQueue>();

/**
 * One queue per file path for the whole process, so two store objects opened on the same
 * file (the CLI core and a command, say) still never interleave a read-modify-write.
 */
export const serialQueueFor = (path: string): SerialQueue => {
  let queue = byPath.get(path);
  if (!queue) {
    queue = createSerialQueue();
    byPath.set(path, queue);
  }
  return queue;
};
