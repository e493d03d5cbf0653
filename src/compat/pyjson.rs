//! Byte-exact reproduction of the JSON text written by Python's
//! `json.dumps(obj, separators=(',', ':'))` (keys not sorted).
//!
//! Two profiles are supported:
//!
//! * [`Profile::Utf8`] mirrors `ensure_ascii=False` (itsdangerous 1.x): only
//!   `"`, `\` and control characters below U+0020 are escaped.
//! * [`Profile::Ascii`] mirrors `ensure_ascii=True` (itsdangerous 0.24): in
//!   addition every character outside `0x20..=0x7E` is written as `\uXXXX`
//!   (astral characters as a UTF-16 surrogate pair).
//!
//! Floats are written like Python's `repr(float)`, integers verbatim.
//!
//! Two entry points exist: [`to_vec`] serializes any `serde::Serialize` value
//! through a custom [`serde_json::ser::Formatter`], and [`rewrite`] /
//! [`rewrite_object_members`] re-emit caller-supplied JSON text while keeping
//! its key order and arbitrary-size integers.

use std::collections::HashSet;
use std::fmt;
use std::io;

use serde::ser::{self, Serialize};
use serde_json::ser::{CharEscape, Formatter};

/// Lower-case hexadecimal digits, as written by Python's `json` module.
const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Which Python `json.dumps` string-escaping mode to reproduce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Profile {
    /// `ensure_ascii=False`: non-ASCII characters (and DEL) are written raw.
    Utf8,
    /// `ensure_ascii=True`: everything outside `0x20..=0x7E` is `\uXXXX`-escaped.
    Ascii,
}

/// The full set of `json.dumps` options this module reproduces: the string
/// escaping, the separators and `sort_keys`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Style {
    /// String escaping (`ensure_ascii`).
    pub(crate) profile: Profile,
    /// `separators=(", ", ": ")` (Python's default) instead of the compact
    /// `(",", ":")`.
    pub(crate) spaced: bool,
    /// `sort_keys=True`: object members in code point order of their names.
    pub(crate) sort_keys: bool,
}

impl Style {
    /// Compact separators, keys in the input's order.
    pub(crate) const fn compact(profile: Profile) -> Self {
        Style {
            profile,
            spaced: false,
            sort_keys: false,
        }
    }
}

/// Error produced while writing or re-writing Python-compatible JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PyJsonError {
    /// Static description of what went wrong.
    reason: &'static str,
}

impl PyJsonError {
    /// Creates an error with the given static reason.
    const fn new(reason: &'static str) -> Self {
        Self { reason }
    }

    /// Returns the static description of the error.
    #[allow(dead_code)]
    pub(crate) const fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for PyJsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason)
    }
}

impl std::error::Error for PyJsonError {}

/// Reason used when a NaN or infinite float would have to be written.
const NON_FINITE: &str = "non-finite float cannot be represented in JSON";

// ---------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------

/// Appends `\u` followed by four lower-case hex digits of `unit`.
fn push_u_escape(out: &mut Vec<u8>, unit: u16) {
    out.extend_from_slice(b"\\u");
    for shift in [12u16, 8, 4, 0] {
        let nibble = usize::from((unit >> shift) & 0xF);
        out.push(HEX_DIGITS.get(nibble).copied().unwrap_or(b'0'));
    }
}

/// Appends the contents (without quotes) of `s`, escaped per `profile`.
fn write_escaped_contents(out: &mut Vec<u8>, s: &str, profile: Profile) {
    match profile {
        Profile::Utf8 => {
            let bytes = s.as_bytes();
            let mut start = 0usize;
            for (i, &b) in bytes.iter().enumerate() {
                if b >= 0x20 && b != b'"' && b != b'\\' {
                    continue;
                }
                // `i` is the position of an ASCII byte, hence a char boundary.
                out.extend_from_slice(bytes.get(start..i).unwrap_or_default());
                push_basic_escape(out, b);
                start = i + 1;
            }
            out.extend_from_slice(bytes.get(start..).unwrap_or_default());
        }
        Profile::Ascii => {
            for c in s.chars() {
                match u8::try_from(c) {
                    Ok(b @ (b'"' | b'\\' | 0x00..=0x1F)) => push_basic_escape(out, b),
                    Ok(b @ 0x20..=0x7E) => out.push(b),
                    _ => {
                        // DEL and everything non-ASCII.
                        let mut units = [0u16; 2];
                        for unit in c.encode_utf16(&mut units).iter() {
                            push_u_escape(out, *unit);
                        }
                    }
                }
            }
        }
    }
}

/// Appends the escape of `"`, `\` or a control byte below 0x20.
fn push_basic_escape(out: &mut Vec<u8>, b: u8) {
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x0C => out.extend_from_slice(b"\\f"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        other => push_u_escape(out, u16::from(other)),
    }
}

/// Writes `s` as a quoted JSON string, escaped exactly as Python's
/// `json.dumps` does for the given `profile`.
pub(crate) fn write_escaped_str(out: &mut Vec<u8>, s: &str, profile: Profile) {
    out.push(b'"');
    write_escaped_contents(out, s, profile);
    out.push(b'"');
}

// ---------------------------------------------------------------------------
// Floats
// ---------------------------------------------------------------------------

