import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from '../model/zod-mini';
import { RolecallError } from '../model/errors';
import { accountIdSchema } from '../model/roles';
import type { Directory } from '../model/roles';
import { readJsonFile, writeFileAtomic } from '../storage/atomic-file';

/** The last synced directory of each instance on disk, so the list paints before any network call. */

const instanceIdSchema = z.string().check(z.minLength(1), z.maxLength(100), z.regex(/^[a-z0-9-]+$/));

const directoryFileSchema = z.object({
  version: z.literal(1),
  directory: z.object({
    instanceId: instanceIdSchema,
    syncedAt: z.number().check(z.int(), z.nonnegative()),
    accounts: z.array(
      z.object({
        accountId: accountIdSchema,
        accountName: z.string(),
        emailAddress: z.string(),
        roles: z.array(z.string().check(z.minLength(1))),
      }),
    ),
    failedAccounts: z._default(z.array(z.object({ accountId: accountIdSchema, message: z.string() })), []),
  }),
});

export interface DirectoryCacheLoad {
  readonly directory?: Directory;
  /** The file could not be read as a directory; it was moved to `movedTo` and left there. */
  readonly corrupt?: { readonly movedTo: string; readonly reason: string };
}

export const defaultMaxAgeMs = 24 * 60 * 60 * 1_000;

/** Whether a cached directory is older than `maxAgeMs` (a day by default) and worth saying so. */
export const isStale = (directory: Directory, now: number, maxAgeMs = defaultMaxAgeMs): boolean => now - directory.syncedAt > maxAgeMs;

export class DirectoryCache {
  /** `dir` is the private cache directory; files go to `<dir>/directories/<instanceId>.json`. */
  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  pathOf(instanceId: string): string {
    // The id is also a file name: refuse anything that could leave the directory.
    if (!instanceIdSchema.safeParse(instanceId).success) {
      throw new RolecallError('invalid-input', `"${instanceId.slice(0, 100)}" is not an instance id (lowercase letters, digits and "-").`);
    }
    return join(this.dir, 'directories', `${instanceId}.json`);
  }

  /** Loads the cached directory; a corrupt file is moved aside and reported, never overwritten unseen. */
  async load(instanceId: string): Promise<DirectoryCacheLoad> {
    const read = await readJsonFile(this.pathOf(instanceId), directoryFileSchema, this.now);
    if (read.status === 'missing') return {};
    if (read.status === 'corrupt') return { corrupt: { movedTo: read.movedTo, reason: read.reason } };
    if (read.value.directory.instanceId !== instanceId) {
      return { corrupt: await this.moveAside(instanceId, `the file holds instance "${read.value.directory.instanceId}"`) };
    }
    return { directory: read.value.directory };
  }

  /** Writes the directory atomically (readers see the old file or the new one). */
  async save(directory: Directory): Promise<void> {
    const body = { version: 1 as const, directory };
    await writeFileAtomic(this.pathOf(directory.instanceId), `${JSON.stringify(body)}\n`);
  }

  async remove(instanceId: string): Promise<void> {
    await unlink(this.pathOf(instanceId)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  private async moveAside(instanceId: string, reason: string): Promise<{ movedTo: string; reason: string }> {
    // readJsonFile moves a file aside when its schema fails; a schema that rejects this id does the same.
    const read = await readJsonFile(this.pathOf(instanceId), z.never(), this.now);
    return { movedTo: read.status === 'corrupt' ? read.movedTo : this.pathOf(instanceId), reason };
  }
}
