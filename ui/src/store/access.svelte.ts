// Never locked out (issue 15): what this computer can do for the signed-in person (`access`), the
// recovery kit to type back, recovering access with it after the website's check, and adding
// this computer with a code from another one. `gate` names the screen that comes before the rest
// of the app while one of these is pending.

import { ipc, type AccessView, type Authenticator, type ComputerCodeView, type IpcError } from "../ipc";
import { S } from "../strings";
import type { Store } from "../store.svelte";

/** A screen that stands before the rest of the app. */
export type Gate = "kit" | "recover" | "new-computer";

export class Access {
  view = $state<AccessView | null>(null);
  /** The person said they sign with a security key: the new-computer screen steps aside. */
  securityKeyChosen = $state(false);
  /** A recovery just finished: the kit screen says the earlier passkeys no longer work. */
  recovered = $state(false);
  /** The website's recovery page was opened (sign-in screen). */
  recoveryStarted = $state(false);

  /** The screen that comes first: a kit to type back, a recovery under way, no passkey here. */
  gate = $derived.by((): Gate | null => {
    const view = this.view;
    if (!view || !this.store.session.signedIn) return null;
    if (view.kitToConfirm) return "kit";
    if (view.recovering) return "recover";
    if (this.store.session.needsRegistration) return null;
    if (!view.passkeyHere && !this.securityKeyChosen) return "new-computer";
    return null;
  });

  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  async load(): Promise<IpcError | null> {
    return this.store.attempt(async () => {
      this.view = await ipc.access();
    });
  }

  forget(): void {
    this.view = null;
    this.securityKeyChosen = false;
    this.recovered = false;
  }

  /** Opens the company's recovery page; its answer comes back as a sign-in link. */
  async startRecovery(): Promise<IpcError | null> {
    return this.store.attempt(
      async () => {
        this.store.session.showPage(await ipc.startRecovery());
        this.recoveryStarted = true;
        this.store.say(S.recovery.waiting);
      },
      { announce: true },
    );
  }

  /** Opens the kit with `code`, makes a new passkey here; the new kit's code comes next. */
  async recover(code: string, authenticator: Authenticator): Promise<IpcError | null> {
    this.store.say(S.recovery.running);
    return this.store.attempt(
      async () => {
        this.view = await this.store.ceremony.run(() => ipc.recover(code, authenticator));
        this.recovered = true;
        this.recoveryStarted = false;
        this.store.say(S.kit.recovered);
        void this.store.passkeys.load();
      },
      { announce: true },
    );
  }

  async confirmKit(code: string): Promise<IpcError | null> {
    return this.store.attempt(async () => {
      this.view = await ipc.confirmRecoveryKit(code);
      this.recovered = false;
      this.store.say(S.kit.confirmed);
      this.store.navigate({ name: "home" });
    });
  }

  /** A kit for an account without one: the usual confirmation, then the kit screen. */
  async prepareKit(): Promise<IpcError | null> {
    return this.store.attempt(
      async () => {
        const prepared = await ipc.prepareRecoveryKit();
        this.store.flow.start(prepared, { name: "home" });
      },
      { announce: true },
    );
  }

  /** A code for another computer, approved with the passkey. */
  async createComputerCode(): Promise<{ made: ComputerCodeView } | { error: IpcError }> {
    this.store.say(S.computerCode.making);
    let made: ComputerCodeView | undefined;
    const error = await this.store.attempt(
      async () => {
        made = await this.store.ceremony.run(() => ipc.createComputerCode());
        this.store.say(S.computerCode.made);
      },
      { announce: true },
    );
    return made ? { made } : { error: error ?? { code: "INTERNAL", message: "" } };
  }

  async addThisComputer(code: string, authenticator: Authenticator): Promise<IpcError | null> {
    this.store.say(S.newComputer.adding);
    return this.store.attempt(
      async () => {
        this.store.passkeys.list = await this.store.ceremony.run(() => ipc.addThisComputer(code, authenticator));
        await this.load();
        this.store.say(S.newComputer.added);
      },
      { announce: true },
    );
  }
}
