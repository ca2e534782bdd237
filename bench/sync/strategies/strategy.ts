import { ListAccountRolesCommand, ListAccountsCommand, SSOClient } from '@aws-sdk/client-sso';

/** What every sync strategy gets: where the portal is and a signed-in access token. */
export interface StrategyContext {
  readonly region: string;
  readonly portalEndpoint: string;
  readonly accessToken: string;
  /** maxResults for every page; the same for all strategies so call counts compare. */
  readonly pageSize: number;
}

/** What a strategy listed: role names per account, and the accounts it gave up on. */
export interface Listing {
  readonly roles: ReadonlyMap<string, readonly string[]>;
  readonly failed: readonly string[];
}

export interface Strategy {
  readonly name: string;
  /** One line: what it does, and which tool's documented behaviour it re-implements. */
  readonly summary: string;
  run(context: StrategyContext): Promise<Listing>;
}

/** Wraps one portal call with a strategy's pacing and retry policy. */
export type CallPolicy = <T>(send: () => Promise<T>) => Promise<T>;

export const direct: CallPolicy = (send) => send();

/** A portal client; `maxAttempts` undefined keeps the SDK's default retry strategy. */
export const portalClient = (context: StrategyContext, maxAttempts?: number): SSOClient =>
  new SSOClient({ region: context.region, endpoint: context.portalEndpoint, ...(maxAttempts === undefined ? {} : { maxAttempts }) });

/** Every account id, page by page, each call through `policy`. */
export const listAccountIds = async (client: SSOClient, context: StrategyContext, policy: CallPolicy): Promise<string[]> => {
  const ids: string[] = [];
  let nextToken: string | undefined;
  // Bounded by the directory: the emulator's tokens only move forward.
  for (let page = 0; page < 100_000; page += 1) {
    const answer = await policy(() =>
      client.send(new ListAccountsCommand({ accessToken: context.accessToken, maxResults: context.pageSize, nextToken })),
    );
    for (const account of answer.accountList ?? []) if (account.accountId) ids.push(account.accountId);
    nextToken = answer.nextToken || undefined;
    if (!nextToken) break;
  }
  return ids;
};

/** Every role name of one account, page by page, each call through `policy`. */
export const listRoleNames = async (
  client: SSOClient,
  context: StrategyContext,
  accountId: string,
  policy: CallPolicy,
): Promise<string[]> => {
  const names: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < 100_000; page += 1) {
    const answer = await policy(() =>
      client.send(new ListAccountRolesCommand({ accessToken: context.accessToken, accountId, maxResults: context.pageSize, nextToken })),
    );
    for (const role of answer.roleList ?? []) if (role.roleName) names.push(role.roleName);
    nextToken = answer.nextToken || undefined;
    if (!nextToken) break;
  }
  return names;
};

export const isTooManyRequests = (error: unknown): boolean =>
  (error as { name?: string } | null)?.name === 'TooManyRequestsException' ||
  (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode === 429;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** A fixed-rate gate: callers start at most `perSecond` times a second, waiting on a timer. */
export const fixedRateGate = (perSecond: number): (() => Promise<void>) => {
  let nextAt = 0;
  return async () => {
    const now = performance.now();
    const at = Math.max(now, nextAt);
    nextAt = at + 1_000 / perSecond;
    if (at > now) await sleep(at - now);
  };
};
