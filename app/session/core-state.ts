import { RolecallError } from '../model/errors';
import type { Instance } from '../model/instances';
import type { Settings } from '../model/settings';
import type { AppSnapshot, Notice } from '../model/snapshot';
import type { RoleRef } from '../model/roles';
import type { Notification } from '../ports/desktop';
import type { CoreEvent, CorePorts } from './core';
import type { InstanceRuntime } from './runtime';
import { buildSnapshot } from './snapshot-builder';

const NOTICES_LIMIT = 20;

/**
 * What every part of the controller shares: the settings, the per-instance runtimes, the
 * notices, and the event stream. Changes are coalesced into one snapshot per turn of the
 * event loop, so a sync's progress does not flood the views.
 */
export class CoreState {
  readonly runtimes = new Map<string, InstanceRuntime>();
  readonly notices: Notice[] = [];
  private readonly listeners = new Set<(event: CoreEvent) => void>();
  private readonly changeHooks = new Set<() => void>();
  private current: Settings | undefined;
  private emitScheduled = false;
  private noticeCounter = 0;

  constructor(
    readonly ports: CorePorts,
    /** Role credentials held in memory, for the snapshot's countdowns (no secrets). */
    private readonly activeCredentials: () => readonly {
      readonly ref: RoleRef;
      readonly expiration: number;
      readonly chainedRole?: string;
    }[],
    /** Throws once the core has stopped: the settings file is the next owner's then. */
    private readonly beforeWrite: () => void = () => undefined,
  ) {}

  settings(): Settings {
    if (!this.current) throw new RolecallError('internal', 'Rolecall has not finished starting; try again in a moment.');
    return this.current;
  }

  /** Sets the settings loaded at start, without saving them back. */
  loaded(settings: Settings): void {
    this.current = settings;
  }

  /**
   * Changes the settings as a patch on what is stored now (another process may have added
   * an instance or a favourite since this one loaded them), then adopts the result: new
   * instances written by other processes get a runtime too.
   */
  async updateSettings(change: (stored: Settings) => Settings): Promise<Settings> {
    this.beforeWrite();
    const next = await this.ports.settings.update(change);
    this.current = next;
    for (const instance of next.instances) if (!this.runtimes.has(instance.id)) await this.adoptInstance?.(instance);
    this.changed();
    return next;
  }

  /** Set by the controller: loads an instance another process added (its cached list and token). */
  adoptInstance: ((instance: Instance) => Promise<unknown>) | undefined;

  /** Whether tokens are shared with the AWS CLI and SDKs through ~/.aws/sso/cache. */
  interop(): boolean {
    return this.settings().preferences.awsCliInterop;
  }

  runtimeOf(instanceId: string): InstanceRuntime {
    const runtime = this.runtimes.get(instanceId);
    if (!runtime) throw new RolecallError('not-found', `No instance "${instanceId}" is configured; add it first.`);
    return runtime;
  }

  snapshot(): AppSnapshot {
    return buildSnapshot({
      settings: this.settings(),
      runtimes: [...this.runtimes.values()],
      activeCredentials: this.activeCredentials(),
      secretStorage: this.ports.secretStorage,
      notices: this.notices,
      now: this.ports.clock.now(),
    });
  }

  subscribe(listener: (event: CoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `hook` on every change (the expiry watcher re-plans its next wake-up). */
  onChange(hook: () => void): void {
    this.changeHooks.add(hook);
  }

  emit(event: CoreEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken view must not break the core or the other views.
      }
    }
  }

  /** Something views show changed: push one snapshot soon. */
  changed(): void {
    for (const hook of this.changeHooks) hook();
    if (this.emitScheduled || !this.current) return;
    this.emitScheduled = true;
    setTimeout(() => {
      this.emitScheduled = false;
      this.emit({ channel: 'state:changed', payload: this.snapshot() });
    }, 0);
  }

  notice(level: Notice['level'], message: string, id?: string): void {
    this.noticeCounter += 1;
    this.notices.unshift({ id: id ?? `n${this.noticeCounter}`, level, message, at: this.ports.clock.now() });
    this.notices.splice(NOTICES_LIMIT);
    this.changed();
  }

  /** OS notifications in the desktop app; elsewhere the page shows them as notices. */
  notify(notification: Notification, level: Notice['level'] = 'info'): void {
    this.ports.notifier.notify(notification);
    if (this.ports.shell !== 'desktop') this.notice(level, notification.body.replace(/; click to sign in again\.$/, '; sign in again.'));
  }
}
