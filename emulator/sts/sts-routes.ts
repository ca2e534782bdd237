import type { IncomingMessage } from 'node:http';
import { stsError, stsNamespace } from '../api-error';
import type { EmulatorContext } from '../context';
import type { RoleSession } from '../credential-store';
import { assumableRolesOf } from '../directory-seed';
import { sendXml, xmlEscape, type Route } from '../http';
import type { OperationName } from '../options';
import { assumedRoleArn, assumedRoleId, parseRoleArn } from './identity';
import { expectedSignature, formatAmzDate, parseAuthorization, sameSignature, SignatureFormatError } from './sigv4';

/**
 * STS on the emulator's base URL (`POST /`, the query protocol: form-encoded `Action=…&
 * Version=2011-06-15`, XML answers): GetCallerIdentity and AssumeRole. Every request is
 * SigV4-verified against the credentials this emulator issued (GetRoleCredentials or
 * AssumeRole), with STS's error codes: InvalidClientTokenId (unknown key, wrong session
 * token), ExpiredToken, SignatureDoesNotMatch (wrong secret, altered request, clock off by
 * more than 5 minutes), MissingAuthenticationToken, IncompleteSignature.
 */

const version = '2011-06-15';
const skewLimitMs = 5 * 60_000;
const chainedSessionLimitSeconds = 3600;

const operations: Readonly<Record<string, OperationName>> = { GetCallerIdentity: 'GetCallerIdentity', AssumeRole: 'AssumeRole' };

/** Query-protocol parameters: the query string, then the form body (which wins). */
const parametersOf = (url: URL, body: string | undefined): URLSearchParams => {
  const params = new URLSearchParams(url.searchParams);
  for (const [name, value] of new URLSearchParams(body ?? '')) params.set(name, value);
  return params;
};

const invalidToken = () => stsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
const signatureMismatch = (message: string) => stsError(403, 'SignatureDoesNotMatch', message);
const validation = (message: string) => stsError(400, 'ValidationError', message);

