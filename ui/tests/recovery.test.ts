// @vitest-environment jsdom
// Never locked out (issue 15), against the fake shell: the recovery kit typed back, recovering
// access after the website's check, adding this computer with a code from another one, and
// where each passkey lives.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeShell, fakeKitCode } from "../src/testing/fakeShell";
import { S } from "../src/strings";
import { $, $$, click, exists, isDisabled, mountApp, settle, text, type, until, type Mounted } from "./helpers";

let app: Mounted | null = null;
afterEach(() => {
  app?.destroy();
  app = null;
  vi.restoreAllMocks();
});

async function start(shell: FakeShell): Promise<Mounted> {
  app = await mountApp(shell);
  return app;
}

/** Signed in, not registered yet. */
function newAccount(): FakeShell {
  const shell = new FakeShell();
  shell.state = { ...shell.state, signedIn: true, registered: false, user: { id: "us-1", email: "ada@example.com" } };
  return shell;
}

/** A registered account whose recovery kit was never made. */
function withoutKit(): FakeShell {
  const shell = FakeShell.signedIn();
  shell.passkeys = shell.passkeys.filter((p) => p.location !== "recoveryKit");
  shell.kitCode = null;
  return shell;
}

/** Signed in on a computer that holds none of the account's passkeys. */
function otherComputer(): FakeShell {
  const shell = FakeShell.signedIn();
  shell.passkeys = shell.passkeys.map((p) => (p.location === "thisComputer" ? { ...p, location: "elsewhere" } : p));
  return shell;
}

function nothingElseReachable(): void {
  expect(exists("nav")).toBe(false);
  expect(exists("#sync")).toBe(false);
  expect(exists("#wallets")).toBe(false);
}

describe("the recovery kit", () => {
  it("is the last step of registration: shown once in large type, and nothing else until it is typed back", async () => {
    const shell = newAccount();
    await start(shell);
    await click("#register");
    await until(() => expect(exists("#recovery-kit")).toBe(true));
    const code = shell.kitToConfirm!;
    expect(code).toMatch(/^D1-/);
    expect(text("#recovery-kit-code")).toBe(code);
    expect($("#recovery-kit-code").classList).toContain("kit-code");
    expect(text("#recovery-kit")).toContain(S.kit.what);
    nothingElseReachable();

    await type("#recovery-kit-typed", code);
    await click("#recovery-kit-confirm");
    await until(() => expect(exists("#wallets [data-wallet-id]")).toBe(true));
    expect(shell.callsOf("confirm_recovery_kit")).toEqual([{ code }]);
    expect(shell.kitToConfirm).toBeNull();
    expect(exists("#recovery-kit")).toBe(false);
    expect(exists("nav")).toBe(true);
  });

  it("shows a mismatch beside the field and keeps the code on screen to compare", async () => {
    const shell = FakeShell.signedIn();
    shell.kitToConfirm = shell.kitCode;
    await start(shell);
    await type("#recovery-kit-typed", "D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-45678X");
    await click("#recovery-kit-confirm");
    await until(() => expect(text("#recovery-kit-typed-error")).toBe(S.errors.RECOVERY_CODE_MISMATCH));
    expect($("#recovery-kit-typed").getAttribute("aria-invalid")).toBe("true");
    expect(($("#recovery-kit-typed") as HTMLInputElement).value).toBe("D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-45678X");
    expect(text("#recovery-kit-code")).toBe(shell.kitCode);
    nothingElseReachable();
  });

  it("asks for the code before sending anything when the field is empty", async () => {
    const shell = FakeShell.signedIn();
    shell.kitToConfirm = shell.kitCode;
    await start(shell);
    await click("#recovery-kit-confirm");
    expect(text("#recovery-kit-typed-error")).toBe(S.kit.required);
    expect(shell.callsOf("confirm_recovery_kit")).toHaveLength(0);
  });

  it("comes back after a restart until it is typed back", async () => {
    const shell = FakeShell.signedIn();
    shell.kitToConfirm = shell.kitCode;
    await start(shell);
    expect(exists("#recovery-kit")).toBe(true);
    expect(text("#recovery-kit-code")).toBe(fakeKitCode(0));
    expect(document.activeElement?.id).toBe("recovery-kit-title");
    nothingElseReachable();
  });

  it("prints with a layout where only the kit shows", async () => {
    const shell = FakeShell.signedIn();
    shell.kitToConfirm = shell.kitCode;
    await start(shell);
    const print = vi.spyOn(window, "print").mockImplementation(() => {});
    await click("#recovery-kit-print");
    expect(print).toHaveBeenCalledOnce();
    // What is printed holds the code and its explanation, not the form or the buttons.
    const printable = $("#recovery-kit .printable");
    expect(printable.textContent).toContain(shell.kitCode);
    expect(printable.querySelector("button, input")).toBeNull();
    expect($("#recovery-kit-confirm").closest(".no-print")).not.toBeNull();
    const css = readFileSync(join(__dirname, "..", "src", "app.css"), "utf8");
    expect(css).toMatch(/@media print\s*{[^@]*\.printable/);
  });

  it("saves a small text file with the code through a Blob link", async () => {
    const shell = FakeShell.signedIn();
    shell.kitToConfirm = shell.kitCode;
    await start(shell);
    let saved: Blob | null = null;
    const createObjectURL = vi.fn((blob: Blob) => {
      saved = blob;
      return "blob:kit";
    });
    const revokeObjectURL = vi.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    await click("#recovery-kit-save");
    expect(clicked).toHaveLength(1);
    expect(clicked[0].download).toBe(S.kit.fileName);
    expect(clicked[0].href).toBe("blob:kit");
    expect(revokeObjectURL).toHaveBeenCalledWith("blob:kit");
    const content = await new Promise<string>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as string);
      reader.readAsText(saved as unknown as Blob);
    });
    expect(content).toContain(shell.kitCode);
    expect(content).toContain("ada@example.com");
    expect(text("#status")).toBe(S.kit.saved);
  });
});

