// The send form's validation, as a state machine the component drives:
//
//   edit ──► local checks (non-empty, looks numeric) ──► "incomplete"  (nothing asked)
//                                                  └──► "checking"    (validate_send asked, seq n)
//   result(seq n) ──► "valid" | "invalid" (a code on a field) | "unavailable" (offline)
//   result(seq < n) is stale and ignored.
//
// "Max" asks the core (`max_send`) for the most the wallet can send of the asset at the fee tier
// and fills the amount with it; while the amount is that answer (`fromMax`), changing the tier,
// the asset or the wallet asks again. Typing an amount ends it, and an answer to anything but the
// form as it is now is dropped.
//
// The core's `validate_send` is the authority (address checksums, decimals, balance, limits);
// the checks here only spare it obviously unfinished input.

import type { Asset, AssetRef, FeeTier, IpcError, SendForm, WalletView } from "./ipc";
import { isOfflineError } from "./errors";
import { S } from "./strings";

export type SendFields = {
  walletId: string;
  /** `assetKey()` of the chosen asset. */
  assetKey: string;
  to: string;
  amount: string;
  feeTier: FeeTier;
  /** The amount is (or is about to be) the core's answer to "Max". */
  fromMax?: boolean;
};

/** What a "Max" answer depends on. */
export type MaxAsk = Pick<SendFields, "walletId" | "assetKey" | "feeTier">;

export type SendField = "to" | "amount" | "form";

export type SendPhase = "incomplete" | "checking" | "valid" | "invalid" | "unavailable";

export type SendState = {
  fields: SendFields;
  phase: SendPhase;
  /** The errors by field, local or from the core. */
  errors: Partial<Record<SendField, IpcError>>;
  /** Fields the person has edited: only their errors are shown. */
  touched: Partial<Record<SendField, boolean>>;
  /** The number of the latest check asked of the core. */
  seq: number;
};

export type SendEvent =
  | { type: "edit"; fields: Partial<SendFields> }
  | { type: "result"; seq: number; error: IpcError | null }
  /** The core refused the form when it was submitted (prepare_send). */
  | { type: "refused"; error: IpcError }
  | { type: "touchAll" }
  /** The person pressed Max: the answer is awaited. */
  | { type: "maxAsked" }
  /** The core's answer to a Max. */
  | { type: "maxResult"; ask: MaxAsk; amount: string }
  | { type: "maxRefused"; ask: MaxAsk; error: IpcError };

/** A stable key for an asset of a wallet: "Native", "Erc20:<contract>", "Spl:<mint>". */
export function assetKey(asset: Pick<Asset, "kind" | "contract" | "mint">): string {
  if (asset.kind === "Erc20" && asset.contract) return `Erc20:${asset.contract}`;
  if ((asset.kind === "Spl" || asset.kind === "Spl2022") && asset.mint) return `Spl:${asset.mint}`;
  return "Native";
}

/** The contract's asset reference for a key made by `assetKey`. */
export function assetRef(key: string): AssetRef {
  if (key.startsWith("Erc20:")) return { kind: "Erc20", contract: key.slice("Erc20:".length) };
  if (key.startsWith("Spl:")) return { kind: "Spl", mint: key.slice("Spl:".length) };
  return { kind: "Native" };
}

/** The assets of a wallet that can be sent (Native, Erc20 with a contract, Spl with a mint). */
export function sendableAssets(wallet: WalletView | undefined): Asset[] {
  if (!wallet) return [];
  return wallet.assets.filter(
    (a) =>
      a.kind === "Native" ||
      (a.kind === "Erc20" && !!a.contract) ||
      ((a.kind === "Spl" || a.kind === "Spl2022") && !!a.mint),
  );
}

export function findAsset(wallet: WalletView | undefined, key: string): Asset | undefined {
  return sendableAssets(wallet).find((a) => assetKey(a) === key);
}

/** The form the contract takes. */
export function toSendForm(fields: SendFields): SendForm {
  return {
    walletId: fields.walletId,
    asset: assetRef(fields.assetKey),
    to: fields.to.trim(),
    amount: normalizeAmount(fields.amount),
    feeTier: fields.feeTier,
  };
}

/** Which field an error code belongs to. */
export function fieldOf(code: string): SendField {
  if (code === "ADDRESS_INVALID" || code === "ADDRESS_REQUIRED") return "to";
  if (
    code.startsWith("AMOUNT_") ||
    code === "INSUFFICIENT_FUNDS" ||
    code === "INSUFFICIENT_FUNDS_FOR_FEE" ||
    code === "DAILY_LIMIT_EXCEEDED"
  ) {
    return "amount";
  }
  return "form";
}

const AMOUNT_SHAPE = /^\+?(\d+\.?\d*|\.\d+)$/;

/**
 * An amount as typed, with the locale's decimal separator read as the point the core expects
 * ("0,5" in a German locale is 0.5). Group separators are never read: "1.000" stays 1 in
 * German too, a smaller amount the confirmation shows, never a larger one.
 */
export function normalizeAmount(text: string): string {
  const amount = text.trim();
  const decimal = S.number.decimalSeparator;
  if (decimal === "." || amount.includes(".") || amount.split(decimal).length !== 2) return amount;
  return amount.replace(decimal, ".");
}

/** Whether `text` could be an amount in whole units (digits, at most one point). */
export function looksLikeAmount(text: string): boolean {
  return AMOUNT_SHAPE.test(normalizeAmount(text));
}

