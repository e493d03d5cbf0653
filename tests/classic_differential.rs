#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Differential check against the real itsdangerous / Flask, driven by
//! `interop/classic_differential.py` (ignored by default: it needs a file the
//! Python side made):
//!
//! ```text
//! interop/.venv-classic/bin/python interop/classic_differential.py gen 2.2 3000 1 > /tmp/py.jsonl
//! CLASSIC_DIFF_IN=/tmp/py.jsonl CLASSIC_DIFF_OUT=/tmp/ours.jsonl \
//!     cargo test --all-features --test classic_differential -- --ignored --nocapture
//! interop/.venv-classic/bin/python interop/classic_differential.py check < /tmp/ours.jsonl
//! ```
//!
//! For every token Python signed: ours must verify it and give Python's
//! payload (ints, big ints and float bits exactly) and timestamp, and our
//! writer must give the same token bytes from the same inputs and clock.
//! Our tokens are written out for the Python side to verify.

use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{json, Value};
use timed_jws::compat::flask::{self, SessionSerializer};
use timed_jws::compat::itsdangerous::{
    ClassicBuilder, Digest, ItsDangerousVersion, KeyDerivation, Serializer, Signer,
    TimedSerializer, TimestampSigner, URLSafeSerializer, URLSafeTimedSerializer,
};

/// Integers beyond 64 bits met (read as the nearest f64).
static BIG_INTS: AtomicUsize = AtomicUsize::new(0);

/// Whether our payload `ours` is Python's value described in the typed form
/// (see the Python script); a description of the first difference otherwise.
fn same(ours: &Value, typed: &Value) -> Result<(), String> {
    let (tag, v) = typed.as_object().unwrap().iter().next().unwrap();
    let ok = match (tag.as_str(), ours) {
        ("n", Value::Null) => true,
        ("b", Value::Bool(b)) => Some(*b) == v.as_bool(),
        ("s", Value::String(s)) => Some(s.as_str()) == v.as_str(),
        ("i", Value::Number(n)) if n.is_f64() => {
            // A documented difference (README, "Differences from
            // itsdangerous"): an integer beyond 64 bits is read as the
            // nearest f64. Counted, and checked to be exactly that.
            let text = v.as_str().unwrap();
            let beyond = text.parse::<i64>().is_err() && text.parse::<u64>().is_err();
            BIG_INTS.fetch_add(1, Ordering::Relaxed);
            beyond && n.as_f64() == text.parse::<f64>().ok()
        }
        ("i", Value::Number(n)) => n.to_string() == v.as_str().unwrap(),
        ("f", Value::Number(n)) => {
            let want: f64 = v.as_str().unwrap().parse().unwrap();
            n.is_f64() && n.as_f64().unwrap().to_bits() == want.to_bits()
        }
        ("a", Value::Array(items)) => {
            let want = v.as_array().unwrap();
            if items.len() != want.len() {
                return Err(format!("array length {} != {}", items.len(), want.len()));
            }
            for (a, b) in items.iter().zip(want) {
                same(a, b)?;
            }
            true
        }
        ("o", Value::Object(map)) => {
            let want = v.as_array().unwrap();
            if map.len() != want.len() {
                return Err(format!("object size {} != {}", map.len(), want.len()));
            }
            for pair in want {
                let key = pair[0].as_str().unwrap();
                let got = map.get(key).ok_or_else(|| format!("missing key {key:?}"))?;
                same(got, &pair[1])?;
            }
            true
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("ours {ours} != python {typed}"))
    }
}

