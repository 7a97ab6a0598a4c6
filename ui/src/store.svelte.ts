// The UI's state (Svelte 5 runes) and the few things that happen across screens: the events of
// the shell, the offline state, the authenticator prompts of a running ceremony, and the signed
// action flow (confirm → passkey → result). Screens read it through `getStore()`.

import { getContext, setContext } from "svelte";
import {
  ipc,
  on,
  type AppState,
  type Authenticator,
  type IpcError,
  type Outcome,
  type Passkey,
  type PinEvent,
  type Prepared,
  type PromptEvent,
  type Settings,
  type Transfer,
  type Unlisten,
  type WalletView,
} from "./ipc";
import { errorMessage, isOfflineError } from "./errors";
import { S } from "./strings";
import type { SendFields } from "./sendForm";

export type View =
  | { name: "home" }
  | { name: "wallet"; walletId: string }
  | { name: "send"; walletId?: string }
  | { name: "sign"; walletId?: string }
  | { name: "passkeys" }
  | { name: "create-wallet" }
  | { name: "settings" };

export type FlowStage = "confirm" | "signing" | "done" | "failed";

export type Flow = {
  stage: FlowStage;
  prepared: Prepared;
  /** The first click on Approve when a warning asks for a second one. */
  armed: boolean;
  outcome?: Outcome;
  error?: IpcError;
  /** The transfer being watched after a send, as last read. */
  transfer?: Transfer;
  returnTo: View;
};

/** Transfer statuses after which nothing changes any more. */
export const FINAL_TRANSFER_STATUSES = ["Confirmed", "Failed", "Rejected"];

export function isPendingTransfer(t: Transfer): boolean {
  return !FINAL_TRANSFER_STATUSES.includes(t.status);
}

/** Warnings that need a second, explicit click on Approve. */
export const WARNINGS_NEEDING_SECOND_CLICK = ["LAST_ACTIVE_PASSKEY", "LOOKS_LIKE_KNOWN_ADDRESS"];

export function needsSecondClick(prepared: Prepared): boolean {
  return prepared.warnings.some((w) => WARNINGS_NEEDING_SECOND_CLICK.includes(w.code));
}

export type StoreOptions = {
  /** How often Sigil syncs while a transfer is pending (ms). */
  transferPollMs?: number;
  /** How often the connection is tried again while offline (ms). */
  offlineRetryMs?: number;
  /** The pause in typing after which the send form asks the core (ms). */
  sendDebounceMs?: number;
};

export class Store {
  app = $state<AppState | null>(null);
  startupError = $state<IpcError | null>(null);
  wallets = $state<WalletView[]>([]);
  /** Incremented on every wallet change, so screens re-read history and transfers. */
  walletsVersion = $state(0);
  pendingTransfers = $state<Record<string, Transfer[]>>({});
  passkeys = $state<Passkey[]>([]);
  /** A call failed because the network is out of reach (the shell may not know yet). */
  unreachable = $state(false);
  view = $state<View>({ name: "home" });
  /** The polite live message (#status). */
  status = $state("");
  /** The assertive live message of a running ceremony (#prompt). */
  prompt = $state<PromptEvent | null>(null);
  pin = $state<PinEvent | null>(null);
  /** A command that may ask the authenticator is running. */
  ceremony = $state(false);
  authError = $state<IpcError | null>(null);
  loginStarted = $state(false);
  flow = $state<Flow | null>(null);
  syncing = $state(false);
  /** What the send form holds, kept while the person checks the confirmation screen. */
  sendDraft = $state<SendFields | null>(null);

  offline = $derived(!!this.app?.offline || this.unreachable);
  signedIn = $derived(!!this.app?.signedIn);
  needsRegistration = $derived(!!this.app?.signedIn && this.app?.registered === false);

  private unlisteners: Unlisten[] = [];
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private offlineTimer: ReturnType<typeof setInterval> | null = null;
  private readonly transferPollMs: number;
  private readonly offlineRetryMs: number;
  readonly sendDebounceMs: number;

  constructor(options: StoreOptions = {}) {
    this.transferPollMs = options.transferPollMs ?? 5000;
    this.offlineRetryMs = options.offlineRetryMs ?? 30000;
    this.sendDebounceMs = options.sendDebounceMs ?? 300;
  }

