use super::*;
use crate::networks::{Curve, network, networks};

fn net(name: &str) -> &'static Network {
    network(name).expect("a supported network")
}

/// The SEC1 public key of a secp256k1 secret; compressed is the form of a wallet's
/// `signingKey.publicKey`.
fn secp256k1_public(secret: &[u8; 32], compressed: bool) -> Vec<u8> {
    k256::ecdsa::SigningKey::from_slice(secret)
        .expect("a valid secp256k1 scalar")
        .verifying_key()
        .to_sec1_point(compressed)
        .as_bytes()
        .to_vec()
}

fn ed25519_public(seed: &[u8; 32]) -> Vec<u8> {
    ed25519_dalek::SigningKey::from_bytes(seed).verifying_key().to_bytes().to_vec()
}

/// The public key of a random key on `curve`.
fn random_public(curve: Curve) -> Vec<u8> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).expect("the operating system's random number generator");
    match curve {
        // Random bytes are not a valid scalar (zero or ≥ the group order) with odds about 2⁻¹²⁸.
        Curve::Secp256k1 => secp256k1_public(&secret, true),
        Curve::Ed25519 => ed25519_public(&secret),
    }
}

/// The secp256k1 private key 1, whose addresses are published everywhere.
const ONE: [u8; 32] = {
    let mut one = [0u8; 32];
    one[31] = 1;
    one
};

/// The public key of [`ONE`], compressed (33 bytes).
fn key_one() -> Vec<u8> {
    secp256k1_public(&ONE, true)
}

/// The same key, uncompressed (65 bytes, `04` ‖ x ‖ y).
fn key_one_uncompressed() -> Vec<u8> {
    secp256k1_public(&ONE, false)
}

/// RFC 8032 §7.1 TEST 1.
fn rfc8032_key() -> Vec<u8> {
    let secret = hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        .expect("hex");
    ed25519_public(&secret.try_into().expect("32 bytes"))
}

fn derive(network: &Network, public_key: &[u8]) -> String {
    address(network, public_key)
        .unwrap_or_else(|error| panic!("{} has an address for the key: {error}", network.name))
}

fn no_address(network: &str, public_key: &[u8]) -> String {
    let error = address(net(network), public_key)
        .expect_err(&format!("{network} has no address for {}", hex::encode(public_key)));
    assert!(error.0.contains(network), "the message names the network: {}", error.0);
    error.0
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
        assert_eq!(derive(network, &key_one()), "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
    }
}

#[test]
fn private_key_one_has_the_bip_173_p2wpkh_addresses() {
    assert_eq!(derive(net("Bitcoin"), &key_one()), "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
    for testnet in ["BitcoinTestnet3", "BitcoinTestnet4", "BitcoinSignet"] {
        assert_eq!(
            derive(net(testnet), &key_one()),
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
            derive(net(network), &rfc8032_key()),
            "FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z"
        );
    }
}

#[test]
fn every_derived_address_validates_to_itself() {
    for network in networks() {
        let derived = derive(network, &random_public(network.curve()));
        assert_eq!(validate_address(network, &derived).as_deref(), Ok(derived.as_str()));
    }
}

#[test]
fn an_uncompressed_secp256k1_key_has_the_addresses_of_its_compressed_form() {
    for name in ["Ethereum", "Bitcoin", "BitcoinSignet"] {
        let network = net(name);
        assert_eq!(derive(network, &key_one_uncompressed()), derive(network, &key_one()), "{name}");
    }
}

#[test]
fn a_key_of_another_curve_has_no_address() {
    assert_eq!(
        no_address("Solana", &key_one()),
        "a 33-byte key has no Solana address: Solana addresses come from 32-byte ed25519 public \
         keys"
    );
    for network in ["Ethereum", "BaseSepolia", "Bitcoin", "BitcoinTestnet4"] {
        let message = no_address(network, &rfc8032_key());
        assert!(
            message.starts_with(&format!("a 32-byte key has no {network} address")),
            "{message}"
        );
        assert!(message.contains("secp256k1"), "{message}");
    }
    no_address("Solana", &key_one_uncompressed());
    no_address("Solana", &[]);
}

#[test]
fn bytes_that_are_not_a_secp256k1_point_have_no_address() {
    // x = 2²⁵⁶ − 1 is beyond the field; the uncompressed key of 1 with its y changed is off the
    // curve; `04` announces an uncompressed key in 33 bytes.
    let beyond_the_field = [&[0x02][..], &[0xff; 32]].concat();
    let mut off_the_curve = key_one_uncompressed();
    off_the_curve[64] ^= 1;
    let mut wrong_tag = key_one();
    wrong_tag[0] = 0x04;
    for bytes in [beyond_the_field, off_the_curve, wrong_tag] {
        for network in ["Ethereum", "Bitcoin"] {
            let message = no_address(network, &bytes);
            assert!(
                message.ends_with("the bytes are not a point on the secp256k1 curve"),
                "{message}"
            );
        }
    }
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
