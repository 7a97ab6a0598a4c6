use serde_json::json;

use super::*;

fn eip1559() -> Value {
    json!({
        "kind": "Eip1559",
        "network": "EthereumSepolia",
        "blockNumber": 7,
        "baseFeePerGas": "2000000000",
        "slow": { "maxPriorityFeePerGas": "100000000", "maxFeePerGas": "2100000000" },
        "standard": { "maxPriorityFeePerGas": "1000000000", "maxFeePerGas": "3000000000" },
        "fast": { "maxPriorityFeePerGas": "2000000000", "maxFeePerGas": "4000000000" },
    })
}

#[test]
fn an_evm_transfer_costs_its_gas_at_the_cap_of_its_priority() {
    let estimate = FeeEstimate::parse(&eip1559()).expect("readable");
    assert_eq!(
        estimate.transfer_fee(TransferAsset::Native, Priority::Standard),
        21_000 * 3_000_000_000
    );
    assert_eq!(estimate.transfer_fee(TransferAsset::Token, Priority::Fast), 65_000 * 4_000_000_000);
}

#[test]
fn a_bitcoin_transfer_costs_its_size_at_the_fee_rate() {
    let body = json!({
        "kind": "Bitcoin",
        "slow": { "feeRate": "2", "blockHorizon": 6 },
        "standard": { "feeRate": "5", "blockHorizon": 3 },
        "fast": { "feeRate": "10.2", "blockHorizon": 1 },
    });
    let estimate = FeeEstimate::parse(&body).expect("readable");
    assert_eq!(estimate.transfer_fee(TransferAsset::Native, Priority::Standard), 705);
    // A fractional rate is rounded up: the check never promises less than the network takes.
    assert_eq!(estimate.transfer_fee(TransferAsset::Native, Priority::Fast), 141 * 11);
}

#[test]
fn a_solana_transfer_costs_the_signature_and_the_priority_fee() {
    let body = json!({
        "kind": "Solana",
        "slow": { "computeUnitPrice": "1000" },
        "standard": { "computeUnitPrice": "10000" },
        "fast": { "computeUnitPrice": "100000" },
    });
    let estimate = FeeEstimate::parse(&body).expect("readable");
    assert_eq!(estimate.transfer_fee(TransferAsset::Token, Priority::Standard), 7_000);
    assert_eq!(estimate.transfer_fee(TransferAsset::Native, Priority::Slow), 5_200);
}

#[test]
fn an_estimate_reads_back_what_it_writes() {
    let estimate = FeeEstimate::parse(&eip1559()).expect("readable");
    assert_eq!(FeeEstimate::parse(&estimate.to_json()), Ok(estimate));
}

#[test]
fn an_estimate_sigil_cannot_read_is_refused_with_the_part_that_is_wrong() {
    let mut missing = eip1559();
    missing.as_object_mut().expect("object").remove("fast");
    let mut negative = eip1559();
    negative["standard"]["maxFeePerGas"] = json!("-1");
    let mut number = eip1559();
    number["standard"]["maxFeePerGas"] = json!(3_000_000_000u64);
    let cases = [
        (json!({ "kind": "Legacy" }), "Legacy"),
        (json!("Eip1559"), "kind"),
        (missing, "fast"),
        (negative, "maxFeePerGas"),
        (number, "maxFeePerGas"),
    ];
    for (body, part) in cases {
        let error = FeeEstimate::parse(&body).expect_err(part);
        assert!(error.to_string().contains(part), "{error}");
    }
}

#[test]
fn priorities_are_the_three_dfns_values() {
    assert_eq!(Priority::parse(None), Ok(Priority::Standard));
    assert_eq!(Priority::parse(Some("Slow")), Ok(Priority::Slow));
    assert_eq!(Priority::parse(Some("Fast")), Ok(Priority::Fast));
    let message = Priority::parse(Some("fast")).expect_err("lower case");
    assert!(message.contains("Slow, Standard or Fast"), "{message}");
}
