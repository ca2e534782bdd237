import { describe, expect, it } from 'vitest';
import { RolecallError } from '../model/errors';
import type { RolecallApi } from './contract';
import { dispatchRequest, internalErrorSentence } from './dispatch';
import type { DispatchLog } from './dispatch';

/** An api whose `instance:remove` does what the test says; the dispatcher needs no more. */
const apiWhere = (remove: (input: { instanceId: string }) => Promise<void>) => {
  const calls: unknown[] = [];
  const api = {
    'instance:remove': async (input: { instanceId: string }) => {
      calls.push(input);
      return remove(input);
    },
  } as unknown as RolecallApi;
  return { api, calls };
};

const recordingLog = () => {
  const lines: string[] = [];
  const log: DispatchLog = {
    malformed: (channel, sentence) => lines.push(`malformed ${channel}: ${sentence}`),
    failed: (channel, error) => lines.push(`failed ${channel}: ${String(error)}`),
  };
  return { log, lines };
};

describe('dispatchRequest', () => {
  it('hands a valid payload to the core and wraps the value', async () => {
    const { api, calls } = apiWhere(async () => undefined);
    const { log, lines } = recordingLog();
    expect(await dispatchRequest(api, 'instance:remove', { instanceId: 'acme' }, log)).toEqual({ ok: true, value: undefined });
    expect(calls).toEqual([{ instanceId: 'acme' }]);
    expect(lines).toEqual([]);
  });

  it('refuses a payload that fails the schema before the core sees it, and logs the channel, never the payload', async () => {
    const { api, calls } = apiWhere(async () => undefined);
    const { log, lines } = recordingLog();
    const result = await dispatchRequest(api, 'instance:remove', { instanceId: 42, secret: 'do-not-log-me' }, log);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(calls).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('instance:remove');
    expect(lines.join('\n')).not.toContain('do-not-log-me');
  });

  it("passes a RolecallError's code and sentence through, without logging it", async () => {
    const { api } = apiWhere(async () => {
      throw new RolecallError('network', 'Rolecall could not reach AWS; check your connection.');
    });
    const { log, lines } = recordingLog();
    expect(await dispatchRequest(api, 'instance:remove', { instanceId: 'acme' }, log)).toEqual({
      ok: false,
      error: { code: 'network', message: 'Rolecall could not reach AWS; check your connection.' },
    });
    expect(lines).toEqual([]);
  });

  it('turns an unexpected failure into "internal" with a plain sentence; only the log hears the error', async () => {
    const { api } = apiWhere(async () => {
      throw new TypeError('token secret-token-abc is undefined');
    });
    const { log, lines } = recordingLog();
    const result = await dispatchRequest(api, 'instance:remove', { instanceId: 'acme' }, log);
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: internalErrorSentence } });
    expect(JSON.stringify(result)).not.toContain('secret-token-abc');
    expect(lines).toEqual(['failed instance:remove: TypeError: token secret-token-abc is undefined']);
  });

  it('also takes a line logger, as the web server and the agent socket pass', async () => {
    const { api } = apiWhere(async () => {
      throw new Error('boom');
    });
    const lines: string[] = [];
    await dispatchRequest(api, 'instance:remove', { instanceId: 'acme' }, (line) => lines.push(line));
    await dispatchRequest(api, 'instance:remove', null, (line) => lines.push(line));
    expect(lines[0]).toBe('"instance:remove" failed: Error: boom');
    expect(lines[1]).toMatch(/^"instance:remove" failed: Rejected a malformed "instance:remove" request/);
  });
});
