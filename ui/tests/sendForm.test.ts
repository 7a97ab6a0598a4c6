import { describe, expect, it, vi } from "vitest";
import type { IpcError, SendForm, WalletView } from "../src/ipc";
import {
  assetKey,
  assetRef,
  canSubmit,
  createSendChecker,
  fieldOf,
  findAsset,
  initialSendState,
  localErrors,
  maxAsk,
  maxToAskAgain,
  reduceSend,
  sendableAssets,
  toSendForm,
  visibleErrors,
  type SendEvent,
  type SendState,
} from "../src/sendForm";

const wallet: WalletView = {
  id: "wa-1",
  network: "EthereumSepolia",
  address: "0x52908400098527886E0F7030069857D2E4169EE7",
  assets: [
    { kind: "Native", symbol: "ETH", decimals: 18, balance: "1" },
    { kind: "Erc20", contract: "0xC0FFEE", symbol: "USDC", decimals: 6, balance: "1" },
    { kind: "Erc20", symbol: "???", decimals: 6, balance: "1" },
    { kind: "Spl", mint: "MintAddr", symbol: "BONK", decimals: 5, balance: "1" },
  ],
  signatureKinds: ["message", "typedData", "hash"],
};

const TO = "0x8617E340B3D01FA5F11F306F4090FD50E238070D";

function edit(state: SendState, fields: Partial<SendState["fields"]>): SendState {
  return reduceSend(state, { type: "edit", fields });
}

const err = (code: IpcError["code"]): IpcError => ({ code, message: code });

describe("assets", () => {
  it("keys and references assets the way the contract wants them", () => {
    expect(assetKey({ kind: "Native" })).toBe("Native");
    expect(assetKey({ kind: "Erc20", contract: "0xC0FFEE" })).toBe("Erc20:0xC0FFEE");
    expect(assetKey({ kind: "Spl", mint: "M" })).toBe("Spl:M");
    expect(assetRef("Native")).toEqual({ kind: "Native" });
    expect(assetRef("Erc20:0xC0FFEE")).toEqual({ kind: "Erc20", contract: "0xC0FFEE" });
    expect(assetRef("Spl:M")).toEqual({ kind: "Spl", mint: "M" });
  });

  it("offers only assets that can be named in a send", () => {
    expect(sendableAssets(wallet).map(assetKey)).toEqual(["Native", "Erc20:0xC0FFEE", "Spl:MintAddr"]);
    expect(findAsset(wallet, "Erc20:0xC0FFEE")?.symbol).toBe("USDC");
    expect(sendableAssets(undefined)).toEqual([]);
  });

  it("builds the contract's form, trimmed", () => {
    const state = edit(initialSendState({ walletId: "wa-1", assetKey: "Erc20:0xC0FFEE" }), {
      to: `  ${TO} `,
      amount: " 2.5 ",
      feeTier: "Fast",
    });
    expect(toSendForm(state.fields)).toEqual<SendForm>({
      walletId: "wa-1",
      asset: { kind: "Erc20", contract: "0xC0FFEE" },
      to: TO,
      amount: "2.5",
      feeTier: "Fast",
    });
  });
});

describe("local checks", () => {
  const base = initialSendState({ walletId: "wa-1" }).fields;

  it("asks for what is missing", () => {
    expect(localErrors(base)).toMatchObject({ to: { code: "ADDRESS_REQUIRED" }, amount: { code: "AMOUNT_REQUIRED" } });
  });

  it("spots what is obviously not an amount", () => {
    expect(localErrors({ ...base, to: TO, amount: "abc" }).amount?.code).toBe("AMOUNT_INVALID");
    expect(localErrors({ ...base, to: TO, amount: "1.2.3" }).amount?.code).toBe("AMOUNT_INVALID");
    expect(localErrors({ ...base, to: TO, amount: "1e5" }).amount?.code).toBe("AMOUNT_INVALID");
    expect(localErrors({ ...base, to: TO, amount: "-1" }).amount?.code).toBe("AMOUNT_NEGATIVE");
  });

  it("leaves the real checks to the core", () => {
    for (const amount of ["1", "0.5", ".5", "5.", "+3", "0", "0.0000000000000000001", "99999999999999999999999"]) {
      expect(localErrors({ ...base, to: TO, amount })).toEqual({});
    }
    // Not an address at all, but only the core knows the network's rules.
    expect(localErrors({ ...base, to: "hello", amount: "1" })).toEqual({});
  });

  it("needs a wallet", () => {
    expect(localErrors({ ...base, walletId: "", to: TO, amount: "1" }).form?.code).toBe("WALLET_UNKNOWN");
  });
});

