// The signed action flow every write goes through: the prepared action on the confirmation
// screen, approved with the passkey, then the result (a sent transfer followed until it is final).

import { ipc, type IpcError, type Outcome, type Prepared, type Transfer } from "../ipc";
import { errorMessage, needsPrepareAgain } from "../errors";
import { S } from "../strings";
import type { Store, View } from "../store.svelte";
import { transferStatusText } from "./transfers.svelte";

export type FlowStage = "confirm" | "signing" | "done" | "failed";

export type FlowState = {
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

/** Warnings that need a second, explicit click on Approve. */
export const WARNINGS_NEEDING_SECOND_CLICK = ["LAST_ACTIVE_PASSKEY", "LOOKS_LIKE_KNOWN_ADDRESS"];

export function needsSecondClick(prepared: Prepared): boolean {
  return prepared.warnings.some((w) => WARNINGS_NEEDING_SECOND_CLICK.includes(w.code));
}

export class Flow {
  /** The action on screen, from its confirmation to its result; null when there is none. */
  current = $state<FlowState | null>(null);

  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** Shows the confirmation screen for a prepared action. */
  start(prepared: Prepared, returnTo: View): void {
    this.store.notice = null;
    this.current = { stage: "confirm", prepared, armed: false, returnTo };
  }

  /** The Approve button: arms first when a warning needs it, then signs with the passkey. */
  async confirm(): Promise<void> {
    const flow = this.current;
    if (!flow || flow.stage === "signing" || flow.stage === "done") return;
    if (this.store.connection.offline) return;
    if (flow.stage === "confirm" && needsSecondClick(flow.prepared) && !flow.armed) {
      // The hint next to the button is an alert: it is announced without the status line.
      this.current = { ...flow, armed: true };
      return;
    }
    this.current = { ...flow, stage: "signing", error: undefined };
    this.store.say(S.confirm.signing);
    const id = flow.prepared.operationId;
    const error = await this.store.attempt(async () => {
      const outcome = await this.store.ceremony.run(() => ipc.confirmAction(id));
      const now = this.current;
      if (now?.prepared.operationId !== id) return;
      this.current = { ...now, stage: "done", outcome };
      await this.afterOutcome(outcome);
    });
    // The flow may have closed meanwhile (the session ended): its failure does not bring it back.
    const now = this.current;
    if (error && now?.prepared.operationId === id) {
      this.store.say(errorMessage(error));
      if (needsPrepareAgain(error)) {
        // Nothing can sign this one any more (the core dropped it): back to the form, which
        // keeps what was typed, to prepare it again.
        this.close();
        this.store.notice = errorMessage(error);
      } else {
        this.current = { ...now, stage: "failed", error };
      }
    }
  }

  /** Cancel on the confirmation (or failure) screen: the prepared action is dropped. */
  async cancel(): Promise<void> {
    const flow = this.current;
    if (!flow) return;
    if (flow.stage === "signing") {
      await this.store.ceremony.stop();
      return;
    }
    if (flow.stage !== "done") {
      const error = await this.store.attempt(() => ipc.cancelAction(flow.prepared.operationId));
      if (error?.code === "OUTCOME_UNKNOWN") {
        // The core refuses to drop an action that may have been sent: it settles it with Dfns
        // first. Nothing may claim "nothing was signed" then.
        this.store.say(S.confirm.closedUnknown);
      } else {
        this.store.say(error ? errorMessage(error) : S.confirm.cancelled);
      }
    }
    this.close();
  }

  close(): void {
    const flow = this.current;
    this.current = null;
    if (flow) this.store.navigate(flow.returnTo);
    this.store.transfers.updatePolling();
  }

  /** The transfer the result screen follows, while it is not final. */
  watchedTransfer(): { walletId: string; transfer: Transfer } | null {
    const flow = this.current;
    if (!flow || flow.outcome?.kind !== "transfer" || flow.prepared.intent.action !== "Send") return null;
    return { walletId: flow.prepared.intent.walletId, transfer: flow.transfer ?? flow.outcome.transfer };
  }

  async refreshWatchedTransfer(): Promise<void> {
    const watched = this.watchedTransfer();
    if (!watched) return;
    const id = watched.transfer.id;
    await this.store.attempt(async () => {
      const found = (await ipc.transfers(watched.walletId)).find((t) => t.id === id);
      const flow = this.current;
      if (!found || !flow || this.watchedTransfer()?.transfer.id !== id) return;
      if (found.status !== watched.transfer.status) {
        this.store.say(S.transferStatus.announce(transferStatusText(found.status)));
      }
      this.current = { ...flow, transfer: found };
      this.store.transfers.updatePolling();
    });
  }

  private async afterOutcome(outcome: Outcome): Promise<void> {
    const { wallets, passkeys } = this.store;
    switch (outcome.kind) {
      case "transfer":
        this.store.send.draft = null;
        this.store.say(S.transferStatus.announce(transferStatusText(outcome.transfer.status)));
        if (this.current) this.current = { ...this.current, transfer: outcome.transfer };
        await wallets.load();
        break;
      case "signature":
        this.store.say(S.result.signatureTitle);
        break;
      case "wallet":
        this.store.say(S.result.walletTitle);
        await wallets.load();
        break;
      case "passkeyAdded":
        await passkeys.load();
        // A new recovery kit: its code is shown (the kit screen) instead of this result.
        await this.store.access.load();
        if (this.store.access.view?.kitToConfirm) {
          this.store.say(S.kit.title);
          this.close();
        } else {
          this.store.say(S.result.passkeyAddedTitle);
        }
        break;
      case "passkeyDeactivated":
        this.store.say(S.result.passkeyDeactivatedTitle);
        await passkeys.load();
        break;
    }
  }
}
