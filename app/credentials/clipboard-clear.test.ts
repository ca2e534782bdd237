import { describe, expect, it } from 'vitest';
import type { Clipboard } from '../ports/desktop';
import { AdjustableClock } from '../ports/test-support/adjustable-clock';
import { scheduleClipboardClear } from './clipboard-clear';

/** Sleeps resolve only when the test advances time past them. */
const manualClock = () => {
  const clock = new AdjustableClock({ start: 0, sleeps: 'manual' });
  return { clock, advance: (ms: number) => clock.advanceAndSettle(ms), pending: () => clock.pending };
};

const memoryClipboard = (initial = ''): Clipboard & { writes: string[] } => {
  let text = initial;
  const writes: string[] = [];
  return { writes, readText: () => text, writeText: (value) => void (writes.push(value), (text = value)) };
};

describe('scheduleClipboardClear', () => {
  it('clears after exactly N seconds when the clipboard still holds the copied text', async () => {
    const { clock, advance } = manualClock();
    const clipboard = memoryClipboard('export AWS_ACCESS_KEY_ID=…');
    let outcome: string | undefined;
    void scheduleClipboardClear({ clipboard, text: 'export AWS_ACCESS_KEY_ID=…', seconds: 30, clock }).then((value) => (outcome = value));
    await advance(29_999);
    expect(outcome).toBeUndefined();
    expect(clipboard.readText()).toBe('export AWS_ACCESS_KEY_ID=…');
    await advance(1);
    expect(outcome).toBe('cleared');
    expect(clipboard.readText()).toBe('');
  });

  it('leaves the clipboard alone when the user copied something else since', async () => {
    const { clock, advance } = manualClock();
    const clipboard = memoryClipboard('creds');
    const done = scheduleClipboardClear({ clipboard, text: 'creds', seconds: 10, clock });
    clipboard.writeText('something the user copied');
    await advance(10_000);
    expect(await done).toBe('changed');
    expect(clipboard.readText()).toBe('something the user copied');
    expect(clipboard.writes).toEqual(['something the user copied']);
  });

  it('is cancelled by its signal and never touches the clipboard then', async () => {
    const { clock, advance, pending } = manualClock();
    const clipboard = memoryClipboard('creds');
    const controller = new AbortController();
    const done = scheduleClipboardClear({ clipboard, text: 'creds', seconds: 10, clock, signal: controller.signal });
    expect(pending()).toBe(1);
    controller.abort();
    expect(await done).toBe('cancelled');
    await advance(60_000);
    expect(clipboard.readText()).toBe('creds');
    expect(clipboard.writes).toEqual([]);
  });

  it('does nothing for 0 seconds or an already aborted signal', async () => {
    const { clock, pending } = manualClock();
    const clipboard = memoryClipboard('creds');
    expect(await scheduleClipboardClear({ clipboard, text: 'creds', seconds: 0, clock })).toBe('disabled');
    expect(await scheduleClipboardClear({ clipboard, text: 'creds', seconds: 5, clock, signal: AbortSignal.abort() })).toBe('cancelled');
    expect(pending()).toBe(0);
    expect(clipboard.writes).toEqual([]);
  });

  it('leaves an unreadable clipboard alone', async () => {
    const { clock, advance } = manualClock();
    const writes: string[] = [];
    const clipboard: Clipboard = {
      readText: () => {
        throw new Error('clipboard busy');
      },
      writeText: (value) => void writes.push(value),
    };
    const done = scheduleClipboardClear({ clipboard, text: 'creds', seconds: 1, clock });
    await advance(1000);
    expect(await done).toBe('changed');
    expect(writes).toEqual([]);
  });
});
