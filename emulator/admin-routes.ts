import { ApiError } from './api-error';
import { revokeEverything, type EmulatorContext } from './context';
import type { DecisionResult } from './device-codes';
import { parseFaultConfig } from './faults';
import { readJsonObject, sendJson, type Route } from './http';

/** /_emulator/*: test and demo controls (JSON in and out; never counted, throttled or faulted). */

const badRequest = (why: string) => new ApiError(400, 'BadRequest', { message: why });

const decisionStatus: Readonly<Record<DecisionResult, number>> = {
  approved: 200,
  denied: 200,
  unknown: 404,
  expired: 410,
  'already-decided': 409,
};

const decide =
  (ctx: EmulatorContext, allow: boolean): Route['handler'] =>
  async ({ req, res }) => {
    const body = await readJsonObject(req, badRequest);
    if (typeof body.userCode !== 'string' || body.userCode === '') throw badRequest('userCode is required');
    const result = ctx.deviceCodes.decide(body.userCode, allow);
    sendJson(res, decisionStatus[result], { userCode: body.userCode, result });
  };

export const adminRoutes = (ctx: EmulatorContext): Route[] => [
  { method: 'POST', path: '/_emulator/device/approve', handler: decide(ctx, true) },
  { method: 'POST', path: '/_emulator/device/deny', handler: decide(ctx, false) },
  { method: 'GET', path: '/_emulator/device/pending', handler: ({ res }) => sendJson(res, 200, { userCodes: ctx.deviceCodes.pending() }) },
  {
    method: 'POST',
    path: '/_emulator/revoke',
    handler: ({ res }) => {
      revokeEverything(ctx);
      sendJson(res, 200, { revoked: true });
    },
  },
  { method: 'GET', path: '/_emulator/faults', handler: ({ res }) => sendJson(res, 200, ctx.faults.get()) },
  {
    method: 'PUT',
    path: '/_emulator/faults',
    handler: async ({ req, res }) => {
      const body = await readJsonObject(req, badRequest);
      try {
        ctx.faults.set(parseFaultConfig(body));
      } catch (error) {
        throw badRequest((error as Error).message);
      }
      sendJson(res, 200, ctx.faults.get());
    },
  },
  { method: 'GET', path: '/_emulator/counters', handler: ({ res }) => sendJson(res, 200, ctx.faults.counters()) },
  {
    method: 'POST',
    path: '/_emulator/counters/reset',
    handler: ({ res }) => {
      ctx.faults.reset();
      sendJson(res, 200, ctx.faults.counters());
    },
  },
  {
    method: 'GET',
    path: '/_emulator/credentials',
    handler: ({ res, url }) => {
      const owner = ctx.credentials.owner(url.searchParams.get('accessKeyId') ?? '');
      if (!owner) throw new ApiError(404, 'NotFound', { message: 'No credentials with that accessKeyId were issued by this emulator' });
      sendJson(res, 200, owner);
    },
  },
  {
    method: 'POST',
    path: '/_emulator/credentials/expire',
    handler: async ({ req, res }) => {
      const body = await readJsonObject(req, badRequest);
      if (typeof body.accessKeyId !== 'string' || body.accessKeyId === '') throw badRequest('accessKeyId is required');
      if (!ctx.credentials.expire(body.accessKeyId))
        throw new ApiError(404, 'NotFound', { message: 'No credentials with that accessKeyId were issued by this emulator' });
      sendJson(res, 200, ctx.credentials.owner(body.accessKeyId));
    },
  },
];
