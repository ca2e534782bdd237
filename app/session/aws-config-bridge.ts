import { applyPopulate, readConfigFile } from '../aws-config/config-file';
import { planPopulate } from '../aws-config/populate';
import type { PopulateRole } from '../aws-config/populate';
import type { AwsConfigResult } from '../ipc/contract';
import type { Instance } from '../model/instances';

/**
 * "Add as AWS profile" and "Add all" from the app: the same edit as `rolecall config
 * populate` with its defaults (template `{account_name}-{role_name}`, a backup, no prune).
 */
export const addProfilesToAwsConfig = async (options: {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly instance: Instance;
  readonly roles: readonly PopulateRole[];
}): Promise<AwsConfigResult> => {
  const file = await readConfigFile(options.env);
  const plan = planPopulate({
    text: file.text,
    source: file.path,
    instanceId: options.instance.id,
    session: { name: options.instance.ssoSessionName, startUrl: options.instance.startUrl, region: options.instance.region },
    roles: options.roles,
  });
  const result = await applyPopulate({ env: options.env, plan, dryRun: false });
  return {
    path: result.path,
    profiles: [...plan.added, ...plan.updated, ...plan.unchanged].map((change) => change.profile),
    ...(result.backupPath ? { backupPath: result.backupPath } : {}),
  };
};
