use super::*;
use crate::chain::keys::KeyPair;
use crate::chain::networks::{Curve, network, networks};

fn net(name: &str) -> &'static Network {
    network(name).expect("a supported network")
}

/// The secp256k1 private key 1, whose addresses are published everywhere.
fn key_one() -> KeyPair {
    let mut one = [0u8; 32];
    one[31] = 1;
    KeyPair::from_secret(Curve::Secp256k1, &one).expect("1 is a valid scalar")
}

/// RFC 8032 §7.1 TEST 1.
fn rfc8032_key() -> KeyPair {
    let secret = hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        .expect("hex");
    KeyPair::from_secret(Curve::Ed25519, &secret.try_into().expect("32 bytes")).expect("a seed")
}

fn refused(network: &str, address: &str) -> String {
    let error = validate_address(net(network), address)
        .expect_err(&format!("{address:?} is refused on {network}"));
    assert!(error.0.contains(network), "the message names the network: {}", error.0);
    error.0
}

#[test]
fn private_key_one_has_the_well_known_ethereum_address_on_every_evm_network() {
    for network in networks().iter().filter(|network| network.family == Family::Evm) {
        assert_eq!(address(network, &key_one()), "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
    }
}

#[test]
fn private_key_one_has_the_bip_173_p2wpkh_addresses() {
    assert_eq!(address(net("Bitcoin"), &key_one()), "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
    for testnet in ["BitcoinTestnet3", "BitcoinTestnet4", "BitcoinSignet"] {
        assert_eq!(
            address(net(testnet), &key_one()),
            "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",
            "{testnet}"
        );
    }
}

#[test]
fn a_solana_address_is_the_base58_public_key() {
    // Computed independently (a 15-line base58 encoder outside this code base).
    for network in ["Solana", "SolanaDevnet"] {
        assert_eq!(
            address(net(network), &rfc8032_key()),
            "FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z"
        );
    }
}

#[test]
fn every_derived_address_validates_to_itself() {
    for network in networks() {
        let key = KeyPair::generate(network.curve());
        let derived = address(network, &key);
        assert_eq!(validate_address(network, &derived).as_deref(), Ok(derived.as_str()));
    }
}

#[test]
#[should_panic(expected = "has no Solana address")]
fn a_key_of_another_curve_has_no_address() {
    let _ = address(net("Solana"), &key_one());
}

#[test]
fn evm_addresses_in_one_case_are_accepted_and_returned_checksummed() {
    // EIP-55's own examples.
    for checksummed in [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ] {
        let network = net("EthereumSepolia");
        assert_eq!(validate_address(network, checksummed).as_deref(), Ok(checksummed));
        let lower = format!("0x{}", checksummed[2..].to_ascii_lowercase());
        assert_eq!(validate_address(network, &lower).as_deref(), Ok(checksummed));
        let upper = format!("0x{}", checksummed[2..].to_ascii_uppercase());
        assert_eq!(validate_address(network, &upper).as_deref(), Ok(checksummed));
    }
}

#[test]
fn evm_addresses_of_the_wrong_shape_are_refused() {
    let message = refused("EthereumSepolia", "0xabc");
    assert_eq!(
        message,
        "0xabc is not a valid EthereumSepolia address: expected 0x followed by 40 hex digits"
    );
    for bad in [
        "",
        "7E5F4552091A69125d5DfCb7b8C2659029395Bdf",
        "0X7E5F4552091A69125d5DfCb7b8C2659029395Bdf",
        "0x7E5F4552091A69125d5DfCb7b8C2659029395Bd",
        "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf0",
        "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdg",
        " 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf",
        "0x7e5f4552091a69125d5dfcb7b8c2659029395bd\u{e9}",
    ] {
        refused("Base", bad);
    }
}

#[test]
fn an_evm_address_with_a_wrong_eip55_checksum_is_refused() {
    // One letter's case flipped.
    let message = refused("Polygon", "0x7e5F4552091A69125d5DfCb7b8C2659029395Bdf");
    assert!(message.contains("EIP-55"), "{message}");
}

#[test]
fn segwit_and_legacy_bitcoin_addresses_of_the_network_are_accepted() {
    let accepted = [
        // BIP 173: P2WPKH and P2WSH.
        ("Bitcoin", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
        ("Bitcoin", "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3"),
        ("BitcoinTestnet3", "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7"),
        // BIP 350: taproot.
        ("Bitcoin", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"),
        ("BitcoinSignet", "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c"),
        // P2PKH of private key 1, and the P2SH example of BIP 13's era.
        ("Bitcoin", "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"),
        ("Bitcoin", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
        ("BitcoinTestnet4", "mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r"),
        ("BitcoinTestnet4", "2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc"),
    ];
    for (network, address) in accepted {
        assert_eq!(validate_address(net(network), address).as_deref(), Ok(address), "{address}");
    }
}

#[test]
fn an_upper_case_bech32_address_is_returned_in_lower_case() {
    assert_eq!(
        validate_address(net("Bitcoin"), "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4").as_deref(),
        Ok("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")
    );
}

#[test]
fn a_mainnet_bitcoin_address_is_refused_on_a_testnet_and_the_reverse() {
    for testnet in ["BitcoinTestnet3", "BitcoinTestnet4", "BitcoinSignet"] {
        for mainnet_address in
            ["bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"]
        {
            let message = refused(testnet, mainnet_address);
            assert!(message.contains("Bitcoin mainnet address"), "{message}");
        }
    }
    for testnet_address in [
        "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",
        "mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r",
        "2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc",
    ] {
        let message = refused("Bitcoin", testnet_address);
        assert!(message.contains("Bitcoin test network address"), "{message}");
    }
}

#[test]
fn bitcoin_addresses_with_a_bad_checksum_or_shape_are_refused() {
    for (bad, why) in [
        // Last character changed: bech32 checksum.
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "bad checksum"),
        // A taproot program with the bech32 (not bech32m) checksum: BIP 350's invalid list.
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", "bad checksum"),
        // Base58check with a changed character.
        ("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMJ", "bad checksum"),
        // Mixed case.
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kV8f3t4", "bad segwit address"),
        // Regtest prefix.
        ("bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080", "prefix is bcrt"),
        // Not base58 at all.
        ("0OIl", "invalid character"),
        ("", "too short"),
    ] {
        let message = refused("Bitcoin", bad);
        assert!(message.contains(why), "{bad:?}: {message}");
    }
}

#[test]
fn solana_addresses_must_decode_to_32_bytes() {
    let valid = "FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z";
    assert_eq!(validate_address(net("SolanaDevnet"), valid).as_deref(), Ok(valid));
    let short = bs58::encode([9u8; 31]).into_string();
    let message = refused("SolanaDevnet", &short);
    assert!(message.contains("31 bytes"), "{message}");
    refused("Solana", &bs58::encode([9u8; 33]).into_string());
    refused("Solana", "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
    refused("Solana", "");
}

#[test]
fn a_huge_address_is_shortened_in_the_message() {
    let huge = "x".repeat(10_000);
    let message = refused("Ethereum", &huge);
    assert!(message.len() < 300, "{}", message.len());
}
