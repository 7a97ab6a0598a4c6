// A running passkey ceremony: what the authenticator asks for (#prompt), whether the approval
// window waits for the person, and stopping it. PINs are typed in the approval window only.

import { ipc, type ApprovalView, type PromptEvent } from "../ipc";
import type { Store } from "../store.svelte";

export class Ceremony {
  /** A command that may ask the authenticator is running. */
  running = $state(false);
  /** What the authenticator asks for now (the assertive #prompt). */
  prompt = $state<PromptEvent | null>(null);
  /** What the approval window asks the person to approve, while it is open. */
  approval = $state<ApprovalView | null>(null);

  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** Runs a command that may ask the authenticator, with the prompt panel shown meanwhile. */
  async run<T>(command: () => Promise<T>): Promise<T> {
    this.running = true;
    this.prompt = null;
    try {
      return await command();
    } finally {
      this.running = false;
      this.prompt = null;
      this.approval = null;
    }
  }

  /** The shell's `authn:prompt`. */
  showPrompt(prompt: PromptEvent): void {
    this.prompt = prompt;
  }

  /** The shell's `approval:changed`. */
  approvalChanged(approval: ApprovalView | null): void {
    this.approval = approval;
  }

  async stop(): Promise<void> {
    await this.store.attempt(() => ipc.cancelCeremony());
  }
}
