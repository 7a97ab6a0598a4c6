//! Emulated fees: fixed gas prices and fee rates per network and priority, so a transfer's fee is
//! known in advance and tests can check balances to the last unit. `GET /networks/fees` shows the
//! estimate whose fee [`transfer_fee`] charges, by the formula the app checks with
//! (`dfns_networks::fees`).

use dfns_networks::fees::{BitcoinLevel, Eip1559Level, FeeEstimate};
pub use dfns_networks::fees::{Priority, TransferAsset};
use serde_json::{Value, json};

use super::networks::{Family, Network};

#[cfg(test)]
mod tests;

const GWEI: u128 = 1_000_000_000;

/// Prices in the range each real network shows, so amounts look familiar. The EVM base fee never
/// moves in the emulator, so base + tip is both the cap a wallet sets and the price paid: the
/// fee shown is the fee charged.
fn estimate(network: &Network) -> FeeEstimate {
    match network.family {
        Family::Evm => {
            let (base_fee_per_gas, tips) = match network.name {
                "Polygon" | "PolygonAmoy" => (30 * GWEI, [25 * GWEI, 30 * GWEI, 40 * GWEI]),
                "Base" | "BaseSepolia" | "ArbitrumOne" | "ArbitrumSepolia" => {
                    (GWEI / 100, [0, GWEI / 1_000, GWEI / 100])
                }
                // Ethereum and its test networks.
                _ => (2 * GWEI, [GWEI / 10, GWEI, 2 * GWEI]),
            };
            let levels = tips.map(|tip| Eip1559Level {
                max_priority_fee_per_gas: tip,
                max_fee_per_gas: base_fee_per_gas + tip,
            });
            FeeEstimate::Eip1559 { base_fee_per_gas, levels }
        }
        // sat/vB and the target confirmation horizon in blocks.
        Family::Bitcoin => FeeEstimate::Bitcoin {
            levels: [(2, 6), (5, 3), (10, 1)]
                .map(|(fee_rate, block_horizon)| BitcoinLevel { fee_rate, block_horizon }),
        },
        // Micro-lamports per compute unit.
        Family::Solana => FeeEstimate::Solana { compute_unit_prices: [1_000, 10_000, 100_000] },
    }
}

/// The fee, in the network's native base units, of one transfer; deterministic.
pub fn transfer_fee(network: &Network, asset: TransferAsset, priority: Priority) -> u128 {
    estimate(network).transfer_fee(asset, priority)
}

/// The body of `GET /networks/fees?network=` for this network, in the shapes of the official
/// SDK's `GetFeesResponse` (kinds `Eip1559`, `Bitcoin`, `Solana`; fee values as decimal strings,
/// `blockNumber` and `blockHorizon` as numbers), with the prices [`transfer_fee`] charges.
pub fn fee_estimate(network: &Network, block_number: u64) -> Value {
    let mut body = estimate(network).to_json();
    body["network"] = json!(network.name);
    body["blockNumber"] = json!(block_number);
    body
}
