//! Transfer fees from Dfns's fee estimates (`GET /networks/fees`): one formula for the emulator,
//! which charges it, and the app, which checks it before the person's passkey is asked for.
//!
//! The fee is the most a transfer may cost at the estimate's prices: gas × `maxFeePerGas` on EVM
//! networks (the cap the transaction carries), virtual bytes × fee rate on Bitcoin, the signature
//! fee plus the priority fee on Solana.

use serde_json::{Value, json};

#[cfg(test)]
mod tests;

/// Gas of a plain value transfer.
pub const GAS_NATIVE: u128 = 21_000;
/// Gas of an ERC-20 `transfer`, about what real tokens use.
pub const GAS_ERC20: u128 = 65_000;
/// A one-input, two-output P2WPKH transaction, in virtual bytes.
pub const BITCOIN_TRANSFER_VBYTES: u128 = 141;
/// Solana's fee per signature, in lamports.
pub const SOLANA_LAMPORTS_PER_SIGNATURE: u128 = 5_000;
/// The compute-unit limit of a Solana transfer.
pub const SOLANA_COMPUTE_UNIT_LIMIT: u128 = 200_000;
/// Compute-unit prices are in micro-lamports.
const MICRO_LAMPORTS_PER_LAMPORT: u128 = 1_000_000;

/// How fast a transfer should be mined: the `priority` of a transfer request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Priority {
    /// Cheapest.
    Slow,
    /// The default.
    Standard,
    /// Most expensive.
    Fast,
}

impl Priority {
    /// The three, cheapest first.
    pub const ALL: [Self; 3] = [Self::Slow, Self::Standard, Self::Fast];

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

    fn index(self) -> usize {
        match self {
            Self::Slow => 0,
            Self::Standard => 1,
            Self::Fast => 2,
        }
    }

    /// Its field in a fee estimate (`slow`, `standard`, `fast`).
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
pub enum TransferAsset {
    /// The network's native asset.
    Native,
    /// A token: `Erc20` on EVM networks, `Spl` on Solana.
    Token,
}

/// One priority of an EIP-1559 estimate, in wei per gas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Eip1559Level {
    /// The tip.
    pub max_priority_fee_per_gas: u128,
    /// The cap: base fee and tip.
    pub max_fee_per_gas: u128,
}

/// One priority of a Bitcoin estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BitcoinLevel {
    /// Satoshis per virtual byte.
    pub fee_rate: u128,
    /// Blocks until it is likely mined.
    pub block_horizon: u64,
}

/// A network's fee estimate, per priority (slow, standard, fast).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeeEstimate {
    /// EVM networks, in wei.
    Eip1559 {
        /// The current base fee per gas.
        base_fee_per_gas: u128,
        /// Slow, standard, fast.
        levels: [Eip1559Level; 3],
    },
    /// Bitcoin networks.
    Bitcoin {
        /// Slow, standard, fast.
        levels: [BitcoinLevel; 3],
    },
    /// Solana networks: compute-unit prices in micro-lamports.
    Solana {
        /// Slow, standard, fast.
        compute_unit_prices: [u128; 3],
    },
}

/// A fee estimate Sigil cannot read: the message says which part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the fee estimate is not readable: {0}")]
pub struct FeeEstimateError(pub String);

