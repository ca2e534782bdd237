import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from '../model/zod-mini';
import { roleKey, roleRefSchema } from '../model/roles';
import type { RoleRef } from '../model/roles';
import type { RoleCredentials } from '../model/tokens';
import type { SecretStore } from '../ports/secret-store';
import { writeFileAtomic } from '../storage/atomic-file';
import { withFileLock } from '../storage/file-lock';
import { serialQueueFor } from '../storage/serial-queue';

export const CREDENTIAL_PROCESS_CACHE_FILE = 'credential-process.enc.json';
/** The SecretStore entry holding the cache key (base64 of 32 random bytes). */
export const CREDENTIAL_PROCESS_KEY_NAME = 'credential-process/cache-key';
/** Entries are no longer served once less than this remains, so a caller never gets credentials about to die. */
export const CREDENTIAL_PROCESS_MARGIN_MS = 5 * 60_000;

// Binds the ciphertext to its purpose and format version: a blob from another Rolecall file
// encrypted with the same key would not decrypt here.
const AAD = Buffer.from('rolecall credential-process cache v1');

const envelopeSchema = z.object({
  version: z.literal(1),
  iv: z.string().check(z.minLength(1)),
  tag: z.string().check(z.minLength(1)),
  data: z.string(),
});

const entrySchema = z.object({
  ref: roleRefSchema,
  credentials: z.object({
    accessKeyId: z.string().check(z.minLength(1)),
    secretAccessKey: z.string().check(z.minLength(1)),
    sessionToken: z.string().check(z.minLength(1)),
    expiration: z.number(),
  }),
});
const entriesSchema = z.record(z.string(), entrySchema);
type Entries = z.output<typeof entriesSchema>;

export interface CredentialProcessCacheOptions {
  /** The private cache directory (`<config dir>/cache`). */
  readonly dir: string;
  /** Holds the encryption key; the key is created on first write. */
  readonly secrets: SecretStore;
  readonly now?: () => number;
  readonly marginMs?: number;
}

/**
 * Role credentials for `rolecall credential-process`, kept on disk between calls so the AWS
 * CLI and SDKs, which start a new process for every credential lookup, do not cost a
 * GetRoleCredentials call each time.
 *
 * One file, AES-256-GCM encrypted with a random key that lives in the SecretStore (the OS
 * keychain in the desktop app, Rolecall's private secrets file for the CLI). So the cache file
 * alone — in a backup, a synced folder, a support bundle — reveals nothing. It does NOT
 * protect against the same user (or anything running as them): whoever can read the secrets
 * store can decrypt the cache, exactly as they could read the SSO token that mints these
 * credentials anyway.
 *
 * It is only a cache: a missing key, a corrupt file or one that does not decrypt is treated
 * as empty and rewritten on the next store, never reported as an error.
 */
export class CredentialProcessCache {
  readonly path: string;
  private readonly secrets: SecretStore;
  private readonly now: () => number;
  private readonly marginMs: number;
  private readonly dir: string;
  private readonly queue;

  constructor(options: CredentialProcessCacheOptions) {
    this.dir = options.dir;
    this.path = join(options.dir, CREDENTIAL_PROCESS_CACHE_FILE);
    this.secrets = options.secrets;
    this.now = options.now ?? Date.now;
    this.marginMs = options.marginMs ?? CREDENTIAL_PROCESS_MARGIN_MS;
    this.queue = serialQueueFor(this.path);
  }

  /** The cached credentials for a role while more than the safety margin remains; never calls AWS. */
  get(ref: RoleRef): Promise<RoleCredentials | undefined> {
    return this.queue(async () => {
      const key = await this.existingKey();
      if (!key) return undefined;
      const entry = (await this.read(key))[roleKey(ref)];
      return entry && this.fresh(entry.credentials) ? entry.credentials : undefined;
    });
  }

  /** Stores a role's credentials, dropping entries that are no longer worth serving. */
  put(ref: RoleRef, credentials: RoleCredentials): Promise<void> {
    return this.locked(async () => {
      const key = await this.keyForWriting();
      const entries = await this.read(key);
      const kept: Entries = {};
      for (const [name, entry] of Object.entries(entries)) if (this.fresh(entry.credentials)) kept[name] = entry;
      kept[roleKey(ref)] = { ref: { instanceId: ref.instanceId, accountId: ref.accountId, roleName: ref.roleName }, credentials };
      await this.write(key, kept);
    });
  }

  /** Forgets every entry of one instance (sign-out); no write when there is nothing to forget. */
  forgetInstance(instanceId: string): Promise<void> {
    return this.locked(async () => {
      const key = await this.existingKey();
      if (!key) return;
      const entries = await this.read(key);
      const kept: Entries = {};
      for (const [name, entry] of Object.entries(entries)) if (entry.ref.instanceId !== instanceId) kept[name] = entry;
      if (Object.keys(kept).length !== Object.keys(entries).length) await this.write(key, kept);
    });
  }

  /**
   * Many credential-process runs write this one file at once (one per role): a change
   * re-reads it inside a cross-process lock so no run drops another's entry, and only
   * one of them ever creates the key.
   */
  private locked(task: () => Promise<void>): Promise<void> {
    return withFileLock(this.dir, 'credential-process-cache', () => this.queue(task));
  }

  private fresh(credentials: RoleCredentials): boolean {
    return credentials.expiration - this.now() > this.marginMs;
  }

  private async existingKey(): Promise<Buffer | undefined> {
    const stored = await this.secrets.get(CREDENTIAL_PROCESS_KEY_NAME);
    if (!stored) return undefined;
    const key = Buffer.from(stored, 'base64');
    return key.length === 32 ? key : undefined;
  }

  private async keyForWriting(): Promise<Buffer> {
    const existing = await this.existingKey();
    if (existing) return existing;
    // A new key makes any old file undecryptable, which read() treats as empty: intended.
    const key = randomBytes(32);
    await this.secrets.set(CREDENTIAL_PROCESS_KEY_NAME, key.toString('base64'));
    return key;
  }

  /** The decrypted entries; anything unreadable is an empty cache (it is rewritten on the next put). */
  private async read(key: Buffer): Promise<Entries> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return {};
    }
    try {
      const envelope = envelopeSchema.parse(JSON.parse(text));
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64'));
      decipher.setAAD(AAD);
      decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
      const plain = Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]).toString('utf8');
      const parsed = entriesSchema.safeParse(JSON.parse(plain));
      return parsed.success ? parsed.data : {};
    } catch {
      return {};
    }
  }

  private async write(key: Buffer, entries: Entries): Promise<void> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(AAD);
    const data = Buffer.concat([cipher.update(JSON.stringify(entries), 'utf8'), cipher.final()]);
    const envelope = { version: 1, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
    await writeFileAtomic(this.path, `${JSON.stringify(envelope)}\n`, { mode: 0o600 });
  }
}