/// Writes Python's `repr` layout given the output of Rust's `{:e}` formatting
/// (shortest round-trip digits, e.g. `-1.5e-7`).
fn write_repr_from_exp(sci: &str, out: &mut Vec<u8>) -> Result<(), PyJsonError> {
    let (negative, body) = match sci.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, sci),
    };
    let (mantissa, exp_text) = body
        .split_once('e')
        .ok_or(PyJsonError::new("unexpected float formatting"))?;
    let exp: i32 = exp_text
        .parse()
        .map_err(|_| PyJsonError::new("unexpected float formatting"))?;
    let mut digits: Vec<u8> = mantissa.bytes().filter(|&b| b != b'.').collect();
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(PyJsonError::new("unexpected float formatting"));
    }
    if negative {
        out.push(b'-');
    }
    if !(-4..16).contains(&exp) {
        // Exponent form: d[.ddd]e±XX
        let (first, rest) = digits.split_at(1);
        out.extend_from_slice(first);
        if !rest.is_empty() {
            out.push(b'.');
            out.extend_from_slice(rest);
        }
        out.push(b'e');
        out.push(if exp < 0 { b'-' } else { b'+' });
        let abs = exp.unsigned_abs();
        if abs < 10 {
            out.push(b'0');
        }
        out.extend_from_slice(abs.to_string().as_bytes());
    } else if exp < 0 {
        // 0.000ddd
        out.extend_from_slice(b"0.");
        for _ in 0..(exp.unsigned_abs() - 1) {
            out.push(b'0');
        }
        out.extend_from_slice(&digits);
    } else {
        // Integer part has exp + 1 digits; always keep a fractional part.
        let int_len = usize::try_from(exp).unwrap_or(0) + 1;
        if digits.len() <= int_len {
            out.extend_from_slice(&digits);
            for _ in digits.len()..int_len {
                out.push(b'0');
            }
            out.extend_from_slice(b".0");
        } else {
            let (int_part, frac_part) = digits.split_at(int_len);
            out.extend_from_slice(int_part);
            out.push(b'.');
            out.extend_from_slice(frac_part);
        }
    }
    Ok(())
}

/// Appends `x` formatted exactly like Python's `repr(float)`.
///
/// Returns an error for NaN and infinities, which JSON cannot represent.
pub(crate) fn format_py_float(x: f64, out: &mut Vec<u8>) -> Result<(), PyJsonError> {
    if !x.is_finite() {
        return Err(PyJsonError::new(NON_FINITE));
    }
    let shortest = format!("{x:e}");
    // Rust's shortest digits break ties (two equally short candidates
    // equidistant from `x`) upwards, while Python's dtoa picks the one with
    // an even last digit. Re-round `x` exactly to the same number of digits
    // (Rust uses round-half-even there) and prefer that when it still
    // round-trips; otherwise keep the shortest form.
    let mantissa_len = shortest
        .split_once('e')
        .map_or(0, |(m, _)| m.bytes().filter(u8::is_ascii_digit).count());
    if mantissa_len > 1 {
        let rounded = format!("{x:.prec$e}", prec = mantissa_len - 1);
        if rounded != shortest && rounded.parse::<f64>().ok() == Some(x) {
            return write_repr_from_exp(&rounded, out);
        }
    }
    write_repr_from_exp(&shortest, out)
}

// ---------------------------------------------------------------------------
// serde_json formatter
// ---------------------------------------------------------------------------

/// Compact `serde_json` formatter reproducing Python's `json.dumps` output.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PyFormatter {
    /// String escaping profile.
    pub(crate) profile: Profile,
}

/// Converts a [`PyJsonError`] into an `io::Error` for the formatter API.
fn to_io(err: PyJsonError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, err)
}

impl Formatter for PyFormatter {
    fn write_f64<W>(&mut self, writer: &mut W, value: f64) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        let mut buf = Vec::with_capacity(24);
        format_py_float(value, &mut buf).map_err(to_io)?;
        writer.write_all(&buf)
    }

    /// Python has no single-precision floats; an `f32` is written with its
    /// own shortest round-trip digits laid out in Python `repr` style (so
    /// `1.1f32` becomes `1.1`, which Python reads and re-dumps unchanged).
    fn write_f32<W>(&mut self, writer: &mut W, value: f32) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        if !value.is_finite() {
            return Err(to_io(PyJsonError::new(NON_FINITE)));
        }
        let mut buf = Vec::with_capacity(24);
        write_repr_from_exp(&format!("{value:e}"), &mut buf).map_err(to_io)?;
        writer.write_all(&buf)
    }

    fn write_string_fragment<W>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        match self.profile {
            Profile::Utf8 => writer.write_all(fragment.as_bytes()),
            Profile::Ascii => {
                let mut buf = Vec::with_capacity(fragment.len() + 8);
                write_escaped_contents(&mut buf, fragment, Profile::Ascii);
                writer.write_all(&buf)
            }
        }
    }

    fn write_char_escape<W>(&mut self, writer: &mut W, char_escape: CharEscape) -> io::Result<()>
    where
        W: ?Sized + io::Write,
    {
        let byte = match char_escape {
            CharEscape::Quote => b'"',
            CharEscape::ReverseSolidus => b'\\',
            // Python never escapes '/'.
            CharEscape::Solidus => return writer.write_all(b"/"),
            CharEscape::Backspace => 0x08,
            CharEscape::FormFeed => 0x0C,
            CharEscape::LineFeed => b'\n',
            CharEscape::CarriageReturn => b'\r',
            CharEscape::Tab => b'\t',
            CharEscape::AsciiControl(b) => b,
        };
        let mut buf = Vec::with_capacity(6);
        push_basic_escape(&mut buf, byte);
        writer.write_all(&buf)
    }
}

