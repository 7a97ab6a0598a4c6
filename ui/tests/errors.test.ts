import { describe, expect, it } from "vitest";
import { HANDLED_CODES, errorMessage, isOfflineError, isRetryable, needsPrepareAgain } from "../src/errors";
import type { IpcError } from "../src/ipc";
import { S } from "../src/strings";

// The codes the IPC contract asks the UI to handle with its own copy.
const CONTRACT_CODES: IpcError["code"][] = [
  "SIGNED_OUT",
  "BUSY",
  "AMOUNT_INVALID",
  "AMOUNT_NEGATIVE",
  "AMOUNT_ZERO",
  "AMOUNT_TOO_PRECISE",
  "AMOUNT_TOO_LARGE",
  "ADDRESS_INVALID",
  "INSUFFICIENT_FUNDS",
  "INSUFFICIENT_FUNDS_FOR_FEE",
  "FEE_UNAVAILABLE",
  "DAILY_LIMIT_EXCEEDED",
  "GUARDRAIL_INVALID",
  "OPERATION_EXPIRED",
  "AUTHN_CANCELLED",
  "AUTHN_DECLINED",
  "AUTHN_TIMEOUT",
  "AUTHN_NO_AUTHENTICATOR",
  "OUTCOME_UNKNOWN",
  "SESSION_ENDED_RETRY",
  "COMPANION_UNREACHABLE",
  "DFNS_UNREACHABLE",
  "KEYRING_UNAVAILABLE",
  "LOGIN_STATE_MISMATCH",
  "LOGIN_NOT_PENDING",
  "ACCOUNT_MISMATCH",
  "DEEP_LINK_INVALID",
  "RECOVERY_CODE_MALFORMED",
  "RECOVERY_CODE_WRONG",
  "RECOVERY_KIT_UNUSABLE",
  "RECOVERY_CODE_MISMATCH",
  "NO_RECOVERY_KIT_TO_CONFIRM",
  "COMPUTER_CODE_REFUSED",
  "RECOVERY_NOT_ALLOWED",
  "NO_RECOVERY_KIT",
  "RECOVERY_RATE_LIMITED",
  "RECOVERY_NOT_STARTED",
  "RECOVERY_EXPIRED",
  "RECOVERY_ALREADY_COMPLETED",
  "RECOVERY_REFUSED",
  "RECOVERY_KIT_UNKNOWN",
];

const CORE_TEXT = "core text that must not be shown";

describe("errorMessage", () => {
  it.each(CONTRACT_CODES)("has its own copy for %s, whatever the core's message says", (code) => {
    const text = errorMessage({ code, message: CORE_TEXT });
    expect(text).not.toContain(CORE_TEXT);
    expect(text.length).toBeGreaterThan(10);
    expect(HANDLED_CODES).toContain(code);
  });

  it("gives every handled code distinct copy", () => {
    const texts = HANDLED_CODES.map((code) => errorMessage({ code, message: "" }));
    expect(new Set(texts).size).toBe(texts.length);
  });

  it("shows the core's message for codes it has no copy for", () => {
    expect(errorMessage({ code: "DFNS_REFUSED", message: "Dfns said no" })).toBe("Dfns said no");
  });

  it("names the code when there is no message either", () => {
    expect(errorMessage({ code: "INTERNAL", message: " " })).toBe(S.errors.unknown("INTERNAL"));
  });

  it("puts what the screen knows into the copy", () => {
    expect(errorMessage({ code: "AMOUNT_TOO_PRECISE", message: "" }, { symbol: "USDC", decimals: 6 })).toContain("6");
    expect(errorMessage({ code: "AMOUNT_TOO_PRECISE", message: "" }, { symbol: "USDC", decimals: 6 })).toContain("USDC");
    expect(errorMessage({ code: "ADDRESS_INVALID", message: "" }, { network: "EthereumSepolia" })).toContain("EthereumSepolia");
    expect(errorMessage({ code: "INSUFFICIENT_FUNDS", message: "" }, { balance: "1.5 ETH" })).toContain("1.5 ETH");
    // The fee is paid in the network's coin, even for a token.
    expect(errorMessage({ code: "INSUFFICIENT_FUNDS_FOR_FEE", message: "" }, { symbol: "USDC", feeSymbol: "ETH" })).toContain("ETH");
    expect(errorMessage({ code: "INSUFFICIENT_FUNDS_FOR_FEE", message: "" }, { symbol: "USDC", feeSymbol: "ETH" })).not.toContain("USDC");
  });

  it("still reads well without context", () => {
    expect(errorMessage({ code: "ADDRESS_INVALID", message: "" })).toBe(S.errors.ADDRESS_INVALID(null));
    expect(errorMessage({ code: "INSUFFICIENT_FUNDS", message: "" })).toBe(S.errors.INSUFFICIENT_FUNDS(null));
    expect(errorMessage({ code: "INSUFFICIENT_FUNDS_FOR_FEE", message: "" })).toBe(S.errors.INSUFFICIENT_FUNDS_FOR_FEE(null));
  });

  it("says nothing was sent when a recovery code is wrong or malformed, so the person can retry", () => {
    expect(errorMessage({ code: "RECOVERY_CODE_WRONG", message: "" })).toMatch(/nothing was sent/i);
    expect(errorMessage({ code: "RECOVERY_CODE_MALFORMED", message: "" })).toMatch(/nothing was sent/i);
  });

  it("tells the person Sigil checks before signing again when the outcome is unknown", () => {
    expect(errorMessage({ code: "OUTCOME_UNKNOWN", message: "" })).toMatch(/check/i);
  });
});

describe("error classes", () => {
  it("treats only the unreachable codes as offline", () => {
    expect(isOfflineError({ code: "COMPANION_UNREACHABLE", message: "" })).toBe(true);
    expect(isOfflineError({ code: "DFNS_UNREACHABLE", message: "" })).toBe(true);
    expect(isOfflineError({ code: "DFNS_REFUSED", message: "" })).toBe(false);
    expect(isOfflineError(null)).toBe(false);
  });

  it("offers to try again after a cancelled prompt or an unknown outcome, not after a refusal", () => {
    expect(isRetryable({ code: "AUTHN_CANCELLED", message: "" })).toBe(true);
    expect(isRetryable({ code: "OUTCOME_UNKNOWN", message: "" })).toBe(true);
    expect(isRetryable({ code: "INSUFFICIENT_FUNDS", message: "" })).toBe(false);
    expect(isRetryable({ code: "DAILY_LIMIT_EXCEEDED", message: "" })).toBe(false);
  });

  it("sends an expired action back to its form instead of offering to sign it again", () => {
    expect(needsPrepareAgain({ code: "OPERATION_EXPIRED", message: "" })).toBe(true);
    expect(isRetryable({ code: "OPERATION_EXPIRED", message: "" })).toBe(false);
    expect(needsPrepareAgain({ code: "OUTCOME_UNKNOWN", message: "" })).toBe(false);
    expect(needsPrepareAgain({ code: "AUTHN_CANCELLED", message: "" })).toBe(false);
  });
});
