// @vitest-environment jsdom
// The approval window's page: it shows what Rust decoded and answers only through the approval
// commands.

import { afterEach, describe, expect, it } from "vitest";
import { mount, unmount } from "svelte";
import Approval from "../src/components/Approval.svelte";
import { setTransport, tauriTransport, type ApprovalView, type Transport } from "../src/ipc";
import { S } from "../src/strings";
import { FakeShell } from "../src/testing/fakeShell";
import { $$, click, exists, fillSend, isDisabled, mountApp, text, type, until, type Mounted } from "./helpers";

const SEND: ApprovalView = {
  ceremony: "sign",
  rpId: "localhost",
  user: "ada@example.com",
  authenticator: "device",
  intent: {
    action: "Send",
    network: "EthereumSepolia",
    walletId: "wa-1",
    from: "0x52908400098527886E0F7030069857D2E4169EE7",
    to: "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    amount: "0.25",
    symbol: "ETH",
    asset: "Native",
    feeTier: "Standard",
    fee: { amount: "0.000063", symbol: "ETH", quotes: { USD: 3000 } },
    externalId: "ext-1",
  },
  warnings: [],
};

let mounted: ReturnType<typeof mount> | null = null;
let app: Mounted | null = null;
afterEach(() => {
  if (mounted) void unmount(mounted);
  mounted = null;
  app?.destroy();
  app = null;
  document.body.innerHTML = "";
  setTransport(tauriTransport);
});

/** Mounts the approval window's page on the transport in use. */
function mountWindow() {
  const target = document.createElement("div");
  document.body.appendChild(target);
  mounted = mount(Approval, { target });
}

function window_(request: ApprovalView | null) {
  const calls: [string, Record<string, unknown> | undefined][] = [];
  const transport: Transport = {
    invoke: async (command, args) => {
      calls.push([command, args]);
      return command === "approval_request" ? request : null;
    },
    listen: async () => () => {},
  };
  setTransport(transport);
  mountWindow();
  return calls;
}

describe("the approval window", () => {
  it("shows the send as Rust decoded it and approves it", async () => {
    const calls = window_(SEND);
    await until(() => expect(exists("#approve")).toBe(true));
    expect(text("#approval-title")).toBe(S.approval.title.sign);
    const details = text("#approval-details");
    expect(details).toContain("0.25 ETH");
    expect(details).toContain("0x8617E340B3D01FA5F11F306F4090FD50E238070D");
    expect(details).toContain("Ethereum Sepolia (testnet)");
    expect(text("#approval-site")).toBe("localhost");
    await click("#approve");
    await until(() => expect(calls.some(([c]) => c === "approve")).toBe(true));
    expect(calls.find(([c]) => c === "approve")?.[1]).toEqual({ pin: null });
    expect(text("#approval-idle")).toBe(S.approval.sent);
  });

  it("asks for the PIN when the authenticator wants one and sends it with the yes", async () => {
    const calls = window_({ ...SEND, pin: { kind: "passkey", retriesLeft: 2 } });
    await until(() => expect(exists("#approval-pin")).toBe(true));
    expect(isDisabled("#approve")).toBe(true);
    expect(text("#approval-pin-retries")).toBe(S.approval.pinRetries(2));
    await type("#approval-pin", "4821");
    await click("#approve");
    await until(() => expect(calls.find(([c]) => c === "approve")?.[1]).toEqual({ pin: "4821" }));
  });

  it("takes a new PIN only when it is long enough and typed twice the same", async () => {
    const calls = window_({ ...SEND, ceremony: "register", intent: undefined, pin: { kind: "newPin", minLength: 6 } });
    await until(() => expect(exists("#approval-pin-repeat")).toBe(true));
    await type("#approval-pin", "12345");
    await type("#approval-pin-repeat", "12345");
    expect(isDisabled("#approve")).toBe(true);
    await type("#approval-pin", "123456");
    await type("#approval-pin-repeat", "123465");
    expect(isDisabled("#approve")).toBe(true);
    await type("#approval-pin-repeat", "123456");
    expect(isDisabled("#approve")).toBe(false);
    await click("#approve");
    await until(() => expect(calls.find(([c]) => c === "approve")?.[1]).toEqual({ pin: "123456" }));
  });

  it("shows a code for another computer: what it allows and how long it works", async () => {
    const calls = window_({ ...SEND, intent: { action: "AddComputer", validForSeconds: 110 } });
    await until(() => expect(exists("#approve")).toBe(true));
    expect(text("#approval-title")).toBe(S.approval.title.sign);
    expect(text("#approval-details [data-field=action]")).toBe(S.confirm.actions.AddComputer);
    expect(text("#approval-details [data-field=effect]")).toBe(S.confirm.addComputerEffect);
    expect(text("#approval-details [data-field=validForSeconds]")).toBe("110 seconds");
    expect(exists("#approval-details [data-field=amount]")).toBe(false);
    await click("#approve");
    await until(() => expect(calls.some(([c]) => c === "approve")).toBe(true));
  });

  it("says plainly that recovering access replaces every earlier passkey", async () => {
    window_({ ...SEND, ceremony: "recover", intent: undefined, pin: { kind: "newPin", minLength: 6 } });
    await until(() => expect(exists("#approval-recover")).toBe(true));
    expect(text("#approval-title")).toBe(S.approval.title.recover);
    expect(text("#approval-recover")).toBe(S.approval.recoverLead);
    expect(S.approval.recoverLead).toMatch(/replaces every earlier one/);
  });

  it("names no recovery on other ceremonies", async () => {
    window_(SEND);
    await until(() => expect(exists("#approve")).toBe(true));
    expect(exists("#approval-recover")).toBe(false);
  });

  it("declines", async () => {
    const calls = window_(SEND);
    await until(() => expect(exists("#decline")).toBe(true));
    await click("#decline");
    await until(() => expect(calls.some(([c]) => c === "decline")).toBe(true));
    expect(calls.some(([c]) => c === "approve")).toBe(false);
  });

  it("shows the most the network fee may be, in dollars too, and the fee tier", async () => {
    window_(SEND);
    await until(() => expect(exists("#approve")).toBe(true));
    expect(text("#approval-details [data-field=fee]")).toBe("up to 0.000063 ETH (≈ $0.19)");
    expect(text("#approval-details [data-field=feeTier]")).toBe("Standard");
    expect(text("#approval-details [data-field=amount]")).toBe("0.25 ETH");
  });

  it("shows the warnings journaled with the action, a look-alike side by side with the address sent to", async () => {
    const known = "0x8617E3aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa070D";
    window_({ ...SEND, warnings: [{ code: "FIRST_SEND_TO_ADDRESS" }, { code: "LOOKS_LIKE_KNOWN_ADDRESS", known }] });
    await until(() => expect(exists("#approval-warnings")).toBe(true));
    expect(exists("#approval-warnings [data-code=FIRST_SEND_TO_ADDRESS]")).toBe(true);
    expect(text("#approval-warnings [data-code=LOOKS_LIKE_KNOWN_ADDRESS]")).toContain(S.warnings.LOOKS_LIKE_KNOWN_ADDRESS);
    expect(text("#approval-warnings [data-compare=known]")).toBe(known);
    expect(text("#approval-warnings [data-compare=recipient]")).toBe(SEND.intent?.action === "Send" ? SEND.intent.to : "");
    expect($$("#approval-warnings [data-compare=recipient] mark").length).toBeGreaterThan(0);
  });

  it("shows no warnings section when there are none", async () => {
    window_(SEND);
    await until(() => expect(exists("#approve")).toBe(true));
    expect(exists("#approval-warnings")).toBe(false);
  });

  it("flags a raw hash from the decoded intent, once, whether or not the journal has the warning", async () => {
    const hash: ApprovalView = {
      ...SEND,
      intent: { action: "Sign", network: "EthereumSepolia", walletId: "wa-1", what: "Hash", text: `0x${"ab".repeat(32)}`, externalId: "ext-2" },
    };
    window_(hash);
    await until(() => expect(exists("#approval-warnings [data-code=RAW_HASH]")).toBe(true));
    if (mounted) void unmount(mounted);
    document.body.innerHTML = "";
    window_({ ...hash, warnings: [{ code: "RAW_HASH" }] });
    await until(() => expect(exists("#approval-warnings [data-code=RAW_HASH]")).toBe(true));
    expect($$("#approval-warnings [data-code=RAW_HASH]")).toHaveLength(1);
  });

  it("says so when nothing waits for an approval", async () => {
    window_(null);
    await until(() => expect(text("#approval-idle")).toBe(S.approval.nothing));
    expect(exists("#approve")).toBe(false);
  });
});

