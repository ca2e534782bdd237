import { StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './options';
import { createDeviceToken, isolateHome, oidcClient, quietEmulator, registerDeviceClient } from './test-support/test-helpers';

beforeAll(() => {
  isolateHome();
});

let emu: RunningEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

/** Submits the device page's form the way a browser does for the pressed button. */
const press = async (e: RunningEmulator, button: 'approve' | 'deny', userCode: string) => {
  const res = await fetch(`${e.url}/device/${button}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user_code: userCode }).toString(),
  });
  return { status: res.status, html: await res.text() };
};

describe('device verification page', () => {
  it('shows the prefilled code with Allow and Deny, and Allow completes the sign-in', async () => {
    emu = await quietEmulator();
    const oidc = oidcClient(emu);
    const client = await registerDeviceClient(oidc);
    const device = await oidc.send(
      new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: emu.startUrl }),
    );
    const page = await fetch(device.verificationUriComplete ?? '');
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain(`<p class="code" id="user-code">${device.userCode}</p>`);
    expect(html).toMatch(/<form method="post" action="\/device\/approve"/);
    expect(html).toContain('<button type="submit" id="allow">Allow</button>');
    expect(html).toContain('<button type="submit" id="deny" formaction="/device/deny">Deny</button>');
    expect(html).not.toContain('<script');

    // Typed in lower case with a space, as people do.
    const result = await press(emu, 'approve', (device.userCode ?? '').toLowerCase().replace('-', ' '));
    expect(result.status).toBe(200);
    expect(result.html).toMatch(/id="result" data-result="approved">Request approved/);
    const token = await createDeviceToken(oidc, client, device);
    expect(token.accessToken).toBeTruthy();
  });

  it('offers an input when no code is given, explains bad codes, and Deny shows "Request denied"', async () => {
    emu = await quietEmulator();
    const blank = await (await fetch(`${emu.url}/device`)).text();
    expect(blank).toMatch(/<input type="text" id="user-code" name="user_code"/);
    const unknown = await press(emu, 'approve', 'ZZZZ-ZZZZ');
    expect(unknown.status).toBe(400);
    expect(unknown.html).toMatch(/id="error">That code is not valid/);

    const oidc = oidcClient(emu);
    const client = await registerDeviceClient(oidc);
    const device = await oidc.send(
      new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: emu.startUrl }),
    );
    const denied = await press(emu, 'deny', device.userCode ?? '');
    expect(denied.html).toMatch(/id="result" data-result="denied">Request denied/);
    const again = await press(emu, 'approve', device.userCode ?? '');
    expect(again.html).toMatch(/already been used/);
  });

  it('escapes whatever comes in the query', async () => {
    emu = await quietEmulator();
    const html = await (await fetch(`${emu.url}/device?user_code=${encodeURIComponent('<script>alert(1)</script>')}`)).text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('serves the access portal at the start URL', async () => {
    emu = await quietEmulator();
    const res = await fetch(emu.startUrl);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<b id="region">us-east-1</b>');
    expect(html).toContain('<b id="account-count">5</b>');
  });

  it('answers unknown paths and wrong methods with typed 404/405 errors', async () => {
    emu = await quietEmulator();
    const missing = await fetch(`${emu.url}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect((await fetch(`${emu.url}/token`)).status).toBe(405);
  });
});