describe("an account without a recovery kit", () => {
  it("is offered one on Home, confirmed like a passkey, then shown on the kit screen", async () => {
    const shell = withoutKit();
    await start(shell);
    await until(() => expect(exists("#recovery-kit-banner")).toBe(true));
    expect(text("#recovery-kit-banner")).toContain(S.kit.banner);

    await click("#create-recovery-kit");
    await until(() => expect(text("#intent [data-field=name]")).toBe("Recovery kit"));
    expect($("#intent").dataset.action).toBe("AddPasskey");
    expect(shell.callsOf("prepare_recovery_kit")).toHaveLength(1);
    await click("#confirm");
    await until(() => expect(exists("#recovery-kit")).toBe(true));
    expect(text("#recovery-kit-code")).toBe(shell.kitCode);
    expect(text("#status")).toBe(S.kit.title);

    await type("#recovery-kit-typed", shell.kitCode!);
    await click("#recovery-kit-confirm");
    await until(() => expect(exists("#home-title")).toBe(true));
    expect(exists("#recovery-kit-banner")).toBe(false);
    expect(exists("#flow-title")).toBe(false);
  });

  it("has no banner when the account has a kit", async () => {
    await start(FakeShell.signedIn());
    await until(() => expect(exists("#home-title")).toBe(true));
    expect(exists("#recovery-kit-banner")).toBe(false);
  });
});

