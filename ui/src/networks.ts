// What the UI needs to know of a network to help the person type: its family (for the address
// hint and whether EIP-712 applies). The authoritative checks are the core's (`validate_send`).

export type Family = "evm" | "bitcoin" | "solana" | "unknown";

// The networks of crates/dfns-networks, by family. A network not listed falls back on its name.
const KNOWN: Record<string, Family> = {
  Ethereum: "evm",
  EthereumSepolia: "evm",
  Base: "evm",
  BaseSepolia: "evm",
  Polygon: "evm",
  PolygonAmoy: "evm",
  ArbitrumOne: "evm",
  ArbitrumSepolia: "evm",
  Bitcoin: "bitcoin",
  BitcoinTestnet4: "bitcoin",
  BitcoinSignet: "bitcoin",
  BitcoinTestnet3: "bitcoin",
  Solana: "solana",
  SolanaDevnet: "solana",
};

export function family(network: string): Family {
  const known = KNOWN[network];
  if (known) return known;
  if (network.startsWith("Bitcoin")) return "bitcoin";
  if (network.startsWith("Solana")) return "solana";
  if (/^(Ethereum|Base|Polygon|Arbitrum|Optimism|Avalanche|Bsc)/.test(network)) return "evm";
  return "unknown";
}

/** Whether a Bitcoin network is a test network (its addresses start with tb1). */
export function isBitcoinTestnet(network: string): boolean {
  return family(network) === "bitcoin" && network !== "Bitcoin";
}

/** A light shape check of an address, only to hint while typing (never to refuse). */
export function looksLikeAddress(network: string, address: string): boolean {
  const a = address.trim();
  switch (family(network)) {
    case "evm":
      return /^0x[0-9a-fA-F]{40}$/.test(a);
    case "bitcoin": {
      const prefix = isBitcoinTestnet(network) ? "tb1" : "bc1";
      return a.toLowerCase().startsWith(prefix) || /^[123mn2][1-9A-HJ-NP-Za-km-z]{25,34}$/.test(a);
    }
    case "solana":
      return /^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(a);
    default:
      return a.length > 0;
  }
}
