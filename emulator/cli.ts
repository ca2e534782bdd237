import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { defaultDirectorySeed, parseDirectoryFile } from './directory-seed';
import type { EmulatorEndpoints, EmulatorOptions, FaultSpec } from './options';
import { startEmulator } from './server';

/** `rolecall emulator`: runs the emulator until SIGINT/SIGTERM. */

const usage = `Usage: rolecall emulator [options]
  --port N                 listen port on 127.0.0.1 (default 0: any free port)
  --region R               Identity Center region (default us-east-1)
  --accounts N             seeded accounts (default ${defaultDirectorySeed.accounts})
  --roles-per-account N    roles per account (default ${defaultDirectorySeed.rolesPerAccount})
  --seed N                 directory seed (default ${defaultDirectorySeed.seed})
  --many-roles-every N     every Nth account gets many roles (default 50, 0 = never)
  --directory-file PATH    JSON directory instead of a seeded one
  --auto-approve           approve sign-ins without the browser page
  --access-token-ttl S     --refresh-token-ttl S   --registration-ttl S
  --device-code-ttl S      --interval S            --credentials-ttl S   (seconds)
  --no-refresh-tokens      never issue refresh tokens
  --user-name NAME         the signed-in user (session name of role credentials)
  --page-size N            default ListAccounts/ListAccountRoles page size (1-100)
  --latency-ms N --jitter-ms N --throttle-rps N --throttle-burst N
  --error-rate F --drop-rate F                       faults for every operation
  --quiet                  no request log on stderr

Example:
  rolecall emulator --port 4510 --accounts 20 --auto-approve
`;

const flagOptions = {
  port: { type: 'string' },
  region: { type: 'string' },
  accounts: { type: 'string' },
  'roles-per-account': { type: 'string' },
  seed: { type: 'string' },
  'many-roles-every': { type: 'string' },
  'directory-file': { type: 'string' },
  'auto-approve': { type: 'boolean' },
  'access-token-ttl': { type: 'string' },
  'refresh-token-ttl': { type: 'string' },
  'registration-ttl': { type: 'string' },
  'device-code-ttl': { type: 'string' },
  interval: { type: 'string' },
  'credentials-ttl': { type: 'string' },
  'no-refresh-tokens': { type: 'boolean' },
  'user-name': { type: 'string' },
  'page-size': { type: 'string' },
  'latency-ms': { type: 'string' },
  'jitter-ms': { type: 'string' },
  'throttle-rps': { type: 'string' },
  'throttle-burst': { type: 'string' },
  'error-rate': { type: 'string' },
  'drop-rate': { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const num = z
  .string()
  .trim()
  .regex(/^-?\d+(\.\d+)?$/, 'must be a number')
  .transform(Number);
const int = num.pipe(z.number().int());

const flagSchema = z.object({
  port: int.pipe(z.number().min(0).max(65_535)).optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'must look like us-east-1')
    .optional(),
  accounts: int.pipe(z.number().min(1).max(100_000)).optional(),
  'roles-per-account': int.pipe(z.number().min(1).max(200)).optional(),
  seed: int.optional(),
  'many-roles-every': int.pipe(z.number().min(0)).optional(),
  'directory-file': z.string().min(1).optional(),
  'auto-approve': z.boolean().optional(),
  'access-token-ttl': num.pipe(z.number().positive()).optional(),
  'refresh-token-ttl': num.pipe(z.number().positive()).optional(),
  'registration-ttl': num.pipe(z.number().positive()).optional(),
  'device-code-ttl': num.pipe(z.number().positive()).optional(),
  interval: num.pipe(z.number().min(0)).optional(),
  'credentials-ttl': num.pipe(z.number().positive()).optional(),
  'no-refresh-tokens': z.boolean().optional(),
  'user-name': z
    .string()
    .regex(/^[\w+=,.@-]{2,64}$/, 'must be 2–64 characters of [A-Za-z0-9_+=,.@-]')
    .optional(),
  'page-size': int.pipe(z.number().min(1).max(100)).optional(),
  'latency-ms': num.pipe(z.number().min(0)).optional(),
  'jitter-ms': num.pipe(z.number().min(0)).optional(),
  'throttle-rps': num.pipe(z.number().min(0)).optional(),
  'throttle-burst': num.pipe(z.number().min(0)).optional(),
  'error-rate': num.pipe(z.number().min(0).max(1)).optional(),
  'drop-rate': num.pipe(z.number().min(0).max(1)).optional(),
  quiet: z.boolean().optional(),
  help: z.boolean().optional(),
});

type Flags = z.output<typeof flagSchema>;

/** Turns validated flags into EmulatorOptions; throws for an unreadable or invalid directory file. */
export const optionsFromFlags = (flags: Flags): EmulatorOptions => {
  const star: FaultSpec = {
    ...(flags['latency-ms'] !== undefined ? { latencyMs: flags['latency-ms'] } : {}),
    ...(flags['jitter-ms'] !== undefined ? { jitterMs: flags['jitter-ms'] } : {}),
    ...(flags['throttle-rps'] !== undefined
      ? { throttle: { rps: flags['throttle-rps'], burst: flags['throttle-burst'] ?? Math.max(1, Math.ceil(flags['throttle-rps'])) } }
      : {}),
    ...(flags['error-rate'] !== undefined ? { errorRate: flags['error-rate'] } : {}),
    ...(flags['drop-rate'] !== undefined ? { dropRate: flags['drop-rate'] } : {}),
  };
  const file = flags['directory-file'];
  const directory =
    file !== undefined
      ? { accounts: parseDirectoryFile(readJson(file)).map((a) => ({ ...a })) }
      : {
          accounts: flags.accounts ?? defaultDirectorySeed.accounts,
          rolesPerAccount: flags['roles-per-account'] ?? defaultDirectorySeed.rolesPerAccount,
          seed: flags.seed ?? defaultDirectorySeed.seed,
          ...(flags['many-roles-every'] !== undefined ? { manyRolesEvery: flags['many-roles-every'] } : {}),
        };
  return {
    port: flags.port ?? 0,
    region: flags.region ?? 'us-east-1',
    directory,
    autoApprove: flags['auto-approve'] ?? false,
    issueRefreshTokens: !flags['no-refresh-tokens'],
    ...(flags['access-token-ttl'] !== undefined ? { accessTokenTtlSeconds: flags['access-token-ttl'] } : {}),
    ...(flags['refresh-token-ttl'] !== undefined ? { refreshTokenTtlSeconds: flags['refresh-token-ttl'] } : {}),
    ...(flags['registration-ttl'] !== undefined ? { registrationTtlSeconds: flags['registration-ttl'] } : {}),
    ...(flags['device-code-ttl'] !== undefined ? { deviceCodeTtlSeconds: flags['device-code-ttl'] } : {}),
    ...(flags.interval !== undefined ? { deviceCodeIntervalSeconds: flags.interval } : {}),
    ...(flags['credentials-ttl'] !== undefined ? { roleCredentialsTtlSeconds: flags['credentials-ttl'] } : {}),
    ...(flags['page-size'] !== undefined ? { defaultPageSize: flags['page-size'] } : {}),
    ...(flags['user-name'] !== undefined ? { userName: flags['user-name'] } : {}),
    ...(Object.keys(star).length > 0 ? { faults: { '*': star } } : {}),
  };
};

const readJson = (path: string): unknown => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read directory file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`Directory file ${path} is not valid JSON: ${(error as Error).message}`);
  }
};

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, '; ').trim();

