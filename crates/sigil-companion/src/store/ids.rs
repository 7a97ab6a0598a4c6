//! Identifiers the store hands out: a prefix and 16 random bytes in hex.

use std::fmt;

use crate::store::error::{Result, StoreError};
use crate::store::secret::{RandomSource, random_hex};

/// Defines an identifier type with a fixed prefix.
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, $field:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The prefix every identifier of this kind starts with.
            pub const PREFIX: &'static str = $prefix;

            /// Parses an identifier from outside: the prefix and 32 lower-case hex digits.
            pub fn parse(raw: &str) -> Result<Self> {
                let valid = raw.strip_prefix($prefix).is_some_and(|rest| {
                    rest.len() == 32 && rest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
                });
                if valid {
                    Ok(Self(raw.to_owned()))
                } else {
                    Err(StoreError::InvalidInput {
                        field: $field,
                        reason: concat!("expected ", $prefix, " and 32 lower-case hex digits"),
                    })
                }
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// A new random identifier.
            pub(crate) fn generate(random: &dyn RandomSource) -> Result<Self> {
                Ok(Self(format!("{}{}", $prefix, random_hex(random, 16)?)))
            }

            /// An identifier read back from the database (written by this crate).
            pub(crate) fn from_db(raw: String) -> Self {
                Self(raw)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

id_type!(
    /// A company user (an account of the companion's identity provider): `cu-…`.
    UserId,
    "cu-",
    "user id"
);
id_type!(
    /// A session (app or website): `cs-…`. Not a secret: the token is.
    SessionId,
    "cs-",
    "session id"
);
