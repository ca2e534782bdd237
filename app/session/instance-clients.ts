import type { SSOClient } from '@aws-sdk/client-sso';
import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import type { Clock } from '../ports/clock';
import { AdaptiveLimiter } from '../directory/adaptive-limiter';
import { createOidcClient, createPortalClient } from '../identity-center/clients';
import type { Instance } from '../model/instances';

interface ClientSet {
  readonly oidc: SSOOIDCClient;
  readonly portal: SSOClient;
  /** The sync's own limiter handles throttling, so its client must not retry behind its back. */
  readonly syncPortal: SSOClient;
  /** Kept per instance so the rate learned from throttling carries over to the next sync. */
  readonly syncLimiter: AdaptiveLimiter;
}

/**
 * One set of AWS clients per instance, created on first use: instances in different
 * regions (or partitions) never share a client, a limiter, or a connection.
 */
export class InstanceClients {
  private readonly sets = new Map<string, ClientSet>();

  constructor(private readonly clock: Clock) {}

  of(instance: Instance): ClientSet {
    let set = this.sets.get(instance.id);
    if (!set) {
      set = {
        oidc: createOidcClient(instance),
        portal: createPortalClient(instance),
        syncPortal: createPortalClient(instance, { maxAttempts: 1 }),
        syncLimiter: new AdaptiveLimiter({ clock: this.clock }),
      };
      this.sets.set(instance.id, set);
    }
    return set;
  }

  /** Closes an instance's connections (removed instance, shutdown). */
  drop(instanceId: string): void {
    const set = this.sets.get(instanceId);
    if (!set) return;
    set.oidc.destroy();
    set.portal.destroy();
    set.syncPortal.destroy();
    this.sets.delete(instanceId);
  }

  dropAll(): void {
    for (const id of [...this.sets.keys()]) this.drop(id);
  }
}
