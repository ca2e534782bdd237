import { portalError } from './api-error';
import type { EmulatorContext } from './context';
import type { DirectoryAccount } from './directory-seed';
import { readBody, sendEmpty, sendJson, type RouteContext, type Route } from './http';
import { paginate } from './pagination';

/** The SSO portal: ListAccounts, ListAccountRoles, GetRoleCredentials, Logout. */

const bearer = (req: RouteContext['req']): string | undefined => {
  const value = req.headers['x-amz-sso_bearer_token'];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const required = (url: URL, name: string, member: string): string => {
  const value = url.searchParams.get(name);
  if (value === null || value === '') throw portalError('InvalidRequestException', `${member} is required`);
  return value;
};

/**
 * What the real portal answers for an account or role that is not assigned to the user:
 *
 * - GetRoleCredentials: `403 ForbiddenException` "No access". Not in the service model
 *   (botocore data/sso/2019-06-10/service-2.json lists only InvalidRequest, Unauthorized,
 *   TooManyRequests and ResourceNotFound), but it is what every user report shows, e.g.
 *   aws/aws-sam-cli#2129 ("ForbiddenException when calling the GetRoleCredentials
 *   operation: No access" for a wrong sso_role_name), aws/aws-cli#6316 and #7871,
 *   fwdcloudsec/granted#276 ("StatusCode: 403 … api error ForbiddenException: No access").
 * - ListAccountRoles: `404 ResourceNotFoundException`, kept. The model declares
 *   ResourceNotFoundException for it, and no public report shows ForbiddenException from
 *   ListAccountRoles: the reports all name GetRoleCredentials, and
 *   alchemy-run/distilled#281 notes that `aws sso list-account-roles` may still list a role
 *   whose GetRoleCredentials answers ForbiddenException. Rolecall's directory sync
 *   (app/directory/sync.ts) drops an account that answers ResourceNotFound.
 */
const listedAccount = (ctx: EmulatorContext, accountId: string): DirectoryAccount => {
  const account = ctx.account(accountId);
  if (!account) throw portalError('ResourceNotFoundException', 'No access');
  return account;
};

const noAccess = () => portalError('ForbiddenException', 'No access');

export const portalRoutes = (ctx: EmulatorContext): Route[] => [
  {
    method: 'GET',
    path: '/assignment/accounts',
    operation: 'ListAccounts',
    family: 'portal',
    handler: ({ req, res, url }) => {
      ctx.tokens.authorize(bearer(req));
      const page = paginate(ctx.directory, url.searchParams, 'accounts', ctx.settings.defaultPageSize);
      sendJson(res, 200, {
        accountList: page.items.map(({ accountId, accountName, emailAddress }) => ({ accountId, accountName, emailAddress })),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      });
    },
  },
  {
    method: 'GET',
    path: '/assignment/roles',
    operation: 'ListAccountRoles',
    family: 'portal',
    handler: ({ req, res, url }) => {
      ctx.tokens.authorize(bearer(req));
      const account = listedAccount(ctx, required(url, 'account_id', 'accountId'));
      const page = paginate(account.roles, url.searchParams, `roles:${account.accountId}`, ctx.settings.defaultPageSize);
      sendJson(res, 200, {
        roleList: page.items.map((roleName) => ({ roleName, accountId: account.accountId })),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      });
    },
  },
  {
    method: 'GET',
    path: '/federation/credentials',
    operation: 'GetRoleCredentials',
    family: 'portal',
    handler: ({ req, res, url }) => {
      ctx.tokens.authorize(bearer(req));
      const roleName = required(url, 'role_name', 'roleName');
      const account = ctx.account(required(url, 'account_id', 'accountId'));
      if (!account?.roles.includes(roleName)) throw noAccess();
      sendJson(res, 200, { roleCredentials: ctx.credentials.issue(account.accountId, roleName, ctx.settings.userName) });
    },
  },
  {
    method: 'POST',
    path: '/logout',
    operation: 'Logout',
    family: 'portal',
    handler: async ({ req, res }) => {
      await readBody(req);
      ctx.tokens.logout(bearer(req));
      sendEmpty(res);
    },
  },
];
