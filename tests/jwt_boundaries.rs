#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Time boundaries: exp - 1, exp, exp + 1 with and without leeway, nbf
//! likewise, near 0 and near i64::MAX, fractional NumericDates, iat and
//! max age.

use proptest::prelude::*;
use serde_json::{json, Value};
use timed_jws::{jwt, Algorithm, Error, ErrorKind, Header, Key, NumericDate, Validation};

fn key() -> Key {
    Key::hmac(Algorithm::HS256, &[0x5a; 32]).unwrap()
}

fn token(claims: &Value) -> String {
    jwt::encode(&Header::default(), claims, &key()).unwrap()
}

fn at(token: &str, v: &Validation, now: i64) -> Result<(), Error> {
    jwt::decode_at::<Value>(token, &key(), v, NumericDate::from_secs(now)).map(|_| ())
}

const SAMPLES: [i64; 7] = [
    0,
    1,
    1_700_000_000,
    -1,
    i64::MIN + 120,
    i64::MAX - 120,
    i64::MAX - 1,
];

#[test]
fn exp_boundary_without_leeway() {
    let v = Validation::new();
    for exp in SAMPLES {
        let t = token(&json!({ "exp": exp }));
        assert_eq!(at(&t, &v, exp - 1), Ok(()), "exp {exp}, now exp-1");
        assert_eq!(
            at(&t, &v, exp),
            Err(Error::Expired { exp, now: exp }),
            "exp {exp}, now exp"
        );
        assert_eq!(
            at(&t, &v, exp + 1),
            Err(Error::Expired { exp, now: exp + 1 }),
            "exp {exp}, now exp+1"
        );
    }
}

#[test]
fn exp_boundary_with_leeway() {
    let v = Validation::new().with_leeway(60);
    for exp in SAMPLES {
        let t = token(&json!({ "exp": exp }));
        if let Some(now) = exp.checked_add(59) {
            assert_eq!(at(&t, &v, now), Ok(()), "exp {exp}, now exp+59");
        }
        if let Some(now) = exp.checked_add(60) {
            assert_eq!(
                at(&t, &v, now),
                Err(Error::Expired { exp, now }),
                "exp {exp}, now exp+60"
            );
        }
    }
}

#[test]
fn exp_at_i64_max_with_leeway_does_not_overflow() {
    let t = token(&json!({ "exp": i64::MAX }));
    let v = Validation::new().with_leeway(u64::MAX);
    assert_eq!(at(&t, &v, i64::MAX), Ok(()));
    assert_eq!(
        at(&t, &Validation::new().with_leeway(60), 1_700_000_000),
        Ok(())
    );
    assert_eq!(
        at(&t, &Validation::new(), i64::MAX),
        Err(Error::Expired {
            exp: i64::MAX,
            now: i64::MAX
        })
    );
    let t = token(&json!({ "exp": i64::MIN }));
    assert_eq!(
        at(&t, &Validation::new().with_leeway(u64::MAX), i64::MIN),
        Ok(())
    );
    assert_eq!(
        at(&t, &Validation::new(), i64::MIN),
        Err(Error::Expired {
            exp: i64::MIN,
            now: i64::MIN
        })
    );
}

#[test]
fn nbf_boundary() {
    for nbf in SAMPLES {
        let t = token(&json!({ "nbf": nbf }));
        let v = Validation::new().allow_missing_exp();
        assert_eq!(
            at(&t, &v, nbf - 1),
            Err(Error::NotYetValid { nbf, now: nbf - 1 }),
            "nbf {nbf}, now nbf-1"
        );
        assert_eq!(at(&t, &v, nbf), Ok(()), "nbf {nbf}, now nbf");
        assert_eq!(at(&t, &v, nbf + 1), Ok(()), "nbf {nbf}, now nbf+1");
        let v = Validation::new().allow_missing_exp().with_leeway(60);
        if let Some(now) = nbf.checked_sub(60) {
            assert_eq!(at(&t, &v, now), Ok(()), "nbf {nbf}, leeway, now nbf-60");
        }
        if let Some(now) = nbf.checked_sub(61) {
            assert_eq!(
                at(&t, &v, now),
                Err(Error::NotYetValid { nbf, now }),
                "nbf {nbf}, leeway, now nbf-61"
            );
        }
    }
    // nbf = i64::MAX seen at now = i64::MIN: nbf - now = 2^64 - 1 seconds,
    // exactly u64::MAX, so that leeway just admits it and one less does not.
    let t = token(&json!({ "nbf": i64::MAX, "exp": i64::MAX }));
    assert_eq!(
        at(&t, &Validation::new().with_leeway(u64::MAX), i64::MIN),
        Ok(())
    );
    assert_eq!(
        at(&t, &Validation::new().with_leeway(u64::MAX - 1), i64::MIN),
        Err(Error::NotYetValid {
            nbf: i64::MAX,
            now: i64::MIN
        })
    );
}

