// @vitest-environment jsdom
// The approval window's page: it shows what Rust decoded and answers only through the approval
// commands.

import { afterEach, describe, expect, it } from "vitest";
import { mount, unmount } from "svelte";
import Approval from "../src/components/Approval.svelte";
import { setTransport, tauriTransport, type ApprovalView, type Transport } from "../src/ipc";
import { S } from "../src/strings";
import { click, exists, isDisabled, text, type, until } from "./helpers";

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
    externalId: "ext-1",
  },
};

let mounted: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (mounted) void unmount(mounted);
  mounted = null;
  document.body.innerHTML = "";
  setTransport(tauriTransport);
});

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
  const target = document.createElement("div");
  document.body.appendChild(target);
  mounted = mount(Approval, { target });
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
    expect(details).toContain("EthereumSepolia");
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

  it("declines", async () => {
    const calls = window_(SEND);
    await until(() => expect(exists("#decline")).toBe(true));
    await click("#decline");
    await until(() => expect(calls.some(([c]) => c === "decline")).toBe(true));
    expect(calls.some(([c]) => c === "approve")).toBe(false);
  });

  it("says so when nothing waits for an approval", async () => {
    window_(null);
    await until(() => expect(text("#approval-idle")).toBe(S.approval.nothing));
    expect(exists("#approve")).toBe(false);
  });
});
