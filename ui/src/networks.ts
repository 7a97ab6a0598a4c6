// What the UI needs to know of a network: the name people read, whether it is a test network, and
// its family (for the address hint and whether EIP-712 applies), from the table the contract
// carries (crates/dfns-networks). The authoritative checks are the core's (`validate_send`).

import { NETWORKS } from "./generated/contract";
import { S } from "./strings";

export type Family = "evm" | "bitcoin" | "solana" | "unknown";

export function family(network: string): Family {
  const known = NETWORKS[network];
  if (known) return known.family as Family;
  if (network.startsWith("Bitcoin")) return "bitcoin";
  if (network.startsWith("Solana")) return "solana";
  if (/^(Ethereum|Base|Polygon|Arbitrum|Optimism|Avalanche|Bsc)/.test(network)) return "evm";
  return "unknown";
}

/** The name people read ("Ethereum Sepolia"); a network Sigil does not know, by its id. */
export function networkName(network: string): string {
  return NETWORKS[network]?.name ?? network;
}

/** Whether the network is a test network (its coins have no value). */
export function isTestnet(network: string): boolean {
  return NETWORKS[network]?.testnet ?? false;
}

/** The name with the test-network mark, for plain text (options, rows). */
export function networkLabel(network: string): string {
  return S.network.label(networkName(network), isTestnet(network));
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
