import type { Instance } from '../instances';

/** The Identity Center instance the unit tests and benchmarks talk about when any one will do. */
export const acmeInstance: Instance = {
  id: 'acme',
  label: 'Acme',
  startUrl: 'https://d-1234567890.awsapps.com/start',
  region: 'eu-west-1',
  ssoSessionName: 'acme',
};
