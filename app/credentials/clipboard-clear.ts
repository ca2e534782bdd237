import type { Clipboard } from '../ports/desktop';
import type { Clock } from '../ports/clock';

export interface ClipboardClearRequest {
  readonly clipboard: Clipboard;
  /** Exactly what was copied. */
  readonly text: string;
  /** Seconds to wait; 0 or less means never clear. */
  readonly seconds: number;
  readonly clock: Clock;
  /** Aborting cancels the clear (a newer copy, the app quitting). */
  readonly signal?: AbortSignal;
}

/**
 * What happened: cleared; left alone because the user copied something else since;
 * cancelled; or never scheduled (seconds 0).
 */
export type ClipboardClearOutcome = 'cleared' | 'changed' | 'cancelled' | 'disabled';

/** After `seconds`, empties the clipboard if it still holds exactly the copied text. */
export const scheduleClipboardClear = async (request: ClipboardClearRequest): Promise<ClipboardClearOutcome> => {
  const { clipboard, text, seconds, clock, signal } = request;
  if (!(seconds > 0)) return 'disabled';
  if (signal?.aborted) return 'cancelled';
  try {
    await clock.sleep(seconds * 1000, signal);
  } catch {
    return 'cancelled';
  }
  if (signal?.aborted) return 'cancelled';
  let current: string;
  try {
    current = await clipboard.readText();
  } catch {
    // Unreadable clipboard: we cannot know it is still ours, so it is left alone.
    return 'changed';
  }
  // Never wipe something the user copied after us.
  if (current !== text) return 'changed';
  clipboard.writeText('');
  return 'cleared';
};
