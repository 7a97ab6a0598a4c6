// Who is signed in and how: the shell's app state, signing in through the browser, registering
// the first passkey, the settings, and signing out.

import { ipc, type AppState, type Authenticator, type BrowserPage, type IpcError, type Settings } from "../ipc";
import { errorMessage } from "../errors";
import { S } from "../strings";
import type { Store } from "../store.svelte";

export class Session {
  app = $state<AppState | null>(null);
  /** Why the app state could not be read at start (the startup screen). */
  startupError = $state<IpcError | null>(null);
  /** Why the last sign-in link was refused (`auth:error`). */
  authError = $state<IpcError | null>(null);
  loginStarted = $state(false);
  /** A company page no browser could open (sign-in or recovery): its address to copy. */
  page = $state<BrowserPage | null>(null);

  signedIn = $derived(!!this.app?.signedIn);
  needsRegistration = $derived(this.signedIn && this.app?.registered === false);
  /** Signed in with a passkey registered: the wallets can be read. */
  ready = $derived(this.signedIn && !this.needsRegistration);

  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** Reads the app state at start; a failure shows the startup screen. */
  async load(): Promise<void> {
    this.startupError = await this.refresh();
  }

  async refresh(): Promise<IpcError | null> {
    return this.store.attempt(async () => this.apply(await ipc.appState()));
  }

  /** A new app state from the shell (`auth:changed`, or read after a command). */
  apply(state: AppState): void {
    const wasReady = this.ready;
    const previous = this.app;
    this.app = state;
    if (state.offline) this.store.connection.shellOffline(previous);
    if (!state.signedIn) {
      this.store.forgetAccount();
      return;
    }
    this.authError = null;
    this.loginStarted = false;
    this.page = null;
    void this.store.access.load();
    if (this.ready && !wasReady) void this.store.contacts.load();
    if (this.ready && !wasReady) void this.store.wallets.load().then(() => this.store.wallets.sync({ quiet: true }));
  }

  /** The session ended: the account leaves the screen without waiting for the shell to say so. */
  forget(): void {
    if (this.app?.signedIn) this.apply({ ...this.app, signedIn: false, user: undefined });
  }

  async startLogin(): Promise<IpcError | null> {
    this.authError = null;
    return this.store.attempt(
      async () => {
        this.showPage(await ipc.startLogin());
        this.loginStarted = true;
        this.store.say(S.signIn.waiting);
      },
      { announce: true },
    );
  }

  /** A company page the sign-in continues on: kept to show when no browser opened it. */
  showPage(page: BrowserPage): void {
    this.page = page.opened ? null : page;
  }

  /** The shell refused a sign-in link (`auth:error`). */
  loginRefused(error: IpcError): void {
    this.authError = error;
    this.loginStarted = false;
    this.store.say(errorMessage(error));
  }

  async register(authenticator: Authenticator): Promise<IpcError | null> {
    this.store.say(S.register.running);
    return this.store.attempt(
      async () => {
        this.store.wallets.replace(await this.store.ceremony.run(() => ipc.register(authenticator)));
        this.store.say(S.register.success);
        if (this.app) this.app = { ...this.app, registered: true };
        // Registration made a recovery kit: typing it back is its last step.
        await this.store.access.load();
        this.store.navigate({ name: "home" });
        await this.refresh();
        void this.store.transfers.load();
      },
      { announce: true },
    );
  }

  /** The person confirmed the company server at `url` (shown to them by its host). */
  async confirmCompany(url: string): Promise<IpcError | null> {
    return this.store.attempt(async () => {
      this.app = await ipc.confirmCompany(url);
      this.store.say(S.company.confirmed(this.app.companyHost));
    });
  }

  async saveSettings(settings: Settings): Promise<IpcError | null> {
    return this.store.attempt(async () => {
      this.app = await ipc.setSettings(settings.companionUrl, settings.authenticator, settings.notifications);
      this.store.say(S.settings.saved);
    });
  }

  async signOut(): Promise<IpcError | null> {
    return this.store.attempt(
      async () => {
        await ipc.signOut();
        this.store.say(S.settings.signedOut);
        await this.refresh();
        this.forget();
      },
      { announce: true },
    );
  }
}
