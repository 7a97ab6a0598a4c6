// The wallets as the core's cache holds them, and syncing that cache with Dfns.

import { ipc, type WalletView } from "../ipc";
import { S } from "../strings";
import type { Store } from "../store.svelte";

export class Wallets {
  list = $state<WalletView[]>([]);
  /** Incremented on every wallet change, so screens re-read history and transfers. */
  version = $state(0);
  syncing = $state(false);

  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  replace(wallets: WalletView[]): void {
    this.list = wallets;
    this.version++;
  }

  /** The shell's `wallets:changed`. */
  changed(wallets: WalletView[]): void {
    this.replace(wallets);
    void this.store.transfers.load();
    void this.store.flow.refreshWatchedTransfer();
  }

  async load(): Promise<void> {
    await this.store.attempt(async () => {
      this.replace(await ipc.wallets());
      await this.store.transfers.load();
    });
  }

  /** Brings the cache up to date from Dfns (the Refresh button, and after sign-in). */
  async sync({ quiet = false } = {}): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    if (!quiet) this.store.say(S.nav.syncing);
    await this.store.attempt(
      async () => {
        const report = await ipc.sync();
        this.store.connection.setUnreachable(false);
        if (this.store.session.app?.offline) await this.store.session.refresh();
        await this.load();
        if (!quiet) this.store.say(S.nav.synced(report?.newHistory ?? 0, report?.transfers ?? 0));
      },
      { announce: !quiet },
    );
    this.syncing = false;
  }
}
