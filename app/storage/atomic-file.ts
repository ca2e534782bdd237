import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as z from '../model/zod-mini';

/** Creates a directory (and parents) private to the user. */
export const ensurePrivateDir = async (path: string): Promise<void> => {
  await mkdir(path, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask and ignored for existing directories.
  await chmod(path, 0o700).catch(() => undefined);
};

/**
 * Writes a file so that readers see either the old or the new content, never half: write a
 * temp file beside it, fsync, rename over. `mode` defaults to 0600 because most of what
 * Rolecall writes is private.
 */
export const writeFileAtomic = async (path: string, data: string | Uint8Array, options: { mode?: number } = {}): Promise<void> => {
  const mode = options.mode ?? 0o600;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
  try {
    await handle.writeFile(data);
    await handle.chmod(mode);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  // Make the rename itself durable where the platform allows fsync on a directory.
  const dir = await open(dirname(path), 'r').catch(() => undefined);
  await dir?.sync().catch(() => undefined);
  await dir?.close();
};

export type JsonFileRead<T> =
  | { readonly status: 'missing' }
  | { readonly status: 'ok'; readonly value: T }
  /** The file could not be parsed or validated; it was renamed to `movedTo` and left there. */
  | { readonly status: 'corrupt'; readonly movedTo: string; readonly reason: string };

/**
 * Reads and validates a JSON file we own. A corrupt file is never overwritten with less:
 * it is moved aside (`<name>.corrupt-<timestamp>`) and reported, so the caller can rebuild
 * and tell the user where the old data went.
 */
export const readJsonFile = async <T>(path: string, schema: z.core.$ZodType<T>, now: () => number = Date.now): Promise<JsonFileRead<T>> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    throw error;
  }
  let reason: string;
  try {
    const parsed = z.safeParse(schema, JSON.parse(text));
    if (parsed.success) return { status: 'ok', value: parsed.data };
    const issue = parsed.error.issues[0];
    reason = `${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'}`;
  } catch (error) {
    reason = (error as Error).message;
  }
  const stamp = new Date(now()).toISOString().replace(/[:.]/g, '-');
  const movedTo = `${path}.corrupt-${stamp}`;
  await rename(path, movedTo);
  return { status: 'corrupt', movedTo, reason };
};
