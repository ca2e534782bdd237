import type { Clock } from '../ports/clock';

/** What the cache holds: anything that expires at an epoch-millisecond time. */
export interface Expiring {
  readonly expiration: number;
}

export interface SingleFlightCacheOptions {
  readonly clock: Clock;
  /** A held value is loaded again once less than this remains before it expires. */
  readonly marginMs: number;
  /** Called after the set of held values changes (one stored, some forgotten), for countdowns. */
  readonly onChange?: () => void;
}

/**
 * Values held in memory by key until shortly before they expire, each with a tag (the
 * role or instance it belongs to, so a sign-out can find it). Concurrent gets of one key
 * share a single load, so a double click or a tray refresh racing a copy never costs two
 * calls; a forget while a load runs wins: its answer is returned to its callers, not kept.
 */
export class SingleFlightCache<V extends Expiring, T> {
  private readonly held = new Map<string, { readonly tag: T; readonly value: V }>();
  private readonly inFlight = new Map<string, { readonly tag: T; readonly promise: Promise<V> }>();

  constructor(private readonly options: SingleFlightCacheOptions) {}

  /** The value for `key`: from memory while comfortably valid, else from the load already running, else from `load`. */
  get(key: string, tag: T, load: () => Promise<V>): Promise<V> {
    const entry = this.held.get(key);
    if (entry && entry.value.expiration - this.options.clock.now() > this.options.marginMs) return Promise.resolve(entry.value);
    const pending = this.inFlight.get(key);
    if (pending) return pending.promise;
    const flight = {
      tag,
      promise: load().then(
        (value) => {
          if (this.inFlight.get(key) === flight) {
            this.inFlight.delete(key);
            this.held.set(key, { tag, value });
            this.options.onChange?.();
          }
          return value;
        },
        (error: unknown) => {
          if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
          throw error;
        },
      ),
    };
    this.inFlight.set(key, flight);
    return flight.promise;
  }

  /** The held value for `key` if it has not expired yet (even inside the margin); never loads. */
  peek(key: string): V | undefined {
    const entry = this.held.get(key);
    return entry && entry.value.expiration > this.options.clock.now() ? entry.value : undefined;
  }

  /** The unexpired held values with their tags; expired ones are dropped on the way (silently: they were already gone). */
  live(): { readonly tag: T; readonly value: V }[] {
    const now = this.options.clock.now();
    const live: { tag: T; value: V }[] = [];
    for (const [key, entry] of this.held) {
      if (entry.value.expiration <= now) this.held.delete(key);
      else live.push(entry);
    }
    return live;
  }

  /** Drops `key` and disowns a load in progress for it. */
  forget(key: string): void {
    const had = this.held.delete(key);
    this.inFlight.delete(key);
    if (had) this.options.onChange?.();
  }

  /** Drops every held value and disowns every load whose tag matches (e.g. one instance's, on sign-out). */
  forgetWhere(matches: (tag: T) => boolean): void {
    let had = false;
    for (const [key, entry] of this.held) {
      if (!matches(entry.tag)) continue;
      this.held.delete(key);
      had = true;
    }
    for (const [key, flight] of this.inFlight) if (matches(flight.tag)) this.inFlight.delete(key);
    if (had) this.options.onChange?.();
  }
}
