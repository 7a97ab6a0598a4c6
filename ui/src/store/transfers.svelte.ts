// Transfers that are not final yet, and the sync that keeps running while there are any so their
// statuses move on screen.

import { ipc, type Transfer } from "../ipc";
import { S } from "../strings";
import type { Store } from "../store.svelte";

/** Transfer statuses after which nothing changes any more. */
export const FINAL_TRANSFER_STATUSES = ["Confirmed", "Failed", "Rejected"];

export function isPendingTransfer(t: Transfer): boolean {
  return !FINAL_TRANSFER_STATUSES.includes(t.status);
}

export function transferStatusText(status: string): string {
  const known = S.transferStatus as unknown as Record<string, string | ((s: string) => string)>;
  const text = known[status];
  return typeof text === "string" ? text : S.transferStatus.unknown(status);
}

export class Transfers {
  /** Each wallet's transfers that are not final yet. */
  pending = $state<Record<string, Transfer[]>>({});

  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private readonly store: Store;
  private readonly pollMs: number;

  constructor(store: Store, pollMs: number) {
    this.store = store;
    this.pollMs = pollMs;
  }

  async load(): Promise<void> {
    const pending: Record<string, Transfer[]> = {};
    await Promise.all(
      this.store.wallets.list.map(async (w) => {
        // A wallet whose transfers cannot be read keeps those last seen.
        pending[w.id] = await ipc.transfers(w.id).then(
          (transfers) => transfers.filter(isPendingTransfer),
          () => this.pending[w.id] ?? [],
        );
      }),
    );
    this.pending = pending;
    this.updatePolling();
  }

  /**
   * Keeps syncing while a transfer is pending (the one just sent, or any on the wallets), so
   * statuses move on screen even if the shell emits no `wallets:changed`; stops when all are final.
   */
  updatePolling(): void {
    const watched = this.store.flow.watchedTransfer();
    const pending =
      (watched !== null && isPendingTransfer(watched.transfer)) ||
      Object.values(this.pending).some((list) => list.length > 0);
    if (pending && this.store.session.signedIn) {
      this.pollTimer ??= setInterval(() => void this.poll(), this.pollMs);
    } else {
      this.stopPolling();
    }
  }

  stopPolling(): void {
    if (this.pollTimer !== null) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  private async poll(): Promise<void> {
    const { connection, wallets, ceremony, flow } = this.store;
    if (connection.offline || wallets.syncing || ceremony.running) return;
    const error = await this.store.attempt(() => ipc.sync());
    if (error) return;
    await wallets.load();
    await flow.refreshWatchedTransfer();
  }
}
