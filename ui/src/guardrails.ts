// The daily limits of the Safety settings as the form shows them: one input per wallet and asset
// (keyed as the core keys them), and the guardrails to save from what was typed. The core checks
// them (GUARDRAIL_INVALID); the form only spots what is obviously not an amount.

import type { Asset, Guardrails, WalletView } from "./ipc";
import { sendableAssets, looksLikeAmount } from "./sendForm";

/** An asset's key in the daily limits: `Native`, or the token's contract (ERC-20) or mint (SPL). */
export function limitKey(asset: Pick<Asset, "kind" | "contract" | "mint">): string {
  if (asset.kind === "Native") return "Native";
  return asset.contract ?? asset.mint ?? asset.kind;
}

export type LimitInput = { key: string; symbol: string };

/**
 * A wallet's limit inputs: each asset it can send, then any other asset that has a limit (one
 * the wallet no longer holds), so that no limit is out of sight.
 */
export function limitInputs(wallet: WalletView, limits: Guardrails["dailyLimits"]): LimitInput[] {
  const held = sendableAssets(wallet).map((a) => ({ key: limitKey(a), symbol: a.symbol?.trim() || limitKey(a) }));
  const others = Object.keys(limits[wallet.id] ?? {})
    .filter((key) => !held.some((h) => h.key === key))
    .map((key) => ({ key, symbol: key }));
  return [...held, ...others];
}

/** Whether a limit as typed is obviously not one (empty means none, and is fine). */
export function limitLooksWrong(text: string): boolean {
  return text.trim() !== "" && !looksLikeAmount(text);
}

/** The guardrails to save: limits trimmed, empty ones (no limit) dropped, the rest kept as they are. */
export function guardrailsToSave(draft: Guardrails): Guardrails {
  const dailyLimits: Guardrails["dailyLimits"] = {};
  for (const [walletId, limits] of Object.entries(draft.dailyLimits)) {
    const kept = Object.entries(limits)
      .map(([key, limit]) => [key, limit.trim()] as const)
      .filter(([, limit]) => limit !== "");
    if (kept.length > 0) dailyLimits[walletId] = Object.fromEntries(kept);
  }
  return { ...draft, dailyLimits };
}
