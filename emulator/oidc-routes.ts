import { oidcError } from './api-error';
import { grantTypes } from './clients';
import type { EmulatorContext } from './context';
import { readJsonObject, sendJson, type Route } from './http';

/** SSO OIDC: RegisterClient, StartDeviceAuthorization, CreateToken. */

const invalidRequest = (why: string) => oidcError('InvalidRequestException', why);

const sameStartUrl = (given: string, expected: string): boolean => {
  try {
    const a = new URL(given);
    const b = new URL(expected);
    return a.origin === b.origin && a.pathname.replace(/\/+$/, '') === b.pathname;
  } catch {
    return false;
  }
};

export const oidcRoutes = (ctx: EmulatorContext): Route[] => [
  {
    method: 'POST',
    path: '/client/register',
    operation: 'RegisterClient',
    family: 'oidc',
    handler: async ({ req, res }) => {
      const client = ctx.clients.register(await readJsonObject(req, invalidRequest));
      const offersCode = client.grantTypes.includes(grantTypes.authorizationCode);
      sendJson(res, 200, {
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        clientIdIssuedAt: Math.floor(client.issuedAt / 1000),
        clientSecretExpiresAt: Math.floor(client.expiresAt / 1000),
        ...(offersCode ? { authorizationEndpoint: `${ctx.baseUrl()}/authorize`, tokenEndpoint: `${ctx.baseUrl()}/token` } : {}),
      });
    },
  },
  {
    method: 'POST',
    path: '/device_authorization',
    operation: 'StartDeviceAuthorization',
    family: 'oidc',
    handler: async ({ req, res }) => {
      const body = await readJsonObject(req, invalidRequest);
      const client = ctx.clients.authenticate(body.clientId, body.clientSecret);
      if (typeof body.startUrl !== 'string' || body.startUrl === '') throw invalidRequest('startUrl is required');
      // A start URL for another instance is a configuration mistake worth failing loudly on.
      if (!sameStartUrl(body.startUrl, `${ctx.baseUrl()}/start`))
        throw invalidRequest(`startUrl is not this instance's start URL (${ctx.baseUrl()}/start)`);
      sendJson(res, 200, ctx.deviceCodes.start(client, `${ctx.baseUrl()}/device`));
    },
  },
  {
    method: 'POST',
    path: '/token',
    operation: 'CreateToken',
    family: 'oidc',
    handler: async ({ req, res }) => {
      const body = await readJsonObject(req, invalidRequest);
      const client = ctx.clients.authenticate(body.clientId, body.clientSecret);
      switch (body.grantType) {
        case grantTypes.deviceCode:
          ctx.deviceCodes.poll(client, body.deviceCode);
          sendJson(res, 200, ctx.tokens.startSession(client));
          return;
        case grantTypes.authorizationCode:
          ctx.authorizationCodes.exchange(client, body);
          sendJson(res, 200, ctx.tokens.startSession(client));
          return;
        case grantTypes.refreshToken:
          sendJson(res, 200, ctx.tokens.refresh(client, body.refreshToken));
          return;
        case undefined:
        case null:
        case '':
          throw invalidRequest('grantType is required');
        default:
          throw oidcError('UnsupportedGrantTypeException', `Unsupported grant type: ${String(body.grantType).slice(0, 80)}`);
      }
    },
  },
];
