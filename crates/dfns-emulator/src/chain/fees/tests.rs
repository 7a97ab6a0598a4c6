use std::collections::BTreeSet;

use super::*;
use crate::chain::networks::{network, networks};

fn net(name: &str) -> &'static Network {
    network(name).expect("a supported network")
}

fn keys(value: &Value) -> BTreeSet<&str> {
    value.as_object().expect("an object").keys().map(String::as_str).collect()
}

/// A fee value: a string of decimal digits, as the SDK type says.
fn amount(value: &Value) -> u128 {
    let text = value.as_str().unwrap_or_else(|| panic!("{value} is a string"));
    assert!(text.bytes().all(|byte| byte.is_ascii_digit()), "{text} is decimal");
    text.parse().expect("fits u128")
}

#[test]
fn evm_estimates_have_the_sdk_eip1559_shape() {
    for network in networks().iter().filter(|network| network.family == Family::Evm) {
        let body = fee_estimate(network, 42);
        assert_eq!(
            keys(&body),
            BTreeSet::from([
                "kind",
                "network",
                "blockNumber",
                "slow",
                "standard",
                "fast",
                "baseFeePerGas"
            ])
        );
        assert_eq!(body["kind"], "Eip1559");
        assert_eq!(body["network"], network.name);
        assert_eq!(body["blockNumber"], json!(42));
        let base = amount(&body["baseFeePerGas"]);
        for level in ["slow", "standard", "fast"] {
            assert_eq!(
                keys(&body[level]),
                BTreeSet::from(["maxPriorityFeePerGas", "maxFeePerGas"])
            );
            let tip = amount(&body[level]["maxPriorityFeePerGas"]);
            let max = amount(&body[level]["maxFeePerGas"]);
            assert!(max >= base + tip, "{}: a valid EIP-1559 cap", network.name);
        }
    }
}

#[test]
fn bitcoin_estimates_have_the_sdk_shape() {
    for name in ["Bitcoin", "BitcoinTestnet3", "BitcoinTestnet4", "BitcoinSignet"] {
        let body = fee_estimate(net(name), 7);
        assert_eq!(
            keys(&body),
            BTreeSet::from(["kind", "network", "blockNumber", "slow", "standard", "fast"])
        );
        assert_eq!((&body["kind"], &body["network"]), (&json!("Bitcoin"), &json!(name)));
        assert_eq!(body["blockNumber"], json!(7));
        for level in ["slow", "standard", "fast"] {
            assert_eq!(keys(&body[level]), BTreeSet::from(["feeRate", "blockHorizon"]));
            assert!(amount(&body[level]["feeRate"]) > 0);
            assert!(body[level]["blockHorizon"].as_u64().is_some_and(|blocks| blocks > 0));
        }
        let horizon = |level: &str| body[level]["blockHorizon"].as_u64();
        assert!(horizon("slow") > horizon("standard") && horizon("standard") > horizon("fast"));
    }
}

#[test]
fn solana_estimates_have_the_sdk_shape() {
    for name in ["Solana", "SolanaDevnet"] {
        let body = fee_estimate(net(name), u64::MAX);
        assert_eq!(
            keys(&body),
            BTreeSet::from(["kind", "network", "blockNumber", "slow", "standard", "fast"])
        );
        assert_eq!((&body["kind"], &body["network"]), (&json!("Solana"), &json!(name)));
        assert_eq!(body["blockNumber"], json!(u64::MAX));
        for level in ["slow", "standard", "fast"] {
            assert_eq!(keys(&body[level]), BTreeSet::from(["computeUnitPrice"]));
            amount(&body[level]["computeUnitPrice"]);
        }
    }
}

#[test]
fn the_transfer_fee_is_what_the_estimate_shows() {
    let levels =
        [(Priority::Slow, "slow"), (Priority::Standard, "standard"), (Priority::Fast, "fast")];
    for network in networks() {
        let body = fee_estimate(network, 1);
        for (priority, level) in levels {
            let native = transfer_fee(network, TransferAsset::Native, priority);
            let token = transfer_fee(network, TransferAsset::Token, priority);
            match network.family {
                Family::Evm => {
                    let max = amount(&body[level]["maxFeePerGas"]);
                    assert_eq!(native, 21_000 * max);
                    assert_eq!(token, 65_000 * max);
                }
                Family::Bitcoin => {
                    assert_eq!(native, 141 * amount(&body[level]["feeRate"]));
                    assert_eq!(token, native);
                }
                Family::Solana => {
                    let price = amount(&body[level]["computeUnitPrice"]);
                    assert_eq!(native, 5_000 + (price * 200_000).div_ceil(1_000_000));
                    assert_eq!(token, native);
                }
            }
        }
    }
}

#[test]
fn a_faster_transfer_costs_more() {
    for network in networks() {
        for asset in [TransferAsset::Native, TransferAsset::Token] {
            let fee = |priority| transfer_fee(network, asset, priority);
            assert!(fee(Priority::Slow) < fee(Priority::Standard), "{}", network.name);
            assert!(fee(Priority::Standard) < fee(Priority::Fast), "{}", network.name);
        }
    }
}

#[test]
fn fees_are_fixed_amounts_a_test_can_rely_on() {
    // 21 000 gas × (2 gwei base + 1 gwei tip).
    assert_eq!(
        transfer_fee(net("EthereumSepolia"), TransferAsset::Native, Priority::Standard),
        63_000_000_000_000
    );
    // 141 vB × 5 sat/vB.
    assert_eq!(
        transfer_fee(net("BitcoinTestnet4"), TransferAsset::Native, Priority::Standard),
        705
    );
    // 5 000 + 10 000 µlamports × 200 000 CU.
    assert_eq!(transfer_fee(net("SolanaDevnet"), TransferAsset::Token, Priority::Standard), 7_000);
    // The same call twice gives the same fee.
    let network = net("Polygon");
    assert_eq!(
        transfer_fee(network, TransferAsset::Token, Priority::Fast),
        transfer_fee(network, TransferAsset::Token, Priority::Fast)
    );
}
