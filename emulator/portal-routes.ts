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

const assignedAccount = (ctx: EmulatorContext, accountId: string): DirectoryAccount => {
  const account = ctx.account(accountId);
  if (!account) throw portalError('ResourceNotFoundException', 'No access');
  return account;
};

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
      const account = assignedAccount(ctx, required(url, 'account_id', 'accountId'));
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
      const account = assignedAccount(ctx, required(url, 'account_id', 'accountId'));
      if (!account.roles.includes(roleName)) throw portalError('ResourceNotFoundException', 'No access');
      sendJson(res, 200, { roleCredentials: ctx.credentials.issue(account.accountId, roleName) });
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