/** Parses argv into flags, or a one-line reason. */
export const parseEmulatorFlags = (argv: readonly string[]): { readonly flags: Flags } | { readonly error: string } => {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: [...argv], options: flagOptions, strict: true, allowPositionals: false }).values;
  } catch (error) {
    return { error: oneLine((error as Error).message) };
  }
  const parsed = flagSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: `--${String(issue?.path[0] ?? '?')}: ${issue?.message ?? 'invalid'}` };
  }
  return { flags: parsed.data };
};

/** Runs the emulator CLI; resolves 0 after a signal closed it, 2 for bad flags, 1 when it cannot start. */
export const runEmulatorCli = async (argv: readonly string[]): Promise<number> => {
  const parsed = parseEmulatorFlags(argv);
  if ('error' in parsed) {
    process.stderr.write(`rolecall emulator: ${parsed.error} (see --help)\n`);
    return 2;
  }
  if (parsed.flags.help) {
    process.stdout.write(usage);
    return 0;
  }
  let options: EmulatorOptions;
  try {
    options = optionsFromFlags(parsed.flags);
  } catch (error) {
    process.stderr.write(`rolecall emulator: ${oneLine((error as Error).message)}\n`);
    return 2;
  }
  const quiet = parsed.flags.quiet ?? false;
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({ ...options, log: (line) => (quiet ? undefined : process.stderr.write(`${line}\n`)) });
  } catch (error) {
    process.stderr.write(`rolecall emulator: cannot start: ${oneLine((error as Error).message)}\n`);
    return 1;
  }
  const endpoints: EmulatorEndpoints = {
    url: emulator.url,
    startUrl: emulator.startUrl,
    region: emulator.region,
    oidcEndpoint: emulator.oidcEndpoint,
    portalEndpoint: emulator.portalEndpoint,
    federationEndpoint: emulator.federationEndpoint,
    stsEndpoint: emulator.stsEndpoint,
  };
  process.stdout.write(`${JSON.stringify(endpoints)}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await emulator.close();
  return 0;
};
