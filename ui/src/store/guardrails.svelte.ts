// The person's guardrails (the Safety section of Settings): read from the core, saved through
// it. The core validates them (GUARDRAIL_INVALID) and applies them before anything is signed.

import { ipc, type Guardrails as GuardrailSettings, type GuardrailsView, type IpcError } from "../ipc";
import { S } from "../strings";
import type { Store } from "../store.svelte";

export class Guardrails {
  /** As the core holds them; null until read. */
  view = $state<GuardrailsView | null>(null);

  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  async load(): Promise<IpcError | null> {
    return this.store.attempt(async () => {
      this.view = await ipc.guardrails();
    });
  }

  async save(guardrails: GuardrailSettings): Promise<IpcError | null> {
    return this.store.attempt(async () => {
      this.view = await ipc.setGuardrails(guardrails);
      this.store.say(S.guardrails.saved);
    });
  }
}
