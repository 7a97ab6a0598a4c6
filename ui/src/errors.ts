// Error codes → what the person reads. The UI branches on `code` only; the core's `message` is
// shown as is only for codes this module has no copy for. Every code named here is checked
// against the codes generated from Rust (`ErrorCode`), so a renamed or removed code fails the
// type check.

import type { IpcError } from "./ipc";

type Code = IpcError["code"];
import { S } from "./strings";

/** What the copy of some codes mentions, when the screen knows it. */
export type ErrorContext = {
  network?: string;
  symbol?: string;
  decimals?: number;
  /** The balance, already formatted with its symbol. */
  balance?: string;
  /** The network's coin, which pays the fee ("ETH"). */
  feeSymbol?: string;
};

/** The codes that mean Sigil cannot reach the network: the app goes offline. */
export const OFFLINE_CODES = ["COMPANION_UNREACHABLE", "DFNS_UNREACHABLE"] as const satisfies readonly Code[];

export function isOfflineError(error: IpcError | null | undefined): boolean {
  return !!error && (OFFLINE_CODES as readonly string[]).includes(error.code);
}

/**
 * Errors of a confirmation after which the action must be prepared again (from its form): the
 * prepared one can no longer be signed.
 */
export function needsPrepareAgain(error: IpcError): boolean {
  const again: readonly Code[] = ["OPERATION_EXPIRED"];
  return again.includes(error.code);
}

/** Errors of a passkey ceremony after which trying again is the natural next step. */
export function isRetryable(error: IpcError): boolean {
  const retryable: readonly Code[] = [
    "BUSY",
    "AUTHN_CANCELLED",
    "AUTHN_DECLINED",
    "AUTHN_TIMEOUT",
    "AUTHN_NO_AUTHENTICATOR",
    "AUTHN_PIN_INVALID",
    "OUTCOME_UNKNOWN",
    "SESSION_ENDED_RETRY",
    "COMPANION_UNREACHABLE",
    "DFNS_UNREACHABLE",
    "DFNS_UNAVAILABLE",
  ];
  return retryable.includes(error.code);
}

/** The codes with their own copy (every code the contract asks the UI to handle, and a few more). */
export const HANDLED_CODES = [
  "SIGNED_OUT",
  "BUSY",
  "ADDRESS_REQUIRED",
  "AMOUNT_REQUIRED",
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
  "CONTACT_NAME_INVALID",
  "OPERATION_EXPIRED",
  "AUTHN_CANCELLED",
  "AUTHN_DECLINED",
  "AUTHN_TIMEOUT",
  "AUTHN_NO_AUTHENTICATOR",
  "AUTHN_PIN_INVALID",
  "AUTHN_PIN_BLOCKED",
  "OUTCOME_UNKNOWN",
  "SESSION_ENDED_RETRY",
  "COMPANION_UNREACHABLE",
  "DFNS_UNREACHABLE",
  "KEYRING_UNAVAILABLE",
  "LOGIN_STATE_MISMATCH",
  "LOGIN_NOT_PENDING",
  "LOGIN_EXPIRED",
  "ACCOUNT_MISMATCH",
  "DEEP_LINK_INVALID",
  "COMPANION_URL_INVALID",
  "PASSKEY_NAME_INVALID",
  "WALLET_UNKNOWN",
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
  "UPDATE_CHECK_FAILED",
  "UPDATE_NOT_NEWER",
  "UPDATE_SIGNATURE_INVALID",
  "UPDATE_INSTALL_FAILED",
  "NO_UPDATE_PENDING",
  "UPDATES_UNSUPPORTED",
] as const satisfies readonly Code[];

/** The sentence to show for `error`. */
export function errorMessage(error: IpcError, context: ErrorContext = {}): string {
  const e = S.errors;
  switch (error.code) {
    case "AMOUNT_TOO_PRECISE":
      return e.AMOUNT_TOO_PRECISE(context.symbol ?? S.format.unknownSymbol, context.decimals ?? null);
    case "ADDRESS_INVALID":
      return e.ADDRESS_INVALID(context.network ?? null);
    case "INSUFFICIENT_FUNDS":
      return e.INSUFFICIENT_FUNDS(context.balance ?? null);
    case "INSUFFICIENT_FUNDS_FOR_FEE":
      return e.INSUFFICIENT_FUNDS_FOR_FEE(context.feeSymbol ?? null);
    case "SIGNED_OUT":
    case "BUSY":
    case "ADDRESS_REQUIRED":
    case "AMOUNT_REQUIRED":
    case "AMOUNT_INVALID":
    case "AMOUNT_NEGATIVE":
    case "AMOUNT_ZERO":
    case "AMOUNT_TOO_LARGE":
    case "DAILY_LIMIT_EXCEEDED":
    case "FEE_UNAVAILABLE":
    case "GUARDRAIL_INVALID":
    case "CONTACT_NAME_INVALID":
    case "OPERATION_EXPIRED":
    case "AUTHN_CANCELLED":
    case "AUTHN_DECLINED":
    case "AUTHN_TIMEOUT":
    case "AUTHN_NO_AUTHENTICATOR":
    case "AUTHN_PIN_INVALID":
    case "AUTHN_PIN_BLOCKED":
    case "OUTCOME_UNKNOWN":
    case "SESSION_ENDED_RETRY":
    case "COMPANION_UNREACHABLE":
    case "DFNS_UNREACHABLE":
    case "KEYRING_UNAVAILABLE":
    case "LOGIN_STATE_MISMATCH":
    case "LOGIN_NOT_PENDING":
    case "LOGIN_EXPIRED":
    case "ACCOUNT_MISMATCH":
    case "DEEP_LINK_INVALID":
    case "COMPANION_URL_INVALID":
    case "PASSKEY_NAME_INVALID":
    case "WALLET_UNKNOWN":
    case "RECOVERY_CODE_MALFORMED":
    case "RECOVERY_CODE_WRONG":
    case "RECOVERY_KIT_UNUSABLE":
    case "RECOVERY_CODE_MISMATCH":
    case "NO_RECOVERY_KIT_TO_CONFIRM":
    case "COMPUTER_CODE_REFUSED":
    case "RECOVERY_NOT_ALLOWED":
    case "NO_RECOVERY_KIT":
    case "RECOVERY_RATE_LIMITED":
    case "RECOVERY_NOT_STARTED":
    case "RECOVERY_EXPIRED":
    case "RECOVERY_ALREADY_COMPLETED":
    case "RECOVERY_REFUSED":
    case "RECOVERY_KIT_UNKNOWN":
    case "UPDATE_CHECK_FAILED":
    case "UPDATE_NOT_NEWER":
    case "UPDATE_SIGNATURE_INVALID":
    case "UPDATE_INSTALL_FAILED":
    case "NO_UPDATE_PENDING":
    case "UPDATES_UNSUPPORTED":
      return e[error.code];
    default:
      return error.message.trim() ? error.message : e.unknown(error.code);
  }
}