/** The role session whose credentials signed this request, or the STS error for why not. */
const authenticate = (
  ctx: EmulatorContext,
  req: IncomingMessage,
  url: URL,
  body: string,
): { readonly accessKeyId: string; readonly session: RoleSession } => {
  let auth: ReturnType<typeof parseAuthorization>;
  try {
    auth = parseAuthorization(req, url.searchParams);
  } catch (error) {
    if (!(error instanceof SignatureFormatError)) throw error;
    throw stsError(error.code === 'MissingAuthenticationToken' ? 403 : 400, error.code, error.message);
  }
  const issued = ctx.credentials.lookup(auth.accessKeyId);
  if (!issued) throw invalidToken();
  // Every key the emulator issues is temporary: it is only valid with its own session token.
  if (auth.securityToken !== issued.sessionToken) throw invalidToken();
  const now = ctx.now();
  if (now >= issued.expiration) throw stsError(400, 'ExpiredToken', 'The security token included in the request is expired');
  if (auth.service !== 'sts') throw signatureMismatch(`Credential should be scoped to correct service: 'sts'. `);
  if (auth.date !== auth.amzDate.slice(0, 8)) {
    throw signatureMismatch(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${auth.amzDate.slice(0, 8)}', from '${auth.amzDate}'.`,
    );
  }
  if (auth.presigned) {
    const expires = Number(url.searchParams.get('X-Amz-Expires') ?? '900');
    if (!Number.isInteger(expires) || expires < 1 || expires > 604_800)
      throw stsError(400, 'AuthorizationQueryParametersError', 'X-Amz-Expires must be between 1 and 604800 seconds');
    if (now > auth.requestTime + expires * 1000)
      throw signatureMismatch(
        `Signature expired: ${auth.amzDate} is now earlier than ${formatAmzDate(now - expires * 1000)} (${formatAmzDate(now)} - ${expires} sec.)`,
      );
    if (auth.requestTime - now > skewLimitMs)
      throw signatureMismatch(
        `Signature not yet current: ${auth.amzDate} is still later than ${formatAmzDate(now + skewLimitMs)} (${formatAmzDate(now)} + 5 min.)`,
      );
  } else if (now - auth.requestTime > skewLimitMs) {
    throw signatureMismatch(
      `Signature expired: ${auth.amzDate} is now earlier than ${formatAmzDate(now - skewLimitMs)} (${formatAmzDate(now)} - 5 min.)`,
    );
  } else if (auth.requestTime - now > skewLimitMs) {
    throw signatureMismatch(
      `Signature not yet current: ${auth.amzDate} is still later than ${formatAmzDate(now + skewLimitMs)} (${formatAmzDate(now)} + 5 min.)`,
    );
  }
  const expected = expectedSignature(req, body, auth, issued.secretAccessKey);
  if (!sameSignature(expected.signature, auth.signature.toLowerCase())) {
    throw signatureMismatch(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return { accessKeyId: auth.accessKeyId, session: issued.session };
};

const response =
  (action: string, result: readonly string[]) =>
  (requestId: string): string =>
    [
      `<${action}Response xmlns="${stsNamespace}">`,
      `  <${action}Result>`,
      ...result.map((line) => `    ${line}`),
      `  </${action}Result>`,
      '  <ResponseMetadata>',
      `    <RequestId>${requestId}</RequestId>`,
      '  </ResponseMetadata>',
      `</${action}Response>`,
      '',
    ].join('\n');

const element = (name: string, value: string): string => `<${name}>${xmlEscape(value)}</${name}>`;

/** ISO 8601 without milliseconds, as STS writes Expiration. */
const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const notNull = (params: URLSearchParams, member: string, name: string): string => {
  const value = params.get(name);
  if (value === null)
    throw validation(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  return value;
};

const checkString = (value: string, member: string, min: number, max: number, pattern: RegExp, patternText: string): void => {
  const shown = value.length > 100 ? `${value.slice(0, 100)}…` : value;
  if (value.length < min)
    throw validation(
      `1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`,
    );
  if (value.length > max)
    throw validation(
      `1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
    );
  if (!pattern.test(value))
    throw validation(
      `1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${patternText}`,
    );
};

const assumeRole = (
  ctx: EmulatorContext,
  caller: { readonly accessKeyId: string; readonly session: RoleSession },
  params: URLSearchParams,
): ((requestId: string) => string) => {
  const roleArn = notNull(params, 'roleArn', 'RoleArn');
  checkString(
    roleArn,
    'roleArn',
    20,
    2048,
    // eslint-disable-next-line no-control-regex -- tab, LF and CR are part of the model's pattern for RoleArn.
    /^[\u0009\u000a\u000d\u0020-\u007e\u0085\u00a0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]+$/u,
    '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+',
  );
  const sessionName = notNull(params, 'roleSessionName', 'RoleSessionName');
  checkString(sessionName, 'roleSessionName', 2, 64, /^[\w+=,.@-]*$/, '[\\w+=,.@-]*');
  const externalId = params.get('ExternalId');
  if (externalId !== null) checkString(externalId, 'externalId', 2, 1224, /^[\w+=,.@:/-]*$/, '[\\w+=,.@:\\/-]*');
  const durationText = params.get('DurationSeconds');
  const duration = durationText === null ? chainedSessionLimitSeconds : Number(durationText);
  if (!Number.isInteger(duration))
    throw validation(
      `1 validation error detected: Value '${durationText ?? ''}' at 'durationSeconds' failed to satisfy constraint: Member must be an integer`,
    );
  if (duration < 900)
    throw validation(
      `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
    );
  if (duration > 43_200)
    throw validation(
      `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`,
    );
  if (!roleArn.startsWith('arn:')) throw validation(`${roleArn} is invalid`);
  // Identity Center credentials are themselves a role session, so every AssumeRole here is role chaining: 1 hour at most.
  if (duration > chainedSessionLimitSeconds)
    throw validation('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');

  const callerArn = assumedRoleArn(caller.session);
  const denied = () =>
    stsError(403, 'AccessDenied', `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
  const target = parseRoleArn(roleArn);
  const account = target && ctx.account(target.accountId);
  const role = account && assumableRolesOf(account).find((candidate) => candidate.roleName === target.roleName);
  if (!target || !role) throw denied();
  if (role.trustedRoles && !role.trustedRoles.includes(caller.session.roleName)) throw denied();
  if (role.externalId !== undefined && externalId !== role.externalId) throw denied();

  const session = {
    kind: 'assumed',
    accountId: target.accountId,
    roleName: role.roleName,
    sessionName,
    roleArn,
    sourceAccessKeyId: caller.accessKeyId,
  } as const;
  const credentials = ctx.credentials.issueAssumed(session, duration);
  return response('AssumeRole', [
    '<AssumedRoleUser>',
    `  ${element('AssumedRoleId', assumedRoleId(session))}`,
    `  ${element('Arn', assumedRoleArn(session))}`,
    '</AssumedRoleUser>',
    '<Credentials>',
    `  ${element('AccessKeyId', credentials.accessKeyId)}`,
    `  ${element('SecretAccessKey', credentials.secretAccessKey)}`,
    `  ${element('SessionToken', credentials.sessionToken)}`,
    `  ${element('Expiration', isoSeconds(credentials.expiration))}`,
    '</Credentials>',
  ]);
};

const getCallerIdentity = (session: RoleSession): ((requestId: string) => string) =>
  response('GetCallerIdentity', [
    element('Arn', assumedRoleArn(session)),
    element('UserId', assumedRoleId(session)),
    element('Account', session.accountId),
  ]);

const handler =
  (ctx: EmulatorContext): Route['handler'] =>
  ({ req, res, url, body }) => {
    // The server's clock, so SDKs can correct their skew from it.
    res.setHeader('date', new Date(ctx.now()).toUTCString());
    const caller = authenticate(ctx, req, url, body ?? '');
    const params = parametersOf(url, body);
    const action = params.get('Action');
    if (action === null || action === '') throw stsError(400, 'MissingAction', 'Missing Action');
    const givenVersion = params.get('Version');
    if (givenVersion !== version || !Object.hasOwn(operations, action)) {
      throw stsError(400, 'InvalidAction', `Could not find operation ${action} for version ${givenVersion ?? 'NO_VERSION_SPECIFIED'}`);
    }
    const render = action === 'AssumeRole' ? assumeRole(ctx, caller, params) : getCallerIdentity(caller.session);
    sendXml(res, 200, render);
  };

const operationOf = (url: URL, body: string | undefined): OperationName | undefined => {
  const action = parametersOf(url, body).get('Action') ?? '';
  return Object.hasOwn(operations, action) ? operations[action] : undefined;
};

export const stsRoutes = (ctx: EmulatorContext): Route[] => [
  { method: 'POST', path: '/', operation: operationOf, family: 'sts', bufferBody: true, handler: handler(ctx) },
  { method: 'GET', path: '/', operation: operationOf, family: 'sts', bufferBody: true, handler: handler(ctx) },
];
