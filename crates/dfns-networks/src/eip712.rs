//! EIP-712 typed data as Dfns takes it (`{types, domain, message}`, `primaryType` optional):
//! checked and hashed once here, for the emulator that signs it and the app that shows it.

use alloy_dyn_abi::{Eip712Domain, Resolver, TypedData};
use serde_json::{Map, Value};

#[cfg(test)]
mod tests;

/// Typed data that hashes: what the person is shown and what the key signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedTypedData {
    /// The struct signed: `primaryType` if given, else the one type no other type uses.
    pub primary_type: String,
    /// The domain's `chainId`, when it names one.
    pub chain_id: Option<u64>,
    /// `keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))`.
    pub signing_hash: [u8; 32],
}

/// Why typed data cannot be signed; the text says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TypedDataError(pub String);

/// The fields an EIP-712 domain may have.
const DOMAIN_FIELDS: [&str; 5] = ["name", "version", "chainId", "verifyingContract", "salt"];

/// Checks and hashes the typed data in `body` (its `types`, `domain`, `message` and optional
/// `primaryType`).
pub fn check(body: &Map<String, Value>) -> Result<CheckedTypedData, TypedDataError> {
    let object = |field: &str| match body.get(field) {
        Some(Value::Object(value)) => Ok(value),
        Some(other) => Err(error(format!("{field} must be an object, not {}", json_type(other)))),
        None => Err(error(format!("{field} is required for typed data (EIP-712)"))),
    };
    let types = object("types")?;
    let domain = object("domain")?;
    let message = object("message")?;

    let resolver: Resolver = serde_json::from_value(Value::Object(types.clone()))
        .map_err(|reason| error(format!("types is not valid EIP-712: {reason}")))?;
    let primary_type = match body.get("primaryType") {
        Some(Value::String(name)) => {
            if !resolver.contains_type_name(name) {
                return Err(error(format!("primaryType {name:?} is not defined in types")));
            }
            name.clone()
        }
        Some(other) => {
            return Err(error(format!("primaryType must be a string, not {}", json_type(other))));
        }
        None => infer_primary_type(&resolver)?,
    };

    if let Some(field) = domain.keys().find(|key| !DOMAIN_FIELDS.contains(&key.as_str())) {
        return Err(error(format!(
            "domain.{field} is not an EIP-712 domain field; expected {}",
            DOMAIN_FIELDS.join(", ")
        )));
    }
    let domain: Eip712Domain = serde_json::from_value(Value::Object(domain.clone()))
        .map_err(|reason| error(format!("domain is not a valid EIP-712 domain: {reason}")))?;
    let chain_id = match domain.chain_id {
        Some(id) => Some(
            u64::try_from(id)
                .map_err(|_| error(format!("domain.chainId {id} is larger than any chain id")))?,
        ),
        None => None,
    };

    let typed_data =
        TypedData { domain, resolver, primary_type, message: Value::Object(message.clone()) };
    let signing_hash = typed_data.eip712_signing_hash().map_err(|reason| {
        error(format!("the typed data does not hash as {}: {reason}", typed_data.primary_type))
    })?;
    Ok(CheckedTypedData {
        primary_type: typed_data.primary_type,
        chain_id,
        signing_hash: signing_hash.0,
    })
}

/// The primary type as alloy's EIP-712 parser and ethers find it when none is named: the one
/// struct no other struct refers to (the domain's own type aside).
fn infer_primary_type(resolver: &Resolver) -> Result<String, TypedDataError> {
    let roots: Vec<&str> = resolver
        .non_dependent_types()
        .map(|ty| ty.type_name())
        .filter(|name| *name != "EIP712Domain")
        .collect();
    match roots.as_slice() {
        [primary] => Ok((*primary).to_owned()),
        [] => Err(error("types defines no struct to sign besides EIP712Domain")),
        several => Err(error(format!(
            "the primary type is ambiguous: {} are each used by no other type; keep only the \
             types the message needs",
            several.join(", ")
        ))),
    }
}

/// How a JSON value's type reads in a message.
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn error(message: impl Into<String>) -> TypedDataError {
    TypedDataError(message.into())
}
