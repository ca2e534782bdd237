import { createHash, randomBytes } from 'node:crypto';
import { lstat, readFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as z from '../model/zod-mini';
import { RolecallError } from '../model/errors';
import { ensurePrivateDir, writeFileAtomic } from '../storage/atomic-file';
import { endpointFilePath } from './endpoint-file';
import { AGENT_PROTOCOL_VERSION } from './protocol';

/**
 * Where the session owner listens, and how a client finds it: `<configDir>/agent.json`
 * (0600) names the socket, the owner's pid, its version and protocol, and the per-launch
 * secret every request must carry. Only this user can read the file, so only this user's
 * processes can talk to the owner (as VS Code's VSCODE_IPC_HOOK_CLI and GitHub Desktop's
 * trampoline do).
 */

export { ENDPOINT_FILE_NAME, endpointFilePath } from './endpoint-file';
export const SOCKET_FILE_NAME = 'agent.sock';

/**
 * sun_path is 108 bytes on Linux and 104 on macOS (including the NUL); keep under the
 * smaller so one rule serves both.
 */
const MAX_SOCKET_PATH_BYTES = 103;

const configDirHash = (configDir: string): string => createHash('sha256').update(configDir).digest('hex');

/**
 * The socket path for a config dir: `<configDir>/agent.sock`, or — when that is longer than
 * sun_path allows — `agent.sock` in a private (0700) directory under the system temp dir,
 * named by a hash of the config dir. On Windows a per-user named pipe (pipes live in their
 * own namespace; the hash of the per-user config dir keeps users and config dirs apart).
 */
export const socketPathFor = (configDir: string, platform: NodeJS.Platform = process.platform, tmp: string = tmpdir()): string => {
  const hash = configDirHash(configDir);
  if (platform === 'win32') return `\\\\.\\pipe\\rolecall-${hash.slice(0, 24)}`;
  const inDir = join(configDir, SOCKET_FILE_NAME);
  if (Buffer.byteLength(inDir) <= MAX_SOCKET_PATH_BYTES) return inDir;
  return join(tmp, `rolecall-${hash.slice(0, 16)}`, SOCKET_FILE_NAME);
};

/** Makes sure the socket's directory exists and is private (the config dir, or the temp fallback). */
export const prepareSocketDir = async (socketPath: string, platform: NodeJS.Platform = process.platform): Promise<void> => {
  if (platform === 'win32') return;
  const dir = dirname(socketPath);
  await ensurePrivateDir(dir);
  // The temp-dir fallback lives in a world-writable parent: another user could have made
  // the directory first. Listen only in a directory that is ours and private.
  const info = await lstat(dir);
  const uid = process.getuid?.();
  if (!info.isDirectory() || (uid !== undefined && info.uid !== uid) || (info.mode & 0o077) !== 0) {
    throw new RolecallError(
      'internal',
      `The agent's socket directory ${dir} is not a private directory of this user; remove it and try again.`,
    );
  }
};

/** Removes a socket file a killed owner left behind (the caller holds the owner lock). */
export const removeStaleSocket = async (socketPath: string, platform: NodeJS.Platform = process.platform): Promise<void> => {
  if (platform === 'win32') return;
  await unlink(socketPath).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
};

export const endpointSchema = z.object({
  socketPath: z.string().check(z.minLength(1)),
  pid: z.number().check(z.int(), z.positive()),
  version: z.string(),
  protocol: z.number().check(z.int()),
  secret: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
});
export type AgentEndpoint = z.output<typeof endpointSchema>;

/** 32 random bytes, hex: the secret of one owner launch. */
export const newAgentSecret = (): string => randomBytes(32).toString('hex');

/** Writes agent.json atomically, 0600 (readers never see half of it). */
export const writeEndpoint = async (
  configDir: string,
  endpoint: Omit<AgentEndpoint, 'protocol'> & { protocol?: number },
): Promise<void> => {
  const full: AgentEndpoint = { ...endpoint, protocol: endpoint.protocol ?? AGENT_PROTOCOL_VERSION };
  await writeFileAtomic(endpointFilePath(configDir), `${JSON.stringify(full, null, 2)}\n`, { mode: 0o600 });
};

/**
 * The endpoint file as the owner wrote it, or undefined when there is none or it is not one
 * (a client then works alone; it never moves or repairs the owner's file).
 */
export const readEndpoint = async (configDir: string): Promise<AgentEndpoint | undefined> => {
  let text: string;
  try {
    text = await readFile(endpointFilePath(configDir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = endpointSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

/** Deletes agent.json if it is still this owner's (a newer owner may have replaced it). */
export const removeEndpoint = async (configDir: string, secret: string): Promise<void> => {
  const current = await readEndpoint(configDir);
  if (current?.secret !== secret) return;
  await unlink(endpointFilePath(configDir)).catch(() => undefined);
};

/** Whether a process with this pid is alive (EPERM: it exists but is another user's). */
export const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};
