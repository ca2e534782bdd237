import type { AuthorizationRequest } from './authorization-codes';
import type { ConsoleSession } from './credential-store';

/** The emulator's browser pages: plain HTML forms with stable element ids, no scripts. */

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const style = `
  body { font-family: system-ui, sans-serif; background: #f2f3f3; color: #16191f; margin: 0; }
  header { background: #232f3e; color: #fff; padding: 12px 24px; font-weight: 600; }
  main { max-width: 560px; margin: 40px auto; background: #fff; padding: 24px 32px; border-radius: 8px; box-shadow: 0 1px 4px #0002; }
  .code { font: 600 28px ui-monospace, monospace; letter-spacing: 4px; }
  input[type=text] { font: 600 22px ui-monospace, monospace; letter-spacing: 3px; padding: 6px; width: 12em; }
  button { font-size: 16px; padding: 8px 20px; margin: 16px 8px 0 0; border-radius: 4px; border: 1px solid #879596; cursor: pointer; }
  button#allow { background: #ff9900; border-color: #ff9900; }
  .error { color: #d13212; }
  dt { font-weight: 600; margin-top: 8px; }
`;

const layout = (title: string, body: string): string => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)} · Rolecall emulator</title><style>${style}</style></head>
<body><header>AWS IAM Identity Center <small>(Rolecall local emulator)</small></header>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>
`;

/** GET /start: the access portal landing page a start URL opens. */
export const startPage = (info: { readonly region: string; readonly accounts: number; readonly deviceUrl: string }): string =>
  layout(
    'AWS access portal',
    `
<p id="portal">This is a local IAM Identity Center emulator in region <b id="region">${escapeHtml(info.region)}</b>
with <b id="account-count">${info.accounts}</b> accounts.</p>
<p>Signing in from Rolecall, the AWS CLI or an SDK shows a code; confirm it on the
<a id="device-link" href="${escapeHtml(info.deviceUrl)}">device verification page</a>.</p>`,
  );

/** GET /device: the code (prefilled from ?user_code or typed) and Allow/Deny. */
export const devicePage = (view: { readonly userCode?: string; readonly error?: string }): string => {
  const codeField =
    view.userCode && !view.error
      ? `<p>Confirm that this code matches the one shown by the application:</p>
<p class="code" id="user-code">${escapeHtml(view.userCode)}</p>
<input type="hidden" name="user_code" value="${escapeHtml(view.userCode)}">`
      : `<p><label for="user-code">Enter the code shown by the application:</label></p>
<p><input type="text" id="user-code" name="user_code" autocomplete="off" autofocus required
  placeholder="ABCD-EFGH" value="${escapeHtml(view.userCode ?? '')}"></p>`;
  return layout(
    'Authorize request',
    `
${view.error ? `<p class="error" id="error">${escapeHtml(view.error)}</p>` : ''}
<form method="post" action="/device/approve" id="device-form">
${codeField}
<p>Allow the application to access your AWS accounts and roles?</p>
<button type="submit" id="allow">Allow</button>
<button type="submit" id="deny" formaction="/device/deny">Deny</button>
</form>`,
  );
};

/** The page after Allow/Deny (or an error when the code was not valid). */
export const deviceResultPage = (outcome: 'approved' | 'denied'): string =>
  outcome === 'approved'
    ? layout(
        'Request approved',
        '<p id="result" data-result="approved">Request approved. You can close this window and return to the application.</p>',
      )
    : layout('Request denied', '<p id="result" data-result="denied">Request denied. The application will not get access.</p>');

/** GET /authorize: consent for the authorization-code grant. */
export const authorizePage = (request: AuthorizationRequest): string =>
  layout(
    'Allow access?',
    `
<p><b id="client-name">${escapeHtml(request.clientName)}</b> asks to access your AWS accounts
${request.scopes.length ? `with scopes <code id="scopes">${escapeHtml(request.scopes.join(' '))}</code>` : ''}.</p>
<p>You will return to <code id="redirect-uri">${escapeHtml(request.redirectUri)}</code>.</p>
<form method="post" action="/authorize/decision" id="authorize-form">
<input type="hidden" name="request" value="${escapeHtml(request.id)}">
<button type="submit" id="allow" name="decision" value="allow">Allow</button>
<button type="submit" id="deny" name="decision" value="deny">Deny</button>
</form>`,
  );

export const errorPage = (title: string, message: string): string =>
  layout(title, `<p class="error" id="error">${escapeHtml(message)}</p>`);

/** GET /console: what a federated console login would land on. */
export const consolePage = (session: ConsoleSession): string =>
  layout(
    'AWS Management Console',
    `
<p id="result">Signed in to the console through federation.</p>
<dl>
<dt>Account</dt><dd id="account-id">${escapeHtml(session.accountId)}</dd>
<dt>Role</dt><dd id="role-name">${escapeHtml(session.roleName)}</dd>
<dt>Region</dt><dd id="region">${escapeHtml(session.region)}</dd>
<dt>Destination</dt><dd id="destination">${escapeHtml(session.destination)}</dd>
<dt>Issuer</dt><dd id="issuer">${escapeHtml(session.issuer)}</dd>
<dt>Session expires</dt><dd id="expires">${new Date(session.expiresAt).toISOString()}</dd>
</dl>`,
  );
