import type { DirectoryFile } from '../options';

/**
 * The directory the role-chaining tests share: `prod` holds the Identity Center roles a
 * chain starts from, `shared` the IAM roles it reaches. Deployer trusts only the
 * AdministratorAccess permission set (so ReadOnly is refused, with the emulator's
 * trust-policy message); Partner trusts everyone but wants ExternalId `partner-7`.
 * `shared` is one of the user's accounts too (Developer), so its name is known.
 */

export const CHAIN_SOURCE_ACCOUNT = '111111111111';
export const CHAIN_TARGET_ACCOUNT = '222222222222';
export const deployerArn = `arn:aws:iam::${CHAIN_TARGET_ACCOUNT}:role/Deployer`;
export const partnerArn = `arn:aws:iam::${CHAIN_TARGET_ACCOUNT}:role/Partner`;
export const partnerExternalId = 'partner-7';

export const chainingDirectory: DirectoryFile = {
  accounts: [
    {
      accountId: CHAIN_SOURCE_ACCOUNT,
      accountName: 'prod',
      emailAddress: 'prod@example.com',
      roles: ['AdministratorAccess', 'ReadOnly'],
    },
    {
      accountId: CHAIN_TARGET_ACCOUNT,
      accountName: 'shared',
      emailAddress: 'shared@example.com',
      roles: ['Developer'],
      assumableRoles: [
        { roleName: 'Deployer', trustedRoles: ['AdministratorAccess'] },
        { roleName: 'Partner', externalId: partnerExternalId },
      ],
    },
  ],
};
