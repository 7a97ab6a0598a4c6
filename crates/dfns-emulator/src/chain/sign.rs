//! Signature requests (`POST /wallets/{id}/signatures`, `POST /keys/{id}/signatures`): parsed and
//! checked against the key's chain family, then signed for real with the wallet key, so clients
//! can verify the result with any standard implementation.

use alloy_primitives::{eip191_hash_message, keccak256};
use dfns_networks::eip712::{self, json_type};
use ed25519_dalek::Signer as _;
use serde_json::{Map, Value};

use super::keys::KeyPair;
use super::networks::{Curve, Family};

#[cfg(test)]
mod tests;

/// A parsed signature request body, checked against the network family: what to sign and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureRequest {
    /// `Hash` (EVM, Bitcoin): ECDSA over the 32 bytes as given.
    Hash {
        /// Evm or Bitcoin: decides the `encoded` form.
        family: Family,
        /// The hash to sign.
        hash: [u8; 32],
    },
    /// `Message`: on EVM an EIP-191 personal message (`personal_sign`), on Solana ed25519 over
    /// the bytes as given.
    Message {
        /// Evm or Solana.
        family: Family,
        /// The message bytes.
        message: Vec<u8>,
    },
    /// `Eip191` (EVM): an EIP-191 personal message (`personal_sign`).
    Eip191 {
        /// The message bytes, before the `\x19Ethereum Signed Message:\n<len>` prefix.
        message: Vec<u8>,
    },
    /// `Eip712` (EVM): typed structured data, hashed when parsed.
    Eip712 {
        /// The struct signed: `primaryType` if given, else the one type no other type uses.
        primary_type: String,
        /// `keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))`.
        signing_hash: [u8; 32],
    },
    /// `Transaction` (EVM): an unsigned serialized transaction, signed over its keccak256.
    Transaction {
        /// The unsigned transaction (legacy RLP or EIP-2718 typed).
        transaction: Vec<u8>,
    },
}

/// Why a signature request body cannot be signed; the text is the 400's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SignRequestError(pub String);

/// The signature of a request, as Dfns returns it in `signature`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatureOutput {
    /// `0x` and 32 bytes of hex.
    pub r: String,
    /// `0x` and 32 bytes of hex (low-S for ECDSA).
    pub s: String,
    /// secp256k1 only: the recovery id, 0 or 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recid: Option<u8>,
    /// `0x` hex: EVM `r ‖ s ‖ v` with `v = 27 + recid`; Bitcoin DER; Solana the 64-byte
    /// signature.
    pub encoded: String,
}

/// Every signature kind Dfns defines, to tell "not supported here" from "not a kind".
const DFNS_KINDS: [&str; 12] = [
    "Hash",
    "Message",
    "Transaction",
    "Eip191",
    "Eip712",
    "Eip7702",
    "Snip12",
    "Psbt",
    "Bip322",
    "SignDocDirect",
    "SignerPayload",
    "Cip8",
];

impl SignatureRequest {
    /// Parses a request body for a key of `family` (a wallet's family, or for `/keys` the one
    /// `blockchainKind` names: see [`Family::from_name`]).
    pub fn parse(family: Family, body: &Value) -> Result<Self, SignRequestError> {
        let body =
            body.as_object().ok_or_else(|| error("the request body must be a JSON object"))?;
        let kind = match body.get("kind") {
            Some(Value::String(kind)) => kind.as_str(),
            Some(other) => {
                return Err(error(format!("kind must be a string, not {}", json_type(other))));
            }
            None => {
                return Err(error(format!(
                    "kind is required; {} keys support {}",
                    family.name(),
                    family.signature_kinds().join(", ")
                )));
            }
        };
        if !family.signature_kinds().contains(&kind) {
            return Err(error(if DFNS_KINDS.contains(&kind) {
                format!(
                    "{kind} signatures are not supported for {} keys; supported: {}",
                    family.name(),
                    family.signature_kinds().join(", ")
                )
            } else {
                format!(
                    "kind {kind:?} is not a signature kind; {} keys support {}",
                    family.name(),
                    family.signature_kinds().join(", ")
                )
            }));
        }
        match kind {
            "Hash" => {
                if body.contains_key("taprootMerkleRoot") {
                    return Err(error(
                        "taprootMerkleRoot is only for Schnorr keys, and this key is ECDSA",
                    ));
                }
                let hash = hex_field(body, "hash")?;
                let hash = <[u8; 32]>::try_from(hash.as_slice()).map_err(|_| {
                    error(format!(
                        "hash must be 32 bytes (0x and 64 hex digits), got {}",
                        hash.len()
                    ))
                })?;
                Ok(Self::Hash { family, hash })
            }
            "Message" => Ok(Self::Message { family, message: hex_field(body, "message")? }),
            "Eip191" => Ok(Self::Eip191 { message: hex_field(body, "message")? }),
            "Eip712" => parse_eip712(body),
            "Transaction" => {
                let transaction = hex_field(body, "transaction")?;
                check_unsigned_transaction(&transaction)?;
                Ok(Self::Transaction { transaction })
            }
            _ => Err(error(format!("{kind} signatures are not supported"))),
        }
    }

