import { describe, expect, it } from "vitest";
import { family, isBitcoinTestnet, isTestnet, looksLikeAddress, networkLabel, networkName } from "../src/networks";

describe("networks", () => {
  it("knows the family of every network Sigil supports", () => {
    expect(family("EthereumSepolia")).toBe("evm");
    expect(family("ArbitrumOne")).toBe("evm");
    expect(family("BitcoinTestnet4")).toBe("bitcoin");
    expect(family("SolanaDevnet")).toBe("solana");
    expect(family("Tezos")).toBe("unknown");
  });

  it("names networks as people read them and marks test networks", () => {
    expect(networkName("EthereumSepolia")).toBe("Ethereum Sepolia");
    expect(networkName("ArbitrumOne")).toBe("Arbitrum One");
    expect([isTestnet("Ethereum"), isTestnet("BitcoinTestnet4"), isTestnet("SolanaDevnet")]).toEqual([false, true, true]);
    expect(networkLabel("BaseSepolia")).toBe("Base Sepolia (testnet)");
    expect(networkLabel("Polygon")).toBe("Polygon");
    expect(networkLabel("Tezos")).toBe("Tezos");
  });

  it("guesses the family of a network it has not heard of by its name", () => {
    expect(family("BitcoinRegtest")).toBe("bitcoin");
    expect(family("BaseMainnetNext")).toBe("evm");
  });

  it("tells Bitcoin test networks apart", () => {
    expect(isBitcoinTestnet("Bitcoin")).toBe(false);
    expect(isBitcoinTestnet("BitcoinSignet")).toBe(true);
    expect(isBitcoinTestnet("Ethereum")).toBe(false);
  });

  it("hints at the shape of an address while the person types", () => {
    expect(looksLikeAddress("Ethereum", "0x52908400098527886E0F7030069857D2E4169EE7")).toBe(true);
    expect(looksLikeAddress("Ethereum", "0x5290")).toBe(false);
    expect(looksLikeAddress("BitcoinTestnet4", "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx")).toBe(true);
    expect(looksLikeAddress("Bitcoin", "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx")).toBe(false);
    expect(looksLikeAddress("Solana", "So11111111111111111111111111111111111111112")).toBe(true);
    expect(looksLikeAddress("Solana", "0OIl")).toBe(false);
  });
});
