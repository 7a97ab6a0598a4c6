// The person's address book: recipients saved with a name, per network. The core checks each
// address for its network and keeps it as the network writes it; saved addresses count as known
// to the guardrails, and the confirmation shows the name beside the address.

import { ipc, type ContactView, type IpcError } from "../ipc";
import { S } from "../strings";
import type { Store } from "../store.svelte";

export class Contacts {
  list = $state<ContactView[]>([]);

  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  async load(): Promise<IpcError | null> {
    return this.store.attempt(async () => {
      this.list = await ipc.addressBook();
    });
  }

  /** The saved recipients of `network`, by name. */
  on(network: string): ContactView[] {
    return this.list.filter((c) => c.network === network);
  }

  /** The name `address` is saved under on `network` (EVM addresses compared without case). */
  nameOf(network: string, address: string): string | null {
    const wanted = address.trim().toLowerCase();
    return this.on(network).find((c) => c.address.toLowerCase() === wanted)?.name ?? null;
  }

  async save(network: string, address: string, name: string): Promise<IpcError | null> {
    return this.store.attempt(async () => {
      this.list = await ipc.saveContact(network, address, name);
      this.store.say(S.contacts.saved(name.trim()));
    });
  }

  async remove(contact: ContactView): Promise<IpcError | null> {
    return this.store.attempt(async () => {
      this.list = await ipc.deleteContact(contact.network, contact.address);
      this.store.say(S.contacts.deleted(contact.name));
    });
  }

  forget(): void {
    this.list = [];
  }
}
