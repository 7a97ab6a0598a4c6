// The UI's state (Svelte 5 runes): one part per concern (src/store/), what is shared across
// screens (the view, the status line), the shell's events, and the one path every failed call
// takes. Screens read it through `getStore()`.

import { getContext, setContext } from "svelte";
import { on, toIpcError, type IpcError, type Unlisten } from "./ipc";
import { errorMessage, isOfflineError } from "./errors";
import { S } from "./strings";
import { Access } from "./store/access.svelte";
import { Ceremony } from "./store/ceremony.svelte";
import { Connection } from "./store/connection.svelte";
import { Contacts } from "./store/contacts.svelte";
import { Flow } from "./store/flow.svelte";
import { Guardrails } from "./store/guardrails.svelte";
import { Passkeys } from "./store/passkeys.svelte";
import { SendScreen } from "./store/send.svelte";
import { Session } from "./store/session.svelte";
import { Transfers } from "./store/transfers.svelte";
import { Updates } from "./store/updates.svelte";
import { Wallets } from "./store/wallets.svelte";

export type View =
  | { name: "home" }
  | { name: "wallet"; walletId: string }
  | { name: "send"; walletId?: string }
  | { name: "sign"; walletId?: string }
  | { name: "passkeys" }
  | { name: "contacts" }
  | { name: "create-wallet" }
  | { name: "settings" };

export type StoreOptions = {
  /** How often Sigil syncs while a transfer is pending (ms). */
  transferPollMs?: number;
  /** How often the connection is tried again while offline (ms). */
  offlineRetryMs?: number;
  /** The pause in typing after which the send form asks the core (ms). */
  sendDebounceMs?: number;
};

export class Store {
  readonly session: Session;
  readonly connection: Connection;
  readonly wallets: Wallets;
  readonly transfers: Transfers;
  readonly passkeys: Passkeys;
  readonly ceremony: Ceremony;
  readonly flow: Flow;
  readonly send: SendScreen;
  readonly guardrails: Guardrails;
  readonly access: Access;
  readonly contacts: Contacts;
  readonly updates: Updates;

  view = $state<View>({ name: "home" });
  /** The polite live message (#status). */
  status = $state("");
  /** Why the person was brought back to this screen (#notice), until they go elsewhere. */
  notice = $state<string | null>(null);

  private unlisteners: Unlisten[] = [];

  constructor(options: StoreOptions = {}) {
    this.session = new Session(this);
    this.connection = new Connection(this, options.offlineRetryMs ?? 30000);
    this.wallets = new Wallets(this);
    this.transfers = new Transfers(this, options.transferPollMs ?? 5000);
    this.passkeys = new Passkeys(this);
    this.ceremony = new Ceremony(this);
    this.flow = new Flow(this);
    this.send = new SendScreen(options.sendDebounceMs ?? 300);
    this.guardrails = new Guardrails(this);
    this.access = new Access(this);
    this.contacts = new Contacts(this);
    this.updates = new Updates(this);
  }

  /** Subscribes to the shell's events, then reads the app state (and so the cached wallets). */
  async start(): Promise<void> {
    this.unlisteners = await Promise.all([
      on("auth:changed", (state) => this.session.apply(state)),
      on("auth:error", (error) => this.session.loginRefused(error)),
      on("auth:page", (page) => this.session.showPage(page)),
      on("authn:prompt", (prompt) => this.ceremony.showPrompt(prompt)),
      on("approval:changed", (approval) => this.ceremony.approvalChanged(approval)),
      on("wallets:changed", (wallets) => this.wallets.changed(wallets)),
      on("update:available", (update) => this.updates.available(update)),
    ]);
    await Promise.all([this.session.load(), this.updates.load()]);
  }

  stop(): void {
    for (const unlisten of this.unlisteners) unlisten();
    this.unlisteners = [];
    this.transfers.stopPolling();
    this.connection.stopRetry();
  }

  /** Puts a sentence in the polite live region (#status). */
  say(text: string): void {
    this.status = text;
  }

  navigate(view: View): void {
    this.view = view;
    this.notice = null;
  }

  /**
   * What every failed call goes through: SIGNED_OUT sends the person to sign-in, the offline
   * codes switch the app to its offline state. Returns the error for the screen to show.
   */
  private handleError(reason: unknown): IpcError {
    const error = toIpcError(reason);
    if (error.code === "SIGNED_OUT") {
      this.say(S.errors.SIGNED_OUT);
      void this.session.refresh();
      this.session.forget();
    } else if (isOfflineError(error)) {
      this.connection.setUnreachable(true);
    }
    return error;
  }

  /**
   * Runs `task`; a rejection goes through `handleError`, is put in #status when `announce`, and
   * is returned (null when the task succeeded) for the screen's error state.
   */
  async attempt(task: () => Promise<unknown>, { announce = false } = {}): Promise<IpcError | null> {
    try {
      await task();
      return null;
    } catch (reason) {
      const error = this.handleError(reason);
      if (announce) this.say(errorMessage(error));
      return error;
    }
  }

  /** Signed out: nothing of the account stays on screen. */
  forgetAccount(): void {
    this.wallets.list = [];
    this.transfers.pending = {};
    this.passkeys.list = [];
    this.guardrails.view = null;
    this.contacts.forget();
    this.flow.current = null;
    this.access.forget();
    this.transfers.stopPolling();
    this.view = { name: "home" };
  }
}

const KEY = Symbol("sigil-store");

export function setStore(store: Store): void {
  setContext(KEY, store);
}

export function getStore(): Store {
  return getContext<Store>(KEY);
}
