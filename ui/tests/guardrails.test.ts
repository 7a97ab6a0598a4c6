import { describe, expect, it } from "vitest";
import type { WalletView } from "../src/ipc";
import { guardrailsToSave, limitInputs, limitKey, limitLooksWrong } from "../src/guardrails";

const wallet: WalletView = {
  id: "wa-1",
  network: "EthereumSepolia",
  assets: [
    { kind: "Native", symbol: "ETH", decimals: 18, balance: "1" },
    { kind: "Erc20", contract: "0xC0FFEE", symbol: "USDC", decimals: 6, balance: "1" },
    { kind: "Erc20", symbol: "???", decimals: 6, balance: "1" },
    { kind: "Spl", mint: "MintAddr", decimals: 5, balance: "1" },
  ],
  signatureKinds: [],
};

describe("daily limit inputs", () => {
  it("key assets as the core does: Native, the contract or the mint", () => {
    expect(limitKey({ kind: "Native" })).toBe("Native");
    expect(limitKey({ kind: "Erc20", contract: "0xC0FFEE" })).toBe("0xC0FFEE");
    expect(limitKey({ kind: "Spl", mint: "MintAddr" })).toBe("MintAddr");
  });

  it("offer one input per asset the wallet can send, named by its symbol", () => {
    expect(limitInputs(wallet, {})).toEqual([
      { key: "Native", symbol: "ETH" },
      { key: "0xC0FFEE", symbol: "USDC" },
      { key: "MintAddr", symbol: "MintAddr" },
    ]);
  });

  it("keep a limit on an asset the wallet no longer holds in sight, so it can be removed", () => {
    const inputs = limitInputs(wallet, { "wa-1": { "0xGONE": "5" }, "wa-2": { Native: "1" } });
    expect(inputs.map((i) => i.key)).toEqual(["Native", "0xC0FFEE", "MintAddr", "0xGONE"]);
  });

  it("flag only what is obviously not an amount; empty means no limit", () => {
    expect(limitLooksWrong("")).toBe(false);
    expect(limitLooksWrong("  ")).toBe(false);
    expect(limitLooksWrong("0.5")).toBe(false);
    expect(limitLooksWrong("abc")).toBe(true);
    expect(limitLooksWrong("-1")).toBe(true);
    expect(limitLooksWrong("1,5")).toBe(true);
  });
});

describe("the guardrails saved", () => {
  it("trim limits, drop the empty ones and keep those of wallets not on screen", () => {
    const saved = guardrailsToSave({
      dailyLimits: { "wa-1": { Native: " 0.5 ", "0xC0FFEE": "", MintAddr: "  " }, "wa-2": { Native: "1" }, "wa-3": { Native: "" } },
      firstSendWarning: false,
      lookalikeCheck: true,
    });
    expect(saved).toEqual({ dailyLimits: { "wa-1": { Native: "0.5" }, "wa-2": { Native: "1" } }, firstSendWarning: false, lookalikeCheck: true });
  });
});