fn configure<S>(b: ClassicBuilder<S>, rec: &Value) -> ClassicBuilder<S> {
    let version = match rec["version"].as_str().unwrap() {
        "0.24" => ItsDangerousVersion::V0_24,
        "1.1" => ItsDangerousVersion::V1,
        _ => ItsDangerousVersion::V2,
    };
    let keys: Vec<&str> = rec["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    let mut b = b
        .version(version)
        .salt(rec["salt"].as_str().unwrap())
        .key_derivation(
            rec["kd"]
                .as_str()
                .unwrap()
                .parse::<KeyDerivation>()
                .unwrap(),
        )
        .digest(rec["digest"].as_str().unwrap().parse::<Digest>().unwrap())
        .separator(rec["sep"].as_str().unwrap());
    if keys.len() > 1 {
        b = b.fallback_secrets(keys[..keys.len() - 1].iter().rev());
    }
    b
}

fn secret(rec: &Value) -> String {
    rec["keys"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

/// Checks one Python token; returns our token for the same inputs.
fn check(rec: &Value) -> Result<String, String> {
    let token = rec["token"].as_str().unwrap();
    let now = rec["now"].as_i64().unwrap();
    let err = |e: &dyn std::fmt::Display| format!("{e}");
    macro_rules! serializer {
        ($ty:ident, timed) => {{
            let s = configure($ty::builder(secret(rec)), rec)
                .sort_keys(rec["sort_keys"].as_bool().unwrap())
                .build()
                .map_err(|e| err(&e))?;
            let (payload, ts) = s
                .loads_with_timestamp_at(token, Some(10), now)
                .map_err(|e| format!("loads: {e} ({:?})", e.itsdangerous_message()))?;
            same(&payload, &rec["payload"])?;
            if ts != now {
                return Err(format!("timestamp {ts} != {now}"));
            }
            s.dumps_json_at(rec["json"].as_str().unwrap(), now)
                .map_err(|e| err(&e))?
        }};
        ($ty:ident, untimed) => {{
            let s = configure($ty::builder(secret(rec)), rec)
                .sort_keys(rec["sort_keys"].as_bool().unwrap())
                .build()
                .map_err(|e| err(&e))?;
            let payload = s
                .loads(token)
                .map_err(|e| format!("loads: {e} ({:?})", e.itsdangerous_message()))?;
            same(&payload, &rec["payload"])?;
            s.dumps_json(rec["json"].as_str().unwrap())
                .map_err(|e| err(&e))?
        }};
    }
    let ours = match rec["cls"].as_str().unwrap() {
        "Signer" => {
            let s = configure(Signer::builder(secret(rec)), rec)
                .build()
                .map_err(|e| err(&e))?;
            let value = s.unsign(token).map_err(|e| err(&e))?;
            if value != rec["value"].as_str().unwrap().as_bytes() {
                return Err("value differs".into());
            }
            String::from_utf8(s.sign(&value)).unwrap()
        }
        "TimestampSigner" => {
            let s = configure(TimestampSigner::builder(secret(rec)), rec)
                .build()
                .map_err(|e| err(&e))?;
            let (value, ts) = s
                .unsign_with_timestamp_at(token, Some(10), now)
                .map_err(|e| err(&e))?;
            if value != rec["value"].as_str().unwrap().as_bytes() || ts != now {
                return Err(format!("value or timestamp differs ({ts})"));
            }
            String::from_utf8(s.sign_at(&value, now).map_err(|e| err(&e))?).unwrap()
        }
        "Serializer" => serializer!(Serializer, untimed),
        "URLSafeSerializer" => serializer!(URLSafeSerializer, untimed),
        "TimedSerializer" => serializer!(TimedSerializer, timed),
        "URLSafeTimedSerializer" => serializer!(URLSafeTimedSerializer, timed),
        "flask" => {
            let s = SessionSerializer::builder("flask-secret").build().unwrap();
            let (session, ts) = s
                .loads_with_timestamp_at(token, now)
                .map_err(|e| format!("loads: {e}"))?;
            if ts != now {
                return Err(format!("timestamp {ts} != {now}"));
            }
            let text = flask::encode(&session).map_err(|e| err(&e))?;
            if text != rec["json"].as_str().unwrap().as_bytes() {
                return Err(format!(
                    "session JSON differs: {}",
                    String::from_utf8_lossy(&text)
                ));
            }
            s.dumps_at(&session, now).map_err(|e| err(&e))?
        }
        other => panic!("unknown class {other}"),
    };
    if ours != token {
        return Err(format!("our token differs: {ours}"));
    }
    Ok(ours)
}

#[test]
#[ignore = "needs CLASSIC_DIFF_IN from interop/classic_differential.py"]
fn python_tokens_read_and_rewritten_identically() {
    let Ok(path) = std::env::var("CLASSIC_DIFF_IN") else {
        panic!("set CLASSIC_DIFF_IN");
    };
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = std::env::var("CLASSIC_DIFF_OUT")
        .ok()
        .map(|p| std::fs::File::create(p).unwrap());
    let (mut total, mut mismatches) = (0, Vec::new());
    for line in text.lines() {
        let rec: Value = serde_json::from_str(line).unwrap();
        total += 1;
        match check(&rec) {
            Ok(ours) => {
                if let Some(f) = out.as_mut() {
                    let mut mine = rec.clone();
                    mine["token"] = json!(ours);
                    writeln!(f, "{mine}").unwrap();
                }
            }
            Err(why) => mismatches.push(format!("{} {} : {why}", rec["cls"], rec["token"])),
        }
    }
    for m in mismatches.iter().take(usize::MAX) {
        eprintln!("MISMATCH {m}");
    }
    eprintln!(
        "{total} tokens, {} mismatches, {} integers beyond 64 bits read as the nearest f64",
        mismatches.len(),
        BIG_INTS.load(Ordering::Relaxed)
    );
    assert!(mismatches.is_empty());
}