  /** Subscribes to the shell's events, then reads the app state and the cached wallets. */
  async start(): Promise<void> {
    this.unlisteners = await Promise.all([
      on("auth:changed", (state) => this.onAuthChanged(state)),
      on("auth:error", (error) => {
        this.authError = error;
        this.loginStarted = false;
        this.say(errorMessage(error));
      }),
      on("authn:prompt", (prompt) => {
        this.prompt = prompt;
        this.pin = null;
      }),
      on("authn:pin", (pin) => {
        this.pin = pin;
        this.prompt = null;
      }),
      on("wallets:changed", (wallets) => {
        this.wallets = wallets;
        this.walletsVersion++;
        void this.loadPending();
        void this.refreshWatchedTransfer();
      }),
    ]);
    try {
      const state = await ipc.appState();
      this.startupError = null;
      this.onAuthChanged(state);
    } catch (error) {
      this.startupError = error as IpcError;
    }
  }

  stop(): void {
    for (const unlisten of this.unlisteners) unlisten();
    this.unlisteners = [];
    this.stopPolling();
    this.stopOfflineRetry();
  }

  /** Puts a sentence in the polite live region (#status). */
  say(text: string): void {
    this.status = text;
  }

  navigate(view: View): void {
    this.view = view;
  }

  /**
   * What every failed call goes through: SIGNED_OUT sends the person to sign-in, the offline
   * codes switch the app to its offline state. Returns the error for the caller to show.
   */
  handleError(error: IpcError): IpcError {
    if (error.code === "SIGNED_OUT") {
      this.say(S.errors.SIGNED_OUT);
      void this.refreshApp();
      if (this.app) this.onAuthChanged({ ...this.app, signedIn: false, user: undefined });
    } else if (isOfflineError(error)) {
      this.setUnreachable(true);
    }
    return error;
  }

  async refreshApp(): Promise<void> {
    try {
      this.onAuthChanged(await ipc.appState());
    } catch (error) {
      this.handleError(error as IpcError);
    }
  }

  private onAuthChanged(state: AppState): void {
    const wasReady = !!this.app?.signedIn && this.app.registered !== false;
    if (state.offline && this.app && !this.app.offline && !this.unreachable) this.say(S.offline.banner);
    this.app = state;
    if (state.offline) this.startOfflineRetry();
    if (!state.signedIn) {
      this.wallets = [];
      this.pendingTransfers = {};
      this.passkeys = [];
      this.flow = null;
      this.stopPolling();
      this.view = { name: "home" };
      return;
    }
    this.authError = null;
    this.loginStarted = false;
    const ready = state.registered !== false;
    if (ready && !wasReady) void this.loadWallets().then(() => this.sync({ quiet: true }));
  }

  private setUnreachable(value: boolean): void {
    if (value === this.unreachable) return;
    this.unreachable = value;
    if (value) {
      this.say(S.offline.banner);
      this.startOfflineRetry();
    }
    else if (!this.app?.offline) this.stopOfflineRetry();
  }

  private startOfflineRetry(): void {
    if (this.offlineTimer !== null) return;
    this.offlineTimer = setInterval(() => void this.checkConnection(true), this.offlineRetryMs);
  }

  private stopOfflineRetry(): void {
    if (this.offlineTimer !== null) clearInterval(this.offlineTimer);
    this.offlineTimer = null;
  }

  /** Tries the network again (the banner's button, and a timer while offline). */
  async checkConnection(quiet = false): Promise<void> {
    if (!quiet) this.say(S.offline.checking);
    try {
      if (this.app?.signedIn && this.app.registered !== false) await ipc.sync();
      const state = await ipc.appState();
      this.unreachable = false;
      this.onAuthChanged(state);
      if (!state.offline) {
        this.stopOfflineRetry();
        this.say(S.offline.back);
        if (state.signedIn) await this.loadWallets();
      }
    } catch (error) {
      const e = this.handleError(error as IpcError);
      if (!quiet) this.say(errorMessage(e));
    }
  }

  async loadWallets(): Promise<void> {
    try {
      this.wallets = await ipc.wallets();
      this.walletsVersion++;
      await this.loadPending();
    } catch (error) {
      this.handleError(error as IpcError);
    }
  }

  private async loadPending(): Promise<void> {
    const pending: Record<string, Transfer[]> = {};
    await Promise.all(
      this.wallets.map(async (w) => {
        try {
          pending[w.id] = (await ipc.transfers(w.id)).filter(isPendingTransfer);
        } catch {
          pending[w.id] = this.pendingTransfers[w.id] ?? [];
        }
      }),
    );
    this.pendingTransfers = pending;
    this.updatePolling();
  }

