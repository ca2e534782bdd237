import * as z from './zod-mini';
import { isKnownRegion } from './partitions';

/** A start URL as Rolecall stores and compares it: trimmed, without trailing slashes. */
export const normalizeStartUrl = (value: string): string => value.trim().replace(/\/+$/, '');

/** Start URLs name the same portal regardless of surrounding spaces and trailing slashes. */
export const sameStartUrl = (a: string, b: string): boolean => normalizeStartUrl(a) === normalizeStartUrl(b);

const isLoopbackHost = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);

/**
 * A start URL is https; plain http is accepted only on loopback, for the local emulator.
 * Returns the reason it is rejected, or undefined when it is fine.
 */
export const startUrlProblem = (value: string): string | undefined => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL; an access portal start URL looks like https://d-1234567890.awsapps.com/start.`;
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return `The start URL must use https (plain http is allowed only for a local emulator on 127.0.0.1); got ${url.protocol.replace(':', '')}.`;
};

/** A URL for an endpoint override: same rule as start URLs. */
export const endpointUrlSchema = z.string().check(
  z.superRefine((value, ctx) => {
    const problem = startUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.replace('start URL', 'endpoint URL') });
  }),
);

export const startUrlSchema = z.string().check(
  z.trim(),
  z.superRefine((value, ctx) => {
    const problem = startUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
);

export const regionSchema = z
  .string()
  .check(z.trim(), z.refine(isKnownRegion, { message: 'not an AWS region name (for example us-east-1 or eu-west-1)' }));

/** An sso-session name as the AWS CLI accepts it in `[sso-session NAME]`. */
export const ssoSessionNameSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" or "-"'));

/**
 * One IAM Identity Center instance the user signs in to. Instances are isolated: each has
 * its own clients, tokens, caches and directory.
 */
export const instanceSchema = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(100), z.regex(/^[a-z0-9-]+$/)),
  label: z.string().check(z.minLength(1), z.maxLength(100)),
  startUrl: startUrlSchema,
  region: regionSchema,
  /** The `[sso-session NAME]` this instance maps to in ~/.aws/config and the SSO cache. */
  ssoSessionName: ssoSessionNameSchema,
  /** Overrides for the derived AWS endpoints (the local emulator, tests). */
  endpoints: z.optional(
    z.object({
      oidc: z.optional(endpointUrlSchema),
      portal: z.optional(endpointUrlSchema),
      federation: z.optional(endpointUrlSchema),
      /** STS (role chaining, whoami); default: the regional endpoint of the partition. */
      sts: z.optional(endpointUrlSchema),
    }),
  ),
});
export type Instance = Readonly<z.output<typeof instanceSchema>>;

/** What a user supplies to add an instance; the rest is derived. */
export const newInstanceSchema = z.object({
  startUrl: startUrlSchema,
  region: regionSchema,
  label: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
  ssoSessionName: z.optional(ssoSessionNameSchema),
  /** One base URL serving OIDC, portal and federation (the emulator). */
  endpoint: z.optional(endpointUrlSchema),
});
export type NewInstance = z.output<typeof newInstanceSchema>;
