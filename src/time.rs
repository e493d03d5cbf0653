//! NumericDate (RFC 7519 §2): seconds since 1970-01-01T00:00:00Z UTC.

use std::fmt;

use crate::error::Error;

/// A NumericDate (RFC 7519 §2): a number of seconds since the Unix epoch,
/// ignoring leap seconds, possibly with a fractional part.
///
/// Stored as whole seconds (`i64`, floored) plus nanoseconds, so comparisons
/// are exact and never overflow. Integers outside the `i64` range and
/// non-finite numbers are not representable: reading them is an
/// [`Error::InvalidClaim`], unless a `*_saturating` constructor documents
/// otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NumericDate {
    secs: i64,
    nanos: u32,
}

const NANOS_PER_SEC: i128 = 1_000_000_000;

impl NumericDate {
    /// The NumericDate `secs` seconds after the epoch (negative: before).
    pub const fn from_secs(secs: i64) -> Self {
        NumericDate { secs, nanos: 0 }
    }

    /// The current system time, truncated to whole seconds (as itsdangerous
    /// and most JWT libraries do).
    ///
    /// A clock before 1970 or beyond year 292 billion reads as the epoch or
    /// saturates; neither happens on a working system.
    pub fn now() -> Self {
        let secs = match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(_) => 0,
        };
        NumericDate::from_secs(secs)
    }

    /// Whole seconds since the epoch, rounded towards negative infinity.
    pub const fn secs(self) -> i64 {
        self.secs
    }

    /// The fractional part in nanoseconds (`0..1_000_000_000`).
    pub const fn subsec_nanos(self) -> u32 {
        self.nanos
    }

    /// Whether the NumericDate has no fractional part.
    pub const fn is_integral(self) -> bool {
        self.nanos == 0
    }

    /// The NumericDate for a finite `f64` of seconds.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidClaim`] (claim name `claim`) when `secs` is NaN,
    /// infinite, or outside the `i64` range of seconds.
    pub fn from_f64(secs: f64, claim: &str) -> Result<Self, Error> {
        // -2^63 <= floor(secs) < 2^63
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        if !secs.is_finite() {
            return Err(Error::invalid_claim(
                claim,
                "NumericDate is not a finite number",
            ));
        }
        let floor = secs.floor();
        if !(-LIMIT..LIMIT).contains(&floor) {
            return Err(Error::invalid_claim(claim, "NumericDate out of range"));
        }
        // In range, so the cast is exact for the integral value.
        let whole = floor as i64;
        let frac = ((secs - floor) * 1e9).floor();
        // `secs - floor` is in [0, 1) exactly but may round up to 1.0 (for
        // -1e-300, say): the true fraction is then just below one second.
        let nanos = frac.clamp(0.0, 999_999_999.0) as u32;
        Ok(NumericDate { secs: whole, nanos })
    }

    /// Reads a NumericDate from a JSON value: an integer, or a number with a
    /// fractional part, as RFC 7519 §2 allows.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidClaim`] (claim name `claim`) for strings, booleans,
    /// `null`, arrays, objects, and numbers outside the `i64` range of
    /// seconds.
    pub fn from_json(value: &serde_json::Value, claim: &str) -> Result<Self, Error> {
        match value {
            serde_json::Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Ok(NumericDate::from_secs(i))
                } else if n.is_u64() {
                    Err(Error::invalid_claim(claim, "NumericDate out of range"))
                } else {
                    match n.as_f64() {
                        Some(f) => NumericDate::from_f64(f, claim),
                        None => Err(Error::invalid_claim(claim, "NumericDate is not a number")),
                    }
                }
            }
            _ => Err(Error::invalid_claim(
                claim,
                "NumericDate is not a JSON number",
            )),
        }
    }

    /// Like [`NumericDate::from_json`], but a finite number beyond the `i64`
    /// range saturates to the smallest or largest representable NumericDate
    /// instead of failing (as Python's unbounded integers compare).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidClaim`] for anything that is not a finite JSON number.
    pub fn from_json_saturating(value: &serde_json::Value, claim: &str) -> Result<Self, Error> {
        match value {
            serde_json::Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    return Ok(NumericDate::from_secs(i));
                }
                if n.is_u64() {
                    return Ok(NumericDate::MAX);
                }
                match n.as_f64() {
                    Some(f) if f.is_finite() => {
                        NumericDate::from_f64(f, claim).or(Ok(if f < 0.0 {
                            NumericDate::MIN
                        } else {
                            NumericDate::MAX
                        }))
                    }
                    _ => Err(Error::invalid_claim(
                        claim,
                        "NumericDate is not a finite number",
                    )),
                }
            }
            _ => Err(Error::invalid_claim(
                claim,
                "NumericDate is not a JSON number",
            )),
        }
    }

    /// The earliest representable NumericDate.
    pub const MIN: NumericDate = NumericDate {
        secs: i64::MIN,
        nanos: 0,
    };

    /// The latest representable NumericDate.
    pub const MAX: NumericDate = NumericDate {
        secs: i64::MAX,
        nanos: 999_999_999,
    };

    /// `self + secs`, or `None` on overflow.
    pub fn checked_add_secs(self, secs: i64) -> Option<Self> {
        Some(NumericDate {
            secs: self.secs.checked_add(secs)?,
            nanos: self.nanos,
        })
    }

    /// `self - secs`, or `None` on overflow.
    pub fn checked_sub_secs(self, secs: i64) -> Option<Self> {
        Some(NumericDate {
            secs: self.secs.checked_sub(secs)?,
            nanos: self.nanos,
        })
    }

    /// `self + secs`, clamped to [`NumericDate::MIN`]..=[`NumericDate::MAX`].
    pub fn saturating_add_secs(self, secs: i64) -> Self {
        self.checked_add_secs(secs).unwrap_or(if secs < 0 {
            NumericDate::MIN
        } else {
            NumericDate::MAX
        })
    }

    /// The signed difference `self - other` in nanoseconds (never overflows).
    pub(crate) fn nanos_since(self, other: NumericDate) -> i128 {
        (i128::from(self.secs) * NANOS_PER_SEC + i128::from(self.nanos))
            - (i128::from(other.secs) * NANOS_PER_SEC + i128::from(other.nanos))
    }

    /// The date as a UTC [`time::OffsetDateTime`], or `None` when it is
    /// outside the range that type supports (about ±9999 years).
    pub fn to_offset_date_time(self) -> Option<time::OffsetDateTime> {
        let nanos = i128::from(self.secs) * NANOS_PER_SEC + i128::from(self.nanos);
        time::OffsetDateTime::from_unix_timestamp_nanos(nanos).ok()
    }

    /// The value as a JSON number: an integer when integral, otherwise a
    /// float.
    pub fn to_json(self) -> serde_json::Value {
        if self.nanos == 0 {
            serde_json::Value::from(self.secs)
        } else {
            serde_json::Value::from(self.secs as f64 + f64::from(self.nanos) / 1e9)
        }
    }
}