  /** Brings the cache up to date from Dfns (the Refresh button, and after sign-in). */
  async sync(options: { quiet?: boolean } = {}): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    if (!options.quiet) this.say(S.nav.syncing);
    try {
      const report = await ipc.sync();
      this.setUnreachable(false);
      if (this.app?.offline) await this.refreshApp();
      await this.loadWallets();
      if (!options.quiet) this.say(S.nav.synced(report?.newHistory ?? 0, report?.transfers ?? 0));
    } catch (error) {
      const e = this.handleError(error as IpcError);
      if (!options.quiet) this.say(errorMessage(e));
    } finally {
      this.syncing = false;
    }
  }

  async loadPasskeys(): Promise<IpcError | null> {
    try {
      this.passkeys = await ipc.passkeys();
      return null;
    } catch (error) {
      return this.handleError(error as IpcError);
    }
  }

  async startLogin(): Promise<IpcError | null> {
    this.authError = null;
    try {
      await ipc.startLogin();
      this.loginStarted = true;
      this.say(S.signIn.waiting);
      return null;
    } catch (error) {
      const e = this.handleError(error as IpcError);
      this.say(errorMessage(e));
      return e;
    }
  }

  /** Runs a command that may ask the authenticator, with the prompt panel shown meanwhile. */
  async withCeremony<T>(run: () => Promise<T>): Promise<T> {
    this.ceremony = true;
    this.prompt = null;
    this.pin = null;
    try {
      return await run();
    } finally {
      this.ceremony = false;
      this.prompt = null;
      this.pin = null;
    }
  }

  async register(authenticator: Authenticator): Promise<IpcError | null> {
    this.say(S.register.running);
    try {
      const wallets = await this.withCeremony(() => ipc.register(authenticator));
      this.wallets = wallets;
      this.walletsVersion++;
      this.say(S.register.success);
      if (this.app) this.app = { ...this.app, registered: true };
      this.view = { name: "home" };
      await this.refreshApp();
      void this.loadPending();
      return null;
    } catch (error) {
      const e = this.handleError(error as IpcError);
      this.say(errorMessage(e));
      return e;
    }
  }

  async answerPin(pin: string | null): Promise<void> {
    this.pin = null;
    try {
      await ipc.answerPin(pin);
    } catch (error) {
      this.say(errorMessage(this.handleError(error as IpcError)));
    }
  }

  async cancelCeremony(): Promise<void> {
    try {
      await ipc.cancelCeremony();
    } catch (error) {
      this.handleError(error as IpcError);
    }
  }

  /** Shows the confirmation screen for a prepared action. */
  startFlow(prepared: Prepared, returnTo: View): void {
    this.flow = { stage: "confirm", prepared, armed: false, returnTo };
  }

  /** The Approve button: arms first when a warning needs it, then signs with the passkey. */
  async confirmFlow(): Promise<void> {
    const flow = this.flow;
    if (!flow || flow.stage === "signing" || flow.stage === "done") return;
    if (this.offline) return;
    if (flow.stage === "confirm" && needsSecondClick(flow.prepared) && !flow.armed) {
      // The hint next to the button is an alert: it is announced without the status line.
      this.flow = { ...flow, armed: true };
      return;
    }
    this.flow = { ...flow, stage: "signing", error: undefined };
    this.say(S.confirm.signing);
    try {
      const outcome = await this.withCeremony(() => ipc.confirmAction(flow.prepared.operationId));
      if (this.flow?.prepared.operationId !== flow.prepared.operationId) return;
      this.flow = { ...this.flow, stage: "done", outcome };
      await this.afterOutcome(outcome);
    } catch (error) {
      const e = this.handleError(error as IpcError);
      if (this.flow?.prepared.operationId !== flow.prepared.operationId) return;
      this.flow = { ...this.flow, stage: "failed", error: e };
      this.say(errorMessage(e));
    }
  }

  private async afterOutcome(outcome: Outcome): Promise<void> {
    switch (outcome.kind) {
      case "transfer":
        this.sendDraft = null;
        this.say(S.transferStatus.announce(transferStatusText(outcome.transfer.status)));
        if (this.flow) this.flow = { ...this.flow, transfer: outcome.transfer };
        await this.loadWallets();
        break;
      case "signature":
        this.say(S.result.signatureTitle);
        break;
      case "wallet":
        this.say(S.result.walletTitle);
        await this.loadWallets();
        break;
      case "passkeyAdded":
        this.say(S.result.passkeyAddedTitle);
        await this.loadPasskeys();
        break;
      case "passkeyDeactivated":
        this.say(S.result.passkeyDeactivatedTitle);
        await this.loadPasskeys();
        break;
    }
  }

  /** Cancel on the confirmation (or failure) screen: the prepared action is dropped. */
  async cancelFlow(): Promise<void> {
    const flow = this.flow;
    if (!flow) return;
    if (flow.stage === "signing") {
      await this.cancelCeremony();
      return;
    }
    if (flow.stage !== "done") {
      try {
        await ipc.cancelAction(flow.prepared.operationId);
        this.say(S.confirm.cancelled);
      } catch (error) {
        // The core refuses to drop an action that may have been sent (OUTCOME_UNKNOWN): it
        // settles it with Dfns first. Nothing may claim "nothing was signed" then.
        const e = this.handleError(error as IpcError);
        this.say(e.code === "OUTCOME_UNKNOWN" ? S.confirm.closedUnknown : errorMessage(e));
      }
    }
    this.closeFlow();
  }

  closeFlow(): void {
    const flow = this.flow;
    this.flow = null;
    if (flow) this.view = flow.returnTo;
    this.updatePolling();
  }

  /** The transfer the result screen follows, while it is not final. */
  private watchedTransfer(): { walletId: string; transfer: Transfer } | null {
    const flow = this.flow;
    if (!flow || flow.outcome?.kind !== "transfer" || flow.prepared.intent.action !== "Send") return null;
    return { walletId: flow.prepared.intent.walletId, transfer: flow.transfer ?? flow.outcome.transfer };
  }

  /**
   * Keeps syncing while a transfer is pending (the one just sent, or any on the wallets), so
   * statuses move on screen even if the shell emits no `wallets:changed`; stops when all are final.
   */
  private updatePolling(): void {
    const watched = this.watchedTransfer();
    const pending =
      (watched !== null && isPendingTransfer(watched.transfer)) ||
      Object.values(this.pendingTransfers).some((list) => list.length > 0);
    if (pending && this.app?.signedIn) {
      if (this.pollTimer === null) {
        this.pollTimer = setInterval(() => void this.poll(), this.transferPollMs);
      }
    } else {
      this.stopPolling();
    }
  }

  private stopPolling(): void {
    if (this.pollTimer !== null) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  private async poll(): Promise<void> {
    if (this.offline || this.syncing || this.ceremony) return;
    try {
      await ipc.sync();
    } catch (error) {
      this.handleError(error as IpcError);
      return;
    }
    await this.loadWallets();
    await this.refreshWatchedTransfer();
  }

  private async refreshWatchedTransfer(): Promise<void> {
    const watched = this.watchedTransfer();
    if (!watched) return;
    const id = watched.transfer.id;
    try {
      const found = (await ipc.transfers(watched.walletId)).find((t) => t.id === id);
      const flow = this.flow;
      if (!found || !flow || this.watchedTransfer()?.transfer.id !== id) return;
      if (found.status !== watched.transfer.status) {
        this.say(S.transferStatus.announce(transferStatusText(found.status)));
      }
      this.flow = { ...flow, transfer: found };
      this.updatePolling();
    } catch (error) {
      this.handleError(error as IpcError);
    }
  }

  async saveSettings(settings: Settings): Promise<IpcError | null> {
    try {
      this.app = await ipc.setSettings(settings);
      this.say(S.settings.saved);
      return null;
    } catch (error) {
      return this.handleError(error as IpcError);
    }
  }

  async signOut(): Promise<IpcError | null> {
    try {
      await ipc.signOut();
      this.say(S.settings.signedOut);
      await this.refreshApp();
      if (this.app?.signedIn) this.onAuthChanged({ ...this.app, signedIn: false, user: undefined });
      return null;
    } catch (error) {
      const e = this.handleError(error as IpcError);
      this.say(errorMessage(e));
      return e;
    }
  }
}

export function transferStatusText(status: string): string {
  const known = S.transferStatus as unknown as Record<string, string | ((s: string) => string)>;
  const text = known[status];
  return typeof text === "string" ? text : S.transferStatus.unknown(status);
}

const KEY = Symbol("sigil-store");

export function setStore(store: Store): void {
  setContext(KEY, store);
}

export function getStore(): Store {
  return getContext<Store>(KEY);
}
