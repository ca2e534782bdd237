import { describe, expect, it } from 'vitest';
import { AGENT_PROTOCOL_VERSION, FrameReader } from './protocol';
import { parseRequestFrame } from './request-frame';

const secret = 'a'.repeat(64);
const matches = (offered: string) => offered === secret;

describe('agent frames', () => {
  it('splits a byte stream into newline-delimited frames, however it is chunked', () => {
    const frames: string[] = [];
    let oversized = 0;
    const reader = new FrameReader(
      16,
      (frame) => frames.push(frame),
      () => oversized++,
    );
    for (const chunk of ['{"a"', ':1}\n{"b":2}\n\n{"c"', ':3}\n']) reader.push(Buffer.from(chunk));
    expect(frames).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    expect(oversized).toBe(0);
  });

  it('refuses a frame that outgrows the bound before its newline, once, and then reads nothing more', () => {
    const frames: string[] = [];
    let oversized = 0;
    const reader = new FrameReader(
      8,
      (frame) => frames.push(frame),
      () => oversized++,
    );
    reader.push(Buffer.from('12345'));
    reader.push(Buffer.from('67890'));
    reader.push(Buffer.from('\n{}\n'));
    expect(oversized).toBe(1);
    expect(frames).toEqual([]);
  });

  it("checks version, then secret, then the kind's schema", () => {
    const frame = (value: object) => JSON.stringify(value);
    expect(parseRequestFrame(frame({ v: 9, id: 1, secret: 'x', kind: 'settings' }), matches)).toMatchObject({
      ok: false,
      error: { code: 'protocol-version' },
      close: true,
    });
    expect(parseRequestFrame(frame({ v: AGENT_PROTOCOL_VERSION, id: 1, secret: 'x', kind: 'settings' }), matches)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
      close: true,
    });
    expect(parseRequestFrame(frame({ v: AGENT_PROTOCOL_VERSION, id: 1, secret, kind: 'settings', extra: 1 }), matches)).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
      close: false,
    });
    expect(parseRequestFrame(frame({ v: AGENT_PROTOCOL_VERSION, id: 1, secret, kind: 'signIn', instanceId: 'acme' }), matches)).toEqual({
      ok: true,
      id: 1,
      body: { kind: 'signIn', instanceId: 'acme', flow: 'device' },
    });
    expect(
      parseRequestFrame(frame({ v: AGENT_PROTOCOL_VERSION, id: 2, secret, kind: 'api', channel: 'state:get' }), matches),
    ).toMatchObject({ ok: true, channel: 'state:get' });
    expect(parseRequestFrame('[1,2]', matches)).toMatchObject({ ok: false, id: null, error: { code: 'invalid-input' } });
  });
});
