//! NumericDate (RFC 7519 §2) from arbitrary JSON values and numbers.
//!
//! Input: a mode byte, then either JSON text (parsed by serde_json, so any
//! JSON number it accepts), or raw bits for an `f64`, `i64` or `u64`; plus an
//! `i64` offset for the checked arithmetic. Invariants:
//! * `from_json` and `from_json_saturating` never panic; they agree whenever
//!   `from_json` succeeds; the saturating form fails only for non-numbers;
//! * the seconds are the floor of the number, nanoseconds are in range, and
//!   the order of NumericDates follows the order of the numbers;
//! * `Deserialize` agrees with `from_json`;
//! * checked arithmetic matches exact `i128` arithmetic, saturating
//!   arithmetic clamps to MIN/MAX;
//! * `to_offset_date_time` is `Some` exactly for years -9999..=9999 and
//!   round-trips through `From<OffsetDateTime>`;
//! * integral dates round-trip through `to_json`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use timed_jws::{ErrorKind, NumericDate};

/// -9999-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range of `time`
/// without its `large-dates` feature.
const ODT_MIN: i64 = -377_705_116_800;
const ODT_MAX: i64 = 253_402_300_799;

fn values(data: &[u8]) -> Vec<Value> {
    let Some((&mode, rest)) = data.split_first() else {
        return Vec::new();
    };
    let word = |r: &[u8]| -> Option<[u8; 8]> { r.get(..8).and_then(|b| b.try_into().ok()) };
    match mode % 4 {
        0 => match serde_json::from_slice::<Value>(rest) {
            Ok(Value::Array(items)) => items,
            Ok(v) => vec![v],
            Err(_) => Vec::new(),
        },
        1 => rest
            .chunks_exact(8)
            .filter_map(word)
            .map(|b| {
                serde_json::Number::from_f64(f64::from_le_bytes(b))
                    .map_or(Value::Null, Value::Number)
            })
            .collect(),
        2 => rest
            .chunks_exact(8)
            .filter_map(word)
            .map(|b| Value::from(i64::from_le_bytes(b)))
            .collect(),
        _ => rest
            .chunks_exact(8)
            .filter_map(word)
            .map(|b| Value::from(u64::from_le_bytes(b)))
            .collect(),
    }
}

fn check_one(v: &Value, offset: i64) -> Option<(f64, NumericDate)> {
    let strict = NumericDate::from_json(v, "exp");
    let sat = NumericDate::from_json_saturating(v, "exp");
    let de = serde_json::from_value::<NumericDate>(v.clone());
    let Value::Number(n) = v else {
        assert_eq!(strict.map_err(|e| e.kind()), Err(ErrorKind::InvalidClaim));
        assert_eq!(sat.map_err(|e| e.kind()), Err(ErrorKind::InvalidClaim));
        assert!(de.is_err());
        return None;
    };
    // serde_json numbers are always finite, so saturating always succeeds.
    let sat = sat.expect("a JSON number saturates");
    assert!(sat.subsec_nanos() < 1_000_000_000);
    match &strict {
        Ok(d) => assert_eq!(*d, sat),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidClaim);
            assert!(
                sat == NumericDate::MIN || sat == NumericDate::MAX,
                "{n} -> {sat:?}"
            );
        }
    }
    assert_eq!(
        strict.as_ref().ok(),
        de.as_ref().ok(),
        "Deserialize vs from_json for {n}"
    );

    let d = strict.ok()?;
    assert!(d.subsec_nanos() < 1_000_000_000);
    assert_eq!(d.is_integral(), d.subsec_nanos() == 0);
    let f = n.as_f64().expect("a JSON number has an f64 value");
    if let Some(i) = n.as_i64() {
        assert_eq!(d, NumericDate::from_secs(i));
        assert_eq!(d.to_json(), Value::from(i));
        assert_eq!(d.to_string(), i.to_string());
    } else {
        assert_eq!(d.secs() as f64, f.floor(), "{n}");
        assert!(f - f.floor() >= f64::from(d.subsec_nanos()) / 1e9 - 1e-9);
    }
    if d.is_integral() {
        assert_eq!(NumericDate::from_json(&d.to_json(), "exp").ok(), Some(d));
    } else if d.secs().unsigned_abs() < (1 << 52) {
        // The f64 form may round up into the next second, never more.
        let back = NumericDate::from_json(&d.to_json(), "exp").expect("in range");
        let diff = i128::from(back.secs()) - i128::from(d.secs());
        assert!((0..=1).contains(&diff), "{d:?} -> {back:?}");
    }

    // Checked and saturating arithmetic against exact i128 arithmetic.
    let sum = i128::from(d.secs()) + i128::from(offset);
    let diff = i128::from(d.secs()) - i128::from(offset);
    match d.checked_add_secs(offset) {
        Some(r) => {
            assert_eq!(i128::from(r.secs()), sum);
            assert_eq!(r.subsec_nanos(), d.subsec_nanos());
            assert_eq!(r.cmp(&d), offset.cmp(&0));
            assert_eq!(d.saturating_add_secs(offset), r);
        }
        None => {
            assert!(i64::try_from(sum).is_err());
            let s = d.saturating_add_secs(offset);
            assert_eq!(
                s,
                if offset < 0 {
                    NumericDate::MIN
                } else {
                    NumericDate::MAX
                }
            );
        }
    }
    match d.checked_sub_secs(offset) {
        Some(r) => {
            assert_eq!(i128::from(r.secs()), diff);
            assert_eq!(r.checked_add_secs(offset), Some(d));
        }
        None => assert!(i64::try_from(diff).is_err()),
    }

    match d.to_offset_date_time() {
        Some(t) => {
            assert!((ODT_MIN..=ODT_MAX).contains(&d.secs()), "{d:?}");
            assert_eq!(NumericDate::from(t), d);
        }
        None => assert!(!(ODT_MIN..=ODT_MAX).contains(&d.secs()), "{d:?}"),
    }
    Some((f, d))
}

fuzz_target!(|data: &[u8]| {
    // The last 8 bytes are the arithmetic offset.
    let (body, offset) = match data.len().checked_sub(8).map(|i| data.split_at(i)) {
        Some((body, tail)) => (
            body,
            tail.try_into().map(i64::from_le_bytes).unwrap_or_default(),
        ),
        None => (data, 0),
    };
    let mut seen: Vec<(f64, NumericDate)> = Vec::new();
    for v in values(body).iter().take(64) {
        if let Some(x) = check_one(v, offset) {
            seen.push(x);
        }
    }
    // Order of dates follows the order of the numbers (floor is monotonic;
    // dates of equal numbers are equal).
    for (fa, da) in &seen {
        for (fb, db) in &seen {
            if fa < fb {
                assert!(da <= db, "{fa} < {fb} but {da:?} > {db:?}");
            }
        }
    }
});
