import { fixedRateGate, isTooManyRequests, listAccountIds, listRoleNames, portalClient } from './strategy';
import type { CallPolicy, Listing, Strategy } from './strategy';

/**
 * Re-implements Leapp's (Noovolari/leapp) documented AWS SSO sync: one serial queue capped
 * at 5 calls a second; a throttled call goes back through the queue, up to 30 retries.
 */
export const leappStrategy: Strategy = {
  name: 'leapp',
  summary: 'serial queue at a fixed 5 calls/s, up to 30 retries',
  async run(context): Promise<Listing> {
    const client = portalClient(context, 1);
    const gate = fixedRateGate(5);
    const policy: CallPolicy = async (send) => {
      for (let retry = 0; ; retry += 1) {
        await gate();
        try {
          return await send();
        } catch (error) {
          if (!isTooManyRequests(error) || retry >= 30) throw error;
        }
      }
    };
    const roles = new Map<string, string[]>();
    const failed: string[] = [];
    try {
      for (const accountId of await listAccountIds(client, context, policy)) {
        await listRoleNames(client, context, accountId, policy).then(
          (names) => roles.set(accountId, names),
          () => failed.push(accountId),
        );
      }
      return { roles, failed };
    } finally {
      client.destroy();
    }
  },
};
