import { createHash } from 'node:crypto';
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from '../model/zod-mini';
import { RolecallError } from '../model/errors';
import type { SsoToken } from '../model/tokens';
import { ensurePrivateDir, writeFileAtomic } from '../storage/atomic-file';
import type { AwsEnv } from './aws-paths';
import { awsPaths } from './aws-paths';
import { formatCacheTime, parseCacheTime } from './cache-time';
import { pythonJsonDumps } from './python-json';
import { sameStartUrl } from '../model/instances';

/** The file name key botocore's SSOTokenLoader uses: sha1 hex of the sso-session name (or, for legacy profiles, the start URL). */
export const ssoCacheKey = (sessionNameOrStartUrl: string): string =>
  createHash('sha1').update(sessionNameOrStartUrl, 'utf8').digest('hex');

/** The cache file path for an sso-session name or a legacy start URL. */
export const ssoCacheFile = (env: AwsEnv, sessionNameOrStartUrl: string): string =>
  join(awsPaths(env).ssoCacheDir, `${ssoCacheKey(sessionNameOrStartUrl)}.json`);

/** Renders a token as the AWS CLI writes it: key order and format of botocore's `_sso_json_dumps`. */
export const renderSsoCache = (token: SsoToken): string => {
  const fields: Record<string, string> = {
    startUrl: token.startUrl,
    region: token.region,
    accessToken: token.accessToken,
    expiresAt: formatCacheTime(token.expiresAt),
  };
  if (token.clientId !== undefined) fields.clientId = token.clientId;
  if (token.clientSecret !== undefined) fields.clientSecret = token.clientSecret;
  if (token.registrationExpiresAt !== undefined) fields.registrationExpiresAt = formatCacheTime(token.registrationExpiresAt);
  if (token.refreshToken !== undefined) fields.refreshToken = token.refreshToken;
  return pythonJsonDumps(fields);
};

/** Writes the token to `~/.aws/sso/cache/<sha1(sessionName)>.json` (atomic, 0600, directory 0700); returns the path. */
export const writeSsoCache = async (options: {
  readonly env: AwsEnv;
  readonly sessionName: string;
  readonly token: SsoToken;
}): Promise<string> => {
  const dir = awsPaths(options.env).ssoCacheDir;
  await ensurePrivateDir(dir);
  const path = ssoCacheFile(options.env, options.sessionName);
  await writeFileAtomic(path, renderSsoCache(options.token), { mode: 0o600 });
  return path;
};

const cacheTime = z.string().check(
  z.refine((value) => parseCacheTime(value) !== undefined, {
    message: 'not a timestamp the AWS CLI can read (expected YYYY-MM-DDTHH:MM:SSZ)',
  }),
);

/** What botocore needs to load a token (accessToken, expiresAt) plus what refresh needs; unknown keys are allowed. */
const cacheFileSchema = z.looseObject({
  startUrl: z.optional(z.string()),
  region: z.optional(z.string()),
  accessToken: z.string().check(z.minLength(1)),
  expiresAt: cacheTime,
  clientId: z.optional(z.string()),
  clientSecret: z.optional(z.string()),
  registrationExpiresAt: z.optional(cacheTime),
  refreshToken: z.optional(z.string()),
});

/** Which file a token was read from: Rolecall's sso-session file, or the legacy one keyed by start URL. */
export type SsoCacheSource = 'sso-session' | 'start-url';

export type SsoCacheRead =
  | { readonly status: 'missing' }
  | { readonly status: 'ok'; readonly token: SsoToken; readonly path: string; readonly source: SsoCacheSource }
  /** The file exists but is for another start URL (an sso-session name reused elsewhere); it was not used. */
  | { readonly status: 'other-start-url'; readonly path: string; readonly fileStartUrl: string }
  /** The file cannot be read as a token; it is left where it is (it belongs to the AWS CLI). */
  | { readonly status: 'corrupt'; readonly path: string; readonly error: RolecallError };

const readOne = async (path: string, startUrl: string, region: string, source: SsoCacheSource): Promise<SsoCacheRead> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    throw new RolecallError(
      'corrupt-file',
      `The AWS CLI token cache file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); check its permissions or sign in again.`,
      { cause: error },
    );
  }
  let reason: string;
  try {
    const parsed = cacheFileSchema.safeParse(JSON.parse(text));
    if (parsed.success) {
      const file = parsed.data;
      if (file.startUrl !== undefined && !sameStartUrl(file.startUrl, startUrl)) {
        return { status: 'other-start-url', path, fileStartUrl: file.startUrl };
      }
      if (file.startUrl === undefined && source === 'sso-session') {
        // The session-name file does not say whose token it is; using it could mix two instances.
        return { status: 'other-start-url', path, fileStartUrl: '' };
      }
      const token: SsoToken = {
        startUrl: file.startUrl ?? startUrl,
        region: file.region ?? region,
        accessToken: file.accessToken,
        expiresAt: parseCacheTime(file.expiresAt) as number,
        ...(file.refreshToken !== undefined ? { refreshToken: file.refreshToken } : {}),
        ...(file.clientId !== undefined ? { clientId: file.clientId } : {}),
        ...(file.clientSecret !== undefined ? { clientSecret: file.clientSecret } : {}),
        ...(file.registrationExpiresAt !== undefined
          ? { registrationExpiresAt: parseCacheTime(file.registrationExpiresAt) as number }
          : {}),
      };
      return { status: 'ok', token, path, source };
    }
    const issue = parsed.error.issues[0];
    reason = `${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'}`;
  } catch (error) {
    reason = `not JSON (${(error as Error).message})`;
  }
  return {
    status: 'corrupt',
    path,
    error: new RolecallError(
      'corrupt-file',
      `The AWS CLI token cache file ${path} is not a valid SSO token (${reason}); sign in again to replace it.`,
    ),
  };
};

/**
 * Reads the token the AWS CLI (or Rolecall) cached for an instance: the sso-session file
 * first, then the legacy file keyed by the start URL. Never moves or rewrites the file.
 */
export const readSsoCache = async (options: {
  readonly env: AwsEnv;
  readonly sessionName?: string;
  readonly startUrl: string;
  /** Used when the file does not record its region. */
  readonly region: string;
}): Promise<SsoCacheRead> => {
  if (options.sessionName !== undefined) {
    const bySession = await readOne(ssoCacheFile(options.env, options.sessionName), options.startUrl, options.region, 'sso-session');
    if (bySession.status !== 'missing' && bySession.status !== 'other-start-url') return bySession;
    // A session file of the same name for another start URL must not hide our legacy token.
    const legacy = await readOne(ssoCacheFile(options.env, options.startUrl), options.startUrl, options.region, 'start-url');
    return legacy.status === 'missing' ? bySession : legacy;
  }
  return readOne(ssoCacheFile(options.env, options.startUrl), options.startUrl, options.region, 'start-url');
};

/**
 * Removes the cache file for an sso-session (the one Rolecall writes); with `startUrl`,
 * only when the file is for that start URL. Returns whether a file was removed.
 */
export const removeSsoCache = async (options: {
  readonly env: AwsEnv;
  readonly sessionName: string;
  readonly startUrl?: string;
}): Promise<boolean> => {
  const path = ssoCacheFile(options.env, options.sessionName);
  if (options.startUrl !== undefined) {
    const current = await readOne(path, options.startUrl, '', 'sso-session');
    // A corrupt or foreign file is the AWS CLI's business, not ours to delete.
    if (current.status !== 'ok') return false;
  }
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
};
