// Amounts, addresses, fiat values and dates as people read them. Amounts are exact: base-unit
// strings are turned into decimals with BigInt, never through a float.

import type { TransferFee } from "./ipc";
import { S } from "./strings";

const DIGITS = /^\d+$/;

/**
 * A base-unit amount ("1500000000000000000") as a decimal string in whole units ("1.5") with
 * `decimals` places, trailing zeros dropped. Returns null when `base` is not a base-10 integer.
 */
export function formatUnits(base: string, decimals: number): string | null {
  const raw = base.trim();
  const negative = raw.startsWith("-");
  const digits = negative ? raw.slice(1) : raw;
  if (!DIGITS.test(digits) || !Number.isInteger(decimals) || decimals < 0) return null;
  const value = BigInt(digits);
  const scale = 10n ** BigInt(decimals);
  const whole = value / scale;
  const fraction = (value % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  const sign = negative && value !== 0n ? "-" : "";
  return fraction ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
}

/** Groups the whole part of a decimal string in thousands with the locale's separators. */
export function groupDecimal(decimal: string): string {
  const negative = decimal.startsWith("-");
  const body = negative ? decimal.slice(1) : decimal;
  const [whole, fraction] = body.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, S.number.groupSeparator);
  const sign = negative ? "-" : "";
  return fraction ? `${sign}${grouped}${S.number.decimalSeparator}${fraction}` : `${sign}${grouped}`;
}

/** The symbol to show for an asset whose symbol is unknown. */
export function symbolOf(symbol: string | undefined): string {
  return symbol && symbol.trim() ? symbol : S.format.unknownSymbol;
}

/**
 * "1,234.5 ETH" from base units, decimals and symbol. With `maxFraction`, extra fraction digits
 * are cut (rounded down, never up: a balance is never shown larger than it is) and the result
 * starts with the "about" sign.
 */
export function formatAmount(
  base: string,
  decimals: number,
  symbol: string | undefined,
  options: { maxFraction?: number } = {},
): string {
  const exact = formatUnits(base, decimals);
  if (exact === null) return S.format.amount(base, symbolOf(symbol));
  let shown = exact;
  let cut = false;
  if (options.maxFraction !== undefined) {
    const [whole, fraction = ""] = exact.split(".");
    if (fraction.length > options.maxFraction) {
      const kept = fraction.slice(0, options.maxFraction).replace(/0+$/, "");
      shown = kept ? `${whole}.${kept}` : whole;
      cut = true;
    }
  }
  const text = S.format.amount(groupDecimal(shown), symbolOf(symbol));
  return cut ? S.format.about(text) : text;
}

/** "0x1234…cdef": the first `head` and last `tail` characters of a long address. */
export function shortenAddress(address: string, head = 6, tail = 4): string {
  if (address.length <= head + tail + 1) return address;
  return `${address.slice(0, head)}…${address.slice(-tail)}`;
}

/** An address in groups of 4 characters, easier to compare by eye ("0x 1234 abcd …"). */
export function groupAddress(address: string, size = 4): string[] {
  const groups: string[] = [];
  let rest = address;
  if (/^0x/i.test(rest)) {
    groups.push(rest.slice(0, 2));
    rest = rest.slice(2);
  }
  for (let i = 0; i < rest.length; i += size) groups.push(rest.slice(i, i + size));
  return groups;
}

/**
 * Two addresses side by side, character by character: each part tells whether it is the same in
 * both. Used to show where a look-alike address differs from the known one.
 */
export function diffAddresses(a: string, b: string): { text: string; same: boolean }[] {
  const parts: { text: string; same: boolean }[] = [];
  for (let i = 0; i < a.length; i++) {
    const same = a[i] === b[i];
    const last = parts[parts.length - 1];
    if (last && last.same === same) last.text += a[i];
    else parts.push({ text: a[i], same });
  }
  return parts;
}

/** A fiat value, e.g. "$1,234.56", or null when there is none to show. */
export function formatFiat(value: number | undefined | null, currency = "USD"): string | null {
  if (value === undefined || value === null || !Number.isFinite(value)) return null;
  // Rounded to cents first, so -0 and -0.001 show as $0.00, never "-$0.00".
  const cents = Math.round(value * 100) / 100;
  return new Intl.NumberFormat(S.locale, { style: "currency", currency }).format(cents === 0 ? 0 : cents);
}

/** The fiat value of `amount` whole units ("0.5") in `currency`, when there is a quote. */
export function fiatValue(amount: string, quotes: Record<string, number> | undefined, currency = "USD"): number | null {
  const quote = quotes?.[currency];
  const units = Number(amount);
  if (quote === undefined || !Number.isFinite(quote) || !amount.trim() || !Number.isFinite(units)) return null;
  return units * quote;
}

/** The fiat value of an asset's balance in `currency`, when Dfns gave a quote. */
export function assetFiatValue(
  asset: { balance: string; decimals: number; quotes?: Record<string, number> },
  currency = "USD",
): number | null {
  const whole = formatUnits(asset.balance, asset.decimals);
  return whole === null ? null : fiatValue(whole, asset.quotes, currency);
}

/**
 * The most a network fee may be, as the confirmation shows it: "up to 0.000063 ETH (≈ $0.19)",
 * the fiat part only when Dfns quoted the coin ("under $0.01" rather than a rounded $0.00).
 */
export function formatFee(fee: TransferFee, currency = "USD"): string {
  const amount = S.format.amount(groupDecimal(fee.amount), symbolOf(fee.symbol));
  const value = fiatValue(fee.amount, fee.quotes, currency);
  let fiat: string | null = null;
  if (value !== null && value > 0 && value < 0.01) fiat = S.format.under(formatFiat(0.01, currency) ?? "");
  else if (value !== null) fiat = S.format.about(formatFiat(value, currency) ?? "");
  return S.format.feeUpTo(amount, fiat);
}

/** A fee tier's name ("Slow", "Standard", "Fast"); a tier Sigil does not know, as given. */
export function feeTierName(tier: string): string {
  const tiers = S.send.feeTiers as Record<string, { name: string } | undefined>;
  return tiers[tier]?.name ?? tier;
}

/** A date and time from an ISO 8601 string, in the locale; the raw text if it does not parse. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(S.locale, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** Pretty JSON for the confirmation screen (typed-data domain and fields). */
export function prettyJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? "";
  } catch {
    return String(value);
  }
}
