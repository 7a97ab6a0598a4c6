// A newer Sigil the company published: announced by the shell (it asks at start and daily) or
// found by "Check for updates". It installs only when the person says so; the app then restarts
// as the new version. A refusal (a signature that is not the company's, a version that is not
// newer) is shown with its own sentence.

import { ipc, type IpcError, type UpdateView } from "../ipc";
import { errorMessage } from "../errors";
import { S } from "../strings";
import type { Store } from "../store.svelte";

export class Updates {
  /** The update offered, until the app restarts as it. */
  offered = $state<UpdateView | null>(null);
  /** The person chose "Later" for this offer. */
  dismissed = $state(false);
  busy = $state<"checking" | "installing" | null>(null);
  error = $state<IpcError | null>(null);

  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** The shell's `update:available`, or the answer of a check. */
  available(update: UpdateView): void {
    if (this.offered?.version !== update.version) this.dismissed = false;
    this.offered = update;
    this.error = null;
    this.store.say(S.update.available(update.version));
  }

  /** At start: an offer the shell's own check at start made before the UI listened. */
  async load(): Promise<void> {
    let kept: UpdateView | null = null;
    await this.store.attempt(async () => {
      kept = await ipc.updateOffered();
    });
    if (kept) this.available(kept);
  }

  /** "Check for updates". */
  async check(): Promise<void> {
    this.busy = "checking";
    this.error = null;
    let found: UpdateView | null = null;
    this.error = await this.store.attempt(async () => {
      found = await ipc.checkUpdate();
    });
    this.busy = null;
    if (found) this.available(found);
    else if (this.error) this.store.say(errorMessage(this.error));
    else this.store.say(S.update.upToDate);
  }

  /** The person's yes to the version they were shown; the app restarts as it. */
  async install(): Promise<void> {
    const offered = this.offered;
    if (!offered || this.busy) return;
    this.busy = "installing";
    this.error = null;
    this.store.say(S.update.installing(offered.version));
    this.error = await this.store.attempt(() => ipc.installUpdate(offered.version));
    this.busy = null;
    if (!this.error) return;
    this.store.say(errorMessage(this.error));
    // Nothing to install any more: the offer on screen is gone too.
    if (this.error.code === "NO_UPDATE_PENDING") this.offered = null;
  }

  /** "Later": the banner goes until another version is offered. */
  later(): void {
    this.dismissed = true;
    this.error = null;
  }
}