#[test]
fn fractional_numeric_dates() {
    let v = Validation::new();
    // exp = 100.5: valid at 100, expired at 101.
    let t = token(&json!({ "exp": 100.5 }));
    assert_eq!(at(&t, &v, 100), Ok(()));
    assert_eq!(at(&t, &v, 101).unwrap_err().kind(), ErrorKind::Expired);
    // nbf = 100.4: not valid at 100, valid at 101.
    let t = token(&json!({ "exp": 1000, "nbf": 100.4 }));
    assert_eq!(at(&t, &v, 100).unwrap_err().kind(), ErrorKind::NotYetValid);
    assert_eq!(at(&t, &v, 101), Ok(()));
    // Sub-second clock.
    let t = token(&json!({ "exp": 100 }));
    let just_before = NumericDate::from_f64(99.999, "now").unwrap();
    assert!(jwt::decode_at::<Value>(&t, &key(), &v, just_before).is_ok());
}

#[test]
fn iat_checks_are_opt_in() {
    let t = token(&json!({ "exp": 10_000, "iat": 5_000 }));
    // Future iat accepted by default (RFC 7519 defines no check).
    assert_eq!(at(&t, &Validation::new(), 4_000), Ok(()));
    let v = Validation::new().reject_future_iat();
    assert_eq!(
        at(&t, &v, 4_999),
        Err(Error::NotYetValid {
            nbf: 5_000,
            now: 4_999
        })
    );
    assert_eq!(at(&t, &v, 5_000), Ok(()));
    // Max age 100 s: age 100 is fine, 101 is too old.
    let v = Validation::new().max_age(100);
    assert_eq!(at(&t, &v, 5_100), Ok(()));
    assert_eq!(
        at(&t, &v, 5_101).unwrap_err().kind(),
        ErrorKind::InvalidClaim
    );
    let no_iat = token(&json!({ "exp": 10_000 }));
    assert_eq!(
        at(&no_iat, &v, 5_000),
        Err(Error::MissingClaim {
            claim: "iat".into()
        })
    );
    // Max age near the extremes.
    let old = token(&json!({ "exp": i64::MAX, "iat": i64::MIN }));
    assert_eq!(
        at(&old, &Validation::new().max_age(u64::MAX), i64::MAX - 1),
        Ok(())
    );
    assert_eq!(
        at(&old, &Validation::new().max_age(0), i64::MAX - 1)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidClaim
    );
}

#[test]
fn out_of_range_numeric_dates_are_invalid_claims() {
    for exp in [
        json!(u64::MAX),
        json!(1e19),
        json!(-1e19),
        json!("1"),
        json!(null),
    ] {
        let payload = format!(r#"{{"exp":{exp}}}"#);
        let t = jwt::encode(
            &Header::default(),
            &serde_json::from_str::<Value>(&payload).unwrap(),
            &key(),
        );
        // encode itself refuses to write an unusable NumericDate.
        assert_eq!(t.unwrap_err().kind(), ErrorKind::InvalidClaim, "{payload}");
    }
}

proptest! {
    /// For any exp, now and leeway: accepted exactly when now < exp + leeway
    /// (computed in i128), and never a panic.
    #[test]
    fn exp_rule_matches_i128_model(exp in any::<i64>(), now in any::<i64>(), leeway in any::<u32>()) {
        let t = token(&json!({ "exp": exp }));
        let v = Validation::new().with_leeway(u64::from(leeway));
        let ok = i128::from(now) < i128::from(exp) + i128::from(leeway);
        let got = at(&t, &v, now);
        if ok {
            prop_assert_eq!(got, Ok(()));
        } else {
            prop_assert_eq!(got, Err(Error::Expired { exp, now }));
        }
    }

    /// For any nbf, now and leeway: refused exactly when now < nbf - leeway.
    #[test]
    fn nbf_rule_matches_i128_model(nbf in any::<i64>(), now in any::<i64>(), leeway in any::<u32>()) {
        let t = token(&json!({ "nbf": nbf }));
        let v = Validation::new().with_leeway(u64::from(leeway)).allow_missing_exp();
        let early = i128::from(now) < i128::from(nbf) - i128::from(leeway);
        let got = at(&t, &v, now);
        if early {
            prop_assert_eq!(got, Err(Error::NotYetValid { nbf, now }));
        } else {
            prop_assert_eq!(got, Ok(()));
        }
    }
}
