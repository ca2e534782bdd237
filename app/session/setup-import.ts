import { discoverSetups, isUsableToken } from '../aws-config/import-setups';
import type { SetupDiscovery, SetupImportResult, SkippedSetup } from '../model/setups';
import type { CoreState } from './core-state';
import type { InstanceLifecycle } from './instance-lifecycle';
import type { InstanceRuntime } from './runtime';
import { holdToken, liveToken } from './session-state';
import { withTokenLock } from './session-tokens';
import type { TokenVault } from './token-vault';

/**
 * Adds the Identity Center set-ups found in the user's AWS CLI config as instances (see
 * aws-config/import-setups). A still-valid token the AWS CLI cached for one is used, so the
 * instance is signed in without a new sign-in. The config file is only read.
 */
export class SetupImporter {
  constructor(
    private readonly state: CoreState,
    private readonly lifecycle: InstanceLifecycle,
    private readonly vault: TokenVault,
    /** Called for each instance that arrives signed in (the shells sync its account list). */
    private readonly onSignedIn: (runtime: InstanceRuntime) => void,
  ) {}

  private discover() {
    return discoverSetups({
      env: this.state.ports.env ?? process.env,
      instances: this.state.settings().instances,
      now: this.state.ports.clock.now(),
    });
  }

  /** What the config holds, without any token. */
  async find(): Promise<SetupDiscovery> {
    const { path, exists, setups, skipped } = await this.discover();
    return { path, exists, setups, skipped };
  }

  /** Adds the named set-ups (all new ones without `names`); those already configured are reported, not added twice. */
  async import(names?: readonly string[]): Promise<SetupImportResult> {
    const found = await this.discover();
    const skipped: SkippedSetup[] = [];
    const imported: { instanceId: string; label: string; signedIn: boolean }[] = [];
    for (const name of names ?? []) {
      if (!found.setups.some((setup) => setup.name === name))
        skipped.push({ section: name, reason: `No Identity Center set-up called "${name}" is in ${found.path}.` });
    }
    for (const setup of found.setups) {
      if (names && !names.includes(setup.name)) continue;
      if (setup.configuredAs !== undefined) {
        skipped.push({ section: setup.section, reason: `${setup.name} is already configured as "${setup.configuredAs}".` });
        continue;
      }
      const taken = new Set(this.state.settings().instances.map((instance) => instance.ssoSessionName));
      let ssoSessionName = setup.name;
      for (let n = 2; taken.has(ssoSessionName) && n < 10_000; n += 1) ssoSessionName = `${setup.name}-${n}`;
      const runtime = await this.lifecycle.add({ startUrl: setup.startUrl, region: setup.region, label: setup.name, ssoSessionName });
      const now = this.state.ports.clock.now();
      const token = found.tokens.get(setup.name);
      if (!liveToken(runtime, now) && isUsableToken(token, now)) {
        // Loading found no token of its own (AWS CLI interop off, or the cache is keyed under
        // another name): keep the cached one as Rolecall's, so later commands find it too.
        await withTokenLock(this.state.ports.cacheDir, runtime.instance.id, async () => {
          holdToken(runtime, token, 'aws-cli-cache');
          await this.vault.save(runtime.instance, token, false);
        });
      }
      const signedIn = liveToken(runtime, this.state.ports.clock.now()) !== undefined;
      if (signedIn) this.onSignedIn(runtime);
      imported.push({ instanceId: runtime.instance.id, label: runtime.instance.label, signedIn });
    }
    this.state.changed();
    return { imported, skipped };
  }
}