/// Serializes `value` to Python-compatible compact JSON.
///
/// Struct fields are written in declaration order and map entries in
/// iteration order. NaN and infinite floats are rejected (`serde_json` would
/// otherwise silently write `null`).
pub(crate) fn to_vec<T: Serialize + ?Sized>(
    value: &T,
    profile: Profile,
) -> Result<Vec<u8>, PyJsonError> {
    value.serialize(FiniteCheck).map_err(|e| e.0)?;
    let mut out = Vec::with_capacity(128);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, PyFormatter { profile });
    value
        .serialize(&mut ser)
        .map_err(|_| PyJsonError::new("value cannot be serialized as JSON"))?;
    Ok(out)
}

/// Error type of the [`FiniteCheck`] pre-pass.
#[derive(Debug)]
struct CheckError(PyJsonError);

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for CheckError {}

impl ser::Error for CheckError {
    fn custom<M: fmt::Display>(_msg: M) -> Self {
        CheckError(PyJsonError::new("value cannot be serialized as JSON"))
    }
}

/// A serializer that writes nothing and only rejects non-finite floats.
///
/// `serde_json` writes NaN and infinities as `null` without consulting the
/// formatter, so this pass is needed to detect them.
#[derive(Clone, Copy)]
struct FiniteCheck;

/// Shorthand for the check pass result.
type CheckResult = Result<(), CheckError>;

