/** sso-sessions, legacy profiles, duplicates of both, comments and a broken set-up. */
export const IMPORT_FIXTURE = `# kept by hand; do not reorder
[default]
region = us-east-1

; the company portal
[sso-session corp]
sso_start_url = https://d-1111111111.awsapps.com/start/
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile corp-admin]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = AdministratorAccess

[sso-session corp-again]
# the same portal and region under another name: offered once
sso_start_url = https://d-1111111111.awsapps.com/start
sso_region = eu-west-1

[profile legacy-dev]
sso_start_url = https://d-2222222222.awsapps.com/start
sso_region = us-west-2
sso_account_id = 222222222222
sso_role_name = Developer

[profile legacy-dev-ro]
sso_start_url = https://d-2222222222.awsapps.com/start
sso_region = us-west-2
sso_account_id = 222222222222
sso_role_name = ReadOnly

[profile legacy-corp]
# a legacy profile for the corp portal joins the sso-session
sso_start_url = https://d-1111111111.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 111111111111
sso_role_name = ReadOnly

[sso-session broken]
sso_start_url = https://d-3333333333.awsapps.com/start
`;