    /// The request's `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Hash { .. } => "Hash",
            Self::Message { .. } => "Message",
            Self::Eip191 { .. } => "Eip191",
            Self::Eip712 { .. } => "Eip712",
            Self::Transaction { .. } => "Transaction",
        }
    }

    /// The curve of the key that can sign this request; [`sign`] needs a key on it.
    pub fn curve(&self) -> Curve {
        self.family().curve()
    }

    fn family(&self) -> Family {
        match self {
            Self::Hash { family, .. } | Self::Message { family, .. } => *family,
            Self::Eip191 { .. } | Self::Eip712 { .. } | Self::Transaction { .. } => Family::Evm,
        }
    }

    /// What the key signs: a digest for ECDSA, the message for ed25519.
    fn payload(&self) -> Payload<'_> {
        match self {
            Self::Hash { hash, .. } => Payload::Prehash(*hash),
            Self::Message { family: Family::Solana, message } => Payload::Raw(message),
            Self::Message { message, .. } | Self::Eip191 { message } => {
                Payload::Prehash(eip191_hash_message(message).0)
            }
            Self::Eip712 { signing_hash, .. } => Payload::Prehash(*signing_hash),
            Self::Transaction { transaction } => Payload::Prehash(keccak256(transaction).0),
        }
    }
}

/// Signs `request` with `key`: ECDSA over secp256k1 is deterministic (RFC 6979) and low-S, with
/// the recovery id; ed25519 is deterministic by construction.
///
/// # Panics
///
/// If the key is not on the request's curve ([`SignatureRequest::curve`]). Wallet requests are
/// parsed with the wallet's own family, so they always match; for `/keys`, compare the curves
/// first and answer 400.
pub fn sign(key: &KeyPair, request: &SignatureRequest) -> SignatureOutput {
    match (request.payload(), key.secp256k1(), key.ed25519()) {
        (Payload::Prehash(digest), Some(key), _) => {
            let (signature, recovery_id) = key.sign_prehash_recoverable(&digest);
            let (r, s) = signature.split_bytes();
            // The x-reduced bit is set with probability about 2⁻¹²⁸, so this is 0 or 1.
            let recid = recovery_id.to_byte();
            let encoded = match request.family() {
                Family::Bitcoin => signature.to_der().as_bytes().to_vec(),
                Family::Evm | Family::Solana => {
                    let mut encoded = signature.to_bytes().to_vec();
                    encoded.push(27 + recid);
                    encoded
                }
            };
            SignatureOutput {
                r: hex0x(&r),
                s: hex0x(&s),
                recid: Some(recid),
                encoded: hex0x(&encoded),
            }
        }
        (Payload::Raw(message), _, Some(key)) => {
            let signature = key.sign(message).to_bytes();
            SignatureOutput {
                r: hex0x(&signature[..32]),
                s: hex0x(&signature[32..]),
                recid: None,
                encoded: hex0x(&signature),
            }
        }
        _ => panic!(
            "a {} key cannot sign a {} {} request",
            key.curve().name(),
            request.family().name(),
            request.kind()
        ),
    }
}

/// What the key signs.
enum Payload<'a> {
    /// ECDSA: a 32-byte digest, signed as is.
    Prehash([u8; 32]),
    /// EdDSA: the message itself.
    Raw(&'a [u8]),
}

fn error(message: impl Into<String>) -> SignRequestError {
    SignRequestError(message.into())
}

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// A required `0x`-prefixed hex string field.
fn hex_field(body: &Map<String, Value>, field: &str) -> Result<Vec<u8>, SignRequestError> {
    let value = match body.get(field) {
        Some(Value::String(value)) => value,
        Some(other) => {
            return Err(error(format!(
                "{field} must be a 0x-prefixed hex string, not {}",
                json_type(other)
            )));
        }
        None => return Err(error(format!("{field} is required (0x-prefixed hex)"))),
    };
    let digits = value
        .strip_prefix("0x")
        .ok_or_else(|| error(format!("{field} must be 0x-prefixed hex")))?;
    hex::decode(digits).map_err(|reason| error(format!("{field} is not valid hex: {reason}")))
}

/// Refuses what cannot be an unsigned EVM transaction: an EIP-2718 type byte (0x01–0x04)
/// followed by one RLP list, or (legacy) one RLP list, with nothing after it.
fn check_unsigned_transaction(transaction: &[u8]) -> Result<(), SignRequestError> {
    let list = match transaction.first() {
        None => return Err(error("transaction is empty")),
        Some(0x01..=0x04) => &transaction[1..],
        Some(0xc0..) => transaction,
        Some(other) => {
            return Err(error(format!(
                "transaction is not an unsigned EVM transaction: it starts with 0x{other:02x}, \
                 not a transaction type (0x01 to 0x04) or an RLP list (legacy)"
            )));
        }
    };
    let mut rest = list;
    match alloy_rlp::Header::decode(&mut rest) {
        Ok(header) if header.list && header.payload_length == rest.len() => Ok(()),
        Ok(_) => Err(error(
            "transaction is not an unsigned EVM transaction: its RLP is not exactly one list",
        )),
        Err(reason) => Err(error(format!(
            "transaction is not an unsigned EVM transaction: bad RLP ({reason})"
        ))),
    }
}

fn parse_eip712(body: &Map<String, Value>) -> Result<SignatureRequest, SignRequestError> {
    let checked = eip712::check(body).map_err(|reason| error(reason.0))?;
    Ok(SignatureRequest::Eip712 {
        primary_type: checked.primary_type,
        signing_hash: checked.signing_hash,
    })
}