impl ser::Serializer for FiniteCheck {
    type Ok = ();
    type Error = CheckError;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, _v: bool) -> CheckResult {
        Ok(())
    }
    fn serialize_i8(self, _v: i8) -> CheckResult {
        Ok(())
    }
    fn serialize_i16(self, _v: i16) -> CheckResult {
        Ok(())
    }
    fn serialize_i32(self, _v: i32) -> CheckResult {
        Ok(())
    }
    fn serialize_i64(self, _v: i64) -> CheckResult {
        Ok(())
    }
    fn serialize_i128(self, _v: i128) -> CheckResult {
        Ok(())
    }
    fn serialize_u8(self, _v: u8) -> CheckResult {
        Ok(())
    }
    fn serialize_u16(self, _v: u16) -> CheckResult {
        Ok(())
    }
    fn serialize_u32(self, _v: u32) -> CheckResult {
        Ok(())
    }
    fn serialize_u64(self, _v: u64) -> CheckResult {
        Ok(())
    }
    fn serialize_u128(self, _v: u128) -> CheckResult {
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> CheckResult {
        if v.is_finite() {
            Ok(())
        } else {
            Err(CheckError(PyJsonError::new(NON_FINITE)))
        }
    }
    fn serialize_f64(self, v: f64) -> CheckResult {
        if v.is_finite() {
            Ok(())
        } else {
            Err(CheckError(PyJsonError::new(NON_FINITE)))
        }
    }
    fn serialize_char(self, _v: char) -> CheckResult {
        Ok(())
    }
    fn serialize_str(self, _v: &str) -> CheckResult {
        Ok(())
    }
    fn serialize_bytes(self, _v: &[u8]) -> CheckResult {
        Ok(())
    }
    fn serialize_none(self) -> CheckResult {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> CheckResult {
        value.serialize(self)
    }
    fn serialize_unit(self) -> CheckResult {
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> CheckResult {
        Ok(())
    }
    fn serialize_unit_variant(self, _n: &'static str, _i: u32, _v: &'static str) -> CheckResult {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> CheckResult {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        value: &T,
    ) -> CheckResult {
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, CheckError> {
        Ok(self)
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self, CheckError> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _n: &'static str, _len: usize) -> Result<Self, CheckError> {
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self, CheckError> {
        Ok(self)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self, CheckError> {
        Ok(self)
    }
    fn serialize_struct(self, _n: &'static str, _len: usize) -> Result<Self, CheckError> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self, CheckError> {
        Ok(self)
    }
    fn is_human_readable(&self) -> bool {
        true
    }
}

impl ser::SerializeSeq for FiniteCheck {
    type Ok = ();
    type Error = CheckError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> CheckResult {
        value.serialize(*self)
    }
    fn end(self) -> CheckResult {
        Ok(())
    }
}

impl ser::SerializeTuple for FiniteCheck {
    type Ok = ();
    type Error = CheckError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> CheckResult {
        value.serialize(*self)
    }
    fn end(self) -> CheckResult {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for FiniteCheck {
    type Ok = ();
    type Error = CheckError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> CheckResult {
        value.serialize(*self)
    }
    fn end(self) -> CheckResult {
        Ok(())
    }
}

impl ser::SerializeTupleVariant for FiniteCheck {
    type Ok = ();
    type Error = CheckError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> CheckResult {
        value.serialize(*self)
    }
    fn end(self) -> CheckResult {
        Ok(())
    }
}

impl ser::SerializeMap for FiniteCheck {
    type Ok = ();
    type Error = CheckError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> CheckResult {
        key.serialize(*self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> CheckResult {
        value.serialize(*self)
    }
    fn end(self) -> CheckResult {
        Ok(())
    }
}

impl ser::SerializeStruct for FiniteCheck {
    type Ok = ();
    type Error = CheckError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        _key: &'static str,
        value: &T,
    ) -> CheckResult {
        value.serialize(*self)
    }
    fn end(self) -> CheckResult {
        Ok(())
    }
}

impl ser::SerializeStructVariant for FiniteCheck {
    type Ok = ();
    type Error = CheckError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        _key: &'static str,
        value: &T,
    ) -> CheckResult {
        value.serialize(*self)
    }
    fn end(self) -> CheckResult {
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Strict parser / re-writer
// ---------------------------------------------------------------------------

/// Strict RFC 8259 parser that re-emits Python-compatible JSON.
struct Rewriter<'a> {
    /// Whole input, already validated as UTF-8.
    text: &'a str,
    /// Current byte offset into `text`.
    pos: usize,
    /// Output escaping profile.
    profile: Profile,
    /// Python's default separators `", "` and `": "`.
    spaced: bool,
    /// Object members sorted by name.
    sort_keys: bool,
    /// Maximum nesting depth of arrays/objects (top-level container is 1).
    max_depth: usize,
}

impl<'a> Rewriter<'a> {
    /// Validates `json_text` as UTF-8 and sets up a parser over it.
    fn new(json_text: &'a [u8], style: Style, max_depth: usize) -> Result<Self, PyJsonError> {
        let text = std::str::from_utf8(json_text)
            .map_err(|_| PyJsonError::new("JSON text is not valid UTF-8"))?;
        Ok(Self {
            text,
            pos: 0,
            profile: style.profile,
            spaced: style.spaced,
            sort_keys: style.sort_keys,
            max_depth,
        })
    }

    /// The item separator: `,` or `, `.
    fn item_sep(&self) -> &'static [u8] {
        if self.spaced {
            b", "
        } else {
            b","
        }
    }

    /// The key separator: `:` or `: `.
    fn key_sep(&self) -> &'static [u8] {
        if self.spaced {
            b": "
        } else {
            b":"
        }
    }

    /// Returns the byte at the current position, if any.
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Returns the byte at the current position and advances past it.
    fn next_byte(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    /// Skips JSON insignificant whitespace.
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Consumes `expected` or fails with `reason`.
    fn expect(&mut self, expected: u8, reason: &'static str) -> Result<(), PyJsonError> {
        if self.next_byte() == Some(expected) {
            Ok(())
        } else {
            Err(PyJsonError::new(reason))
        }
    }

    /// Requires that only whitespace remains.
    fn finish(&mut self) -> Result<(), PyJsonError> {
        self.skip_ws();
        if self.pos == self.text.len() {
            Ok(())
        } else {
            Err(PyJsonError::new("trailing characters after JSON value"))
        }
    }

    /// Parses one value (after optional whitespace) and re-emits it to `out`.
    /// `depth` is the number of containers already entered.
    fn value(&mut self, out: &mut Vec<u8>, depth: usize) -> Result<(), PyJsonError> {
        self.skip_ws();
        match self.peek() {
            Some(b'{') => self.object(out, depth + 1),
            Some(b'[') => self.array(out, depth + 1),
            Some(b'"') => {
                let s = self.string()?;
                write_escaped_str(out, &s, self.profile);
                Ok(())
            }
            Some(b'-' | b'0'..=b'9') => self.number(out),
            Some(b't') => self.literal(out, "true"),
            Some(b'f') => self.literal(out, "false"),
            Some(b'n') => self.literal(out, "null"),
            Some(_) => Err(PyJsonError::new("unexpected character in JSON text")),
            None => Err(PyJsonError::new("unexpected end of JSON text")),
        }
    }

    /// Consumes the literal `word` and writes it.
    fn literal(&mut self, out: &mut Vec<u8>, word: &'static str) -> Result<(), PyJsonError> {
        let rest = self.text.get(self.pos..).unwrap_or_default();
        if rest.starts_with(word) {
            self.pos += word.len();
            out.extend_from_slice(word.as_bytes());
            Ok(())
        } else {
            Err(PyJsonError::new("invalid literal in JSON text"))
        }
    }

    /// Checks the depth limit for a container at `depth`.
    fn check_depth(&self, depth: usize) -> Result<(), PyJsonError> {
        if depth > self.max_depth {
            Err(PyJsonError::new("JSON nesting too deep"))
        } else {
            Ok(())
        }
    }

    /// Parses an array whose `[` is at the current position.
    fn array(&mut self, out: &mut Vec<u8>, depth: usize) -> Result<(), PyJsonError> {
        self.check_depth(depth)?;
        self.expect(b'[', "expected '['")?;
        out.push(b'[');
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            out.push(b']');
            return Ok(());
        }
        loop {
            self.value(out, depth)?;
            self.skip_ws();
            match self.next_byte() {
                Some(b',') => out.extend_from_slice(self.item_sep()),
                Some(b']') => {
                    out.push(b']');
                    return Ok(());
                }
                _ => return Err(PyJsonError::new("expected ',' or ']' in array")),
            }
        }
    }

    /// Parses an object whose `{` is at the current position, calling
    /// `member` with each decoded key and re-emitted value.
    fn object_with<F>(&mut self, depth: usize, mut member: F) -> Result<(), PyJsonError>
    where
        F: FnMut(String, Vec<u8>),
    {
        self.check_depth(depth)?;
        self.expect(b'{', "expected '{'")?;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        let mut seen: HashSet<String> = HashSet::new();
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(PyJsonError::new("expected string key in object"));
            }
            let key = self.string()?;
            if !seen.insert(key.clone()) {
                return Err(PyJsonError::new("duplicate key in JSON object"));
            }
            self.skip_ws();
            self.expect(b':', "expected ':' in object")?;
            let mut value = Vec::new();
            self.value(&mut value, depth)?;
            member(key, value);
            self.skip_ws();
            match self.next_byte() {
                Some(b',') => {}
                Some(b'}') => return Ok(()),
                _ => return Err(PyJsonError::new("expected ',' or '}' in object")),
            }
        }
    }

    /// Parses an object and re-emits it to `out` (members sorted by name
    /// with `sort_keys`: Rust's `str` order is code point order, as Python's).
    fn object(&mut self, out: &mut Vec<u8>, depth: usize) -> Result<(), PyJsonError> {
        let mut members = Vec::new();
        self.object_with(depth, |key, value| members.push((key, value)))?;
        if self.sort_keys {
            members.sort_by(|a, b| a.0.cmp(&b.0));
        }
        out.push(b'{');
        for (i, (key, value)) in members.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(self.item_sep());
            }
            write_escaped_str(out, key, self.profile);
            out.extend_from_slice(self.key_sep());
            out.extend_from_slice(value);
        }
        out.push(b'}');
        Ok(())
    }

    /// Consumes a run of ASCII digits, returning how many were consumed.
    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Parses a number and re-emits it (integers verbatim, others as
    /// Python float repr).
    fn number(&mut self, out: &mut Vec<u8>) -> Result<(), PyJsonError> {
        let start = self.pos;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(PyJsonError::new("leading zero in JSON number"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(PyJsonError::new("invalid JSON number")),
        }
        let mut is_float = false;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(PyJsonError::new("invalid JSON number"));
            }
            is_float = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(PyJsonError::new("invalid JSON number"));
            }
            is_float = true;
        }
        let text = self
            .text
            .get(start..self.pos)
            .ok_or(PyJsonError::new("invalid JSON number"))?;
        if is_float {
            let x: f64 = text
                .parse()
                .map_err(|_| PyJsonError::new("invalid JSON number"))?;
            if !x.is_finite() {
                return Err(PyJsonError::new("JSON number overflows a float"));
            }
            format_py_float(x, out)
        } else {
            // Python int: `-0` is plain `0`.
            if text == "-0" {
                out.push(b'0');
            } else {
                out.extend_from_slice(text.as_bytes());
            }
            Ok(())
        }
    }

    /// Parses four hex digits of a `\u` escape.
    fn hex4(&mut self) -> Result<u16, PyJsonError> {
        let mut v: u16 = 0;
        for _ in 0..4 {
            let d = match self.next_byte() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err(PyJsonError::new("invalid \\u escape")),
            };
            v = (v << 4) | u16::from(d);
        }
        Ok(v)
    }

    /// Parses a string whose `"` is at the current position, decoding escapes.
    fn string(&mut self) -> Result<String, PyJsonError> {
        self.expect(b'"', "expected '\"'")?;
        let mut s = String::new();
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // Both ends sit on ASCII bytes (or the end), so on char boundaries.
            s.push_str(self.text.get(run_start..self.pos).unwrap_or_default());
            match self.next_byte() {
                Some(b'"') => return Ok(s),
                Some(b'\\') => self.escape(&mut s)?,
                Some(_) => return Err(PyJsonError::new("unescaped control character in string")),
                None => return Err(PyJsonError::new("unterminated string")),
            }
        }
    }

    /// Decodes one escape sequence (after the backslash) into `s`.
    fn escape(&mut self, s: &mut String) -> Result<(), PyJsonError> {
        let c = match self.next_byte() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let unit = self.hex4()?;
                match unit {
                    0xD800..=0xDBFF => {
                        if self.next_byte() != Some(b'\\') || self.next_byte() != Some(b'u') {
                            return Err(PyJsonError::new("lone surrogate in string"));
                        }
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(PyJsonError::new("lone surrogate in string"));
                        }
                        let cp = 0x10000
                            + ((u32::from(unit) - 0xD800) << 10)
                            + (u32::from(low) - 0xDC00);
                        char::from_u32(cp).ok_or(PyJsonError::new("lone surrogate in string"))?
                    }
                    0xDC00..=0xDFFF => {
                        return Err(PyJsonError::new("lone surrogate in string"));
                    }
                    _ => char::from_u32(u32::from(unit))
                        .ok_or(PyJsonError::new("invalid \\u escape"))?,
                }
            }
            _ => return Err(PyJsonError::new("invalid escape in string")),
        };
        s.push(c);
        Ok(())
    }
}