describe("the state machine", () => {
  const start = initialSendState({ walletId: "wa-1" });

  it("starts incomplete, without shouting at the person", () => {
    expect(start.phase).toBe("incomplete");
    expect(visibleErrors(start)).toEqual({});
    expect(canSubmit(start, false)).toBe(false);
  });

  it("shows a field's error once that field was edited", () => {
    const s = edit(start, { to: TO });
    expect(s.phase).toBe("incomplete");
    expect(visibleErrors(s)).toEqual({});
    const s2 = edit(s, { amount: "x" });
    expect(visibleErrors(s2).amount?.code).toBe("AMOUNT_INVALID");
  });

  it("asks the core once the form is complete, and only its latest answer counts", () => {
    const s1 = edit(edit(start, { to: TO }), { amount: "1" });
    expect(s1.phase).toBe("checking");
    const s2 = edit(s1, { amount: "2" });
    expect(s2.seq).toBe(s1.seq + 1);
    // The answer to the first check arrives late: ignored.
    const late = reduceSend(s2, { type: "result", seq: s1.seq, error: err("INSUFFICIENT_FUNDS") });
    expect(late).toBe(s2);
    const ok = reduceSend(s2, { type: "result", seq: s2.seq, error: null });
    expect(ok.phase).toBe("valid");
    expect(canSubmit(ok, false)).toBe(true);
  });

  it("never submits while offline", () => {
    const s = edit(edit(start, { to: TO }), { amount: "1" });
    const ok = reduceSend(s, { type: "result", seq: s.seq, error: null });
    expect(canSubmit(ok, true)).toBe(false);
  });

  it.each([
    ["ADDRESS_INVALID", "to"],
    ["AMOUNT_TOO_PRECISE", "amount"],
    ["AMOUNT_ZERO", "amount"],
    ["AMOUNT_TOO_LARGE", "amount"],
    ["INSUFFICIENT_FUNDS", "amount"],
    ["INSUFFICIENT_FUNDS_FOR_FEE", "amount"],
    ["DAILY_LIMIT_EXCEEDED", "amount"],
    ["FEE_UNAVAILABLE", "form"],
    ["ASSET_UNKNOWN", "form"],
    ["BUSY", "form"],
  ] as const)("puts the core's %s on the %s field", (code, field) => {
    expect(fieldOf(code)).toBe(field);
    const s = edit(edit(start, { to: TO }), { amount: "1" });
    const refused = reduceSend(s, { type: "result", seq: s.seq, error: err(code) });
    expect(refused.phase).toBe("invalid");
    expect(visibleErrors(refused)[field]?.code).toBe(code);
    expect(canSubmit(refused, false)).toBe(false);
  });

  it("does not blame the form when the network is out of reach", () => {
    const s = edit(edit(start, { to: TO }), { amount: "1" });
    const off = reduceSend(s, { type: "result", seq: s.seq, error: err("COMPANION_UNREACHABLE") });
    expect(off.phase).toBe("unavailable");
    expect(visibleErrors(off)).toEqual({ form: err("COMPANION_UNREACHABLE") });
  });

  it("goes back to checking when the person fixes the field", () => {
    const s = edit(edit(start, { to: "bad" }), { amount: "1" });
    const refused = reduceSend(s, { type: "result", seq: s.seq, error: err("ADDRESS_INVALID") });
    const fixed = edit(refused, { to: TO });
    expect(fixed.phase).toBe("checking");
    expect(fixed.errors).toEqual({});
  });

  it("takes a refusal at submit time even when no check is running", () => {
    const s = edit(edit(start, { to: TO }), { amount: "1" });
    const ok = reduceSend(s, { type: "result", seq: s.seq, error: null });
    const refused = reduceSend(ok, { type: "refused", error: err("INSUFFICIENT_FUNDS") });
    expect(refused.phase).toBe("invalid");
    expect(visibleErrors(refused).amount?.code).toBe("INSUFFICIENT_FUNDS");
  });

  it("shows every missing field when the person tries to submit early", () => {
    const touched = reduceSend(start, { type: "touchAll" });
    expect(Object.keys(visibleErrors(touched)).sort()).toEqual(["amount", "to"]);
  });
});

