import { describe, expect, it } from "vitest";
import {
  assetFiatValue,
  diffAddresses,
  feeTierName,
  fiatValue,
  formatAmount,
  formatDate,
  formatFee,
  formatFiat,
  formatUnits,
  groupAddress,
  groupDecimal,
  shortenAddress,
  symbolOf,
} from "../src/format";

describe("formatUnits", () => {
  it("turns base units into whole units with the asset's decimals", () => {
    expect(formatUnits("1500000000000000000", 18)).toBe("1.5");
    expect(formatUnits("25000000", 6)).toBe("25");
    expect(formatUnits("1", 8)).toBe("0.00000001");
    expect(formatUnits("123456789", 0)).toBe("123456789");
  });

  it("is exact beyond what a float can hold", () => {
    expect(formatUnits("123456789012345678901234567890", 18)).toBe("123456789012.34567890123456789");
    expect(formatUnits("1000000000000000001", 18)).toBe("1.000000000000000001");
  });

  it("shows zero as 0 and drops trailing zeros", () => {
    expect(formatUnits("0", 18)).toBe("0");
    expect(formatUnits("100", 2)).toBe("1");
    expect(formatUnits("120", 2)).toBe("1.2");
  });

  it("keeps a minus sign", () => {
    expect(formatUnits("-150", 2)).toBe("-1.5");
    expect(formatUnits("-0", 2)).toBe("0");
  });

  it("refuses what is not a base-10 integer", () => {
    expect(formatUnits("1.5", 18)).toBeNull();
    expect(formatUnits("0x10", 18)).toBeNull();
    expect(formatUnits("", 18)).toBeNull();
    expect(formatUnits("12", -1)).toBeNull();
  });
});

describe("formatAmount", () => {
  it("adds the symbol and groups thousands", () => {
    expect(formatAmount("1234567500000", 6, "USDC")).toBe("1,234,567.5 USDC");
    expect(formatAmount("1500000000000000000", 18, "ETH")).toBe("1.5 ETH");
  });

  it("names unknown symbols", () => {
    expect(formatAmount("5", 0, undefined)).toBe("5 units");
    expect(symbolOf("  ")).toBe("units");
  });

  it("cuts extra fraction digits down, never up, and says it is approximate", () => {
    expect(formatAmount("1999999999999999999", 18, "ETH", { maxFraction: 4 })).toBe("≈ 1.9999 ETH");
    expect(formatAmount("1000000000000000001", 18, "ETH", { maxFraction: 4 })).toBe("≈ 1 ETH");
    expect(formatAmount("1500000000000000000", 18, "ETH", { maxFraction: 4 })).toBe("1.5 ETH");
  });

  it("shows a malformed balance as given rather than inventing one", () => {
    expect(formatAmount("n/a", 18, "ETH")).toBe("n/a ETH");
  });
});

describe("groupDecimal", () => {
  it("groups only the whole part", () => {
    expect(groupDecimal("1234567.123456")).toBe("1,234,567.123456");
    expect(groupDecimal("999")).toBe("999");
    expect(groupDecimal("-1000")).toBe("-1,000");
  });
});

describe("addresses", () => {
  const evm = "0x52908400098527886E0F7030069857D2E4169EE7";

  it("shortens long addresses to their ends", () => {
    expect(shortenAddress(evm)).toBe("0x5290…9EE7");
    expect(shortenAddress(evm, 10, 6)).toBe("0x52908400…169EE7");
  });

  it("leaves short strings alone", () => {
    expect(shortenAddress("0x1234")).toBe("0x1234");
    expect(shortenAddress("0123456789a")).toBe("0123456789a");
  });

  it("groups by four for reading aloud", () => {
    expect(groupAddress("0x1234abcd9")).toEqual(["0x", "1234", "abcd", "9"]);
    expect(groupAddress("tb1qw508d6")).toEqual(["tb1q", "w508", "d6"]);
    expect(groupAddress(evm).join("")).toBe(evm);
  });

  it("marks where a look-alike differs", () => {
    const known = "0x1234567890abcdef1234567890abcdef12345678";
    const fake = "0x1234560000000000000000000000000000345678";
    const parts = diffAddresses(fake, known);
    expect(parts.map((p) => p.text).join("")).toBe(fake);
    expect(parts[0]).toEqual({ text: "0x123456", same: true });
    expect(parts[parts.length - 1].same).toBe(true);
    expect(parts.some((p) => !p.same)).toBe(true);
  });

  it("marks the extra characters of a longer address as different", () => {
    expect(diffAddresses("abcd", "ab")).toEqual([
      { text: "ab", same: true },
      { text: "cd", same: false },
    ]);
  });
});

describe("fiat", () => {
  it("formats a currency value", () => {
    expect(formatFiat(1234.5)).toBe("$1,234.50");
    expect(formatFiat(0)).toBe("$0.00");
    expect(formatFiat(-0)).toBe("$0.00");
    expect(formatFiat(-0.001)).toBe("$0.00");
  });

  it("shows nothing when the value is unknown", () => {
    expect(formatFiat(undefined)).toBeNull();
    expect(formatFiat(null)).toBeNull();
    expect(formatFiat(Number.NaN)).toBeNull();
  });

  it("values a balance with its quote", () => {
    expect(assetFiatValue({ balance: "1500000000000000000", decimals: 18, quotes: { USD: 3000 } })).toBe(4500);
    expect(assetFiatValue({ balance: "25000000", decimals: 6, quotes: { EUR: 1 } })).toBeNull();
    expect(assetFiatValue({ balance: "25000000", decimals: 6 })).toBeNull();
    expect(assetFiatValue({ balance: "x", decimals: 6, quotes: { USD: 1 } })).toBeNull();
  });
});

describe("network fees", () => {
  it("shows the most a fee may be with its dollar value", () => {
    expect(formatFee({ amount: "0.000063", symbol: "ETH", quotes: { USD: 3000 } })).toBe("up to 0.000063 ETH (≈ $0.19)");
    expect(formatFee({ amount: "1234.5", symbol: "ETH", quotes: { USD: 2 } })).toBe("up to 1,234.5 ETH (≈ $2,469.00)");
  });

  it("shows no dollar value without a USD quote", () => {
    expect(formatFee({ amount: "0.00000705", symbol: "BTC" })).toBe("up to 0.00000705 BTC");
    expect(formatFee({ amount: "0.00000705", symbol: "BTC", quotes: { EUR: 90000 } })).toBe("up to 0.00000705 BTC");
  });

  it("never rounds a real fee down to $0.00", () => {
    expect(formatFee({ amount: "0.000005", symbol: "SOL", quotes: { USD: 150 } })).toBe("up to 0.000005 SOL (under $0.01)");
    expect(formatFee({ amount: "0", symbol: "SOL", quotes: { USD: 150 } })).toBe("up to 0 SOL (≈ $0.00)");
  });

  it("values whole units and refuses what is not a number", () => {
    expect(fiatValue("1.5", { USD: 2 })).toBe(3);
    expect(fiatValue("", { USD: 2 })).toBeNull();
    expect(fiatValue("abc", { USD: 2 })).toBeNull();
    expect(fiatValue("1", undefined)).toBeNull();
  });

  it("names the fee tiers, and shows one it does not know as given", () => {
    expect(feeTierName("Fast")).toBe("Fast");
    expect(feeTierName("Turbo")).toBe("Turbo");
  });
});

describe("dates", () => {
  it("formats ISO dates and leaves unparseable text as is", () => {
    expect(formatDate("2026-11-20T10:00:00Z")).toMatch(/2026/);
    expect(formatDate("not a date")).toBe("not a date");
  });
});