/// Re-emits caller-supplied JSON text as Python's compact `json.dumps` would
/// write it, keeping key order and arbitrary-size integers.
///
/// The input must be strict RFC 8259 JSON (UTF-8, no trailing data, no
/// leading zeros, no NaN/Infinity, no lone surrogates, no duplicate keys)
/// with at most `max_depth` nested arrays/objects (a top-level container
/// counts as depth 1; `max_depth == 0` allows only scalars).
pub(crate) fn rewrite(
    json_text: &[u8],
    profile: Profile,
    max_depth: usize,
) -> Result<Vec<u8>, PyJsonError> {
    rewrite_styled(json_text, Style::compact(profile), max_depth)
}

/// [`rewrite`] with every `json.dumps` option of [`Style`]: escaping,
/// separators and `sort_keys`.
pub(crate) fn rewrite_styled(
    json_text: &[u8],
    style: Style,
    max_depth: usize,
) -> Result<Vec<u8>, PyJsonError> {
    let mut p = Rewriter::new(json_text, style, max_depth)?;
    let mut out = Vec::with_capacity(json_text.len());
    p.value(&mut out, 0)?;
    p.finish()?;
    Ok(out)
}

/// Parses JSON text that must be a top-level object and returns its members
/// in the caller's order, each value already re-emitted as by [`rewrite`].
///
/// The same strictness and depth rules as [`rewrite`] apply (the top-level
/// object itself counts as depth 1).
pub(crate) fn rewrite_object_members(
    json_text: &[u8],
    profile: Profile,
    max_depth: usize,
) -> Result<Vec<(String, Vec<u8>)>, PyJsonError> {
    let mut p = Rewriter::new(json_text, Style::compact(profile), max_depth)?;
    p.skip_ws();
    if p.peek() != Some(b'{') {
        return Err(PyJsonError::new("JSON text is not an object"));
    }
    let mut members = Vec::new();
    p.object_with(1, |k, v| members.push((k, v)))?;
    p.finish()?;
    Ok(members)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    fn rw(s: &str, profile: Profile) -> String {
        String::from_utf8(rewrite(s.as_bytes(), profile, 64).unwrap()).unwrap()
    }

    fn esc(s: &str, profile: Profile) -> String {
        let mut out = Vec::new();
        write_escaped_str(&mut out, s, profile);
        String::from_utf8(out).unwrap()
    }

    fn pyf(x: f64) -> String {
        let mut out = Vec::new();
        format_py_float(x, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    const SPECIAL: &str =
        "\u{0}\u{1}\u{1f}\u{8}\u{c}\n\r\t\"\\/\u{7f}\u{80}\u{2028}\u{2029}</script>";

    #[test]
    fn string_escaping_utf8() {
        let expected = "\"\\u0000\\u0001\\u001f\\b\\f\\n\\r\\t\\\"\\\\/\u{7f}\u{80}\u{2028}\u{2029}</script>\"";
        assert_eq!(esc(SPECIAL, Profile::Utf8), expected);
        let json = r#""\u0000\u0001\u001f\b\f\n\r\t\"\\/\u007f\u0080\u2028\u2029</script>""#;
        assert_eq!(rw(json, Profile::Utf8), expected);
        assert_eq!(
            String::from_utf8(to_vec(SPECIAL, Profile::Utf8).unwrap()).unwrap(),
            expected
        );
    }

    #[test]
    fn styles_spaced_and_sorted() {
        // json.dumps(obj) (Python's defaults) and sort_keys=True.
        let text = r#"{"z": 1, "a": [1, {"y": "\u00e9", "b": null}], "m": 1.0}"#;
        let spaced = Style {
            profile: Profile::Ascii,
            spaced: true,
            sort_keys: false,
        };
        assert_eq!(
            String::from_utf8(rewrite_styled(text.as_bytes(), spaced, 64).unwrap()).unwrap(),
            r#"{"z": 1, "a": [1, {"y": "\u00e9", "b": null}], "m": 1.0}"#
        );
        let sorted = Style {
            profile: Profile::Utf8,
            spaced: false,
            sort_keys: true,
        };
        assert_eq!(
            String::from_utf8(rewrite_styled(text.as_bytes(), sorted, 64).unwrap()).unwrap(),
            "{\"a\":[1,{\"b\":null,\"y\":\"\u{e9}\"}],\"m\":1.0,\"z\":1}"
        );
        // Code point order: "Alpha" < "_under" < "beta" (Flask's sorting).
        assert_eq!(
            String::from_utf8(
                rewrite_styled(br#"{"beta":1,"_under":2,"Alpha":3}"#, sorted, 64).unwrap()
            )
            .unwrap(),
            r#"{"Alpha":3,"_under":2,"beta":1}"#
        );
        assert_eq!(rewrite_styled(b"[]", spaced, 64).unwrap(), b"[]");
        assert_eq!(rewrite_styled(b"{ }", spaced, 64).unwrap(), b"{}");
    }

    #[test]
    fn string_escaping_ascii() {
        let expected = r#""\u0000\u0001\u001f\b\f\n\r\t\"\\/\u007f\u0080\u2028\u2029</script>""#;
        assert_eq!(esc(SPECIAL, Profile::Ascii), expected);
        assert_eq!(rw(expected, Profile::Ascii), expected);
        assert_eq!(
            String::from_utf8(to_vec(SPECIAL, Profile::Ascii).unwrap()).unwrap(),
            expected
        );
    }

    #[test]
    fn non_ascii_ascii_profile() {
        let input = r#"{"msg":"héllo wörld € 中文 😀 مرحبا","clé":1}"#;
        let expected = r#"{"msg":"h\u00e9llo w\u00f6rld \u20ac \u4e2d\u6587 \ud83d\ude00 \u0645\u0631\u062d\u0628\u0627","cl\u00e9":1}"#;
        assert_eq!(rw(input, Profile::Ascii), expected);
        let v: serde_json::Value = serde_json::from_str(input).unwrap();
        // serde_json::Value (without preserve_order) sorts keys; compare a
        // single-key value instead.
        let single = serde_json::json!({"msg": v["msg"]});
        assert_eq!(
            String::from_utf8(to_vec(&single, Profile::Ascii).unwrap()).unwrap(),
            r#"{"msg":"h\u00e9llo w\u00f6rld \u20ac \u4e2d\u6587 \ud83d\ude00 \u0645\u0631\u062d\u0628\u0627"}"#
        );
        // Utf8 profile decodes escapes and writes raw characters.
        assert_eq!(rw(expected, Profile::Utf8), input);
        assert_eq!(rw(r#""\u00e9""#, Profile::Utf8), "\"é\"");
        assert_eq!(rw(r#""\uD83D\uDE00""#, Profile::Ascii), r#""\ud83d\ude00""#);
    }

    #[test]
    fn floats() {
        let input = "[0.1, 1.0, -0.0, 1.5, 1e+100, 1e-07, 1e+16, 1000000000000000.0, \
                     123456789.123, 2.5e-05, 1.7976931348623157e+308, 5e-324]";
        assert_eq!(
            rw(input, Profile::Utf8),
            "[0.1,1.0,-0.0,1.5,1e+100,1e-07,1e+16,1000000000000000.0,123456789.123,\
             2.5e-05,1.7976931348623157e+308,5e-324]"
        );
        assert_eq!(
            rw("[1e16, 1E-7, 0.00001, 0.0001, 1.5e300]", Profile::Ascii),
            "[1e+16,1e-07,1e-05,0.0001,1.5e+300]"
        );
        assert_eq!(
            rw(
                "[123e20, 1e22, 9007199254740993.0, 0.30000000000000004, 1e-400, -1.25e-5]",
                Profile::Utf8
            ),
            "[1.23e+22,1e+22,9007199254740992.0,0.30000000000000004,0.0,-1.25e-05]"
        );
        assert_eq!(pyf(1e15), "1000000000000000.0");
        assert_eq!(pyf(9_999_999_999_999_998.0), "9999999999999998.0");
        assert_eq!(pyf(0.001), "0.001");
        assert_eq!(pyf(-123.0), "-123.0");
        // Tie between two shortest candidates: Python keeps the even digit.
        assert_eq!(
            pyf(f64::from_bits(0x431b_32f9_f2fd_01ad)),
            "1913968369025131.2"
        );
        assert_eq!(pyf(f64::MIN_POSITIVE), "2.2250738585072014e-308");
        assert!(format_py_float(f64::NAN, &mut Vec::new()).is_err());
        assert!(format_py_float(f64::INFINITY, &mut Vec::new()).is_err());
        assert!(format_py_float(f64::NEG_INFINITY, &mut Vec::new()).is_err());
    }

    #[test]
    fn float_round_trip_random() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut checked = 0;
        for i in 0..200_000u32 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Mix in values with small exponents, which hit fixed notation.
            let bits = if i % 2 == 0 {
                state
            } else {
                (state & 0x800F_FFFF_FFFF_FFFF) | ((0x3E0 + (state >> 52) % 0x60) << 52)
            };
            let x = f64::from_bits(bits);
            if !x.is_finite() {
                continue;
            }
            let s = pyf(x);
            let back: f64 = s.parse().unwrap();
            assert_eq!(back.to_bits(), x.to_bits(), "{s}");
            checked += 1;
        }
        assert!(checked > 100_000);
    }

    #[test]
    fn bigints_verbatim() {
        let input = "[9223372036854775807, 9223372036854775808, 18446744073709551617, \
                     -9223372036854775809, 1000000000000000000000000000000]";
        assert_eq!(
            rw(input, Profile::Utf8),
            "[9223372036854775807,9223372036854775808,18446744073709551617,\
             -9223372036854775809,1000000000000000000000000000000]"
        );
        assert_eq!(rw("-0", Profile::Utf8), "0");
        assert_eq!(rw("[-0, 0, -1]", Profile::Utf8), "[0,0,-1]");
    }

    #[test]
    fn nested_and_whitespace() {
        assert_eq!(
            rw(r#"{"x5": {"a": [1, 2]}, "n": null}"#, Profile::Utf8),
            r#"{"x5":{"a":[1,2]},"n":null}"#
        );
        assert_eq!(
            rw(
                " \t\r\n{ \"b\" : true , \"a\" : [ false , { } , [ ] ] } \n",
                Profile::Ascii
            ),
            r#"{"b":true,"a":[false,{},[]]}"#
        );
        assert_eq!(rw("\"x\"", Profile::Utf8), "\"x\"");
    }

    #[test]
    fn object_members() {
        let m = rewrite_object_members(
            br#"{"typ": "JWT", "alg": "HS256", "x": {"\u00e9": 1.0}, "n": -0}"#,
            Profile::Ascii,
            4,
        )
        .unwrap();
        let got: Vec<(String, String)> = m
            .into_iter()
            .map(|(k, v)| (k, String::from_utf8(v).unwrap()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("typ".to_owned(), "\"JWT\"".to_owned()),
                ("alg".to_owned(), "\"HS256\"".to_owned()),
                ("x".to_owned(), r#"{"\u00e9":1.0}"#.to_owned()),
                ("n".to_owned(), "0".to_owned()),
            ]
        );
        assert!(rewrite_object_members(b"[1]", Profile::Utf8, 4).is_err());
        assert!(rewrite_object_members(b"{} x", Profile::Utf8, 4).is_err());
        assert!(rewrite_object_members(br#"{"a":1,"a":2}"#, Profile::Utf8, 4).is_err());
        assert!(rewrite_object_members(br#"{"a":[]}"#, Profile::Utf8, 1).is_err());
        assert!(rewrite_object_members(br#"{"a":[]}"#, Profile::Utf8, 2).is_ok());
        assert!(rewrite_object_members(b"{}", Profile::Utf8, 0).is_err());
        assert_eq!(
            rewrite_object_members(b" {} ", Profile::Utf8, 1).unwrap(),
            vec![]
        );
    }

    #[test]
    fn to_vec_values_and_structs() {
        #[derive(serde::Serialize)]
        struct Claims {
            sub: String,
            exp: f64,
            iat: u64,
            name: Option<String>,
        }
        let c = Claims {
            sub: "é/\u{7f}".to_owned(),
            exp: 1.0,
            iat: 1_700_000_000,
            name: None,
        };
        assert_eq!(
            String::from_utf8(to_vec(&c, Profile::Utf8).unwrap()).unwrap(),
            "{\"sub\":\"é/\u{7f}\",\"exp\":1.0,\"iat\":1700000000,\"name\":null}"
        );
        assert_eq!(
            String::from_utf8(to_vec(&c, Profile::Ascii).unwrap()).unwrap(),
            r#"{"sub":"\u00e9/\u007f","exp":1.0,"iat":1700000000,"name":null}"#
        );
        let v = serde_json::json!({"a": [1.0, 1e16, 0.5, -3, "x\ny"], "b": 1e-7});
        assert_eq!(
            String::from_utf8(to_vec(&v, Profile::Utf8).unwrap()).unwrap(),
            r#"{"a":[1.0,1e+16,0.5,-3,"x\ny"],"b":1e-07}"#
        );
        let f32s = [1.1f32, 1.0, 1e20];
        assert_eq!(
            String::from_utf8(to_vec(&f32s, Profile::Utf8).unwrap()).unwrap(),
            "[1.1,1.0,1e+20]"
        );
        let mut m = std::collections::BTreeMap::new();
        m.insert(1, 2.5);
        assert_eq!(
            String::from_utf8(to_vec(&m, Profile::Utf8).unwrap()).unwrap(),
            r#"{"1":2.5}"#
        );
    }

    #[test]
    fn to_vec_rejects_non_finite() {
        #[derive(serde::Serialize)]
        struct S {
            x: f64,
        }
        assert!(to_vec(&f64::NAN, Profile::Utf8).is_err());
        assert!(to_vec(&[1.0, f64::INFINITY], Profile::Utf8).is_err());
        assert!(to_vec(&Some(f32::NEG_INFINITY), Profile::Ascii).is_err());
        assert!(to_vec(&S { x: f64::NAN }, Profile::Utf8).is_err());
        let mut fmt = PyFormatter {
            profile: Profile::Utf8,
        };
        assert!(fmt.write_f64(&mut Vec::new(), f64::NAN).is_err());
        assert!(fmt.write_f32(&mut Vec::new(), f32::INFINITY).is_err());
    }

    #[test]
    fn rejections() {
        let bad: &[&[u8]] = &[
            b"",
            b"   ",
            b"1 2",
            b"{}x",
            b"[1],",
            b"01",
            b"-01",
            b"[00]",
            b"1.",
            b".5",
            b"1e",
            b"1e+",
            b"-",
            b"+1",
            b"NaN",
            b"Infinity",
            b"-Infinity",
            b"[NaN]",
            b"1e400",
            b"-1e400",
            b"\"\xff\"",
            b"\"\xc3\"",
            b"\xef\xbb\xbf{}",
            b"\"a\x01b\"",
            b"\"a\nb\"",
            b"\"a\tb\"",
            br#""\ud800""#,
            br#""\ud800x""#,
            br#""\ud800\n""#,
            br#""\ud800\u0041""#,
            br#""\udc00""#,
            br#""\ud83d\ud83d""#,
            br#""\u12""#,
            br#""\u12g4""#,
            br#""\x41""#,
            br#""\'""#,
            b"\"abc",
            br#"{"a":1,"a":2}"#,
            br#"{"a":1,"\u0061":2}"#,
            br#"{"a":{"b":1,"b":1}}"#,
            b"[1,]",
            b"[,1]",
            b"{\"a\":1,}",
            b"{a:1}",
            b"{'a':1}",
            b"{\"a\" 1}",
            b"[1 2]",
            b"tru",
            b"nul",
            b"True",
            b"[\"a\"\x0b]",
            b"\x0c1",
        ];
        for b in bad {
            assert!(
                rewrite(b, Profile::Utf8, 16).is_err(),
                "accepted {:?}",
                String::from_utf8_lossy(b)
            );
        }
        // Depth limit.
        assert!(rewrite(b"[[[1]]]", Profile::Utf8, 3).is_ok());
        assert!(rewrite(b"[[[1]]]", Profile::Utf8, 2).is_err());
        assert!(rewrite(br#"{"a":{"b":{}}}"#, Profile::Utf8, 2).is_err());
        assert!(rewrite(b"1", Profile::Utf8, 0).is_ok());
        assert!(rewrite(b"[]", Profile::Utf8, 0).is_err());
        let deep = "[".repeat(100_000);
        assert!(rewrite(deep.as_bytes(), Profile::Utf8, 128).is_err());
        // Same keys in different objects are fine.
        assert!(rewrite(br#"[{"a":1},{"a":2}]"#, Profile::Utf8, 4).is_ok());
        assert!(rewrite(br#"{"a":{"a":1}}"#, Profile::Utf8, 4).is_ok());
        let err = rewrite(b"01", Profile::Utf8, 4).unwrap_err();
        assert!(!err.to_string().is_empty());
    }
}
