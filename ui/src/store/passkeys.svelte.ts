// The account's passkeys (the Passkeys screen, and the confirmation of a deactivation).

import { ipc, type IpcError, type Passkey } from "../ipc";
import type { Store } from "../store.svelte";

export class Passkeys {
  list = $state<Passkey[]>([]);

  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  async load(): Promise<IpcError | null> {
    return this.store.attempt(async () => {
      this.list = await ipc.passkeys();
    });
  }
}
