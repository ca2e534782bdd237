import type { EventChannel, EventPayloads } from '../../app/ipc/contract';

/** The part of a webContents the IPC layer needs (real WebContents and the test fake fit). */
export interface SenderContents {
  readonly id: number;
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
  once(event: 'destroyed', listener: () => void): unknown;
}

type QueuedEvent = { readonly channel: EventChannel; readonly payload: EventPayloads[EventChannel] };

/** Events kept for a renderer that is not ready yet; beyond this the oldest are dropped. */
const MAX_QUEUED = 50;

interface Entry {
  readonly contents: SenderContents;
  ready: boolean;
  queue: QueuedEvent[];
}

/**
 * The webContents allowed to call the core and to receive its events: our own windows,
 * added when created and forgotten when destroyed. Events sent before a renderer has
 * asked for its first snapshot are queued (a page still loading would drop them).
 */
export class TrustedSenders {
  private readonly entries = new Map<number, Entry>();

  trust(contents: SenderContents): void {
    if (this.entries.has(contents.id)) return;
    this.entries.set(contents.id, { contents, ready: false, queue: [] });
    contents.once('destroyed', () => this.entries.delete(contents.id));
  }

  isTrusted(id: number): boolean {
    const entry = this.entries.get(id);
    return entry !== undefined && !entry.contents.isDestroyed();
  }

  /** The renderer asked for state: it listens now, so deliver what waited for it. */
  markReady(id: number): void {
    const entry = this.entries.get(id);
    if (!entry || entry.ready) return;
    entry.ready = true;
    const queued = entry.queue;
    entry.queue = [];
    for (const event of queued) this.deliver(entry, event);
  }

  /** A reload or crash: the new page must ask again before it gets events. */
  markNotReady(id: number): void {
    const entry = this.entries.get(id);
    if (entry) entry.ready = false;
  }

  broadcast<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void {
    const event: QueuedEvent = { channel, payload };
    for (const entry of this.entries.values()) {
      if (entry.ready) this.deliver(entry, event);
      else this.enqueue(entry, event);
    }
  }

  private enqueue(entry: Entry, event: QueuedEvent): void {
    // Only the newest snapshot matters; older ones would just be painted and replaced.
    if (event.channel === 'state:changed') entry.queue = entry.queue.filter((queued) => queued.channel !== 'state:changed');
    entry.queue.push(event);
    if (entry.queue.length > MAX_QUEUED) entry.queue.splice(0, entry.queue.length - MAX_QUEUED);
  }

  private deliver(entry: Entry, event: QueuedEvent): void {
    if (!entry.contents.isDestroyed()) entry.contents.send(event.channel, event.payload);
  }
}
