import { CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';

/** What a device sign-in needs from a local emulator (structural, so app/ need not import emulator/). */
export interface DeviceSignInTarget {
  readonly oidcEndpoint: string;
  readonly region: string;
  readonly startUrl: string;
  approveDevice(userCode: string): void;
}

/**
 * Gets an access token from a local emulator with the device flow, straight through the SDK,
 * so directory tests and the benchmark do not depend on Rolecall's own sign-in code.
 */
export const signInWithDeviceCode = async (target: DeviceSignInTarget): Promise<string> => {
  const oidc = new SSOOIDCClient({ region: target.region, endpoint: target.oidcEndpoint });
  try {
    const client = await oidc.send(
      new RegisterClientCommand({ clientName: 'rolecall-directory-tests', clientType: 'public', scopes: ['sso:account:access'] }),
    );
    const credentials = { clientId: client.clientId, clientSecret: client.clientSecret };
    const device = await oidc.send(new StartDeviceAuthorizationCommand({ ...credentials, startUrl: target.startUrl }));
    if (!device.userCode || !device.deviceCode) throw new Error('the emulator issued no device code');
    target.approveDevice(device.userCode);
    const token = await oidc.send(
      new CreateTokenCommand({ ...credentials, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: device.deviceCode }),
    );
    if (!token.accessToken) throw new Error('the emulator issued no access token');
    return token.accessToken;
  } finally {
    oidc.destroy();
  }
};