impl FeeEstimate {
    /// Reads the body of `GET /networks/fees?network=` (kinds `Eip1559`, `Bitcoin`, `Solana`;
    /// values as decimal strings, fractional ones rounded up).
    pub fn parse(body: &Value) -> Result<Self, FeeEstimateError> {
        let kind = body.get("kind").and_then(Value::as_str).unwrap_or_default();
        let level = |priority: Priority| {
            body.get(priority.field())
                .ok_or_else(|| FeeEstimateError(format!("no {} level", priority.field())))
        };
        match kind {
            "Eip1559" => {
                let base_fee_per_gas = amount(body, "baseFeePerGas")?;
                let mut levels =
                    [Eip1559Level { max_priority_fee_per_gas: 0, max_fee_per_gas: 0 }; 3];
                for priority in Priority::ALL {
                    let level = level(priority)?;
                    levels[priority.index()] = Eip1559Level {
                        max_priority_fee_per_gas: amount(level, "maxPriorityFeePerGas")?,
                        max_fee_per_gas: amount(level, "maxFeePerGas")?,
                    };
                }
                Ok(Self::Eip1559 { base_fee_per_gas, levels })
            }
            "Bitcoin" => {
                let mut levels = [BitcoinLevel { fee_rate: 0, block_horizon: 0 }; 3];
                for priority in Priority::ALL {
                    let level = level(priority)?;
                    levels[priority.index()] = BitcoinLevel {
                        fee_rate: amount(level, "feeRate")?,
                        block_horizon: level
                            .get("blockHorizon")
                            .and_then(Value::as_u64)
                            .unwrap_or_default(),
                    };
                }
                Ok(Self::Bitcoin { levels })
            }
            "Solana" => {
                let mut compute_unit_prices = [0; 3];
                for priority in Priority::ALL {
                    compute_unit_prices[priority.index()] =
                        amount(level(priority)?, "computeUnitPrice")?;
                }
                Ok(Self::Solana { compute_unit_prices })
            }
            other => Err(FeeEstimateError(format!("the kind {other:?} is not one Sigil knows"))),
        }
    }

    /// The estimate in Dfns's shape (without `network` and `blockNumber`).
    pub fn to_json(&self) -> Value {
        let mut body = match self {
            Self::Eip1559 { base_fee_per_gas, .. } => {
                json!({ "kind": "Eip1559", "baseFeePerGas": base_fee_per_gas.to_string() })
            }
            Self::Bitcoin { .. } => json!({ "kind": "Bitcoin" }),
            Self::Solana { .. } => json!({ "kind": "Solana" }),
        };
        for priority in Priority::ALL {
            let i = priority.index();
            body[priority.field()] = match self {
                Self::Eip1559 { levels, .. } => json!({
                    "maxPriorityFeePerGas": levels[i].max_priority_fee_per_gas.to_string(),
                    "maxFeePerGas": levels[i].max_fee_per_gas.to_string(),
                }),
                Self::Bitcoin { levels } => json!({
                    "feeRate": levels[i].fee_rate.to_string(),
                    "blockHorizon": levels[i].block_horizon,
                }),
                Self::Solana { compute_unit_prices } => {
                    json!({ "computeUnitPrice": compute_unit_prices[i].to_string() })
                }
            };
        }
        body
    }

    /// The most one transfer costs at these prices, in the network's native base units:
    /// - EVM: gas (21 000 native, 65 000 token) × `maxFeePerGas`;
    /// - Bitcoin: 141 virtual bytes × fee rate (Bitcoin has no tokens: `Token` costs as `Native`);
    /// - Solana: 5 000 lamports + compute-unit price × 200 000 / 1 000 000, rounded up, for native
    ///   and token transfers alike.
    pub fn transfer_fee(&self, asset: TransferAsset, priority: Priority) -> u128 {
        let i = priority.index();
        match self {
            Self::Eip1559 { levels, .. } => {
                let gas = match asset {
                    TransferAsset::Native => GAS_NATIVE,
                    TransferAsset::Token => GAS_ERC20,
                };
                gas.saturating_mul(levels[i].max_fee_per_gas)
            }
            Self::Bitcoin { levels } => BITCOIN_TRANSFER_VBYTES.saturating_mul(levels[i].fee_rate),
            Self::Solana { compute_unit_prices } => SOLANA_LAMPORTS_PER_SIGNATURE.saturating_add(
                compute_unit_prices[i]
                    .saturating_mul(SOLANA_COMPUTE_UNIT_LIMIT)
                    .div_ceil(MICRO_LAMPORTS_PER_LAMPORT),
            ),
        }
    }
}

/// A non-negative decimal string field, rounded up to a whole unit.
fn amount(object: &Value, field: &str) -> Result<u128, FeeEstimateError> {
    let bad = || FeeEstimateError(format!("{field} is not a non-negative decimal string"));
    let text = object.get(field).and_then(Value::as_str).ok_or_else(bad)?;
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) {
        return Err(bad());
    }
    let whole: u128 = whole.parse().map_err(|_| bad())?;
    let round_up = fraction.bytes().any(|byte| byte != b'0');
    Ok(whole.saturating_add(u128::from(round_up)))
}
