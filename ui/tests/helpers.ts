// Mounting the whole app in jsdom against the fake shell, and small DOM helpers for the tests.

import { mount, tick, unmount } from "svelte";
import App from "../src/App.svelte";
import { setTransport, tauriTransport } from "../src/ipc";
import { Store } from "../src/store.svelte";
import { FakeShell } from "../src/testing/fakeShell";

export type Mounted = { shell: FakeShell; store: Store; root: HTMLElement; destroy: () => void };

export async function mountApp(shell: FakeShell): Promise<Mounted> {
  setTransport(shell.transport);
  const store = new Store({ transferPollMs: 20, offlineRetryMs: 60_000, sendDebounceMs: 0 });
  const root = document.createElement("div");
  document.body.appendChild(root);
  const app = mount(App, { target: root, props: { store } });
  await store.start();
  await settle();
  return {
    shell,
    store,
    root,
    destroy: () => {
      store.stop();
      void unmount(app);
      root.remove();
      setTransport(tauriTransport);
    },
  };
}

/** Lets promises, Svelte updates and zero-delay timers run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await tick();
  }
}

/** Waits until `check` passes (it throws until then), for up to `ms`. */
export async function until<T>(check: () => T, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      return check();
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw last;
    await settle(1);
  }
}

export function $(selector: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(selector);
  if (!el) throw new Error(`no element matches ${selector}`);
  return el;
}

export function $$(selector: string): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>(selector)];
}

export function exists(selector: string): boolean {
  return document.querySelector(selector) !== null;
}

export function text(selector: string): string {
  return ($(selector).textContent ?? "").replace(/\s+/g, " ").trim();
}

export async function click(selector: string | HTMLElement): Promise<void> {
  const el = typeof selector === "string" ? $(selector) : selector;
  el.click();
  await settle();
}

export async function type(selector: string, value: string): Promise<void> {
  const el = $(selector) as HTMLInputElement | HTMLTextAreaElement;
  el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
  await settle();
}

export async function choose(selector: string, value: string): Promise<void> {
  const el = $(selector) as HTMLSelectElement;
  el.value = value;
  el.dispatchEvent(new Event("change", { bubbles: true }));
  await settle();
}

/** Opens Send and fills a complete form, waiting until it can be reviewed. */
export async function fillSend(to: string, amount: string): Promise<void> {
  await click("#send-open");
  await type("#send-to", to);
  await type("#send-amount", amount);
  await until(() => {
    if (!isDisabled("#send-submit")) return;
    throw new Error("the send form is not ready");
  });
}

export function isDisabled(selector: string): boolean {
  return ($(selector) as HTMLButtonElement).disabled;
}
