// The offline state: the shell's own flag or a call that could not reach the network, announced
// once, and the network tried again every so often (and on "Check again") until it answers.

import { ipc, type AppState } from "../ipc";
import { S } from "../strings";
import type { Store } from "../store.svelte";

export class Connection {
  /** A call failed because the network is out of reach (the shell may not know yet). */
  unreachable = $state(false);

  private retryTimer: ReturnType<typeof setInterval> | null = null;
  private readonly store: Store;
  private readonly retryMs: number;

  constructor(store: Store, retryMs: number) {
    this.store = store;
    this.retryMs = retryMs;
  }

  get offline(): boolean {
    return !!this.store.session.app?.offline || this.unreachable;
  }

  setUnreachable(value: boolean): void {
    if (value === this.unreachable) return;
    this.unreachable = value;
    if (value) {
      this.store.say(S.offline.banner);
      this.startRetry();
    } else if (!this.store.session.app?.offline) {
      this.stopRetry();
    }
  }

  /** The shell's app state says offline; `previous` is the state before it. */
  shellOffline(previous: AppState | null): void {
    if (previous && !previous.offline && !this.unreachable) this.store.say(S.offline.banner);
    this.startRetry();
  }

  stopRetry(): void {
    if (this.retryTimer !== null) clearInterval(this.retryTimer);
    this.retryTimer = null;
  }

  /** Tries the network again (the banner's button, and a timer while offline). */
  async check(quiet = false): Promise<void> {
    if (!quiet) this.store.say(S.offline.checking);
    const { session, wallets } = this.store;
    await this.store.attempt(
      async () => {
        if (session.ready) await ipc.sync();
        const state = await ipc.appState();
        this.unreachable = false;
        session.apply(state);
        if (!state.offline) {
          this.stopRetry();
          this.store.say(S.offline.back);
          if (state.signedIn) await wallets.load();
        }
      },
      { announce: !quiet },
    );
  }

  private startRetry(): void {
    if (this.retryTimer !== null) return;
    this.retryTimer = setInterval(() => void this.check(true), this.retryMs);
  }
}