impl From<time::OffsetDateTime> for NumericDate {
    fn from(t: time::OffsetDateTime) -> Self {
        NumericDate {
            secs: t.unix_timestamp(),
            nanos: t.nanosecond(),
        }
    }
}

impl fmt::Display for NumericDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.nanos == 0 {
            write!(f, "{}", self.secs)
        } else {
            write!(f, "{}.{:09}", self.secs, self.nanos)
        }
    }
}

impl serde::Serialize for NumericDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.nanos == 0 {
            s.serialize_i64(self.secs)
        } else {
            s.serialize_f64(self.secs as f64 + f64::from(self.nanos) / 1e9)
        }
    }
}

impl<'de> serde::Deserialize<'de> for NumericDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = NumericDate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a NumericDate (a JSON number of seconds)")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<NumericDate, E> {
                Ok(NumericDate::from_secs(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<NumericDate, E> {
                i64::try_from(v)
                    .map(NumericDate::from_secs)
                    .map_err(|_| E::custom("NumericDate out of range"))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<NumericDate, E> {
                NumericDate::from_f64(v, "").map_err(|_| E::custom("NumericDate out of range"))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_integers_and_fractions() {
        assert_eq!(
            NumericDate::from_json(&json!(1700000000), "exp").unwrap(),
            NumericDate::from_secs(1700000000)
        );
        let d = NumericDate::from_json(&json!(1700000001.5), "exp").unwrap();
        assert_eq!((d.secs(), d.subsec_nanos()), (1700000001, 500_000_000));
        let d = NumericDate::from_json(&json!(-1.5), "exp").unwrap();
        assert_eq!((d.secs(), d.subsec_nanos()), (-2, 500_000_000));
        assert_eq!(d.to_string(), "-2.500000000");
    }

    #[test]
    fn rejects_non_numbers_and_out_of_range() {
        for v in [
            json!("1700000000"),
            json!(true),
            json!(null),
            json!([1]),
            json!(u64::MAX),
            json!(1e300),
        ] {
            let e = NumericDate::from_json(&v, "exp").unwrap_err();
            assert_eq!(e.kind(), crate::error::ErrorKind::InvalidClaim, "{v}");
        }
    }

    #[test]
    fn saturating_reader() {
        assert_eq!(
            NumericDate::from_json_saturating(&json!(u64::MAX), "exp").unwrap(),
            NumericDate::MAX
        );
        assert_eq!(
            NumericDate::from_json_saturating(&json!(-1e300), "exp").unwrap(),
            NumericDate::MIN
        );
        assert!(NumericDate::from_json_saturating(&json!("1"), "exp").is_err());
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(NumericDate::from_secs(i64::MAX).checked_add_secs(1), None);
        assert_eq!(NumericDate::from_secs(i64::MIN).checked_sub_secs(1), None);
        assert_eq!(
            NumericDate::from_secs(i64::MAX).saturating_add_secs(5),
            NumericDate::MAX
        );
        assert_eq!(
            NumericDate::MAX.nanos_since(NumericDate::MIN),
            (i128::from(i64::MAX) - i128::from(i64::MIN)) * NANOS_PER_SEC + 999_999_999
        );
    }
}
