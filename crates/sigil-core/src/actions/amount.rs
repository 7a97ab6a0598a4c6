//! Amounts as people type them ("1.5") and as chains count them (base units, "1500000000000000000"
//! for 18 decimals). Integer arithmetic only: no float ever touches an amount.

use alloy_primitives::U256;

/// Why an amount was refused; each says what to type instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Not a plain decimal number.
    #[error("{0:?} is not an amount: type digits, with at most one decimal point (e.g. 0.25)")]
    Malformed(String),
    /// Below zero.
    #[error("an amount cannot be negative")]
    Negative,
    /// Zero.
    #[error("an amount must be more than zero")]
    Zero,
    /// More decimals than the asset has.
    #[error("{symbol} has {decimals} decimals: type at most {decimals} digits after the point")]
    TooPrecise {
        /// The asset.
        symbol: String,
        /// Its decimals.
        decimals: u8,
    },
    /// More than any chain can count.
    #[error("the amount is too large")]
    TooLarge,
}

impl AmountError {
    /// A stable code for the UI.
    pub fn code(&self) -> crate::ErrorCode {
        use crate::ErrorCode;
        match self {
            Self::Malformed(_) => ErrorCode::AmountInvalid,
            Self::Negative => ErrorCode::AmountNegative,
            Self::Zero => ErrorCode::AmountZero,
            Self::TooPrecise { .. } => ErrorCode::AmountTooPrecise,
            Self::TooLarge => ErrorCode::AmountTooLarge,
        }
    }
}

/// An amount in base units of an asset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct BaseUnits(pub U256);

impl BaseUnits {
    /// Parses a decimal amount typed by a person for an asset with `decimals` (spaces around
    /// it and a leading `+` are tolerated; `_`, `,`, exponents and signs are not).
    pub fn parse_decimal(raw: &str, decimals: u8, symbol: &str) -> Result<Self, AmountError> {
        let text = raw.trim();
        let text = text.strip_prefix('+').unwrap_or(text);
        if text.starts_with('-') {
            return Err(AmountError::Negative);
        }
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits_only = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty())
            || !digits_only(whole)
            || !digits_only(fraction)
        {
            return Err(AmountError::Malformed(raw.to_owned()));
        }
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() > usize::from(decimals) {
            return Err(AmountError::TooPrecise { symbol: symbol.to_owned(), decimals });
        }
        let padded = format!("{whole}{fraction:0<width$}", width = usize::from(decimals));
        let digits = padded.trim_start_matches('0');
        let value = if digits.is_empty() {
            U256::ZERO
        } else {
            U256::from_str_radix(digits, 10).map_err(|_| AmountError::TooLarge)?
        };
        if value.is_zero() {
            return Err(AmountError::Zero);
        }
        Ok(Self(value))
    }

    /// Parses base units as Dfns writes them (a base-10 integer string).
    pub fn parse_base(raw: &str) -> Option<Self> {
        if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        U256::from_str_radix(raw, 10).ok().map(Self)
    }

    /// The base-10 integer string Dfns takes.
    pub fn to_base_string(self) -> String {
        self.0.to_string()
    }

    /// The amount for people: `decimals` places, trailing zeros dropped ("1.5", "0.000001", "3").
    pub fn to_decimal_string(self, decimals: u8) -> String {
        let digits = self.0.to_string();
        let decimals = usize::from(decimals);
        if decimals == 0 {
            return digits;
        }
        let padded = format!("{digits:0>width$}", width = decimals + 1);
        let (whole, fraction) = padded.split_at(padded.len() - decimals);
        let fraction = fraction.trim_end_matches('0');
        if fraction.is_empty() { whole.to_owned() } else { format!("{whole}.{fraction}") }
    }
}

#[cfg(test)]
mod tests;
