import { EventEmitter } from 'node:events';

/**
 * A small stand-in for the Electron APIs main/ uses, for `vi.mock('electron', …)` in main/
 * tests (this machine has no Electron binary). It records what the code under test did
 * and lets a test play the OS or the renderer: fire events, invoke IPC, pick a keyring.
 */

let nextContentsId = 1;

export class FakeSession {
  permissionRequestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null;
  permissionCheckHandler: ((contents: unknown, permission: string) => boolean) | null = null;
  headersListener:
    | ((
        details: { url: string; responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
      ) => void)
    | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: NonNullable<FakeSession['headersListener']>) => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: FakeSession['permissionRequestHandler']): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['permissionCheckHandler']): void {
    this.permissionCheckHandler = handler;
  }
}

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  readonly sent: { channel: string; payload: unknown }[] = [];
  readonly session = new FakeSession();
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  private destroyed = false;
  url = '';
  send(channel: string, payload: unknown): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(handler: NonNullable<FakeWebContents['windowOpenHandler']>): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getURL(): string {
    return this.url;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
  /** Emits a cancellable navigation event the way Electron does; returns whether it was prevented. */
  navigate(event: 'will-navigate' | 'will-redirect', url: string): boolean {
    let prevented = false;
    const details = { url, preventDefault: () => (prevented = true) };
    this.emit(event, details, url);
    return prevented;
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  singleInstance = true;
  exitCode: number | undefined;
  readonly dock = { hidden: false, hide: () => void (this.dock.hidden = true) };
  readonly loginItems: unknown[] = [];
  quitCalls = 0;
  getPath(name: string): string {
    return `/tmp/rolecall-fake/${name}`;
  }
  getVersion(): string {
    return '0.0.0-test';
  }
  getAppPath(): string {
    return '/tmp/rolecall-fake/app';
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstance;
  }
  exit(code: number): void {
    this.exitCode = code;
  }
  setLoginItemSettings(settings: unknown): void {
    this.loginItems.push(settings);
  }
  quit(): void {
    this.quitCalls += 1;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
}

type InvokeHandler = (event: { sender: FakeWebContents; senderFrame: { url: string } }, payload: unknown) => unknown;
class FakeIpcMain {
  readonly handlers = new Map<string, InvokeHandler>();
  /** One-way listeners (electron-store registers one for its renderer helper). */
  readonly listeners = new Map<string, unknown>();
  on(channel: string, listener: unknown): this {
    this.listeners.set(channel, listener);
    return this;
  }
  handle(channel: string, handler: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** Plays a renderer calling `ipcRenderer.invoke(channel, payload)` from `contents` on page `frameUrl`. */
  invoke(channel: string, payload: unknown, contents: FakeWebContents, frameUrl = contents.url): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return Promise.resolve(handler({ sender: contents, senderFrame: { url: frameUrl } }, payload));
  }
}

/** safeStorage with a switchable keyring; "encryption" is reversible but not identity, so a test can tell. */
class FakeSafeStorage {
  available = true;
  backend = 'gnome_libsecret';
  isEncryptionAvailable(): boolean {
    return this.available;
  }
  getSelectedStorageBackend(): string {
    return this.backend;
  }
  encryptString(plain: string): Buffer {
    if (!this.available) throw new Error('Encryption is not available.');
    return Buffer.from(`enc:${this.backend}:${Buffer.from(plain, 'utf8').toString('hex')}`, 'utf8');
  }
  decryptString(encrypted: Buffer): string {
    const text = encrypted.toString('utf8');
    const match = /^enc:([^:]+):([0-9a-f]*)$/.exec(text);
    if (!match || match[1] !== this.backend)
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(match[2] ?? '', 'hex').toString('utf8');
  }
}

/** Asynchronous like Electron 45's clipboard; `failWrites` plays a clipboard that refuses. */
class FakeClipboard {
  text = '';
  failWrites = false;
  async writeText(text: string): Promise<void> {
    if (this.failWrites) throw new Error('clipboard unavailable');
    this.text = text;
  }
  async readText(): Promise<string> {
    return this.text;
  }
}

class FakeShell {
  readonly opened: string[] = [];
  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  }
}

export class FakeNotification extends EventEmitter {
  static readonly shown: FakeNotification[] = [];
  static supported = true;
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show(): void {
    FakeNotification.shown.push(this);
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static readonly all: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  visible = false;
  loaded: string | undefined;
  constructor(readonly options: unknown) {
    super();
    FakeBrowserWindow.all.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loaded = url;
    this.webContents.url = url;
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {}
  isFocused(): boolean {
    return this.visible;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  isDestroyed(): boolean {
    return this.webContents.isDestroyed();
  }
}

export class FakeTray extends EventEmitter {
  static readonly all: FakeTray[] = [];
  image: unknown;
  tooltip = '';
  title = '';
  menu: unknown;
  destroyed = false;
  constructor(image: unknown) {
    super();
    this.image = image;
    FakeTray.all.push(this);
  }
  setImage(image: unknown): void {
    this.image = image;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setTitle(text: string): void {
    this.title = text;
  }
  setContextMenu(menu: unknown): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

/** The module object handed to `vi.mock('electron', () => …)`. Fresh per call, so tests do not share state. */
export const createFakeElectron = () => {
  const app = new FakeApp();
  const ipcMain = new FakeIpcMain();
  const safeStorage = new FakeSafeStorage();
  const clipboard = new FakeClipboard();
  const shell = new FakeShell();
  const defaultSession = new FakeSession();
  const globalShortcut = {
    registered: new Map<string, () => void>(),
    register(accelerator: string, callback: () => void): boolean {
      this.registered.set(accelerator, callback);
      return true;
    },
    unregisterAll(): void {
      this.registered.clear();
    },
  };
  const exposed = new Map<string, unknown>();
  const contextBridge = {
    exposeInMainWorld(key: string, api: unknown): void {
      exposed.set(key, api);
    },
  };
  const rendererListeners = new EventEmitter();
  const ipcRenderer = {
    invocations: [] as { channel: string; payload: unknown }[],
    reply: (_channel: string, _payload: unknown): unknown => ({ ok: true, value: undefined }),
    invoke(channel: string, payload: unknown): Promise<unknown> {
      this.invocations.push({ channel, payload });
      return Promise.resolve(this.reply(channel, payload));
    },
    on(channel: string, listener: (...args: unknown[]) => void) {
      rendererListeners.on(channel, listener);
      return this;
    },
    removeListener(channel: string, listener: (...args: unknown[]) => void) {
      rendererListeners.off(channel, listener);
      return this;
    },
    /** Plays main sending an event to this renderer. */
    emit(channel: string, payload: unknown): void {
      rendererListeners.emit(channel, { sender: 'ipc-renderer-event' }, payload);
    },
    listenerCount(channel: string): number {
      return rendererListeners.listenerCount(channel);
    },
  };
  const menus: unknown[] = [];
  const protocol = {
    privileged: [] as unknown[],
    handlers: new Map<string, (request: { url: string }) => Promise<Response>>(),
    registerSchemesAsPrivileged(schemes: unknown[]): void {
      this.privileged.push(...schemes);
    },
    handle(scheme: string, handler: (request: { url: string }) => Promise<Response>): void {
      this.handlers.set(scheme, handler);
    },
  };
  // Like Electron, every new window's webContents goes through app's 'web-contents-created'.
  const BrowserWindow: typeof FakeBrowserWindow = class extends FakeBrowserWindow {
    constructor(options: unknown) {
      super(options);
      app.emit('web-contents-created', {}, this.webContents);
    }
  };
  const Menu = {
    buildFromTemplate(template: unknown) {
      menus.push(template);
      return { template };
    },
    setApplicationMenu(_menu: unknown): void {},
  };
  return {
    app,
    ipcMain,
    ipcRenderer,
    contextBridge,
    exposed,
    safeStorage,
    clipboard,
    shell,
    globalShortcut,
    Notification: FakeNotification,
    BrowserWindow,
    Tray: FakeTray,
    protocol,
    Menu,
    menus,
    session: { defaultSession },
    nativeImage: { createFromPath: (path: string) => ({ path, setTemplateImage: (_flag: boolean) => undefined }) },
  };
};

export type FakeElectron = ReturnType<typeof createFakeElectron>;