describe("recovering access", () => {
  it("starts from the sign-in screen at the website, which asks for the password and an emailed code", async () => {
    const shell = new FakeShell();
    await start(shell);
    expect(text("#start-recovery")).toBe(S.recovery.start);
    expect(text("#start-recovery-hint")).toBe(S.recovery.startHint);
    await click("#start-recovery");
    expect(shell.callsOf("start_recovery")).toHaveLength(1);
    expect(text("#status")).toBe(S.recovery.waiting);
    expect(text("#start-recovery-hint")).toBe(S.recovery.waiting);

    // The website's deep link signs the person in, to recover.
    shell.finishRecoveryCheck();
    await until(() => expect(exists("#recover")).toBe(true));
    expect(document.activeElement?.id).toBe("recover-title");
    nothingElseReachable();
  });

  it("lets the person retry a wrong code (nothing was sent), then makes a new passkey and a new kit", async () => {
    const shell = FakeShell.signedIn();
    shell.recovering = true;
    shell.passkeys = shell.passkeys.map((p) => (p.location === "thisComputer" ? { ...p, location: "elsewhere" } : p));
    const oldKit = shell.kitCode!;
    await start(shell);
    expect(exists("#recover")).toBe(true);

    await type("#recover-code", fakeKitCode(5));
    await click("#recover-submit");
    await until(() => expect(text("#recover-code-error")).toBe(S.errors.RECOVERY_CODE_WRONG));
    expect(S.errors.RECOVERY_CODE_WRONG).toMatch(/nothing was sent/i);
    expect(exists("#recover")).toBe(true);

    await click("#recover-auth-security-key");
    await type("#recover-code", oldKit);
    await click("#recover-submit");
    await until(() => expect(exists("#recovery-kit")).toBe(true));
    expect(shell.callsOf("recover")).toEqual([
      { code: fakeKitCode(5), authenticator: "device" },
      { code: oldKit, authenticator: "security-key" },
    ]);
    // Said plainly: the earlier passkeys (and kit) no longer work.
    expect(text("#recovered")).toBe(S.kit.recovered);
    const newKit = text("#recovery-kit-code");
    expect(newKit).not.toBe(oldKit);
    expect(newKit).toBe(shell.kitCode);
    expect(shell.passkeys.filter((p) => p.isActive).map((p) => p.location).sort()).toEqual(["recoveryKit", "thisComputer"]);

    await type("#recovery-kit-typed", newKit);
    await click("#recovery-kit-confirm");
    await until(() => expect(exists("#wallets [data-wallet-id]")).toBe(true));
    expect(exists("#recovered")).toBe(false);
  });

  it("approves the new passkey in the approval window, which says it replaces every earlier one", async () => {
    const shell = FakeShell.signedIn();
    shell.recovering = true;
    shell.approvalWindow = true;
    await start(shell);
    await type("#recover-code", shell.kitCode!);
    await click("#recover-submit");
    const view = await until(() => shell.approvalPending() ?? expect.unreachable("no approval yet"));
    expect(view.ceremony).toBe("recover");
    await until(() => expect(text("#prompt")).toContain(S.prompt.inApprovalWindow));
    await shell.transport.invoke("approve", { pin: null });
    await until(() => expect(exists("#recovery-kit")).toBe(true));
    expect(text("#recovered")).toBe(S.kit.recovered);
  });

  it("lets the person sign out instead, when the kit is not at hand", async () => {
    const shell = FakeShell.signedIn();
    shell.recovering = true;
    await start(shell);
    await click("#recover-sign-out");
    await until(() => expect(exists("#sign-in")).toBe(true));
    expect(shell.callsOf("sign_out")).toHaveLength(1);
    expect(shell.callsOf("recover")).toHaveLength(0);
  });

  it("shows a malformed code beside the field", async () => {
    const shell = FakeShell.signedIn();
    shell.recovering = true;
    await start(shell);
    await type("#recover-code", "not a code");
    await click("#recover-submit");
    await until(() => expect(text("#recover-code-error")).toBe(S.errors.RECOVERY_CODE_MALFORMED));
    expect($("#recover-code").getAttribute("aria-invalid")).toBe("true");
  });

  it("explains the company's refusals above the button", async () => {
    const shell = FakeShell.signedIn();
    shell.recovering = true;
    shell.fail("recover", "RECOVERY_EXPIRED");
    await start(shell);
    await type("#recover-code", shell.kitCode!);
    await click("#recover-submit");
    await until(() => expect(text("#recover [role=alert]")).toContain(S.errors.RECOVERY_EXPIRED));
    expect(exists("#recover-code-error")).toBe(false);
  });
});

describe("a new computer", () => {
  it("stands before the wallets while no passkey lives here, and adds one with a code from the other computer", async () => {
    const shell = otherComputer();
    await start(shell);
    await until(() => expect(exists("#new-computer")).toBe(true));
    nothingElseReachable();

    await type("#computer-code", "000-000-000");
    await click("#add-this-computer");
    await until(() => expect(text("#computer-code-error")).toBe(S.errors.COMPUTER_CODE_REFUSED));

    const code = shell.codeFromOtherComputer();
    await click("#computer-auth-security-key");
    await type("#computer-code", code);
    await click("#add-this-computer");
    await until(() => expect(exists("#wallets [data-wallet-id]")).toBe(true));
    expect(shell.callsOf("add_this_computer")).toEqual([
      { code: "000-000-000", authenticator: "device" },
      { code, authenticator: "security-key" },
    ]);
    expect(text("#status")).toBe(S.newComputer.added);
  });

  it("steps aside for a security key: signing will ask for it", async () => {
    await start(otherComputer());
    await until(() => expect(exists("#new-computer")).toBe(true));
    await click("#use-security-key");
    expect(exists("#new-computer")).toBe(false);
    expect(exists("#wallets")).toBe(true);
  });

  it("offers the recovery kit, through the website", async () => {
    const shell = otherComputer();
    await start(shell);
    await until(() => expect(exists("#new-computer")).toBe(true));
    await click("#new-computer-recover");
    expect(shell.callsOf("start_recovery")).toHaveLength(1);
    expect(text("#status")).toBe(S.recovery.waiting);
    shell.finishRecoveryCheck();
    await until(() => expect(exists("#recover")).toBe(true));
  });
});

