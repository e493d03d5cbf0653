//! A strict JSON reader (RFC 8259) into `serde_json::Value` that parses
//! floats exactly (correctly rounded, as Python's `float()`), which
//! `serde_json` without its `float_roundtrip` feature does not always do.
//!
//! Integers that fit `i64`/`u64` stay integers, larger ones become the
//! nearest `f64` (as `serde_json` does); duplicate object names keep the last
//! value (as Python's `json` does); NaN, infinity, lone surrogates, a byte
//! order mark and trailing data are rejected, as is any number whose value
//! overflows `f64`.

use serde_json::{Map, Number, Value};

/// Why the text was refused.
pub(crate) type Reason = &'static str;

/// The reason for a repeated member name (with `reject_duplicates`).
pub(crate) const DUPLICATE: Reason = "duplicate member name";

/// The reason for a number whose value overflows `f64`.
pub(crate) const OUT_OF_RANGE: Reason = "number out of the range of a 64-bit float";

/// Parses `bytes` as one JSON value, with at most `max_depth` nested
/// arrays/objects; a repeated member name keeps the last value.
pub(crate) fn from_slice(bytes: &[u8], max_depth: usize) -> Result<Value, Reason> {
    parse(bytes, max_depth, false)
}

/// Like [`from_slice`], refusing repeated member names ([`DUPLICATE`]).
pub(crate) fn from_slice_unique(bytes: &[u8], max_depth: usize) -> Result<Value, Reason> {
    parse(bytes, max_depth, true)
}

fn parse(bytes: &[u8], max_depth: usize, reject_duplicates: bool) -> Result<Value, Reason> {
    let text = std::str::from_utf8(bytes).map_err(|_| "JSON text is not valid UTF-8")?;
    let mut p = Parser {
        b: text.as_bytes(),
        text,
        pos: 0,
        max_depth,
        reject_duplicates,
    };
    let v = p.value(0)?;
    p.ws();
    if p.pos != p.b.len() {
        return Err("trailing characters after JSON value");
    }
    Ok(v)
}

