// @vitest-environment jsdom
// Signed updates in the UI, against the fake shell: the offer the shell announces, the person's
// consent before anything installs, and the refusals with their own sentences.

import { afterEach, describe, expect, it } from "vitest";
import { FakeShell } from "../src/testing/fakeShell";
import { S } from "../src/strings";
import { click, exists, mountApp, settle, text, until, type Mounted } from "./helpers";

const OFFER = { version: "0.2.0", currentVersion: "0.1.0", notes: "Faster start.", date: "2026-05-01T12:00:00Z" };

let app: Mounted | null = null;
afterEach(() => {
  app?.destroy();
  app = null;
});

async function announced(shell: FakeShell): Promise<Mounted> {
  app = await mountApp(shell);
  shell.update = OFFER;
  shell.emit("update:available", OFFER);
  await settle();
  return app;
}

describe("signed updates", () => {
  it("shows an update the company published with its version and notes, and installs nothing by itself", async () => {
    const shell = new FakeShell();
    await announced(shell);
    expect(text("#update-title")).toContain(S.update.title);
    expect(text("#update-version")).toBe(S.update.version("0.2.0", "0.1.0"));
    expect(text("#update-notes")).toBe("Faster start.");
    expect(text("#status")).toBe(S.update.available("0.2.0"));
    expect(shell.callsOf("install_update")).toEqual([]);
  });

  it("shows an offer the shell found before the UI was listening", async () => {
    const shell = new FakeShell();
    shell.offeredAtStart = OFFER;
    app = await mountApp(shell);
    expect(text("#update-version")).toBe(S.update.version("0.2.0", "0.1.0"));
    expect(shell.callsOf("update_offered")).toHaveLength(1);
  });

  it("installs the version shown when the person agrees", async () => {
    const shell = new FakeShell();
    await announced(shell);
    await click("#update-install");
    await until(() => expect(shell.installed).toEqual(["0.2.0"]));
    expect(shell.callsOf("install_update")).toEqual([{ version: "0.2.0" }]);
    expect(text("#status")).toBe(S.update.installing("0.2.0"));
  });

  it("says plainly that an update not signed by the company was refused", async () => {
    const shell = new FakeShell();
    shell.installRefusal = { code: "UPDATE_SIGNATURE_INVALID", message: "the signature does not verify" };
    await announced(shell);
    await click("#update-install");
    await until(() => expect(exists("#update-error")).toBe(true));
    expect(text("#update-error")).toBe(S.errors.UPDATE_SIGNATURE_INVALID);
    expect(document.querySelector("#update-error")?.getAttribute("data-code")).toBe("UPDATE_SIGNATURE_INVALID");
    expect(shell.installed).toEqual([]);
  });

  it("says plainly that an older version offered was refused", async () => {
    const shell = FakeShell.signedIn();
    shell.updateRefusal = { code: "UPDATE_NOT_NEWER", message: "0.0.9 is not newer than 0.1.0" };
    app = await mountApp(shell);
    await click("#nav-settings");
    await click("#check-update");
    await until(() => expect(text("#update-error")).toBe(S.errors.UPDATE_NOT_NEWER));
    expect(exists("#update-install")).toBe(false);
  });

  it("checks on request and says when Sigil is up to date", async () => {
    const shell = FakeShell.signedIn();
    app = await mountApp(shell);
    await click("#nav-settings");
    await click("#check-update");
    await until(() => expect(text("#status")).toBe(S.update.upToDate));
    expect(exists("#update-banner")).toBe(false);
    shell.update = OFFER;
    await click("#check-update");
    await until(() => expect(text("#update-version")).toBe(S.update.version("0.2.0", "0.1.0")));
  });

  it("hides the offer on Later until another version is offered", async () => {
    const shell = new FakeShell();
    await announced(shell);
    await click("#update-later");
    expect(exists("#update-banner")).toBe(false);
    shell.emit("update:available", OFFER);
    await settle();
    expect(exists("#update-banner")).toBe(false);
    shell.emit("update:available", { ...OFFER, version: "0.3.0" });
    await settle();
    expect(text("#update-version")).toBe(S.update.version("0.3.0", "0.1.0"));
  });
});
