// A running passkey ceremony: what the authenticator asks for (#prompt), the PIN it may need,
// and stopping it.

import { ipc, type PinEvent, type PromptEvent } from "../ipc";
import type { Store } from "../store.svelte";

export class Ceremony {
  /** A command that may ask the authenticator is running. */
  running = $state(false);
  /** What the authenticator asks for now (the assertive #prompt). */
  prompt = $state<PromptEvent | null>(null);
  pin = $state<PinEvent | null>(null);

  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** Runs a command that may ask the authenticator, with the prompt panel shown meanwhile. */
  async run<T>(command: () => Promise<T>): Promise<T> {
    this.running = true;
    this.prompt = null;
    this.pin = null;
    try {
      return await command();
    } finally {
      this.running = false;
      this.prompt = null;
      this.pin = null;
    }
  }

  /** The shell's `authn:prompt`. */
  showPrompt(prompt: PromptEvent): void {
    this.prompt = prompt;
    this.pin = null;
  }

  /** The shell's `authn:pin`. */
  askPin(pin: PinEvent): void {
    this.pin = pin;
    this.prompt = null;
  }

  /** The PIN typed, or null when the person declined. */
  async answerPin(pin: string | null): Promise<void> {
    this.pin = null;
    await this.store.attempt(() => ipc.answerPin(pin), { announce: true });
  }

  async stop(): Promise<void> {
    await this.store.attempt(() => ipc.cancelCeremony());
  }
}
