import { describe, expect, it, vi } from 'vitest';
import { createFakeElectron, FakeNotification } from '../testing/fake-electron';
import { isAllowedExternalUrl } from '../url-allowlist';
import { createClipboard, createNotifier, createOpener } from './desktop-ports';

describe('desktop ports', () => {
  it('clipboard writes and reads through electron', async () => {
    const electron = createFakeElectron();
    const clipboard = createClipboard(electron, { warn: vi.fn() });
    clipboard.writeText('export AWS_REGION=eu-west-1');
    await Promise.resolve();
    expect(electron.clipboard.text).toBe('export AWS_REGION=eu-west-1');
    expect(await clipboard.readText()).toBe('export AWS_REGION=eu-west-1');
  });

  it('clipboard logs a failed write without the text', async () => {
    const electron = createFakeElectron();
    electron.clipboard.failWrites = true;
    const log = { warn: vi.fn() };
    createClipboard(electron, log).writeText('AWS_SECRET_ACCESS_KEY=abc');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(log.warn).toHaveBeenCalledWith('Could not write to the clipboard.');
  });

  it('notifier shows the notification and runs the callback on click', () => {
    const electron = createFakeElectron();
    const onClick = vi.fn();
    createNotifier(electron, { warn: vi.fn() }).notify({ title: 'Session ends in 15m', body: 'Sign in again to keep working.', onClick });
    const shown = FakeNotification.shown.at(-1)!;
    expect(shown.options).toEqual({ title: 'Session ends in 15m', body: 'Sign in again to keep working.' });
    shown.emit('click');
    expect(onClick).toHaveBeenCalledOnce();
  });

  it('notifier logs instead of failing where notifications are unsupported', () => {
    const electron = createFakeElectron();
    FakeNotification.supported = false;
    const log = { warn: vi.fn() };
    const before = FakeNotification.shown.length;
    createNotifier(electron, log).notify({ title: 'Signed in', body: 'Acme' });
    FakeNotification.supported = true;
    expect(FakeNotification.shown).toHaveLength(before);
    expect(log.warn).toHaveBeenCalledOnce();
  });

  it('opener only opens allow-listed URLs, and logs refusals without the query', async () => {
    const electron = createFakeElectron();
    const log = { warn: vi.fn() };
    const opener = createOpener(electron, (url) => isAllowedExternalUrl(url, { instances: [] }), log);
    await opener.openExternal('https://signin.aws.amazon.com/federation?SigninToken=abc');
    await expect(opener.openExternal('https://evil.example/?SigninToken=secret')).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(opener.openExternal('file:///etc/passwd')).rejects.toMatchObject({ code: 'invalid-request' });
    expect(electron.shell.opened).toEqual(['https://signin.aws.amazon.com/federation?SigninToken=abc']);
    expect(log.warn.mock.calls.join('\n')).not.toContain('secret');
  });
});
