import type { EmulatorContext } from './context';
import { redirect, sendHtml, sendJson, sendText, type Route } from './http';
import { consolePage, errorPage } from './pages';

/** The sign-in federation endpoint (getSigninToken, login) and the fake console it lands on. */

const regionPattern = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** The console region a destination URL asks for: its `region=` query, else its `{region}.console.` host, else us-east-1. */
export const regionFromDestination = (destination: string): string => {
  const url = new URL(destination);
  const query = url.searchParams.get('region');
  if (query && regionPattern.test(query)) return query;
  const host = /^([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.console\./.exec(url.hostname);
  return host?.[1] ?? 'us-east-1';
};

const parseSession = (raw: string | null): Record<string, unknown> | undefined => {
  if (!raw) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

const isHttpUrl = (value: string): boolean => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

export const federationRoutes = (ctx: EmulatorContext): Route[] => [
  {
    method: 'GET',
    path: '/federation',
    // Only getSigninToken is an API call; login is a browser navigation.
    operation: (url) => (url.searchParams.get('Action') === 'getSigninToken' ? 'GetSigninToken' : undefined),
    family: 'federation',
    handler: ({ res, url }) => {
      const query = url.searchParams;
      const action = query.get('Action');
      if (action === 'getSigninToken') {
        const duration = query.get('SessionDuration');
        if (duration !== null && !(/^\d+$/.test(duration) && Number(duration) >= 900 && Number(duration) <= 43_200)) {
          sendText(res, 400, 'SessionDuration must be between 900 and 43200 seconds.');
          return;
        }
        const session = parseSession(query.get('Session'));
        // As at AWS: a session reached by role chaining keeps its own expiry; asking for another is refused.
        const chained = typeof session?.sessionId === 'string' && ctx.credentials.lookup(session.sessionId)?.session.kind === 'assumed';
        if (duration !== null && chained) {
          sendText(res, 400, 'SessionDuration cannot be used with credentials obtained by role chaining.');
          return;
        }
        const token = session && ctx.credentials.signinToken(session);
        if (!token) {
          sendText(res, 400, 'The Session parameter is missing, malformed, or holds credentials that are invalid or expired.');
          return;
        }
        sendJson(res, 200, { SigninToken: token });
        return;
      }
      if (action === 'login') {
        const destination = query.get('Destination') ?? '';
        const signinToken = query.get('SigninToken') ?? '';
        if (!isHttpUrl(destination)) {
          sendHtml(res, 400, errorPage('Sign-in failed', 'Destination must be an http(s) URL.'));
          return;
        }
        const session = ctx.credentials.login(signinToken, {
          region: regionFromDestination(destination),
          destination,
          issuer: query.get('Issuer') ?? '',
        });
        if (!session) {
          sendHtml(res, 400, errorPage('Sign-in failed', 'The sign-in token is invalid, expired or already used. Request a new one.'));
          return;
        }
        redirect(res, `${ctx.baseUrl()}/console?session=${encodeURIComponent(session)}`);
        return;
      }
      sendText(res, 400, 'Action must be getSigninToken or login.');
    },
  },
  {
    method: 'GET',
    path: '/console',
    handler: ({ res, url }) => {
      const session = ctx.credentials.consoleSession(url.searchParams.get('session') ?? '');
      if (!session) {
        sendHtml(res, 404, errorPage('Session not found', 'This console session does not exist or has expired.'));
        return;
      }
      sendHtml(res, 200, consolePage(session));
    },
  },
];
