//! Addresses: derived from a wallet's public key the way each chain does, and checked (with their
//! checksums) when a client names a destination.

use alloy_primitives::{Address, keccak256};
use bech32::Hrp;
use bech32::primitives::decode::SegwitHrpstringError;
use bech32::segwit::{self, VERSION_0, VERSION_1};
use ripemd::Ripemd160;
use sha2::{Digest as _, Sha256};

use crate::networks::{Family, Network};

#[cfg(test)]
mod tests;

/// Why an address is not valid for a network, or why a public key has none there; the text tells
/// the person what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AddressError(pub String);

/// The address of `public_key` on `network`:
/// - EVM: the EIP-55 checksummed `0x` address, the last 20 bytes of keccak256 of the
///   uncompressed public key (without its `04` prefix);
/// - Bitcoin: P2WPKH, bech32 of hash160 of the compressed public key, `bc` on mainnet and `tb`
///   on the test networks;
/// - Solana: base58 of the ed25519 public key.
///
/// `public_key` is SEC1 for secp256k1, compressed (33 bytes, the form of Dfns's
/// `signingKey.publicKey`) or uncompressed (65 bytes), and the 32-byte key for ed25519.
///
/// # Errors
///
/// If the bytes are not a public key on the network's curve ([`Network::curve`]): the wrong
/// length (a key of another curve, for instance) or not a secp256k1 point. The message names the
/// network.
pub fn address(network: &Network, public_key: &[u8]) -> Result<String, AddressError> {
    match network.family {
        Family::Evm => {
            let key = secp256k1_key(network, public_key)?;
            Ok(evm_address(&key).to_checksum(None))
        }
        Family::Bitcoin => {
            let key = secp256k1_key(network, public_key)?;
            // P2WPKH commits to the compressed form, whichever form the caller has.
            let program = hash160(key.to_sec1_point(true).as_bytes());
            // A 20-byte version-0 program with a 2-letter hrp is always within bech32's limits.
            let address = segwit::encode_v0(bitcoin_params(network).0.hrp, &program)
                .expect("a P2WPKH program always encodes");
            Ok(address)
        }
        Family::Solana => {
            if public_key.len() != ED25519_KEY_LEN {
                return Err(not_a_key(
                    network,
                    public_key,
                    format!("{} addresses come from 32-byte ed25519 public keys", network.name),
                ));
            }
            Ok(bs58::encode(public_key).into_string())
        }
    }
}

/// Checks that `address` is a valid address on `network` and returns its canonical form, the one
/// to store and compare:
/// - EVM: `0x` and 40 hex digits, all lower or all upper case, or mixed case that is a valid
///   EIP-55 checksum; returned EIP-55 checksummed;
/// - Bitcoin: segwit v0 (20- or 32-byte program) or v1 taproot (32 bytes, bech32m) with the
///   network's prefix, returned in lower case; or legacy base58check P2PKH/P2SH with the
///   network's version byte, returned as given;
/// - Solana: base58 of exactly 32 bytes, returned as given.
pub fn validate_address(network: &Network, address: &str) -> Result<String, AddressError> {
    match network.family {
        Family::Evm => validate_evm(network, address),
        Family::Bitcoin => validate_bitcoin(network, address),
        Family::Solana => validate_solana(network, address),
    }
}

const ED25519_KEY_LEN: usize = 32;
const SEC1_COMPRESSED_LEN: usize = 33;
const SEC1_UNCOMPRESSED_LEN: usize = 65;

/// The secp256k1 public key in `public_key` (SEC1, either form), or why `network` has no address
/// for those bytes.
fn secp256k1_key(
    network: &Network,
    public_key: &[u8],
) -> Result<k256::ecdsa::VerifyingKey, AddressError> {
    if !matches!(public_key.len(), SEC1_COMPRESSED_LEN | SEC1_UNCOMPRESSED_LEN) {
        return Err(not_a_key(
            network,
            public_key,
            format!(
                "{} addresses come from secp256k1 public keys, 33 (compressed) or 65 \
                 (uncompressed) bytes of SEC1",
                network.name
            ),
        ));
    }
    k256::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(|_| {
        not_a_key(network, public_key, "the bytes are not a point on the secp256k1 curve")
    })
}

