import { afterEach, describe, expect, it } from "vitest";
import { FALLBACK_LOCALE, resolveLocale, separators } from "../src/locale";
import { formatAmount, formatDate, formatFiat } from "../src/format";
import { S, setLocale } from "../src/strings";

const START = S.locale;
afterEach(() => setLocale(START));

describe("the system's locale", () => {
  it("takes the first tag the system prefers that Intl can format in", () => {
    expect(resolveLocale(["de-DE", "en-US"])).toBe("de-DE");
    expect(resolveLocale([undefined, "en_US.UTF-8", "fr-fr"])).toBe("fr-FR");
  });

  it("falls back on en-US when the system names nothing usable", () => {
    expect(resolveLocale([])).toBe(FALLBACK_LOCALE);
    expect(resolveLocale(["C", "!!"])).toBe(FALLBACK_LOCALE);
  });

  it("reads each locale's own separators", () => {
    expect(separators("en-US")).toEqual({ groupSeparator: ",", decimalSeparator: "." });
    expect(separators("de-DE")).toEqual({ groupSeparator: ".", decimalSeparator: "," });
  });

  it("writes amounts, fiat values and dates as a German system would", () => {
    setLocale("de-DE");
    expect(formatAmount("1234500000000000000000", 18, "ETH")).toBe("1.234,5 ETH");
    expect(formatFiat(1234.5)).toBe("1.234,50\u00a0$");
    expect(formatDate("2026-03-01T14:05:00Z")).toMatch(/^01\.03\.2026, \d\d:05$/);
  });

  it("keeps amounts exact in any locale: no float, no rounding up", () => {
    setLocale("fr-FR");
    expect(formatAmount("1000000000000000001", 18, "ETH")).toBe("1,000000000000000001 ETH");
  });
});

describe("amounts typed in the system's locale", () => {
  it("reads the locale's decimal comma as the point, and never a group separator", async () => {
    const { normalizeAmount, looksLikeAmount } = await import("../src/sendForm");
    setLocale("de-DE");
    expect(normalizeAmount(" 0,5 ")).toBe("0.5");
    expect(normalizeAmount("0.5")).toBe("0.5");
    expect(normalizeAmount("1.000,5")).toBe("1.000,5");
    expect(looksLikeAmount("1.000,5")).toBe(false);
    setLocale("en-US");
    expect(normalizeAmount("0,5")).toBe("0,5");
    expect(looksLikeAmount("0,5")).toBe(false);
  });
});
