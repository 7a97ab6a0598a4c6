import { afterEach, describe, expect, it } from "vitest";
import { ipc, on, setTransport, tauriTransport, toIpcError, type Transport } from "../src/ipc";

afterEach(() => {
  setTransport(tauriTransport);
});

function recording(answer: (command: string, args?: Record<string, unknown>) => unknown) {
  const calls: [string, Record<string, unknown> | undefined][] = [];
  const transport: Transport = {
    invoke: async (command, args) => {
      calls.push([command, args]);
      return answer(command, args);
    },
    listen: async () => () => {},
  };
  setTransport(transport);
  return calls;
}

describe("ipc", () => {
  it("calls the contract's commands with camelCase arguments", async () => {
    const calls = recording(() => null);
    await ipc.appState();
    await ipc.register("security-key");
    await ipc.history("wa-1");
    await ipc.validateSend({ walletId: "wa-1", asset: { kind: "Native" }, to: "0x", amount: "1", feeTier: "Fast" });
    await ipc.prepareSignature("wa-1", "typedData", "{}");
    await ipc.prepareCreateWallet("Solana");
    await ipc.prepareCreateWallet("Solana", "Savings");
    await ipc.prepareAddPasskey("Blue key", "security-key");
    await ipc.prepareDeactivatePasskey("cr-1");
    await ipc.confirmAction("op-1");
    await ipc.cancelAction("op-1");
    await ipc.qrSvg("0xabc");
    await ipc.setSettings("https://x");
    expect(calls).toEqual([
      ["app_state", undefined],
      ["register", { authenticator: "security-key" }],
      ["history", { walletId: "wa-1" }],
      ["validate_send", { form: { walletId: "wa-1", asset: { kind: "Native" }, to: "0x", amount: "1", feeTier: "Fast" } }],
      ["prepare_signature", { walletId: "wa-1", kind: "typedData", payload: "{}" }],
      ["prepare_create_wallet", { network: "Solana" }],
      ["prepare_create_wallet", { network: "Solana", name: "Savings" }],
      ["prepare_add_passkey", { name: "Blue key", authenticator: "security-key" }],
      ["prepare_deactivate_passkey", { credentialUuid: "cr-1" }],
      ["confirm_action", { operationId: "op-1" }],
      ["cancel_action", { operationId: "op-1" }],
      ["qr_svg", { text: "0xabc" }],
      ["set_settings", { companionUrl: "https://x" }],
    ]);
  });

  it("rejects with the shell's {code, message}", async () => {
    recording(() => {
      throw { code: "BUSY", message: "another action is running" };
    });
    await expect(ipc.sync()).rejects.toEqual({ code: "BUSY", message: "another action is running" });
  });

  it("turns any other rejection into INTERNAL", async () => {
    recording(() => {
      throw "plain string";
    });
    await expect(ipc.wallets()).rejects.toEqual({ code: "INTERNAL", message: "plain string" });
    expect(toIpcError(new Error("boom"))).toEqual({ code: "INTERNAL", message: "boom" });
    expect(toIpcError({ code: "" })).toEqual({ code: "INTERNAL", message: "[object Object]" });
    expect(toIpcError({ code: "X" })).toEqual({ code: "X", message: "" });
  });

  it("delivers event payloads to the handler", async () => {
    let handler: ((payload: unknown) => void) | null = null;
    setTransport({
      invoke: async () => null,
      listen: async (event, h) => {
        expect(event).toBe("authn:prompt");
        handler = h;
        return () => {};
      },
    });
    const seen: unknown[] = [];
    await on("authn:prompt", (p) => seen.push(p.kind));
    handler!({ kind: "touch-key" });
    expect(seen).toEqual(["touch-key"]);
  });
});
