import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The real AWS CLI v2 (AWS_CLI_V2_PATH, else Debian's /usr/bin/aws), or undefined; see scripts/ensure-awscli.mjs. */
export const awsCliV2 = (): string | undefined => {
  for (const candidate of [process.env.AWS_CLI_V2_PATH, '/usr/bin/aws'].filter((c): c is string => Boolean(c))) {
    if (!existsSync(candidate)) continue;
    const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    if (probe.status === 0 && /^aws-cli\/2\./.test(`${probe.stdout}${probe.stderr}`.trim())) return candidate;
  }
  return undefined;
};

const parameters = (sts: boolean) => ({
  Region: { builtIn: 'AWS::Region', required: false, documentation: 'The AWS region used to dispatch the request.', type: 'String' },
  UseDualStack: { builtIn: 'AWS::UseDualStack', required: true, default: false, documentation: 'Dual-stack.', type: 'Boolean' },
  UseFIPS: { builtIn: 'AWS::UseFIPS', required: true, default: false, documentation: 'FIPS.', type: 'Boolean' },
  Endpoint: { builtIn: 'SDK::Endpoint', required: false, documentation: 'Override the endpoint used to send this request', type: 'String' },
  ...(sts
    ? {
        UseGlobalEndpoint: {
          builtIn: 'AWS::STS::UseGlobalEndpoint',
          required: true,
          default: false,
          documentation: 'Global endpoint.',
          type: 'Boolean',
        },
      }
    : {}),
});

/**
 * AWS_DATA_PATH for the AWS CLI v2 2.9 (which predates AWS_ENDPOINT_URL_*): endpoint rule
 * sets for sso-oidc, sso and sts whose only rule answers the emulator's URL.
 */
export const writeEndpointRuleSets = async (dir: string, url: string): Promise<void> => {
  for (const [service, apiVersion] of [
    ['sso-oidc', '2019-06-10'],
    ['sso', '2019-06-10'],
    ['sts', '2011-06-15'],
  ] as const) {
    await mkdir(join(dir, service, apiVersion), { recursive: true });
    const ruleSet = {
      version: '1.0',
      parameters: parameters(service === 'sts'),
      rules: [{ conditions: [], endpoint: { url, properties: {}, headers: {} }, type: 'endpoint' }],
    };
    await writeFile(join(dir, service, apiVersion, 'endpoint-rule-set-1.json'), JSON.stringify(ruleSet));
  }
};
