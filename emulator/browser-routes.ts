import type { EmulatorContext } from './context';
import type { DecisionResult } from './device-codes';
import { readForm, redirect, sendHtml, type Route } from './http';
import { authorizePage, devicePage, deviceResultPage, errorPage, startPage } from './pages';

/** The pages a person sees: the access portal, device verification and authorization consent. */

const decisionProblem: Readonly<Record<Exclude<DecisionResult, 'approved' | 'denied'>, string>> = {
  unknown: 'That code is not valid. Check the code shown by the application and try again.',
  expired: 'That code has expired. Start the sign-in again in the application.',
  'already-decided': 'That code has already been used.',
};

const deviceDecision =
  (ctx: EmulatorContext, allow: boolean): Route['handler'] =>
  async ({ req, res }) => {
    const form = await readForm(req);
    const userCode = form.get('user_code') ?? '';
    const result = ctx.deviceCodes.decide(userCode, allow);
    if (result === 'approved' || result === 'denied') {
      sendHtml(res, 200, deviceResultPage(result));
      return;
    }
    sendHtml(res, 400, devicePage({ userCode, error: decisionProblem[result] }));
  };

export const browserRoutes = (ctx: EmulatorContext): Route[] => [
  {
    method: 'GET',
    path: '/start',
    handler: ({ res }) =>
      sendHtml(res, 200, startPage({ region: ctx.settings.region, accounts: ctx.directory.length, deviceUrl: `${ctx.baseUrl()}/device` })),
  },
  {
    method: 'GET',
    path: '/device',
    handler: ({ res, url }) => {
      const userCode = url.searchParams.get('user_code') ?? undefined;
      const state = userCode === undefined ? 'pending' : ctx.deviceCodes.describe(userCode);
      sendHtml(res, 200, devicePage(state === 'pending' ? { userCode } : { userCode, error: decisionProblem[state] }));
    },
  },
  { method: 'POST', path: '/device/approve', handler: deviceDecision(ctx, true) },
  { method: 'POST', path: '/device/deny', handler: deviceDecision(ctx, false) },
  {
    method: 'GET',
    path: '/authorize',
    handler: ({ res, url }) => {
      const begun = ctx.authorizationCodes.begin(url.searchParams);
      if ('error' in begun) {
        sendHtml(res, 400, errorPage('Cannot authorize', begun.error));
        return;
      }
      if (!ctx.settings.autoApprove) {
        sendHtml(res, 200, authorizePage(begun.request));
        return;
      }
      const decided = ctx.authorizationCodes.decide(begun.request.id, true);
      if ('location' in decided) redirect(res, decided.location);
      else sendHtml(res, 400, errorPage('Cannot authorize', decided.error));
    },
  },
  {
    method: 'POST',
    path: '/authorize/decision',
    handler: async ({ req, res }) => {
      const form = await readForm(req);
      const decided = ctx.authorizationCodes.decide(form.get('request') ?? '', form.get('decision') === 'allow');
      if ('location' in decided) redirect(res, decided.location);
      else sendHtml(res, 400, errorPage('Cannot authorize', decided.error));
    },
  },
];
