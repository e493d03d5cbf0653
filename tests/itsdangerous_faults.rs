//! The itsdangerous-mode cases of tests/data/faults/cases.json (fault
//! classes from public bug reports, see each case's `source`), run through
//! `compat::itsdangerous::TimedJsonWebSignatureSerializer` (itsdangerous 1.x
//! profile). The `jwt`-mode cases run in tests/jwt_faults.rs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use timed_jws::compat::itsdangerous::TimedJsonWebSignatureSerializer;
use timed_jws::ErrorKind;

fn cases() -> Vec<Value> {
    let path = format!(
        "{}/tests/data/faults/cases.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let all: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    all.into_iter()
        .filter(|c| c["mode"] == "itsdangerous")
        .collect()
}

fn run(case: &Value) -> Result<Value, ErrorKind> {
    let options = &case["options"];
    let mut b = TimedJsonWebSignatureSerializer::builder(case["secret"].as_str().unwrap())
        .algorithm(options["algorithm_name"].as_str().unwrap().parse().unwrap());
    if let Some(salt) = options["salt"].as_str() {
        b = b.salt(salt);
    }
    let s = b.build().unwrap();
    s.loads_at(
        case["token"].as_str().unwrap(),
        case["now"].as_i64().unwrap(),
    )
    .map_err(|e| e.kind())
}

/// Cases where the compatibility layer gives another of the case's
/// `acceptable_error_kinds` than the preferred one, and why.
const OTHER_ACCEPTABLE_KIND: &[(&str, &str)] = &[
    // A token MACed with HS256 presented to an HS512 serializer: the MAC is
    // checked first with the configured algorithm, exactly as itsdangerous
    // does (verify.json `signed_hs512_serializer_hs256` is BadSignature), so
    // the faithful outcome is invalid_signature / BadSignature.
    ("C121", "invalid_signature"),
];

/// Every case gives its expected outcome: the accepted payload exactly, or
/// the case's preferred error kind, or the pinned other acceptable kind.
#[test]
fn itsdangerous_fault_cases() {
    let cases = cases();
    assert_eq!(cases.len(), 17);
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let got = run(case);
        match case["expected"].as_str().unwrap() {
            "accept" => assert_eq!(got, Ok(case["expected_payload"].clone()), "{id}"),
            "reject" => {
                let pinned = OTHER_ACCEPTABLE_KIND.iter().find(|(i, _)| *i == id);
                let want = pinned
                    .map(|(_, k)| *k)
                    .unwrap_or_else(|| case["expected_error_kind"].as_str().unwrap());
                let acceptable: Vec<&str> = case["acceptable_error_kinds"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|k| k.as_str().unwrap())
                    .collect();
                assert!(acceptable.contains(&want), "{id}: {want} is not acceptable");
                assert_eq!(
                    got,
                    Err(want.parse::<ErrorKind>().unwrap()),
                    "{id}: {}",
                    case["description"]
                );
            }
            other => panic!("{id}: unknown expectation {other}"),
        }
    }
}
