//! Emulated fees: fixed gas prices and fee rates per network and priority, so a transfer's fee is
//! known in advance and tests can check balances to the last unit. `GET /networks/fees` shows the
//! same numbers [`transfer_fee`] charges.

use serde_json::{Value, json};

use super::networks::{Family, Network};

#[cfg(test)]
mod tests;

/// How fast a transfer should be mined: the `priority` of a transfer request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Cheapest.
    Slow,
    /// The default.
    Standard,
    /// Most expensive.
    Fast,
}

impl Priority {
    /// Reads a request's `priority`: absent means `Standard`; otherwise `Slow`, `Standard` or
    /// `Fast`, and anything else is an error message for the client.
    pub fn parse(value: Option<&str>) -> Result<Self, String> {
        match value {
            None | Some("Standard") => Ok(Self::Standard),
            Some("Slow") => Ok(Self::Slow),
            Some("Fast") => Ok(Self::Fast),
            Some(other) => {
                Err(format!("priority {other:?} is not valid: expected Slow, Standard or Fast"))
            }
        }
    }

    const ALL: [Self; 3] = [Self::Slow, Self::Standard, Self::Fast];

    fn index(self) -> usize {
        match self {
            Self::Slow => 0,
            Self::Standard => 1,
            Self::Fast => 2,
        }
    }

    fn field(self) -> &'static str {
        match self {
            Self::Slow => "slow",
            Self::Standard => "standard",
            Self::Fast => "fast",
        }
    }
}

/// What a transfer moves, as far as its fee is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetKind {
    /// The network's native asset.
    Native,
    /// A token: `Erc20` on EVM networks, `Spl` on Solana.
    Token,
}

/// Gas of a plain value transfer.
const GAS_NATIVE: u128 = 21_000;
/// Gas the emulator charges for an ERC-20 `transfer`, about what real tokens use.
const GAS_ERC20: u128 = 65_000;
/// A one-input, two-output P2WPKH transaction, in virtual bytes.
const BITCOIN_TRANSFER_VBYTES: u128 = 141;
/// Solana's fee per signature.
const SOLANA_LAMPORTS_PER_SIGNATURE: u128 = 5_000;
/// The compute-unit limit the emulator's Solana transfers set.
const SOLANA_COMPUTE_UNIT_LIMIT: u128 = 200_000;
/// Compute-unit prices are in micro-lamports.
const MICRO_LAMPORTS_PER_LAMPORT: u128 = 1_000_000;

const GWEI: u128 = 1_000_000_000;

/// A network's EIP-1559 prices in wei: a constant base fee and the tip per priority.
struct EvmPrices {
    base_fee: u128,
    priority_fees: [u128; 3],
}

impl EvmPrices {
    /// The base fee never moves in the emulator, so base + tip is both the cap a wallet would
    /// set and the price actually paid: the fee shown is the fee charged.
    fn max_fee(&self, priority: Priority) -> u128 {
        self.base_fee + self.priority_fees[priority.index()]
    }
}

/// Prices in the range each real network shows, so amounts look familiar.
fn evm_prices(network: &Network) -> EvmPrices {
    match network.name {
        "Polygon" | "PolygonAmoy" => {
            EvmPrices { base_fee: 30 * GWEI, priority_fees: [25 * GWEI, 30 * GWEI, 40 * GWEI] }
        }
        "Base" | "BaseSepolia" | "ArbitrumOne" | "ArbitrumSepolia" => {
            EvmPrices { base_fee: GWEI / 100, priority_fees: [0, GWEI / 1_000, GWEI / 100] }
        }
        // Ethereum and its test networks.
        _ => EvmPrices { base_fee: 2 * GWEI, priority_fees: [GWEI / 10, GWEI, 2 * GWEI] },
    }
}

/// Bitcoin fee rates in sat/vB and their target confirmation horizon in blocks.
const BITCOIN_FEE_RATES: [u128; 3] = [2, 5, 10];
const BITCOIN_BLOCK_HORIZONS: [u64; 3] = [6, 3, 1];

/// Solana compute-unit prices in micro-lamports per compute unit.
const SOLANA_COMPUTE_UNIT_PRICES: [u128; 3] = [1_000, 10_000, 100_000];

/// The fee, in the network's native base units, of one transfer; deterministic (fixed emulated gas
/// prices / fee rates).
/// - EVM: gas (21 000 native, 65 000 Erc20) × `maxFeePerGas` of the priority;
/// - Bitcoin: 141 vbytes × fee rate (sat/vB); Bitcoin has no tokens, `Token` costs as `Native`;
/// - Solana: 5 000 lamports + compute-unit price × 200 000 / 1 000 000, rounded up, for native
///   and token transfers alike.
pub fn transfer_fee(network: &Network, asset: AssetKind, priority: Priority) -> u128 {
    match network.family {
        Family::Evm => {
            let gas = match asset {
                AssetKind::Native => GAS_NATIVE,
                AssetKind::Token => GAS_ERC20,
            };
            gas * evm_prices(network).max_fee(priority)
        }
        Family::Bitcoin => BITCOIN_TRANSFER_VBYTES * BITCOIN_FEE_RATES[priority.index()],
        Family::Solana => {
            let price = SOLANA_COMPUTE_UNIT_PRICES[priority.index()];
            SOLANA_LAMPORTS_PER_SIGNATURE
                + (price * SOLANA_COMPUTE_UNIT_LIMIT).div_ceil(MICRO_LAMPORTS_PER_LAMPORT)
        }
    }
}

/// The body of `GET /networks/fees?network=` for this network, in the shapes of the official
/// SDK's `GetFeesResponse` (kinds `Eip1559`, `Bitcoin`, `Solana`; fee values as decimal strings,
/// `blockNumber` and `blockHorizon` as numbers), with the prices [`transfer_fee`] charges.
pub fn fee_estimate(network: &Network, block_number: u64) -> Value {
    let mut body = match network.family {
        Family::Evm => {
            let prices = evm_prices(network);
            let mut body = json!({
                "kind": "Eip1559",
                "baseFeePerGas": prices.base_fee.to_string(),
            });
            for priority in Priority::ALL {
                body[priority.field()] = json!({
                    "maxPriorityFeePerGas": prices.priority_fees[priority.index()].to_string(),
                    "maxFeePerGas": prices.max_fee(priority).to_string(),
                });
            }
            body
        }
        Family::Bitcoin => {
            let mut body = json!({ "kind": "Bitcoin" });
            for priority in Priority::ALL {
                body[priority.field()] = json!({
                    "feeRate": BITCOIN_FEE_RATES[priority.index()].to_string(),
                    "blockHorizon": BITCOIN_BLOCK_HORIZONS[priority.index()],
                });
            }
            body
        }
        Family::Solana => {
            let mut body = json!({ "kind": "Solana" });
            for priority in Priority::ALL {
                body[priority.field()] = json!({
                    "computeUnitPrice": SOLANA_COMPUTE_UNIT_PRICES[priority.index()].to_string(),
                });
            }
            body
        }
    };
    body["network"] = json!(network.name);
    body["blockNumber"] = json!(block_number);
    body
}