fn not_a_key(network: &Network, public_key: &[u8], reason: impl std::fmt::Display) -> AddressError {
    AddressError(format!(
        "a {}-byte key has no {} address: {reason}",
        public_key.len(),
        network.name
    ))
}

/// The EVM address of a secp256k1 public key.
fn evm_address(key: &k256::ecdsa::VerifyingKey) -> Address {
    let uncompressed = key.to_sec1_point(false);
    Address::from_slice(&keccak256(&uncompressed.as_bytes()[1..])[12..])
}

fn hash160(bytes: &[u8]) -> [u8; 20] {
    Ripemd160::digest(Sha256::digest(bytes)).into()
}

/// A Bitcoin network's address prefixes.
struct BitcoinParams {
    hrp: Hrp,
    p2pkh: u8,
    p2sh: u8,
    /// What its addresses look like, for error messages.
    looks_like: &'static str,
    /// What its addresses are called, for error messages.
    kind: &'static str,
}

const BITCOIN_MAINNET: BitcoinParams = BitcoinParams {
    hrp: bech32::hrp::BC,
    p2pkh: 0x00,
    p2sh: 0x05,
    looks_like: "bc1…, 1… or 3…",
    kind: "Bitcoin mainnet",
};

/// Testnet3, testnet4 and signet share their address formats.
const BITCOIN_TEST: BitcoinParams = BitcoinParams {
    hrp: bech32::hrp::TB,
    p2pkh: 0x6f,
    p2sh: 0xc4,
    looks_like: "tb1…, m…, n… or 2…",
    kind: "Bitcoin test network",
};

/// The network's prefixes, and the other kind of network's (to name a mix-up).
fn bitcoin_params(network: &Network) -> (&'static BitcoinParams, &'static BitcoinParams) {
    if network.name == "Bitcoin" {
        (&BITCOIN_MAINNET, &BITCOIN_TEST)
    } else {
        (&BITCOIN_TEST, &BITCOIN_MAINNET)
    }
}

fn invalid(network: &Network, address: &str, reason: impl std::fmt::Display) -> AddressError {
    // A client may send anything; keep the message readable.
    let shown: String = if address.chars().count() > 100 {
        address.chars().take(100).chain(std::iter::once('…')).collect()
    } else {
        address.to_owned()
    };
    let shown = if shown.is_empty() { "\"\"".to_owned() } else { shown };
    AddressError(format!("{shown} is not a valid {} address: {reason}", network.name))
}

fn validate_evm(network: &Network, address: &str) -> Result<String, AddressError> {
    let expected = "expected 0x followed by 40 hex digits";
    let digits = address.strip_prefix("0x").ok_or_else(|| invalid(network, address, expected))?;
    if digits.len() != 40 || !digits.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err(invalid(network, address, expected));
    }
    let mut bytes = [0u8; 20];
    hex::decode_to_slice(digits, &mut bytes).map_err(|_| invalid(network, address, expected))?;
    let checksummed = Address::from(bytes).to_checksum(None);
    let has_lower = digits.bytes().any(|byte| byte.is_ascii_lowercase());
    let has_upper = digits.bytes().any(|byte| byte.is_ascii_uppercase());
    // Mixed case is an EIP-55 checksum and must be right; single case carries no checksum.
    if has_lower && has_upper && checksummed != address {
        return Err(invalid(
            network,
            address,
            "its mixed-case EIP-55 checksum is wrong (a typo?); check the address, or send it \
             all in lower case",
        ));
    }
    Ok(checksummed)
}

fn validate_bitcoin(network: &Network, address: &str) -> Result<String, AddressError> {
    let (params, other) = bitcoin_params(network);
    let lower = address.to_ascii_lowercase();
    let is_segwit = ["bc1", "tb1", "bcrt1"].iter().any(|prefix| lower.starts_with(prefix));
    if is_segwit {
        validate_segwit(network, params, other, address)
    } else {
        validate_base58(network, params, other, address)
    }
}

