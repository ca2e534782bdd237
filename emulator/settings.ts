import { z } from 'zod';
import type { EmulatorOptions } from './options';

/** EmulatorOptions with every default filled in and every number range-checked. */

const seconds = z
  .number()
  .positive()
  .max(10 * 365 * 86_400);

const schema = z.object({
  port: z.number().int().min(0).max(65_535).default(0),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'region must look like us-east-1')
    .default('us-east-1'),
  accessTokenTtlSeconds: seconds.default(8 * 3600),
  refreshTokenTtlSeconds: seconds.default(90 * 86_400),
  registrationTtlSeconds: seconds.default(90 * 86_400),
  deviceCodeTtlSeconds: seconds.default(600),
  // 0 lets tests poll back to back without ever provoking slow_down.
  deviceCodeIntervalSeconds: z.number().min(0).max(3600).default(1),
  roleCredentialsTtlSeconds: seconds.default(3600),
  // An STS role session name: 2–64 of [\w+=,.@-].
  userName: z
    .string()
    .regex(/^[\w+=,.@-]{2,64}$/, 'userName must be 2–64 characters of [A-Za-z0-9_+=,.@-]')
    .default('rolecall-user'),
  issueRefreshTokens: z.boolean().default(true),
  autoApprove: z.boolean().default(false),
  defaultPageSize: z.number().int().min(1).max(100).default(20),
});

export type EmulatorSettings = z.output<typeof schema>;

/** Validates the scalar options; throws an Error naming each bad one. */
export const resolveSettings = (options: EmulatorOptions): EmulatorSettings => {
  const { directory: _directory, faults: _faults, log: _log, now: _now, ...scalars } = options;
  const parsed = schema.safeParse(scalars);
  if (!parsed.success) throw new Error(`Invalid emulator options: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
  return parsed.data;
};
