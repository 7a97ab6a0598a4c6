import { mount } from "svelte";
import App from "./App.svelte";
import { setTransport } from "./ipc";
import { Store } from "./store.svelte";
import { S } from "./strings";
import "./app.css";

async function main() {
  // `npm run dev -- --mode demo` runs the UI in a plain browser against an in-memory fake of the
  // shell. In any other mode this branch is compiled away and the fake is not in the bundle.
  if (import.meta.env.MODE === "demo") {
    const { FakeShell } = await import("./testing/fakeShell");
    setTransport(FakeShell.demo().transport);
  }
  document.documentElement.lang = S.lang;
  document.title = S.appName;
  const store = new Store();
  const target = document.getElementById("app");
  if (!target) return;
  mount(App, { target, props: { store } });
  await store.start();
}

void main();