fn mixed_up(
    network: &Network,
    params: &BitcoinParams,
    other: &BitcoinParams,
    address: &str,
) -> AddressError {
    invalid(
        network,
        address,
        format!(
            "it is a {} address; {} addresses look like {}",
            other.kind, network.name, params.looks_like
        ),
    )
}

fn validate_segwit(
    network: &Network,
    params: &BitcoinParams,
    other: &BitcoinParams,
    address: &str,
) -> Result<String, AddressError> {
    let (hrp, version, program) = segwit::decode(address).map_err(|error| {
        invalid(network, address, format!("bad segwit address ({})", segwit_reason(&error)))
    })?;
    if hrp == other.hrp {
        return Err(mixed_up(network, params, other, address));
    }
    if hrp != params.hrp {
        return Err(invalid(
            network,
            address,
            format!(
                "its prefix is {hrp}; {} addresses look like {}",
                network.name, params.looks_like
            ),
        ));
    }
    let supported = (version == VERSION_0 && matches!(program.len(), 20 | 32))
        || (version == VERSION_1 && program.len() == 32);
    if !supported {
        return Err(invalid(
            network,
            address,
            format!(
                "witness version {} with a {}-byte program is not a P2WPKH, P2WSH or taproot \
                 address",
                version.to_u8(),
                program.len()
            ),
        ));
    }
    // It was just decoded from a valid address with the same parts.
    let canonical = segwit::encode(hrp, version, &program).expect("a decoded address re-encodes");
    Ok(canonical)
}

fn validate_base58(
    network: &Network,
    params: &BitcoinParams,
    other: &BitcoinParams,
    address: &str,
) -> Result<String, AddressError> {
    let expected = format!(
        "expected a segwit (bech32) or legacy (base58check) address such as {}",
        params.looks_like
    );
    let payload = bs58::decode(address).with_check(None).into_vec().map_err(|error| {
        invalid(network, address, format!("{expected} ({})", base58_reason(&error)))
    })?;
    if payload.len() != 21 {
        return Err(invalid(
            network,
            address,
            format!("{expected} (it decodes to {} bytes, not 21)", payload.len()),
        ));
    }
    let version = payload[0];
    if version == params.p2pkh || version == params.p2sh {
        Ok(address.to_owned())
    } else if version == other.p2pkh || version == other.p2sh {
        Err(mixed_up(network, params, other, address))
    } else {
        Err(invalid(network, address, format!("{expected} (unknown version byte 0x{version:02x})")))
    }
}

fn validate_solana(network: &Network, address: &str) -> Result<String, AddressError> {
    let expected = "expected the base58 encoding of a 32-byte public key";
    let bytes = bs58::decode(address).into_vec().map_err(|error| {
        invalid(network, address, format!("{expected} ({})", base58_reason(&error)))
    })?;
    if bytes.len() != 32 {
        return Err(invalid(
            network,
            address,
            format!("{expected}; it decodes to {} bytes", bytes.len()),
        ));
    }
    Ok(address.to_owned())
}

/// What is wrong with a segwit address: bech32's top-level message alone ("decoding segwit
/// address failed") does not say, and its checksum details mean nothing to a person.
fn segwit_reason(error: &segwit::DecodeError) -> String {
    if let SegwitHrpstringError::Checksum(_) = error.0 {
        return "bad checksum: a character is wrong".into();
    }
    let mut text = error.0.to_string();
    let mut source = std::error::Error::source(&error.0);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// bs58's text, without the checksum bytes that mean nothing to a person.
fn base58_reason(error: &bs58::decode::Error) -> String {
    match error {
        bs58::decode::Error::InvalidChecksum { .. } => "bad checksum: a character is wrong".into(),
        bs58::decode::Error::NoChecksum => "too short".into(),
        other => other.to_string(),
    }
}