describe("the approval window beside the main window", () => {
  const TO = "0x8617E340B3D01FA5F11F306F4090FD50E238070D";
  // Starts and ends like TO, differs in the middle: the address-poisoning pattern.
  const LOOKALIKE = "0x8617E3deadbeefdeadbeefdeadbeefdead70070D";

  it("flags a look-alike of an address sent to before in the window the page cannot drive, with the fee", async () => {
    const shell = FakeShell.signedIn();
    shell.approvalWindow = true;
    app = await mountApp(shell);
    mountWindow();
    await until(() => expect(text("#approval-idle")).toBe(S.approval.nothing));

    // A first send to TO, approved in the window.
    await fillSend(TO, "0.1");
    await click("#send-submit");
    await until(() => expect(exists("#confirm")).toBe(true));
    await click("#confirm");
    await until(() => expect(exists("#approve")).toBe(true));
    expect(text("#approval-warnings")).toContain(S.warnings.FIRST_SEND_TO_ADDRESS);
    await click("#approve");
    await until(() => expect(exists("#transfer-status")).toBe(true));
    await click("#done");

    // Then a send to its look-alike (the poisoner's dust made it familiar).
    await fillSend(LOOKALIKE, "0.1");
    await click("#send-submit");
    await until(() => expect(exists("#warnings [data-code=LOOKS_LIKE_KNOWN_ADDRESS]")).toBe(true));
    await click("#confirm");
    await click("#confirm");
    await until(() => expect(exists("#approve")).toBe(true));
    expect(text("#approval-warnings [data-compare=known]")).toBe(TO);
    expect(text("#approval-warnings [data-compare=recipient]")).toBe(LOOKALIKE);
    expect(text("#approval-details [data-field=to]")).toBe(LOOKALIKE);
    expect(text("#approval-details [data-field=fee]")).toBe("up to 0.000063 ETH (≈ $0.19)");

    await click("#decline");
    await until(() => expect(text("[role=alert][data-code]")).toContain(S.errors.AUTHN_DECLINED));
    expect(shell.sent.map((s) => s.to)).toEqual([TO]);
  });
});
