import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { adminRoutes } from './admin-routes';
import { ApiError, internalError, throttledError } from './api-error';
import { browserRoutes } from './browser-routes';
import { createContext, revokeEverything, type EmulatorContext } from './context';
import type { DecisionResult } from './device-codes';
import { resolveDirectory } from './directory-seed';
import { federationRoutes } from './federation-routes';
import { parseFaultConfig } from './faults';
import { matchRoute, readBody, sendApiError, type Route } from './http';
import { oidcRoutes } from './oidc-routes';
import type { EmulatorOptions, OperationName, RunningEmulator } from './options';
import { portalRoutes } from './portal-routes';
import { resolveSettings } from './settings';
import { stsRoutes } from './sts/sts-routes';

/** Starts the local IAM Identity Center emulator on 127.0.0.1 (OIDC, portal, federation, pages, admin). */
export const startEmulator = async (options: EmulatorOptions = {}): Promise<RunningEmulator> => {
  const settings = resolveSettings(options);
  const directory = resolveDirectory(options.directory);
  const faults = parseFaultConfig(options.faults ?? {});
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let baseUrl = '';
  const ctx = createContext({ settings, directory, faults, now: options.now ?? Date.now, baseUrl: () => baseUrl });
  const routes: readonly Route[] = [
    ...oidcRoutes(ctx),
    ...portalRoutes(ctx),
    ...federationRoutes(ctx),
    ...browserRoutes(ctx),
    ...adminRoutes(ctx),
    ...stsRoutes(ctx),
  ];
  const closing = new AbortController();

  const server = createServer((req, res) => {
    const started = performance.now();
    let operation: OperationName | undefined;
    res.on('close', () => {
      const status = res.writableFinished ? String(res.statusCode) : 'dropped';
      const path = (req.url ?? '/').split('?')[0];
      // Path only: queries and bodies can carry tokens, codes and keys.
      log(`${req.method} ${path} ${status} ${Math.round(performance.now() - started)}ms${operation ? ` ${operation}` : ''}`);
    });
    void handle(ctx, routes, req, res, closing.signal, (op) => {
      operation = op;
    }).catch((error: unknown) => {
      log(`emulator error: ${error instanceof Error ? error.message : String(error)}`);
      if (operation) ctx.faults.recordError(operation);
      if (!res.headersSent) sendApiError(res, new ApiError(500, 'InternalServerException', { message: 'Emulator failure' }));
      else res.destroy();
    });
  });
  // Keep-alive sockets would otherwise hold close() open.
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const decideOrThrow = (userCode: string, allow: boolean): void => {
    const result: DecisionResult = ctx.deviceCodes.decide(userCode, allow);
    if (result !== 'approved' && result !== 'denied')
      throw new Error(`Cannot ${allow ? 'approve' : 'deny'} user code ${userCode}: ${result}`);
  };

  let closed: Promise<void> | undefined;
  return {
    url: baseUrl,
    startUrl: `${baseUrl}/start`,
    region: settings.region,
    oidcEndpoint: baseUrl,
    portalEndpoint: baseUrl,
    federationEndpoint: `${baseUrl}/federation`,
    stsEndpoint: baseUrl,
    approveDevice: (userCode) => decideOrThrow(userCode, true),
    denyDevice: (userCode) => decideOrThrow(userCode, false),
    pendingUserCodes: () => ctx.deviceCodes.pending(),
    revokeAll: () => revokeEverything(ctx),
    setFaults: (config) => ctx.faults.set(config),
    counters: () => ctx.faults.counters(),
    resetCounters: () => ctx.faults.reset(),
    credentialsOwner: (accessKeyId) => ctx.credentials.owner(accessKeyId),
    expireCredentials: (accessKeyId) => ctx.credentials.expire(accessKeyId),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
};

const handle = async (
  ctx: EmulatorContext,
  routes: readonly Route[],
  req: IncomingMessage,
  res: ServerResponse,
  closing: AbortSignal,
  noteOperation: (op: OperationName) => void,
): Promise<void> => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const { route, allowed } = matchRoute(routes, req.method ?? 'GET', url.pathname);
  if (!route) {
    const error =
      allowed.length > 0
        ? new ApiError(405, 'MethodNotAllowed', { message: `Use ${allowed.join(' or ')} for ${url.pathname}` })
        : new ApiError(404, 'UnknownOperationException', { message: `No operation at ${req.method} ${url.pathname}` });
    sendApiError(res, error);
    return;
  }
  let body: string | undefined;
  if (route.bufferBody) {
    try {
      body = await readBody(req);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      sendApiError(res, error);
      return;
    }
  }
  const operation = typeof route.operation === 'function' ? route.operation(url, body) : route.operation;
  if (operation) {
    noteOperation(operation);
    const decision = ctx.faults.decide(operation);
    if (decision.delayMs > 0) {
      try {
        await sleep(decision.delayMs, undefined, { signal: closing });
      } catch {
        req.socket.destroy();
        return;
      }
    }
    const family = route.family ?? 'portal';
    switch (decision.kind) {
      case 'throttle':
        sendApiError(res, throttledError(family));
        return;
      case 'error':
        sendApiError(res, internalError(family));
        return;
      case 'drop':
        req.socket.destroy();
        return;
      case 'ok':
        break;
    }
  }
  try {
    await route.handler({ req, res, url, ...(body !== undefined ? { body } : {}) });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    sendApiError(res, error);
  }
};