struct Parser<'a> {
    b: &'a [u8],
    text: &'a str,
    pos: usize,
    max_depth: usize,
    reject_duplicates: bool,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, Reason> {
        self.ws();
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            _ => Err("expected a JSON value"),
        }
    }

    fn literal(&mut self, word: &'static str, v: Value) -> Result<Value, Reason> {
        if self.b.get(self.pos..self.pos + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err("invalid literal")
        }
    }

    fn enter(&self, depth: usize) -> Result<(), Reason> {
        if depth > self.max_depth {
            Err("JSON nesting too deep")
        } else {
            Ok(())
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, Reason> {
        self.enter(depth)?;
        self.pos += 1;
        let mut out = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(out));
        }
        loop {
            out.push(self.value(depth)?);
            self.ws();
            match self.bump() {
                Some(b',') => {}
                Some(b']') => return Ok(Value::Array(out)),
                _ => return Err("expected ',' or ']'"),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, Reason> {
        self.enter(depth)?;
        self.pos += 1;
        let mut out = Map::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(out));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err("expected a string name");
            }
            let k = self.string()?;
            self.ws();
            if self.bump() != Some(b':') {
                return Err("expected ':'");
            }
            let v = self.value(depth)?;
            if out.insert(k, v).is_some() && self.reject_duplicates {
                return Err(DUPLICATE);
            }
            self.ws();
            match self.bump() {
                Some(b',') => {}
                Some(b'}') => return Ok(Value::Object(out)),
                _ => return Err("expected ',' or '}'"),
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value, Reason> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err("invalid number"),
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err("invalid number");
            }
            float = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err("invalid number");
            }
            float = true;
        }
        let s = self.text.get(start..self.pos).ok_or("invalid number")?;
        if !float {
            if let Ok(i) = s.parse::<i64>() {
                return Ok(Value::from(i));
            }
            if let Ok(u) = s.parse::<u64>() {
                return Ok(Value::from(u));
            }
        }
        let f: f64 = s.parse().map_err(|_| "invalid number")?;
        Number::from_f64(f).map(Value::Number).ok_or(OUT_OF_RANGE)
    }

    fn hex4(&mut self) -> Result<u32, Reason> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.bump() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err("invalid \\u escape"),
            };
            v = (v << 4) | u32::from(d);
        }
        Ok(v)
    }

    fn string(&mut self) -> Result<String, Reason> {
        self.pos += 1;
        let mut s = String::new();
        loop {
            let run = self.pos;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // Both ends are at ASCII bytes or the end: char boundaries.
            s.push_str(self.text.get(run..self.pos).unwrap_or_default());
            match self.bump() {
                Some(b'"') => return Ok(s),
                Some(b'\\') => {}
                Some(_) => return Err("control character in string"),
                None => return Err("unterminated string"),
            }
            let c = match self.bump() {
                Some(b'"') => '"',
                Some(b'\\') => '\\',
                Some(b'/') => '/',
                Some(b'b') => '\u{8}',
                Some(b'f') => '\u{c}',
                Some(b'n') => '\n',
                Some(b'r') => '\r',
                Some(b't') => '\t',
                Some(b'u') => {
                    let hi = self.hex4()?;
                    let cp = match hi {
                        0xD800..=0xDBFF => {
                            if self.bump() != Some(b'\\') || self.bump() != Some(b'u') {
                                return Err("lone surrogate");
                            }
                            let lo = self.hex4()?;
                            if !(0xDC00..=0xDFFF).contains(&lo) {
                                return Err("lone surrogate");
                            }
                            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                        }
                        0xDC00..=0xDFFF => return Err("lone surrogate"),
                        _ => hi,
                    };
                    char::from_u32(cp).ok_or("invalid \\u escape")?
                }
                _ => return Err("invalid escape"),
            };
            s.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exact_floats_and_integers() {
        let v = from_slice(b"[5.074684378926666e+225, 0.1, -0.0, 18446744073709551615, -9223372036854775808, 18446744073709551617]", 8).unwrap();
        assert_eq!(v[0].as_f64(), Some(5.074684378926666e225));
        assert_eq!(v[1].as_f64(), Some(0.1));
        assert_eq!(v[3], json!(u64::MAX));
        assert_eq!(v[4], json!(i64::MIN));
        assert_eq!(v[5].as_f64(), Some(18_446_744_073_709_551_616.0));
        assert_eq!(
            from_slice(br#" {"a":1,"a":[true,null,"\u00e9\ud83d\ude00\n"]} "#, 8).unwrap(),
            json!({"a": [true, null, "é😀\n"]})
        );
    }

    #[test]
    fn rejections() {
        for bad in [
            &b"NaN"[..],
            b"[Infinity]",
            b"1e400",
            b"01",
            b"1.",
            b"-",
            b"\xef\xbb\xbf1",
            b"\"\\ud800\"",
            b"\"\\udc00\"",
            b"\"a\nb\"",
            b"[1,]",
            b"{\"a\" 1}",
            b"1 2",
            b"\"\xff\"",
            b"[[[]]]",
            b"",
        ] {
            assert!(
                from_slice(bad, 2).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(from_slice(b"[[]]", 2).unwrap(), json!([[]]));
        assert_eq!(from_slice(b"1e400", 2), Err(OUT_OF_RANGE));
        assert_eq!(from_slice(br#"{"a":1,"a":2}"#, 2).unwrap(), json!({"a": 2}));
        assert_eq!(from_slice_unique(br#"{"a":1,"a":2}"#, 2), Err(DUPLICATE));
        assert_eq!(
            from_slice_unique(br#"{"a":{"b":1,"b":1}}"#, 2),
            Err(DUPLICATE)
        );
    }
}
