// What the send screen keeps across screens: the form as typed, so it is still there when the
// person comes back from the confirmation screen.

import type { SendFields } from "../sendForm";

export class SendScreen {
  draft = $state<SendFields | null>(null);
  /** The pause in typing after which the send form asks the core (ms). */
  readonly debounceMs: number;

  constructor(debounceMs: number) {
    this.debounceMs = debounceMs;
  }
}