/** The light checks: what is obviously unfinished or not a number. */
export function localErrors(fields: SendFields): Partial<Record<SendField, IpcError>> {
  const errors: Partial<Record<SendField, IpcError>> = {};
  const local = (code: IpcError["code"]): IpcError => ({ code, message: "" });
  if (!fields.to.trim()) errors.to = local("ADDRESS_REQUIRED");
  const amount = normalizeAmount(fields.amount);
  if (!amount) errors.amount = local("AMOUNT_REQUIRED");
  else if (amount.startsWith("-")) errors.amount = local("AMOUNT_NEGATIVE");
  else if (!AMOUNT_SHAPE.test(amount)) errors.amount = local("AMOUNT_INVALID");
  if (!fields.walletId || !fields.assetKey) errors.form = local("WALLET_UNKNOWN");
  return errors;
}

export function initialSendState(fields: Partial<SendFields> = {}): SendState {
  const all: SendFields = {
    walletId: "",
    assetKey: "Native",
    to: "",
    amount: "",
    feeTier: "Standard",
    ...fields,
  };
  return { fields: all, phase: "incomplete", errors: localErrors(all), touched: {}, seq: 0 };
}

export function reduceSend(state: SendState, event: SendEvent): SendState {
  switch (event.type) {
    case "edit": {
      const fields = { ...state.fields, ...event.fields };
      // An amount typed by the person is theirs, not Max's.
      if (event.fields.amount !== undefined) fields.fromMax = event.fields.fromMax ?? false;
      const touched = { ...state.touched };
      if (event.fields.to !== undefined) touched.to = true;
      if (event.fields.amount !== undefined) touched.amount = true;
      const errors = localErrors(fields);
      const seq = state.seq + 1;
      if (Object.keys(errors).length > 0) return { fields, phase: "incomplete", errors, touched, seq };
      return { fields, phase: "checking", errors: {}, touched, seq };
    }
    case "result": {
      if (event.seq !== state.seq || state.phase !== "checking") return state;
      if (event.error === null) return { ...state, phase: "valid", errors: {} };
      return refuse(state, event.error);
    }
    case "refused":
      return refuse(state, event.error);
    case "touchAll":
      return { ...state, touched: { to: true, amount: true, form: true } };
    case "maxAsked":
      return { ...state, fields: { ...state.fields, fromMax: true } };
    case "maxResult":
      if (!isCurrentMax(state.fields, event.ask)) return state;
      return reduceSend(state, { type: "edit", fields: { amount: event.amount, fromMax: true } });
    case "maxRefused":
      if (!isCurrentMax(state.fields, event.ask)) return state;
      return refuse(state, event.error);
  }
}

/** What a Max pressed now asks about. */
export function maxAsk(fields: SendFields): MaxAsk {
  return { walletId: fields.walletId, assetKey: fields.assetKey, feeTier: fields.feeTier };
}

/** Whether an answer to `ask` is still wanted: Max is on and the form asks the same. */
function isCurrentMax(fields: SendFields, ask: MaxAsk): boolean {
  return !!fields.fromMax && fields.walletId === ask.walletId && fields.assetKey === ask.assetKey && fields.feeTier === ask.feeTier;
}

/**
 * The Max to ask again after a change from `before` to `after`: while the amount came from Max,
 * a change of fee tier, asset or wallet changes what the most is. Null when nothing is to ask.
 */
export function maxToAskAgain(before: SendFields, after: SendFields): MaxAsk | null {
  if (!before.fromMax || !after.fromMax) return null;
  const same = before.walletId === after.walletId && before.assetKey === after.assetKey && before.feeTier === after.feeTier;
  return same ? null : maxAsk(after);
}

/** The core's refusal, put on the field it is about (offline is not the form's fault). */
function refuse(state: SendState, error: IpcError): SendState {
  if (isOfflineError(error)) return { ...state, phase: "unavailable", errors: { form: error } };
  const field = fieldOf(error.code);
  return {
    ...state,
    phase: "invalid",
    errors: { [field]: error },
    touched: { ...state.touched, [field]: true },
  };
}

/** The errors to show now: those of touched fields (form-level ones always). */
export function visibleErrors(state: SendState): Partial<Record<SendField, IpcError>> {
  const shown: Partial<Record<SendField, IpcError>> = {};
  for (const [field, error] of Object.entries(state.errors) as [SendField, IpcError][]) {
    if (field === "form" ? error.code !== "WALLET_UNKNOWN" || state.touched.form : state.touched[field]) {
      shown[field] = error;
    }
  }
  return shown;
}

export function canSubmit(state: SendState, offline: boolean): boolean {
  return state.phase === "valid" && !offline;
}

/**
 * Runs `validate` for the latest state, `debounceMs` after the last edit, and feeds the answer
 * back through `dispatch`. Answers to older checks are dropped by the reducer (their `seq`).
 */
export function createSendChecker(options: {
  validate: (form: SendForm) => Promise<unknown>;
  dispatch: (event: SendEvent) => void;
  debounceMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}) {
  const debounceMs = options.debounceMs ?? 300;
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let timer: unknown = null;
  return {
    /** Call after each state change. */
    schedule(state: SendState) {
      if (timer !== null) clearTimer(timer);
      timer = null;
      if (state.phase !== "checking") return;
      const { seq } = state;
      const form = toSendForm(state.fields);
      timer = setTimer(() => {
        timer = null;
        options.validate(form).then(
          () => options.dispatch({ type: "result", seq, error: null }),
          (error: IpcError) => options.dispatch({ type: "result", seq, error }),
        );
      }, debounceMs);
    },
    dispose() {
      if (timer !== null) clearTimer(timer);
      timer = null;
    },
  };
}
