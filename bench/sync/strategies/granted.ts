import { fixedRateGate, listAccountIds, listRoleNames, portalClient } from './strategy';
import type { CallPolicy, Listing, Strategy } from './strategy';

/**
 * Re-implements granted's (common-fate/granted) documented SSO sync: every account's roles
 * requested in parallel with no bound, all through one shared limiter of 20 calls a second,
 * retries left to the SDK (15 retries: maxAttempts 16).
 */
export const grantedStrategy: Strategy = {
  name: 'granted',
  summary: 'unbounded parallel calls, one shared 20 calls/s limiter, 15 SDK retries',
  async run(context): Promise<Listing> {
    const client = portalClient(context, 16);
    const gate = fixedRateGate(20);
    const policy: CallPolicy = async (send) => {
      await gate();
      return send();
    };
    const roles = new Map<string, string[]>();
    const failed: string[] = [];
    try {
      const ids = await listAccountIds(client, context, policy);
      await Promise.all(
        ids.map((accountId) =>
          listRoleNames(client, context, accountId, policy).then(
            (names) => void roles.set(accountId, names),
            () => void failed.push(accountId),
          ),
        ),
      );
      return { roles, failed };
    } finally {
      client.destroy();
    }
  },
};
