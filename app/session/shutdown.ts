import type { RequestChannel, RolecallApi } from '../ipc/contract';
import { RolecallError } from '../model/errors';
import type { Clock } from '../ports/clock';

/**
 * How long stop() waits for the flows it aborted to settle. Each honours its signal within
 * milliseconds; the bound is only for one that cannot be interrupted (a request the SDK
 * does not abort, a store that hangs, a lock another process holds), so that quitting never
 * hangs on it. Such a flow still writes nothing afterwards: the writes the core's flows make
 * (tokens, the account list cache, settings) are each preceded by throwIfClosed(), and a
 * lock wait ends on closedSignal. Only a write already under way when the bound ran out
 * (a keychain call that hangs) can still land.
 */
export const STOP_SETTLE_MS = 5_000;

/** Requests a stopped core still answers: they only read what it holds in memory. */
const READ_ONLY_REQUESTS: ReadonlySet<string> = new Set<RequestChannel>(['state:get', 'directory:get']);

/**
 * What the core's stop() ends: one signal every flow it starts listens on (sign-ins, syncs,
 * refreshes, the expiry watcher), the set of those flows still running, and a bounded wait
 * for them. A stopped core writes nothing more into the config dir, so the next owner (the
 * app quitting, `rolecall web` exiting, a handover) is never raced by it.
 */
export class Shutdown {
  private readonly controller = new AbortController();
  private readonly running = new Map<Promise<unknown>, string>();
  private stopping: Promise<void> | undefined;
  private readonly closing = new AbortController();

  constructor(
    private readonly clock: Clock,
    /** Where a flow that outlived the bound is reported. */
    private readonly log: (line: string) => void,
    private readonly settleMs: number = STOP_SETTLE_MS,
  ) {}

  /** Aborted by stop(). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** stop() was called: every flow is aborted and no new one starts. */
  get stopped(): boolean {
    return this.controller.signal.aborted;
  }

  /**
   * stop() has returned: nothing may be written any more. Between the two, a flow that was
   * already past its last request (a refresh holding a rotated token) may still save what it
   * got, and stop() waits for that: dropping it would sign the next owner out.
   */
  get closed(): boolean {
    return this.closing.signal.aborted;
  }

  /** Aborted when stop() returns: for waits before a write (a lock), which must then give up. */
  get closedSignal(): AbortSignal {
    return this.closing.signal;
  }

  /** A flow's own signal (its cancel button) joined with stop(). */
  linked(own: AbortSignal): AbortSignal {
    return AbortSignal.any([own, this.controller.signal]);
  }

  /** The error for work refused or ended by stop(); "cancelled", which views show as idle. */
  error(): RolecallError {
    return new RolecallError('sign-in-cancelled', 'Rolecall is stopping; the work was cancelled.');
  }

  /** Throws once stopped: called before a flow starts a step (a request, a lock, a sync). */
  throwIfStopped(): void {
    if (this.stopped) throw this.error();
  }

  /** Throws once closed: called right before every write a flow makes, so none lands after stop() returned. */
  throwIfClosed(): void {
    if (this.closed) throw this.error();
  }

  /** Registers a running flow (named for the log); stop() waits for it. Returns the same promise. */
  track<T>(flow: Promise<T>, name: string): Promise<T> {
    this.running.set(flow, name);
    const forget = () => this.running.delete(flow);
    flow.then(forget, forget);
    return flow;
  }

  /**
   * The same handlers, each request tracked while it runs: one in flight at stop() (a copy
   * saving the role to the recents) finishes its write before stop() resolves. Once stopped,
   * only reads are answered; anything else would start work or write for a core that is done.
   */
  trackRequests(api: RolecallApi): RolecallApi {
    type Handler = (...args: unknown[]) => Promise<unknown>;
    const tracked = Object.entries(api as unknown as Record<string, Handler>).map(([channel, handler]) => [
      channel,
      (...args: unknown[]) => {
        if (this.stopped && !READ_ONLY_REQUESTS.has(channel)) return Promise.reject(this.error());
        return this.track(handler(...args), `the ${channel} request`);
      },
    ]);
    return Object.fromEntries(tracked) as RolecallApi;
  }

  /**
   * Aborts every flow and waits until they have settled, at most settleMs (on the core's
   * clock); a flow still running then is logged and left, aborted and unable to write.
   * Safe to call twice: both calls resolve together.
   */
  stop(): Promise<void> {
    this.stopping ??= this.settle().finally(() => this.closing.abort(this.error()));
    return this.stopping;
  }

  private async settle(): Promise<void> {
    this.controller.abort(this.error());
    if (this.running.size === 0) return;
    const bound = new AbortController();
    const settled = Promise.allSettled([...this.running.keys()]).then(() => true);
    const timedOut = this.clock.sleep(this.settleMs, bound.signal).then(
      () => false,
      () => false,
    );
    const allSettled = await Promise.race([settled, timedOut]);
    bound.abort();
    if (!allSettled && this.running.size > 0) {
      const names = [...new Set(this.running.values())].join(', ');
      this.log(
        `Rolecall stopped without waiting longer for: ${names} (still running after ${this.settleMs / 1000} s; it writes nothing more).`,
      );
    }
  }
}