describe("passkeys: where each lives", () => {
  it("says where each passkey lives and when it was added, with the recovery kit apart and not deactivatable", async () => {
    const shell = FakeShell.signedIn();
    shell.passkeys.push({
      credentialUuid: "cr-9",
      credentialId: "BBBB",
      kind: "Fido2",
      name: "Blue key",
      dateCreated: "2026-11-10T09:00:00Z",
      isActive: true,
      location: "elsewhere",
    });
    await start(shell);
    await click("#nav-passkeys");
    await until(() => expect($$("#passkeys tbody tr")).toHaveLength(2));
    expect(text("#passkeys thead")).toContain(S.passkeys.location);
    expect(text("#passkeys thead")).toContain(S.passkeys.created);
    expect(text("[data-credential-uuid=cr-1] [data-field=location]")).toBe(S.passkeys.locations.thisComputer);
    expect(text("[data-credential-uuid=cr-9] [data-field=location]")).toBe(S.passkeys.locations.elsewhere);
    expect(exists("#passkeys [data-location=recoveryKit]")).toBe(false);
    expect(text("#recovery-kit-entry")).toContain(S.kit.entryTitle);
    expect(text("#recovery-kit-entry")).toContain(S.kit.entryNote);
    expect(exists("#recovery-kit-entry button")).toBe(false);
  });

  it("shows what a code for another computer allows on a confirmation screen too", async () => {
    const { store } = await start(FakeShell.signedIn());
    store.flow.start({ operationId: "op-x", intent: { action: "AddComputer", validForSeconds: 110 }, warnings: [] }, { name: "home" });
    await settle();
    expect(text("#intent [data-field=action]")).toBe(S.confirm.actions.AddComputer);
    expect(text("#intent [data-field=effect]")).toBe(S.confirm.addComputerEffect);
    expect(text("#intent [data-field=validForSeconds]")).toBe(S.confirm.seconds(110));
  });

  it("makes a code for another computer, with a countdown", async () => {
    const shell = FakeShell.signedIn();
    await start(shell);
    await click("#nav-passkeys");
    await until(() => expect(exists("#add-computer")).toBe(true));
    await click("#add-computer");
    await until(() => expect(exists("#computer-code-shown")).toBe(true));
    const [code] = [...shell.computerCodes.keys()];
    expect(text("#computer-code-shown")).toBe(code);
    expect(text("#computer-code-countdown")).toBe(S.computerCode.remaining(110));
    expect(text("#add-computer")).toBe(S.computerCode.again);
  });

  it("says when the code has expired and offers a new one", async () => {
    const shell = FakeShell.signedIn();
    shell.overrides.create_computer_code = () => ({ code: "123-456-789", expiresAtMs: Date.now() + 1500 });
    await start(shell);
    await click("#nav-passkeys");
    await until(() => expect(exists("#add-computer")).toBe(true));
    await click("#add-computer");
    await until(() => expect(text("#computer-code-countdown")).toBe(S.computerCode.remaining(2)));
    await until(() => expect(text("#computer-code-countdown")).toBe(S.computerCode.remaining(1)), 3000);
    await until(() => expect(exists("#computer-code-expired")).toBe(true), 3000);
    expect(exists("#computer-code-shown")).toBe(false);
    expect(text("#computer-code-expired")).toBe(S.computerCode.expired);
    expect(text("#status")).toBe(S.computerCode.expired);
    expect(isDisabled("#add-computer")).toBe(false);
    expect(text("#add-computer")).toBe(S.computerCode.again);
    await settle();
  });

  it("approves the code in the approval window, which says what it allows", async () => {
    const shell = FakeShell.signedIn();
    shell.approvalWindow = true;
    await start(shell);
    await click("#nav-passkeys");
    await until(() => expect(exists("#add-computer")).toBe(true));
    $("#add-computer").click();
    const view = await until(() => shell.approvalPending() ?? expect.unreachable("no approval yet"));
    expect(view.intent).toEqual({ action: "AddComputer", validForSeconds: 110 });
    await shell.transport.invoke("approve", { pin: null });
    await until(() => expect(exists("#computer-code-shown")).toBe(true));
  });
});
