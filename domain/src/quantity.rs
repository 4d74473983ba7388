//! `Quantity`: an exact decimal amount — usage as it is reported and aggregated, and the limits that
//! licenses grant. Arithmetic and comparisons are decimal (0.1 + 0.2 is 0.3, and reaches a limit of
//! 0.3); in JSON an integral quantity is an integer (`20`, never `20.0`), so receivers decoding into
//! an integer type read it, and any other is the nearest number, written as its shortest decimal.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity(Decimal);

impl Quantity {
    pub const ZERO: Self = Self(Decimal::ZERO);

    pub fn new(decimal: Decimal) -> Self {
        Self(decimal.normalize())
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// The exact decimal a JSON number reads as (`None` beyond 28 significant digits or ±7.9e28).
    pub fn from_json(number: &serde_json::Number) -> Option<Self> {
        Decimal::from_str(&number.to_string())
            .or_else(|_| Decimal::from_scientific(&number.to_string()))
            .ok()
            .map(Self::new)
    }

    /// The JSON number of this quantity: an integer when it is integral.
    pub fn to_json(self) -> serde_json::Number {
        if self.0.fract().is_zero()
            && let Ok(integer) = i64::try_from(self.0)
        {
            return integer.into();
        }
        let approximate = f64::try_from(self.0).unwrap_or_default();
        serde_json::Number::from_f64(approximate).unwrap_or_else(|| 0.into())
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.0.checked_add(other.0).map(Self::new)
    }

    pub fn checked_div(self, divisor: i64) -> Option<Self> {
        self.0.checked_div(Decimal::from(divisor)).map(Self::new)
    }

    /// This quantity raised by `percent` % (exactly; saturating at the largest decimal).
    pub fn with_percent_added(self, percent: i32) -> Self {
        let factor = Decimal::ONE + Decimal::from(percent) / Decimal::ONE_HUNDRED;
        Self::new(self.0.checked_mul(factor).unwrap_or(Decimal::MAX))
    }
}

impl From<i64> for Quantity {
    fn from(value: i64) -> Self {
        Self(Decimal::from(value))
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let number = serde_json::Number::deserialize(deserializer)?;
        Self::from_json(&number)
            .ok_or_else(|| serde::de::Error::custom(format!("{number} is too large or too precise a quantity")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(json: &str) -> Quantity {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    #[test]
    fn decimal_arithmetic_is_exact() {
        let sum = parsed("0.1").checked_add(parsed("0.2"));
        assert_eq!(sum, Some(parsed("0.3")));
        assert_eq!(parsed("10").checked_div(4), Some(parsed("2.5")));
    }

    #[test]
    fn integral_quantities_are_json_integers() {
        assert_eq!(serde_json::to_string(&parsed("20.0")).ok(), Some("20".to_owned()));
        assert_eq!(serde_json::to_string(&parsed("1000")).ok(), Some("1000".to_owned()));
        assert_eq!(serde_json::to_string(&parsed("0.3")).ok(), Some("0.3".to_owned()));
        assert_eq!(serde_json::to_string(&parsed("1e3")).ok(), Some("1000".to_owned()));
    }

    #[test]
    fn numbers_beyond_a_decimal_are_refused() {
        assert!(serde_json::from_str::<Quantity>("1e300").is_err());
        assert!(serde_json::from_str::<Quantity>("\"12\"").is_err());
    }
}