describe("Max", () => {
  const start = edit(initialSendState({ walletId: "wa-1" }), { to: TO });
  const pressed = reduceSend(start, { type: "maxAsked" });
  const ask = maxAsk(pressed.fields);

  it("fills the amount with the core's answer and has it checked like a typed one", () => {
    expect(ask).toEqual({ walletId: "wa-1", assetKey: "Native", feeTier: "Standard" });
    const filled = reduceSend(pressed, { type: "maxResult", ask, amount: "1.499937" });
    expect(filled.fields.amount).toBe("1.499937");
    expect(filled.fields.fromMax).toBe(true);
    expect(filled.phase).toBe("checking");
    expect(filled.seq).toBe(pressed.seq + 1);
  });

  it("drops the answer when the person typed an amount of their own meanwhile", () => {
    const typed = edit(pressed, { amount: "0.5" });
    expect(typed.fields.fromMax).toBe(false);
    expect(reduceSend(typed, { type: "maxResult", ask, amount: "1.499937" })).toBe(typed);
    expect(reduceSend(typed, { type: "maxRefused", ask, error: err("INSUFFICIENT_FUNDS_FOR_FEE") })).toBe(typed);
  });

  it("asks again when the tier, the asset or the wallet changes while the amount came from Max", () => {
    const filled = reduceSend(pressed, { type: "maxResult", ask, amount: "1.499937" });
    const fast = edit(filled, { feeTier: "Fast" });
    expect(maxToAskAgain(filled.fields, fast.fields)).toEqual({ walletId: "wa-1", assetKey: "Native", feeTier: "Fast" });
    expect(maxToAskAgain(filled.fields, edit(filled, { assetKey: "Erc20:0xC0FFEE" }).fields)?.assetKey).toBe("Erc20:0xC0FFEE");
    expect(maxToAskAgain(filled.fields, edit(filled, { walletId: "wa-2" }).fields)?.walletId).toBe("wa-2");
    // Editing the recipient changes nothing the most depends on.
    expect(maxToAskAgain(filled.fields, edit(filled, { to: "0xabc" }).fields)).toBeNull();
    // The answer for the tier left behind arrives late: only the one for the tier chosen counts.
    expect(reduceSend(fast, { type: "maxResult", ask, amount: "1.499937" })).toBe(fast);
    const fastAnswer = reduceSend(fast, { type: "maxResult", ask: maxAsk(fast.fields), amount: "1.499895" });
    expect(fastAnswer.fields.amount).toBe("1.499895");
  });

  it("leaves a typed amount alone when the tier changes", () => {
    const typed = edit(start, { amount: "1" });
    expect(maxToAskAgain(typed.fields, edit(typed, { feeTier: "Fast" }).fields)).toBeNull();
    const wasMax = reduceSend(reduceSend(start, { type: "maxAsked" }), { type: "maxResult", ask, amount: "1.2" });
    const retyped = edit(wasMax, { amount: "1.1" });
    expect(maxToAskAgain(retyped.fields, edit(retyped, { feeTier: "Slow" }).fields)).toBeNull();
  });

  it("puts a refusal on the amount, and asks again on a slower tier", () => {
    const refused = reduceSend(pressed, { type: "maxRefused", ask, error: err("INSUFFICIENT_FUNDS_FOR_FEE") });
    expect(refused.phase).toBe("invalid");
    expect(visibleErrors(refused).amount?.code).toBe("INSUFFICIENT_FUNDS_FOR_FEE");
    expect(canSubmit(refused, false)).toBe(false);
    expect(maxToAskAgain(refused.fields, edit(refused, { feeTier: "Slow" }).fields)?.feeTier).toBe("Slow");
  });

  it("does not blame the amount when the network is out of reach", () => {
    const off = reduceSend(pressed, { type: "maxRefused", ask, error: err("DFNS_UNREACHABLE") });
    expect(off.phase).toBe("unavailable");
    expect(visibleErrors(off)).toEqual({ form: err("DFNS_UNREACHABLE") });
  });
});

describe("the checker", () => {
  it("asks validate_send once per pause in typing, with the latest form", async () => {
    vi.useFakeTimers();
    try {
      const validate = vi.fn<(form: SendForm) => Promise<unknown>>().mockResolvedValue(null);
      let state = initialSendState({ walletId: "wa-1" });
      const checker = createSendChecker({
        validate,
        debounceMs: 300,
        dispatch: (event: SendEvent) => {
          state = reduceSend(state, event);
          checker.schedule(state);
        },
      });
      const type = (fields: Partial<SendState["fields"]>) => {
        state = reduceSend(state, { type: "edit", fields });
        checker.schedule(state);
      };
      type({ to: TO });
      type({ amount: "1" });
      vi.advanceTimersByTime(100);
      type({ amount: "1.5" });
      vi.advanceTimersByTime(299);
      expect(validate).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(validate).toHaveBeenCalledTimes(1);
      expect(validate.mock.calls[0][0].amount).toBe("1.5");
      await vi.runAllTimersAsync();
      expect(state.phase).toBe("valid");
    } finally {
      vi.useRealTimers();
    }
  });

  it("feeds a refusal back to the field", async () => {
    vi.useFakeTimers();
    try {
      let state = initialSendState({ walletId: "wa-1" });
      const checker = createSendChecker({
        validate: () => Promise.reject(err("AMOUNT_TOO_PRECISE")),
        debounceMs: 10,
        dispatch: (event) => {
          state = reduceSend(state, event);
        },
      });
      state = reduceSend(reduceSend(state, { type: "edit", fields: { to: TO } }), { type: "edit", fields: { amount: "0.1234567" } });
      checker.schedule(state);
      await vi.advanceTimersByTimeAsync(10);
      expect(state.phase).toBe("invalid");
      expect(visibleErrors(state).amount?.code).toBe("AMOUNT_TOO_PRECISE");
    } finally {
      vi.useRealTimers();
    }
  });

  it("asks nothing while the form is incomplete, and nothing after dispose", () => {
    vi.useFakeTimers();
    try {
      const validate = vi.fn().mockResolvedValue(null);
      const checker = createSendChecker({ validate, dispatch: () => {}, debounceMs: 10 });
      checker.schedule(initialSendState({ walletId: "wa-1" }));
      vi.advanceTimersByTime(50);
      expect(validate).not.toHaveBeenCalled();
      const complete = reduceSend(initialSendState({ walletId: "wa-1", to: TO }), { type: "edit", fields: { amount: "1" } });
      checker.schedule(complete);
      checker.dispose();
      vi.advanceTimersByTime(50);
      expect(validate).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });
});
