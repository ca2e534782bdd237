import { AdaptiveLimiter } from '../../../app/directory/adaptive-limiter';
import { syncDirectory } from '../../../app/directory/sync';
import { portalClient } from './strategy';
import type { Listing, Strategy } from './strategy';

/** Rolecall's own sync: every call through the adaptive limiter, SDK retries off. */
export const rolecallStrategy: Strategy = {
  name: 'rolecall',
  summary: 'adaptive limiter: learns the rate from 429s, jittered retries (12 attempts)',
  async run(context): Promise<Listing> {
    const client = portalClient(context, 1);
    try {
      const { directory, dropped } = await syncDirectory({
        portal: client,
        accessToken: context.accessToken,
        instanceId: 'bench',
        pageSize: context.pageSize,
        limiter: new AdaptiveLimiter(),
      });
      const failed = [...directory.failedAccounts.map(({ accountId }) => accountId), ...dropped];
      const skipped = new Set(failed);
      const roles = new Map(
        directory.accounts.filter(({ accountId }) => !skipped.has(accountId)).map((account) => [account.accountId, account.roles] as const),
      );
      return { roles, failed };
    } finally {
      client.destroy();
    }
  },
};
