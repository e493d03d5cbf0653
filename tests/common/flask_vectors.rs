//! The Flask session vectors (tests/data/itsdangerous-classic/flask-session.json)
//! and their `$` notation (see the README there), shared by the Flask tests.
#![allow(dead_code)]

use serde_json::{json, Value};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};
use timed_jws::compat::flask::{format_http_date, Session, TaggedValue};

pub const VECTORS: &str = include_str!("../data/itsdangerous-classic/flask-session.json");

// ---------------------------------------------------------------------------
// The vectors' `$` notation (tests/data/itsdangerous-classic/README.md)
// ---------------------------------------------------------------------------

pub fn hex(text: &str) -> Vec<u8> {
    assert_eq!(text.len() % 2, 0);
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// `2023-11-14T22:13:20.123456` (naive: UTC, as Flask treats it) or
/// `2024-02-29T12:00:00+00:00`, Python's `isoformat()`.
pub fn iso_datetime(text: &str) -> OffsetDateTime {
    let (date, rest) = text.split_once('T').unwrap();
    let (clock, offset) = match rest.find(['+', '-']) {
        Some(i) => (&rest[..i], Some(&rest[i..])),
        None => (rest, None),
    };
    let (hms, micros) = clock.split_once('.').unwrap_or((clock, "0"));
    let d: Vec<i32> = date.split('-').map(|p| p.parse().unwrap()).collect();
    let t: Vec<u8> = hms.split(':').map(|p| p.parse().unwrap()).collect();
    let date =
        Date::from_calendar_date(d[0], Month::try_from(d[1] as u8).unwrap(), d[2] as u8).unwrap();
    let time = Time::from_hms_micro(t[0], t[1], t[2], micros.parse().unwrap()).unwrap();
    let offset = match offset {
        None => UtcOffset::UTC,
        Some(o) => {
            let sign: i8 = if o.starts_with('-') { -1 } else { 1 };
            let (h, m) = o[1..].split_once(':').unwrap();
            UtcOffset::from_hms(sign * h.parse::<i8>().unwrap(), m.parse().unwrap(), 0).unwrap()
        }
    };
    PrimitiveDateTime::new(date, time).assume_offset(offset)
}

/// A vector value in the `$` notation as the typed session value.
pub fn typed(v: &Value) -> TaggedValue {
    match v {
        Value::Object(map) if map.len() == 1 && map.keys().next().unwrap().starts_with('$') => {
            let (key, inner) = map.iter().next().unwrap();
            match key.as_str() {
                "$tuple" => {
                    TaggedValue::Tuple(inner.as_array().unwrap().iter().map(typed).collect())
                }
                "$bytes_hex" => TaggedValue::Bytes(hex(inner.as_str().unwrap())),
                "$markup" => TaggedValue::Markup(inner.as_str().unwrap().to_owned()),
                "$uuid" => TaggedValue::Uuid(inner.as_str().unwrap().parse().unwrap()),
                "$datetime" => TaggedValue::DateTime(iso_datetime(inner.as_str().unwrap())),
                "$float" => TaggedValue::Number(
                    serde_json::Number::from_f64(inner.as_str().unwrap().parse().unwrap()).unwrap(),
                ),
                // No tag: Flask's JSON default writes a `date` as its HTTP
                // date at midnight and a `Decimal` as `str(d)`.
                "$date" => TaggedValue::String(
                    format_http_date(iso_datetime(&format!(
                        "{}T00:00:00",
                        inner.as_str().unwrap()
                    )))
                    .unwrap(),
                ),
                "$decimal" => TaggedValue::String(inner.as_str().unwrap().to_owned()),
                other => panic!("unknown notation {other}"),
            }
        }
        Value::Object(map) => {
            TaggedValue::Object(map.iter().map(|(k, v)| (k.clone(), typed(v))).collect())
        }
        Value::Array(items) => TaggedValue::Array(items.iter().map(typed).collect()),
        other => TaggedValue::from(other.clone()),
    }
}

pub fn typed_session(v: &Value) -> Session {
    match typed(v) {
        TaggedValue::Object(map) => map,
        other => panic!("not a session: {other:?}"),
    }
}

/// The session the app held when Flask wrote the cookie: `session_set`, plus
/// `_permanent` for `session.permanent = True` and `_flashes` for `flash()`.
pub fn session_as_set(case: &Value) -> Session {
    let mut session = typed_session(&case["session_set"]);
    if case["session_permanent"] == json!(true) {
        session.insert("_permanent".into(), true.into());
    }
    if let Some(flashed) = case["flashed"].as_array() {
        let flashes = flashed
            .iter()
            .map(|pair| TaggedValue::Tuple(pair.as_array().unwrap().iter().map(typed).collect()))
            .collect();
        session.insert("_flashes".into(), TaggedValue::Array(flashes));
    }
    session
}

pub fn cases() -> Vec<Value> {
    serde_json::from_str::<Value>(VECTORS)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}
