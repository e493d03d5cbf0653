//! JWT claims (RFC 7519 §4): the registered claims this crate interprets,
//! and a helper to combine them with the caller's own claims.
//!
//! A JWT Claims Set is a JSON object (RFC 7519 §4). When decoding, the
//! registered claims are read in one pass over the payload with a small
//! borrowing reader that skips every other member, then the caller's type is
//! deserialised from the same text; no intermediate `serde_json::Value` is
//! built on the typed path.

use std::borrow::Cow;
use std::fmt;

use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use serde::ser::{Serialize, SerializeSeq, Serializer};

use crate::error::{Error, Part};
use crate::scan;
use crate::time::NumericDate;

/// The `aud` claim (RFC 7519 §4.1.3): one audience string or an array of
/// them. The form found in a token is kept, so re-encoding writes it back the
/// same way.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Audience {
    /// `"aud": "value"`.
    One(String),
    /// `"aud": ["a", "b"]` (possibly a single element, possibly empty).
    Many(Vec<String>),
}

impl Audience {
    /// Every audience value, in token order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let (one, many): (Option<&str>, &[String]) = match self {
            Audience::One(a) => (Some(a.as_str()), &[]),
            Audience::Many(v) => (None, v.as_slice()),
        };
        one.into_iter().chain(many.iter().map(String::as_str))
    }

    /// Whether `audience` is one of the values (exact, case-sensitive
    /// comparison, as RFC 7519 §4.1.3 requires for StringOrURI values).
    pub fn contains(&self, audience: &str) -> bool {
        self.iter().any(|a| a == audience)
    }
}

impl From<&str> for Audience {
    fn from(s: &str) -> Self {
        Audience::One(s.to_owned())
    }
}

impl From<String> for Audience {
    fn from(s: String) -> Self {
        Audience::One(s)
    }
}

impl From<Vec<String>> for Audience {
    fn from(v: Vec<String>) -> Self {
        Audience::Many(v)
    }
}

impl Serialize for Audience {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Audience::One(a) => s.serialize_str(a),
            Audience::Many(v) => {
                let mut seq = s.serialize_seq(Some(v.len()))?;
                for a in v {
                    seq.serialize_element(a)?;
                }
                seq.end()
            }
        }
    }
}

/// The registered claims of RFC 7519 §4.1, each optional.
///
/// Serialising writes only the claims that are present, in the order
/// `iss`, `sub`, `aud`, `exp`, `nbf`, `iat`, `jti`. NumericDates are written
/// as integers when they have no fractional part.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct RegisteredClaims {
    /// `iss` (RFC 7519 §4.1.1): the issuer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// `sub` (RFC 7519 §4.1.2): the subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// `aud` (RFC 7519 §4.1.3): the intended audience(s).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aud: Option<Audience>,
    /// `exp` (RFC 7519 §4.1.4): expiration time, a NumericDate (seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<NumericDate>,
    /// `nbf` (RFC 7519 §4.1.5): not before, a NumericDate (seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nbf: Option<NumericDate>,
    /// `iat` (RFC 7519 §4.1.6): issued at, a NumericDate (seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<NumericDate>,
    /// `jti` (RFC 7519 §4.1.7): a unique identifier for the token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
}

/// A complete claims set to encode: the registered claims followed by the
/// caller's own claims `T` (which must serialise as a JSON object; its
/// members are written after the registered ones).
///
/// `T` must not repeat a registered claim that is also set here: encoding
/// refuses a claims set that repeats a registered claim name.
///
/// ```
/// use timed_jws::{Claims, NumericDate};
///
/// #[derive(serde::Serialize)]
/// struct Custom { role: &'static str }
///
/// let claims = Claims::new(Custom { role: "admin" })
///     .subject("alice")
///     .expires_at(NumericDate::from_secs(1_700_003_600));
/// assert_eq!(
///     serde_json::to_string(&claims).unwrap(),
///     r#"{"sub":"alice","exp":1700003600,"role":"admin"}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Claims<T> {
    /// The registered claims (RFC 7519 §4.1).
    #[serde(flatten)]
    pub registered: RegisteredClaims,
    /// The caller's own (public or private, RFC 7519 §4.2/§4.3) claims.
    #[serde(flatten)]
    pub custom: T,
}

impl<T> Claims<T> {
    /// A claims set with no registered claims and `custom` claims.
    pub fn new(custom: T) -> Self {
        Claims {
            registered: RegisteredClaims::default(),
            custom,
        }
    }

    /// Sets `iss` (RFC 7519 §4.1.1).
    pub fn issuer(mut self, iss: impl Into<String>) -> Self {
        self.registered.iss = Some(iss.into());
        self
    }

    /// Sets `sub` (RFC 7519 §4.1.2).
    pub fn subject(mut self, sub: impl Into<String>) -> Self {
        self.registered.sub = Some(sub.into());
        self
    }

    /// Sets `aud` (RFC 7519 §4.1.3).
    pub fn audience(mut self, aud: impl Into<Audience>) -> Self {
        self.registered.aud = Some(aud.into());
        self
    }

    /// Sets `exp` (RFC 7519 §4.1.4).
    pub fn expires_at(mut self, exp: NumericDate) -> Self {
        self.registered.exp = Some(exp);
        self
    }

    /// Sets `nbf` (RFC 7519 §4.1.5).
    pub fn not_before(mut self, nbf: NumericDate) -> Self {
        self.registered.nbf = Some(nbf);
        self
    }

    /// Sets `iat` (RFC 7519 §4.1.6).
    pub fn issued_at(mut self, iat: NumericDate) -> Self {
        self.registered.iat = Some(iat);
        self
    }

    /// Sets `jti` (RFC 7519 §4.1.7).
    pub fn jwt_id(mut self, jti: impl Into<String>) -> Self {
        self.registered.jti = Some(jti.into());
        self
    }
}

/// A claim name, for [`crate::Validation::require`]: one of the registered
/// claims of RFC 7519 §4.1, or any other name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Claim {
    /// `iss`
    Iss,
    /// `sub`
    Sub,
    /// `aud`
    Aud,
    /// `exp`
    Exp,
    /// `nbf`
    Nbf,
    /// `iat`
    Iat,
    /// `jti`
    Jti,
    /// Any other claim name (a public or private claim).
    Custom(String),
}

impl Claim {
    /// The claim name as written in a claims set, e.g. `"exp"`.
    pub fn name(&self) -> &str {
        match self {
            Claim::Iss => "iss",
            Claim::Sub => "sub",
            Claim::Aud => "aud",
            Claim::Exp => "exp",
            Claim::Nbf => "nbf",
            Claim::Iat => "iat",
            Claim::Jti => "jti",
            Claim::Custom(name) => name,
        }
    }
}

impl From<&str> for Claim {
    /// A registered name maps to its variant (`"exp"` is [`Claim::Exp`]);
    /// anything else is [`Claim::Custom`].
    fn from(name: &str) -> Self {
        match name {
            "iss" => Claim::Iss,
            "sub" => Claim::Sub,
            "aud" => Claim::Aud,
            "exp" => Claim::Exp,
            "nbf" => Claim::Nbf,
            "iat" => Claim::Iat,
            "jti" => Claim::Jti,
            other => Claim::Custom(other.to_owned()),
        }
    }
}

impl fmt::Display for Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

// ---------------------------------------------------------------------------
// The one-pass reader of registered claims.
// ---------------------------------------------------------------------------

/// `aud` as read: borrowed where the JSON text has no escapes.
#[derive(Debug)]
pub(crate) enum ParsedAud<'a> {
    One(Cow<'a, str>),
    Many(Vec<Cow<'a, str>>),
}

impl ParsedAud<'_> {
    pub(crate) fn contains(&self, audience: &str) -> bool {
        match self {
            ParsedAud::One(a) => a == audience,
            ParsedAud::Many(v) => v.iter().any(|a| a == audience),
        }
    }

    fn into_owned(self) -> Audience {
        match self {
            ParsedAud::One(a) => Audience::One(a.into_owned()),
            ParsedAud::Many(v) => Audience::Many(v.into_iter().map(Cow::into_owned).collect()),
        }
    }
}

/// The registered claims of one claims set, read without copying strings
/// when possible, plus every member name (for duplicate detection and
/// required custom claims).
#[derive(Debug, Default)]
pub(crate) struct ParsedClaims<'a> {
    pub(crate) iss: Option<Cow<'a, str>>,
    pub(crate) sub: Option<Cow<'a, str>>,
    pub(crate) aud: Option<ParsedAud<'a>>,
    pub(crate) exp: Option<NumericDate>,
    pub(crate) nbf: Option<NumericDate>,
    pub(crate) iat: Option<NumericDate>,
    pub(crate) jti: Option<Cow<'a, str>>,
    /// For each entry of the `required` list given to the reader: whether
    /// it is a [`Claim::Custom`] name present in the claims set (empty when
    /// no custom claim is required).
    custom_found: Vec<bool>,
    /// A registered claim appeared twice.
    duplicate: bool,
    /// The first unusable registered claim (name, reason).
    problem: Option<(&'static str, &'static str)>,
}

impl<'a> ParsedClaims<'a> {
    /// Whether entry `index` of the `required` list was a custom claim
    /// found in the claims set.
    pub(crate) fn custom_found(&self, index: usize) -> bool {
        self.custom_found.get(index).copied().unwrap_or(false)
    }

    pub(crate) fn into_registered(self) -> RegisteredClaims {
        RegisteredClaims {
            iss: self.iss.map(Cow::into_owned),
            sub: self.sub.map(Cow::into_owned),
            aud: self.aud.map(ParsedAud::into_owned),
            exp: self.exp,
            nbf: self.nbf,
            iat: self.iat,
            jti: self.jti.map(Cow::into_owned),
        }
    }
}

/// Reads the registered claims from the text of a claims set, noting which
/// custom claims of `required` are present.
///
/// Errors: [`Error::Malformed`] (part Payload) when the text is not one JSON
/// object or repeats a registered claim name (RFC 7519 §4 lets parsers
/// reject duplicates; other names are left to the caller's type, whose
/// deserialiser either rejects duplicates, as serde's derive does for
/// declared fields, or keeps the last, as RFC 7519 §4 also allows);
/// [`Error::InvalidClaim`] when a registered claim has the wrong type (a
/// NumericDate that is not a JSON number in the `i64` seconds range, a
/// string claim that is not a string, an `aud` that is neither a string nor
/// an array of strings).
pub(crate) fn parse_registered<'a>(
    text: &'a str,
    required: &[Claim],
) -> Result<ParsedClaims<'a>, Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = de::DeserializeSeed::deserialize(ClaimsVisitor { required }, &mut de)
        .map_err(map_json_error)?;
    de.end().map_err(map_json_error)?;
    if parsed.duplicate {
        return Err(Error::malformed(
            Part::Payload,
            "claims set repeats a registered claim name",
        ));
    }
    if let Some((claim, reason)) = parsed.problem {
        return Err(Error::invalid_claim(claim, reason));
    }
    Ok(parsed)
}

fn map_json_error(e: serde_json::Error) -> Error {
    if e.is_data() {
        Error::malformed(Part::Payload, "claims set is not a JSON object")
    } else {
        Error::malformed(Part::Payload, "claims set is not valid JSON")
    }
}

struct ClaimsVisitor<'r> {
    required: &'r [Claim],
}

impl<'de> de::DeserializeSeed<'de> for ClaimsVisitor<'_> {
    type Value = ParsedClaims<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ClaimsVisitor<'_> {
    type Value = ParsedClaims<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JWT Claims Set (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = ParsedClaims::default();
        let wants_custom = self.required.iter().any(|c| matches!(c, Claim::Custom(_)));
        if wants_custom {
            out.custom_found = vec![false; self.required.len()];
        }
        // Bit i set: registered claim i already seen (the first value is
        // kept; the duplicate itself is reported after the pass).
        let mut seen = 0u8;
        while let Some(Name(name)) = map.next_key::<Name<'de>>()? {
            let bit = match name.as_ref() {
                "exp" => 1u8,
                "nbf" => 2,
                "iat" => 4,
                "iss" => 8,
                "sub" => 16,
                "jti" => 32,
                "aud" => 64,
                _ => 0,
            };
            let first = bit != 0 && seen & bit == 0;
            out.duplicate |= bit != 0 && !first;
            seen |= bit;
            match bit {
                1 | 2 | 4 => {
                    let v = map.next_value::<DateSlot>()?;
                    if first {
                        let (slot, claim) = match bit {
                            1 => (&mut out.exp, "exp"),
                            2 => (&mut out.nbf, "nbf"),
                            _ => (&mut out.iat, "iat"),
                        };
                        match v.0 {
                            Ok(d) => *slot = Some(d),
                            Err(reason) => {
                                out.problem.get_or_insert((claim, reason));
                            }
                        }
                    }
                }
                8 | 16 | 32 => {
                    let v = map.next_value::<StrSlot<'de>>()?;
                    if first {
                        let (slot, claim) = match bit {
                            8 => (&mut out.iss, "iss"),
                            16 => (&mut out.sub, "sub"),
                            _ => (&mut out.jti, "jti"),
                        };
                        match v.0 {
                            Some(s) => *slot = Some(s),
                            None => {
                                out.problem.get_or_insert((claim, "claim must be a string"));
                            }
                        }
                    }
                }
                64 => {
                    let v = map.next_value::<AudSlot<'de>>()?;
                    if first {
                        match v.0 {
                            Some(a) => out.aud = Some(a),
                            None => {
                                out.problem.get_or_insert((
                                    "aud",
                                    "aud must be a string or an array of strings",
                                ));
                            }
                        }
                    }
                }
                _ => {
                    if wants_custom {
                        for (i, c) in self.required.iter().enumerate() {
                            if matches!(c, Claim::Custom(n) if *n == *name) {
                                if let Some(f) = out.custom_found.get_mut(i) {
                                    *f = true;
                                }
                            }
                        }
                    }
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
}

/// A member name, borrowed from the input when it has no escapes.
struct Name<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Consumes a whole value of a type that is not the one wanted.
fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// A NumericDate value, or why it is not one. Never fails on well-formed
/// JSON, so the claim name can be reported.
struct DateSlot(Result<NumericDate, &'static str>);

impl<'de> Deserialize<'de> for DateSlot {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        const NOT_NUMBER: &str = "NumericDate is not a JSON number";
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DateSlot;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DateSlot, E> {
                Ok(DateSlot(Ok(NumericDate::from_secs(v))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DateSlot, E> {
                Ok(DateSlot(
                    i64::try_from(v)
                        .map(NumericDate::from_secs)
                        .map_err(|_| "NumericDate out of range"),
                ))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DateSlot, E> {
                Ok(DateSlot(
                    NumericDate::from_f64(v, "").map_err(|_| "NumericDate out of range"),
                ))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<DateSlot, E> {
                Ok(DateSlot(Err(NOT_NUMBER)))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<DateSlot, E> {
                Ok(DateSlot(Err(NOT_NUMBER)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<DateSlot, E> {
                Ok(DateSlot(Err(NOT_NUMBER)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<DateSlot, A::Error> {
                drain_seq(seq)?;
                Ok(DateSlot(Err(NOT_NUMBER)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DateSlot, A::Error> {
                drain_map(map)?;
                Ok(DateSlot(Err(NOT_NUMBER)))
            }
        }
        d.deserialize_any(V)
    }
}

/// A string value (borrowed when possible), or `None` for any other type.
struct StrSlot<'a>(Option<Cow<'a, str>>);

struct StrVisitor;

impl<'de> Visitor<'de> for StrVisitor {
    type Value = StrSlot<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<StrSlot<'de>, E> {
        Ok(StrSlot(Some(Cow::Borrowed(v))))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<StrSlot<'de>, E> {
        Ok(StrSlot(Some(Cow::Owned(v.to_owned()))))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<StrSlot<'de>, E> {
        Ok(StrSlot(Some(Cow::Owned(v))))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<StrSlot<'de>, E> {
        Ok(StrSlot(None))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<StrSlot<'de>, E> {
        Ok(StrSlot(None))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<StrSlot<'de>, E> {
        Ok(StrSlot(None))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<StrSlot<'de>, E> {
        Ok(StrSlot(None))
    }
    fn visit_unit<E: de::Error>(self) -> Result<StrSlot<'de>, E> {
        Ok(StrSlot(None))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<StrSlot<'de>, A::Error> {
        drain_seq(seq)?;
        Ok(StrSlot(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<StrSlot<'de>, A::Error> {
        drain_map(map)?;
        Ok(StrSlot(None))
    }
}

impl<'de> Deserialize<'de> for StrSlot<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrVisitor)
    }
}

/// An `aud` value, or `None` when it is neither a string nor an array of
/// strings.
struct AudSlot<'a>(Option<ParsedAud<'a>>);

impl<'de> Deserialize<'de> for AudSlot<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AudSlot<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<AudSlot<'de>, E> {
                Ok(AudSlot(Some(ParsedAud::One(Cow::Borrowed(v)))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AudSlot<'de>, E> {
                Ok(AudSlot(Some(ParsedAud::One(Cow::Owned(v.to_owned())))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<AudSlot<'de>, E> {
                Ok(AudSlot(Some(ParsedAud::One(Cow::Owned(v)))))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<AudSlot<'de>, E> {
                Ok(AudSlot(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<AudSlot<'de>, E> {
                Ok(AudSlot(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<AudSlot<'de>, E> {
                Ok(AudSlot(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<AudSlot<'de>, E> {
                Ok(AudSlot(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<AudSlot<'de>, E> {
                Ok(AudSlot(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AudSlot<'de>, A::Error> {
                let mut values = Vec::new();
                let mut all_strings = true;
                while let Some(StrSlot(v)) = seq.next_element::<StrSlot<'de>>()? {
                    match v {
                        Some(s) if all_strings => values.push(s),
                        _ => all_strings = false,
                    }
                }
                Ok(AudSlot(all_strings.then_some(ParsedAud::Many(values))))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<AudSlot<'de>, A::Error> {
                drain_map(map)?;
                Ok(AudSlot(None))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------
// A cheap byte scan of the common claims shape, used before the reader above.
// ---------------------------------------------------------------------------

/// Reads the registered claims of `text` by scanning bytes, for the common
/// shape only: a JSON object whose member names contain no escapes, whose
/// `iss`/`sub`/`jti`/`aud` are strings without escapes and whose
/// `exp`/`nbf`/`iat` are integer literals of at most 18 digits, with no
/// registered name repeated. Anything else gives `None`, and the caller
/// uses [`parse_registered`].
///
/// The scan does not validate JSON. Its result may be used only on a text
/// that is known to be one valid JSON value (serde_json wrote it, or a
/// serde_json deserialisation of the whole text succeeded afterwards);
/// on such a text a `Some` result equals what [`parse_registered`] returns
/// (`fast_scan_agrees_with_reader` checks this).
pub(crate) fn scan_registered<'a>(text: &'a str, required: &[Claim]) -> Option<ParsedClaims<'a>> {
    let b = text.as_bytes();
    let mut out = ParsedClaims::default();
    let wants_custom = required.iter().any(|c| matches!(c, Claim::Custom(_)));
    if wants_custom {
        out.custom_found = vec![false; required.len()];
    }
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return Some(out);
    }
    let mut seen = 0u8;
    loop {
        let (name, after) = plain_string(text, i)?;
        i = skip_ws(b, after);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(b, i + 1);
        let bit = registered_bit(name.as_bytes());
        if seen & bit != 0 {
            return None;
        }
        seen |= bit;
        i = match bit {
            1 | 2 | 4 => {
                let (v, end) = plain_integer(b, i)?;
                let d = Some(NumericDate::from_secs(v));
                match bit {
                    1 => out.exp = d,
                    2 => out.nbf = d,
                    _ => out.iat = d,
                }
                end
            }
            8 | 16 | 32 | 64 => {
                let (v, end) = plain_string(text, i)?;
                let v = Some(Cow::Borrowed(v));
                match bit {
                    8 => out.iss = v,
                    16 => out.sub = v,
                    32 => out.jti = v,
                    _ => out.aud = v.map(ParsedAud::One),
                }
                end
            }
            _ => {
                if wants_custom {
                    for (k, c) in required.iter().enumerate() {
                        if matches!(c, Claim::Custom(n) if n == name) {
                            if let Some(f) = out.custom_found.get_mut(k) {
                                *f = true;
                            }
                        }
                    }
                }
                skip_value(b, i)?
            }
        };
        i = skip_ws(b, i);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return (skip_ws(b, i + 1) == b.len()).then_some(out),
            _ => return None,
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// A string at `i` without escapes: its contents and the index after it.
fn plain_string(text: &str, i: usize) -> Option<(&str, usize)> {
    let b = text.as_bytes();
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let len = scan::find_either(b.get(i + 1..)?, b'"', b'\\')?;
    let end = i + 1 + len;
    if b.get(end) != Some(&b'"') {
        return None;
    }
    Some((text.get(i + 1..end)?, end + 1))
}

/// An integer literal at `i` (`-?[0-9]{1,18}`, not followed by a fraction
/// or exponent): its value and the index after it.
fn plain_integer(b: &[u8], i: usize) -> Option<(i64, usize)> {
    let negative = b.get(i) == Some(&b'-');
    let start = i + usize::from(negative);
    let mut end = start;
    let mut v = 0i64;
    while let Some(&d) = b.get(end).filter(|d| d.is_ascii_digit()) {
        if end - start == 18 {
            return None;
        }
        v = v * 10 + i64::from(d - b'0');
        end += 1;
    }
    if end == start || matches!(b.get(end), Some(b'.' | b'e' | b'E')) {
        return None;
    }
    Some((if negative { -v } else { v }, end))
}

/// Skips one value of a valid JSON text at `i`; returns the index after it.
/// (On any other text it returns some index or `None`, without panicking.)
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => skip_string(b, i + 1),
        b'[' | b'{' => skip_nested(b, i),
        // A number or a literal: up to the next delimiter.
        _ => {
            let rest = b.get(i..)?;
            let n = rest
                .iter()
                .position(|&c| matches!(c, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(rest.len());
            Some(i + n)
        }
    }
}

/// Skips the rest of a string whose opening quote is before `i`; returns
/// the index after its closing quote.
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        i += scan::find_either(b.get(i..)?, b'"', b'\\')?;
        if b.get(i) == Some(&b'"') {
            return Some(i + 1);
        }
        // A backslash and the character it escapes (`\uXXXX` continues
        // with hex digits, which need no care).
        i += 2;
    }
}

/// Skips an array or object at `i`; returns the index after it.
fn skip_nested(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    loop {
        let c = *b.get(i)?;
        i += 1;
        if in_string {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_string = false;
                if depth == 0 {
                    return Some(i);
                }
            }
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'[' | b'{' => depth += 1,
            b']' | b'}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r' if depth == 0 => return Some(i - 1),
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------
// One pass: the caller's type deserialised while the registered claims are
// captured on the way.
// ---------------------------------------------------------------------------

/// What the single pass has seen so far.
struct Tap<'a, 'r> {
    parsed: &'r mut ParsedClaims<'a>,
    required: &'r [Claim],
    /// Registered claims seen (bits of [`registered_bit`]).
    seen: u8,
    /// Registered bit of the current member; [`NO_KEY`] until its name was
    /// visited as a string.
    current: u8,
    /// The value of the current registered member was captured.
    captured: bool,
    /// The top-level value was visited as a map.
    object: bool,
    /// The map's `next_key` returned `None`.
    finished: bool,
    /// Something the pass does not interpret was seen, or an error came
    /// back through it: its result is not used.
    unsure: bool,
    /// Values serde_json handed to a visitor (wrapping). A seed that
    /// returns with this unchanged read nothing: serde_json then goes on
    /// after an empty value (`{"a":}`), so the pass is unsure.
    reads: usize,
    /// Enum variants named minus variants whose content was then read
    /// (wrapping). serde_json eats the colon after a variant name, so a
    /// visitor that reads the name only lets it accept `{"V":}`.
    variants: usize,
    /// Calls entered and not yet watched (wrapping); not zero at the end
    /// when `T` caught a panic unwinding through the pass.
    open: usize,
}

const NO_KEY: u8 = 0x80;

impl<'a> Tap<'a, '_> {
    /// Before a call into serde_json (or `T`) whose result then goes
    /// through [`Tap::watch`].
    #[inline]
    fn enter(&mut self) {
        self.open = self.open.wrapping_add(1);
    }

    /// Passes on `r`, the result of a call begun with [`Tap::enter`],
    /// noting an error. `T` may drop an error and go on (a lenient field);
    /// serde_json has then stopped inside a value, so the pass no longer
    /// shows that the text is JSON. A call left by unwinding (a panic that
    /// `T` catches further out, with serde_json again stopped anywhere)
    /// never gets here, and `open` stays above zero.
    #[inline]
    fn watch<V, E>(&mut self, r: Result<V, E>) -> Result<V, E> {
        self.open = self.open.wrapping_sub(1);
        if r.is_err() {
            self.unsure = true;
        }
        r
    }

    #[inline]
    fn name(&mut self, name: &str) {
        self.current = registered_bit(name.as_bytes());
        if self.current == 0 && !self.parsed.custom_found.is_empty() {
            for (i, c) in self.required.iter().enumerate() {
                if matches!(c, Claim::Custom(n) if n == name) {
                    if let Some(f) = self.parsed.custom_found.get_mut(i) {
                        *f = true;
                    }
                }
            }
        }
    }

    fn date(&mut self, bit: u8, d: Option<NumericDate>) {
        let slot = match bit {
            1 => &mut self.parsed.exp,
            2 => &mut self.parsed.nbf,
            4 => &mut self.parsed.iat,
            _ => {
                self.unsure = true;
                return;
            }
        };
        match d {
            Some(d) => {
                *slot = Some(d);
                self.captured = true;
            }
            None => self.unsure = true,
        }
    }

    fn string(&mut self, bit: u8, s: Cow<'a, str>) {
        match bit {
            8 => self.parsed.iss = Some(s),
            16 => self.parsed.sub = Some(s),
            32 => self.parsed.jti = Some(s),
            64 => self.parsed.aud = Some(ParsedAud::One(s)),
            _ => {
                self.unsure = true;
                return;
            }
        }
        self.captured = true;
    }
}

/// [`deserialize_with_registered_into`] returning both results.
#[cfg(test)]
pub(crate) fn deserialize_with_registered<'a, T: Deserialize<'a>>(
    text: &'a str,
    required: &[Claim],
) -> Option<(T, ParsedClaims<'a>)> {
    let mut parsed = ParsedClaims::default();
    let value = deserialize_with_registered_into(text, required, &mut parsed)?;
    Some((value, parsed))
}

/// Deserialises `T` from `text` while capturing its registered claims in
/// the same pass.
///
/// `Some` only when `T` deserialised from the whole text with no error
/// returned through any of the pass's wrappers (every deserializer, map,
/// sequence and enum access `T` is given, at every depth, is wrapped, map
/// keys and values must alternate, every value serde_json finds must be
/// read (a seed that reads nothing, or an enum visitor that reads a
/// variant's name and not its content, lets serde_json accept an empty
/// value, `{"a":}`), no string may be read as bytes (serde_json's byte
/// reader accepts raw control characters), and every call into serde_json
/// must return (a panic that `T` catches leaves serde_json anywhere); so
/// serde_json read the whole text as one JSON value, even if `T` drops
/// errors or panics), the text is one JSON object, every registered claim
/// was read with its RFC 7519 type and none is repeated: then the claims
/// equal what [`parse_registered`] returns, and `T` equals
/// `serde_json::from_str::<T>(text)` (`T` sees the same visitor calls; a
/// value `T` ignores is read by the capture instead of skipped, then `T`
/// gets the `visit_unit` serde_json would give it). Any other case gives
/// `None`, and the caller uses the reference readers, which also produce
/// the error.
///
/// The registered claims are written into `parsed` (given as
/// `ParsedClaims::default()`); after `None` it holds whatever was captured.
pub(crate) fn deserialize_with_registered_into<'a, T: Deserialize<'a>>(
    text: &'a str,
    required: &[Claim],
    parsed: &mut ParsedClaims<'a>,
) -> Option<T> {
    let mut tap = Tap {
        parsed,
        required,
        seen: 0,
        current: NO_KEY,
        captured: false,
        object: false,
        finished: false,
        unsure: false,
        reads: 0,
        variants: 0,
        open: 0,
    };
    if required.iter().any(|c| matches!(c, Claim::Custom(_))) {
        tap.parsed.custom_found = vec![false; required.len()];
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(TapDe {
        de: &mut de,
        tap: &mut tap,
        role: Role::Top,
    });
    // Every check before `value` is moved: one move, made well after
    // `T`'s deserialiser wrote it (a move right after those stores stalls
    // on store forwarding).
    let sure = value.is_ok()
        && de.end().is_ok()
        && tap.object
        && tap.finished
        && !tap.unsure
        && tap.open == 0;
    if sure {
        value.ok()
    } else {
        None
    }
}

/// Which value a [`TapDe`] / [`TapVisitor`] stands for.
#[derive(Clone, Copy)]
enum Role {
    /// The claims set itself.
    Top,
    /// A member name of the claims set.
    Key,
    /// The value of a registered claim (its bit).
    Value(u8),
    /// Any other value, at any depth: not read by the pass, only watched
    /// for errors.
    Inner,
}

/// A deserializer that hands `T`'s visitors to `de` wrapped in a
/// [`TapVisitor`].
struct TapDe<'t, 'a, 'r, D> {
    de: D,
    tap: &'t mut Tap<'a, 'r>,
    role: Role,
}

/// `T`'s visitor, observed.
struct TapVisitor<'t, 'a, 'r, V> {
    inner: V,
    tap: &'t mut Tap<'a, 'r>,
    role: Role,
}

/// A seed whose deserializer is wrapped in a [`TapDe`].
struct TapSeed<'t, 'a, 'r, S> {
    seed: S,
    tap: &'t mut Tap<'a, 'r>,
    role: Role,
}

/// A map's members, observed: the claims set's (`top`) or a nested one's.
struct TapMap<'t, 'a, 'r, A> {
    map: A,
    tap: &'t mut Tap<'a, 'r>,
    top: bool,
    /// A key was read and its value not yet.
    want_value: bool,
}

/// A sequence's elements, watched for errors.
struct TapSeq<'t, 'a, 'r, A> {
    seq: A,
    tap: &'t mut Tap<'a, 'r>,
}

/// An enum's variant, watched for errors.
struct TapEnum<'t, 'a, 'r, A> {
    data: A,
    tap: &'t mut Tap<'a, 'r>,
}

macro_rules! tap_forward {
    ($($m:ident)*) => {
        $(
            fn $m<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                let (tap, role) = (self.tap, self.role);
                tap.enter();
                let r = self.de.$m(TapVisitor { inner: visitor, tap: &mut *tap, role });
                tap.watch(r)
            }
        )*
    };
}

impl<'a, D: Deserializer<'a>> Deserializer<'a> for TapDe<'_, 'a, '_, D> {
    type Error = D::Error;

    tap_forward! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_option deserialize_unit deserialize_seq deserialize_map
        deserialize_identifier
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let Role::Value(bit) = self.role else {
            let (tap, role) = (self.tap, self.role);
            tap.enter();
            let r = self.de.deserialize_ignored_any(TapVisitor {
                inner: visitor,
                tap: &mut *tap,
                role,
            });
            return tap.watch(r);
        };
        // serde_json skips the value and then calls `visit_unit`; here the
        // value is read to capture it, then `visit_unit` follows the same way.
        // The slots never drop an error.
        self.tap.reads = self.tap.reads.wrapping_add(1);
        self.tap.enter();
        match bit {
            1 | 2 | 4 => {
                let DateSlot(d) = self.tap.watch(DateSlot::deserialize(self.de))?;
                self.tap.date(bit, d.ok());
            }
            64 => match self.tap.watch(AudSlot::deserialize(self.de))?.0 {
                Some(a) => {
                    self.tap.parsed.aud = Some(a);
                    self.tap.captured = true;
                }
                None => self.tap.unsure = true,
            },
            _ => match self.tap.watch(StrSlot::deserialize(self.de))?.0 {
                Some(s) => self.tap.string(bit, s),
                None => self.tap.unsure = true,
            },
        }
        self.tap.enter();
        let r = visitor.visit_unit();
        self.tap.watch(r)
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let (tap, role) = (self.tap, self.role);
        tap.enter();
        let r = self.de.deserialize_unit_struct(
            name,
            TapVisitor {
                inner: visitor,
                tap: &mut *tap,
                role,
            },
        );
        tap.watch(r)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let (tap, role) = (self.tap, self.role);
        tap.enter();
        let r = self.de.deserialize_newtype_struct(
            name,
            TapVisitor {
                inner: visitor,
                tap: &mut *tap,
                role,
            },
        );
        tap.watch(r)
    }

    fn deserialize_tuple<V: Visitor<'a>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let (tap, role) = (self.tap, self.role);
        tap.enter();
        let r = self.de.deserialize_tuple(
            len,
            TapVisitor {
                inner: visitor,
                tap: &mut *tap,
                role,
            },
        );
        tap.watch(r)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let (tap, role) = (self.tap, self.role);
        tap.enter();
        let r = self.de.deserialize_tuple_struct(
            name,
            len,
            TapVisitor {
                inner: visitor,
                tap: &mut *tap,
                role,
            },
        );
        tap.watch(r)
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let (tap, role) = (self.tap, self.role);
        tap.enter();
        let r = self.de.deserialize_struct(
            name,
            fields,
            TapVisitor {
                inner: visitor,
                tap: &mut *tap,
                role,
            },
        );
        tap.watch(r)
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let (tap, role) = (self.tap, self.role);
        tap.enter();
        let r = self.de.deserialize_enum(
            name,
            variants,
            TapVisitor {
                inner: visitor,
                tap: &mut *tap,
                role,
            },
        );
        tap.watch(r)
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// Visits the pass does not interpret: noted as unsure (unless the value
/// is an [`Role::Inner`] one), then forwarded.
macro_rules! tap_unsure {
    ($($m:ident: $t:ty)*) => {
        $(
            fn $m<E: de::Error>(self, v: $t) -> Result<Self::Value, E> {
                self.other().$m(v)
            }
        )*
    };
}

impl<'a, V: Visitor<'a>> TapVisitor<'_, 'a, '_, V> {
    /// A value the pass does not read: unsure unless it is an inner one.
    #[inline]
    fn other(self) -> V {
        self.tap.reads = self.tap.reads.wrapping_add(1);
        if !matches!(self.role, Role::Inner) {
            self.tap.unsure = true;
        }
        self.inner
    }

    /// A date value at a registered claim; anything else is unsure.
    fn date(self, d: Option<NumericDate>) -> V {
        self.tap.reads = self.tap.reads.wrapping_add(1);
        match self.role {
            Role::Value(bit) => self.tap.date(bit, d),
            Role::Inner => {}
            _ => self.tap.unsure = true,
        }
        self.inner
    }

    /// A string value: a member name, or a registered claim's value.
    fn string(self, name: &str, value: impl FnOnce() -> Cow<'a, str>) -> V {
        self.tap.reads = self.tap.reads.wrapping_add(1);
        match self.role {
            Role::Key => self.tap.name(name),
            Role::Value(bit) => self.tap.string(bit, value()),
            Role::Inner => {}
            Role::Top => self.tap.unsure = true,
        }
        self.inner
    }
}

impl<'a, V: Visitor<'a>> Visitor<'a> for TapVisitor<'_, 'a, '_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    tap_unsure! {
        visit_bool: bool
        visit_i8: i8
        visit_i16: i16
        visit_i32: i32
        visit_i128: i128
        visit_u8: u8
        visit_u16: u16
        visit_u32: u32
        visit_u128: u128
        visit_f32: f32
        visit_char: char
    }

    // serde_json reads a string as bytes without refusing raw control
    // characters (which JSON does not allow): unsure at any depth.
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.tap.unsure = true;
        self.other().visit_bytes(v)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'a [u8]) -> Result<V::Value, E> {
        self.tap.unsure = true;
        self.other().visit_borrowed_bytes(v)
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<V::Value, E> {
        self.tap.unsure = true;
        self.other().visit_byte_buf(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        self.date(Some(NumericDate::from_secs(v))).visit_i64(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.date(i64::try_from(v).ok().map(NumericDate::from_secs))
            .visit_u64(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        self.date(NumericDate::from_f64(v, "").ok()).visit_f64(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'a str) -> Result<V::Value, E> {
        self.string(v, || Cow::Borrowed(v)).visit_borrowed_str(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.string(v, || Cow::Owned(v.to_owned())).visit_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.string(&v, || Cow::Owned(v.clone())).visit_string(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.other().visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.other().visit_unit()
    }

    fn visit_some<D: Deserializer<'a>>(self, d: D) -> Result<V::Value, D::Error> {
        let role = match self.role {
            Role::Value(_) | Role::Inner => self.role,
            Role::Top | Role::Key => {
                self.tap.unsure = true;
                Role::Inner
            }
        };
        self.inner.visit_some(TapDe {
            de: d,
            tap: self.tap,
            role,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'a>>(self, d: D) -> Result<V::Value, D::Error> {
        let (tap, role) = (self.tap, self.role);
        self.inner.visit_newtype_struct(TapDe { de: d, tap, role })
    }

    fn visit_seq<A: SeqAccess<'a>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.tap.reads = self.tap.reads.wrapping_add(1);
        if !matches!(self.role, Role::Inner) {
            self.tap.unsure = true;
        }
        self.inner.visit_seq(TapSeq { seq, tap: self.tap })
    }

    fn visit_map<A: MapAccess<'a>>(self, map: A) -> Result<V::Value, A::Error> {
        self.tap.reads = self.tap.reads.wrapping_add(1);
        let top = matches!(self.role, Role::Top) && !self.tap.object;
        if top {
            self.tap.object = true;
        } else if !matches!(self.role, Role::Inner) {
            self.tap.unsure = true;
        }
        self.inner.visit_map(TapMap {
            map,
            tap: self.tap,
            top,
            want_value: false,
        })
    }

    fn visit_enum<A: EnumAccess<'a>>(self, data: A) -> Result<V::Value, A::Error> {
        // serde_json calls this at a `{` it ate or at a string not yet
        // read (a string left unread makes it fail later).
        let tap = self.tap;
        tap.reads = tap.reads.wrapping_add(1);
        if !matches!(self.role, Role::Inner) {
            tap.unsure = true;
        }
        let open = tap.variants;
        let r = self.inner.visit_enum(TapEnum {
            data,
            tap: &mut *tap,
        });
        // A variant named and its content not read.
        if tap.variants != open {
            tap.unsure = true;
        }
        r
    }
}

impl<'a, S: DeserializeSeed<'a>> DeserializeSeed<'a> for TapSeed<'_, 'a, '_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<S::Value, D::Error> {
        // serde_json has found a value here (a member name, a member's
        // value, an element, a variant); a seed that reads none of it lets
        // serde_json go on after an empty value.
        let tap = self.tap;
        let before = tap.reads;
        let r = self.seed.deserialize(TapDe {
            de: d,
            tap: &mut *tap,
            role: self.role,
        });
        if tap.reads == before {
            tap.unsure = true;
        }
        r
    }
}

impl<'a, A: MapAccess<'a>> MapAccess<'a> for TapMap<'_, 'a, '_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        // Keys and values must alternate: serde_json would read a value
        // given twice (`{"a":1:2}`) or a key whose value was skipped.
        if self.want_value {
            self.tap.unsure = true;
        }
        if !self.top {
            self.tap.enter();
            let key = self.map.next_key_seed(TapSeed {
                seed,
                tap: &mut *self.tap,
                role: Role::Inner,
            });
            let key = self.tap.watch(key)?;
            self.want_value = key.is_some();
            return Ok(key);
        }
        self.tap.current = NO_KEY;
        self.tap.enter();
        let key = self.map.next_key_seed(TapSeed {
            seed,
            tap: &mut *self.tap,
            role: Role::Key,
        });
        let key = self.tap.watch(key)?;
        self.want_value = key.is_some();
        let tap = &mut *self.tap;
        match key {
            None => tap.finished = true,
            Some(_) if tap.current == NO_KEY || tap.seen & tap.current != 0 => tap.unsure = true,
            Some(_) => tap.seen |= tap.current,
        }
        Ok(key)
    }

    fn next_value_seed<S: DeserializeSeed<'a>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        if !self.want_value {
            self.tap.unsure = true;
        }
        self.want_value = false;
        let bit = if self.top { self.tap.current } else { 0 };
        if bit == 0 || bit == NO_KEY {
            self.tap.enter();
            let v = self.map.next_value_seed(TapSeed {
                seed,
                tap: &mut *self.tap,
                role: Role::Inner,
            });
            return self.tap.watch(v);
        }
        self.tap.captured = false;
        self.tap.enter();
        let v = self.map.next_value_seed(TapSeed {
            seed,
            tap: &mut *self.tap,
            role: Role::Value(bit),
        });
        let v = self.tap.watch(v)?;
        if !self.tap.captured {
            self.tap.unsure = true;
        }
        Ok(v)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

impl<'a, A: SeqAccess<'a>> SeqAccess<'a> for TapSeq<'_, 'a, '_, A> {
    type Error = A::Error;

    fn next_element_seed<S: DeserializeSeed<'a>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        self.tap.enter();
        let v = self.seq.next_element_seed(TapSeed {
            seed,
            tap: &mut *self.tap,
            role: Role::Inner,
        });
        self.tap.watch(v)
    }

    fn size_hint(&self) -> Option<usize> {
        self.seq.size_hint()
    }
}

impl<'t, 'a, 'r, A: EnumAccess<'a>> EnumAccess<'a> for TapEnum<'t, 'a, 'r, A> {
    type Error = A::Error;
    type Variant = TapEnum<'t, 'a, 'r, A::Variant>;

    fn variant_seed<S: DeserializeSeed<'a>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), A::Error> {
        let tap = self.tap;
        tap.enter();
        let r = self.data.variant_seed(TapSeed {
            seed,
            tap: &mut *tap,
            role: Role::Inner,
        });
        let (value, data) = tap.watch(r)?;
        tap.variants = tap.variants.wrapping_add(1);
        Ok((value, TapEnum { data, tap }))
    }
}

impl<'a, A: VariantAccess<'a>> VariantAccess<'a> for TapEnum<'_, 'a, '_, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.tap.variants = self.tap.variants.wrapping_sub(1);
        self.tap.enter();
        let r = self.data.unit_variant();
        self.tap.watch(r)
    }

    fn newtype_variant_seed<S: DeserializeSeed<'a>>(self, seed: S) -> Result<S::Value, A::Error> {
        let tap = self.tap;
        tap.variants = tap.variants.wrapping_sub(1);
        tap.enter();
        let r = self.data.newtype_variant_seed(TapSeed {
            seed,
            tap: &mut *tap,
            role: Role::Inner,
        });
        tap.watch(r)
    }

    fn tuple_variant<V: Visitor<'a>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        let tap = self.tap;
        tap.variants = tap.variants.wrapping_sub(1);
        tap.enter();
        let r = self.data.tuple_variant(
            len,
            TapVisitor {
                inner: visitor,
                tap: &mut *tap,
                role: Role::Inner,
            },
        );
        tap.watch(r)
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        let tap = self.tap;
        tap.variants = tap.variants.wrapping_sub(1);
        tap.enter();
        let r = self.data.struct_variant(
            fields,
            TapVisitor {
                inner: visitor,
                tap: &mut *tap,
                role: Role::Inner,
            },
        );
        tap.watch(r)
    }
}

// ---------------------------------------------------------------------------
// The registered-claims check done while serde_json writes a claims set.
// ---------------------------------------------------------------------------

/// What [`ClaimsCheck`] observes of one JSON value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An integer in the `i64` range.
    Int,
    String,
    Object,
    /// Anything else (float, bool, null, array, out-of-range integer).
    Other,
}

/// Watches the tokens serde_json writes (as its [`serde_json::ser::Formatter`])
/// and decides whether the output is a claims set [`parse_registered`] accepts:
/// one JSON object whose registered claims are not repeated, whose
/// NumericDates are `i64` integers and whose `iss`/`sub`/`jti`/`aud` are
/// strings. Only a `true` from [`ClaimsCheck::sure`] is a conclusion; any
/// other shape (floats, an `aud` array, escaped or non-string member names,
/// a token written by a method not observed here) leaves it unsure, and the
/// caller reads the text with the reference readers.
#[derive(Default)]
pub(crate) struct ClaimsCheck {
    depth: u32,
    object: bool,
    unsure: bool,
    in_key: bool,
    key: [u8; 3],
    key_len: usize,
    key_other: bool,
    /// Registered bit of the member being written (0: another name).
    current: u8,
    expect_value: bool,
    seen: u8,
}

impl ClaimsCheck {
    /// Whether the written text is certainly accepted by [`parse_registered`]
    /// (with no required claims).
    pub(crate) fn sure(&self) -> bool {
        self.object && !self.unsure && self.depth == 0 && !self.in_key && !self.expect_value
    }

    #[inline]
    fn value(&mut self, kind: Kind) {
        if self.in_key {
            self.unsure = true;
            return;
        }
        match self.depth {
            0 => {
                if kind != Kind::Object || self.object {
                    self.unsure = true;
                }
                self.object = true;
            }
            1 => {
                if !self.expect_value {
                    self.unsure = true;
                    return;
                }
                self.expect_value = false;
                let fits = match self.current {
                    0 => true,
                    1 | 2 | 4 => kind == Kind::Int,
                    _ => kind == Kind::String,
                };
                if !fits {
                    self.unsure = true;
                }
            }
            _ => {}
        }
    }

    #[inline]
    fn end_key(&mut self) {
        if self.depth != 1 || !self.in_key {
            self.unsure = true;
            return;
        }
        self.in_key = false;
        let name = self.key.get(..self.key_len).unwrap_or_default();
        self.current = if self.key_other {
            0
        } else {
            registered_bit(name)
        };
        if self.seen & self.current != 0 {
            self.unsure = true;
        }
        self.seen |= self.current;
    }
}

/// The bit [`parse_registered`] and [`scan_registered`] use for a registered
/// claim name, 0 for any other name.
#[inline]
fn registered_bit(name: &[u8]) -> u8 {
    let &[a, b, c] = name else {
        return 0;
    };
    match [a, b, c] {
        [b'e', b'x', b'p'] => 1,
        [b'n', b'b', b'f'] => 2,
        [b'i', b'a', b't'] => 4,
        [b'i', b's', b's'] => 8,
        [b's', b'u', b'b'] => 16,
        [b'j', b't', b'i'] => 32,
        [b'a', b'u', b'd'] => 64,
        _ => 0,
    }
}

/// serde_json's compact output, observed by a [`ClaimsCheck`].
struct Checking<'a>(&'a mut ClaimsCheck);

macro_rules! observe_int {
    ($($name:ident: $t:ty => $kind:expr;)*) => {
        $(
            #[inline]
            fn $name<W: ?Sized + std::io::Write>(&mut self, w: &mut W, v: $t) -> std::io::Result<()> {
                #[allow(clippy::redundant_closure_call)]
                let kind = ($kind)(v);
                self.0.value(kind);
                serde_json::ser::CompactFormatter.$name(w, v)
            }
        )*
    };
}

impl serde_json::ser::Formatter for Checking<'_> {
    observe_int! {
        write_i8: i8 => |_| Kind::Int;
        write_i16: i16 => |_| Kind::Int;
        write_i32: i32 => |_| Kind::Int;
        write_i64: i64 => |_| Kind::Int;
        write_u8: u8 => |_| Kind::Int;
        write_u16: u16 => |_| Kind::Int;
        write_u32: u32 => |_| Kind::Int;
        write_u64: u64 => |v| if i64::try_from(v).is_ok() { Kind::Int } else { Kind::Other };
        write_i128: i128 => |_| Kind::Other;
        write_u128: u128 => |_| Kind::Other;
        write_f32: f32 => |_| Kind::Other;
        write_f64: f64 => |_| Kind::Other;
        write_bool: bool => |_| Kind::Other;
    }

    #[inline]
    fn write_null<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.value(Kind::Other);
        serde_json::ser::CompactFormatter.write_null(w)
    }

    #[inline]
    fn write_number_str<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        v: &str,
    ) -> std::io::Result<()> {
        self.0.unsure = true;
        serde_json::ser::CompactFormatter.write_number_str(w, v)
    }

    #[inline]
    fn write_raw_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        v: &str,
    ) -> std::io::Result<()> {
        self.0.unsure = true;
        serde_json::ser::CompactFormatter.write_raw_fragment(w, v)
    }

    #[inline]
    fn begin_string<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        if !self.0.in_key {
            self.0.value(Kind::String);
        }
        serde_json::ser::CompactFormatter.begin_string(w)
    }

    #[inline]
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let c = &mut *self.0;
        if c.in_key {
            let end = c.key_len + fragment.len();
            match c.key.get_mut(c.key_len..end) {
                Some(dst) => {
                    dst.copy_from_slice(fragment.as_bytes());
                    c.key_len = end;
                }
                None => c.key_other = true,
            }
        }
        serde_json::ser::CompactFormatter.write_string_fragment(w, fragment)
    }

    #[inline]
    fn write_char_escape<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        e: serde_json::ser::CharEscape,
    ) -> std::io::Result<()> {
        self.0.key_other = true;
        serde_json::ser::CompactFormatter.write_char_escape(w, e)
    }

    #[inline]
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.value(Kind::Other);
        self.0.depth = self.0.depth.saturating_add(1);
        serde_json::ser::CompactFormatter.begin_array(w)
    }

    #[inline]
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.depth = self.0.depth.saturating_sub(1);
        serde_json::ser::CompactFormatter.end_array(w)
    }

    #[inline]
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.value(Kind::Object);
        self.0.depth = self.0.depth.saturating_add(1);
        serde_json::ser::CompactFormatter.begin_object(w)
    }

    #[inline]
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.depth = self.0.depth.saturating_sub(1);
        serde_json::ser::CompactFormatter.end_object(w)
    }

    #[inline]
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        let c = &mut *self.0;
        if c.depth == 1 {
            if c.in_key || c.expect_value {
                c.unsure = true;
            }
            c.in_key = true;
            c.key_len = 0;
            c.key_other = false;
        }
        serde_json::ser::CompactFormatter.begin_object_key(w, first)
    }

    #[inline]
    fn end_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        if self.0.depth == 1 {
            self.0.end_key();
        }
        serde_json::ser::CompactFormatter.end_object_key(w)
    }

    #[inline]
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        if self.0.depth == 1 {
            self.0.expect_value = true;
        }
        serde_json::ser::CompactFormatter.begin_object_value(w)
    }

    #[inline]
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        if self.0.depth == 1 && self.0.expect_value {
            self.0.unsure = true;
        }
        serde_json::ser::CompactFormatter.end_object_value(w)
    }
}

/// Serialises `claims` as compact JSON (the same bytes as
/// `serde_json::to_vec`), recording in `check` whether the text is a claims
/// set [`parse_registered`] accepts.
#[cfg(test)]
pub(crate) fn to_vec_checked<C: Serialize + ?Sized>(
    claims: &C,
    check: &mut ClaimsCheck,
) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = Vec::with_capacity(128);
    write_checked(claims, check, &mut out)?;
    Ok(out)
}

/// [`to_vec_checked`], appending to `out`.
pub(crate) fn write_checked<C: Serialize + ?Sized>(
    claims: &C,
    check: &mut ClaimsCheck,
    out: &mut Vec<u8>,
) -> Result<(), serde_json::Error> {
    let mut ser = serde_json::Serializer::with_formatter(out, Checking(check));
    claims.serialize(&mut ser)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn reads_registered_claims_borrowing() {
        let text = r#"{"iss":"joe","sub":"a\"b","aud":["x","y"],"exp":1.5,"nbf":-3,"iat":7,"jti":"j","other":{"exp":"nested is ignored"}}"#;
        let required = [
            Claim::Custom("other".into()),
            Claim::Exp,
            Claim::Custom("missing".into()),
        ];
        let p = parse_registered(text, &required).unwrap();
        assert!(matches!(p.iss, Some(Cow::Borrowed("joe"))));
        assert_eq!(p.sub.as_deref(), Some("a\"b"));
        assert!(p.custom_found(0));
        assert!(!p.custom_found(1));
        assert!(!p.custom_found(2));
        assert!(!p.custom_found(7));
        let r = p.into_registered();
        assert_eq!(r.aud, Some(Audience::Many(vec!["x".into(), "y".into()])));
        assert_eq!(
            r.exp.map(|d| (d.secs(), d.subsec_nanos())),
            Some((1, 500_000_000))
        );
        assert_eq!(r.nbf, Some(NumericDate::from_secs(-3)));
        assert_eq!(r.iat, Some(NumericDate::from_secs(7)));
        assert_eq!(r.jti.as_deref(), Some("j"));
    }

    #[test]
    fn rejects_bad_types_with_claim_name() {
        for (text, claim) in [
            (r#"{"exp":"1"}"#, "exp"),
            (r#"{"exp":null}"#, "exp"),
            (r#"{"nbf":true}"#, "nbf"),
            (r#"{"iat":[1]}"#, "iat"),
            (r#"{"exp":{"a":1}}"#, "exp"),
            (r#"{"exp":10000000000000000000}"#, "exp"),
            (r#"{"exp":1e300}"#, "exp"),
            (r#"{"iss":1}"#, "iss"),
            (r#"{"sub":null}"#, "sub"),
            (r#"{"jti":{}}"#, "jti"),
            (r#"{"aud":[["a"]]}"#, "aud"),
            (r#"{"aud":["a",1]}"#, "aud"),
            (r#"{"aud":{}}"#, "aud"),
            (r#"{"aud":null}"#, "aud"),
        ] {
            match parse_registered(text, &[]) {
                Err(Error::InvalidClaim { claim: c, .. }) => assert_eq!(c, claim, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn structure_errors_are_malformed_payload() {
        for text in [
            "[]",
            "\"x\"",
            "1",
            "null",
            "{",
            "{} {}",
            r#"{"exp":1,"\u0065xp":2}"#,
            r#"{"aud":"a","x":1,"aud":"a"}"#,
            r#"{"iss":"a","iss":5}"#,
            "{\"exp\":1}x",
        ] {
            let e = parse_registered(text, &[]).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Malformed, "{text}");
            assert!(
                matches!(
                    e,
                    Error::Malformed {
                        part: Part::Payload,
                        ..
                    }
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn other_duplicate_names_are_left_to_the_callers_type() {
        let p = parse_registered(r#"{"a":1,"a":2,"exp":3}"#, &[]).unwrap();
        assert_eq!(p.exp, Some(NumericDate::from_secs(3)));
    }

    #[test]
    fn audience_helpers() {
        let a = Audience::Many(vec!["a".into(), "b".into()]);
        assert!(a.contains("b"));
        assert!(!a.contains("B"));
        assert_eq!(a.iter().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(serde_json::to_string(&a).unwrap(), r#"["a","b"]"#);
        assert_eq!(
            serde_json::to_string(&Audience::from("x")).unwrap(),
            r#""x""#
        );
        assert_eq!(Claim::from("exp"), Claim::Exp);
        assert_eq!(Claim::from("role"), Claim::Custom("role".into()));
        assert_eq!(Claim::Custom("role".into()).to_string(), "role");
    }
}

#[cfg(test)]
mod scan_tests {
    use super::*;
    use proptest::prelude::*;

    fn member_name() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("exp"),
            Just("nbf"),
            Just("iat"),
            Just("iss"),
            Just("sub"),
            Just("jti"),
            Just("aud"),
            Just("name"),
            Just("role"),
            Just("\\u0065xp"),
            Just("s\\\"ub"),
            Just("7"),
            Just("\\u0037"),
        ]
        .prop_map(|s| format!("\"{s}\""))
    }

    fn value() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            any::<i64>().prop_map(|v| v.to_string()),
            (0u64..u64::MAX).prop_map(|v| v.to_string()),
            Just("1e3".to_owned()),
            Just("-0".to_owned()),
            Just("1.5".to_owned()),
            Just("12345678901234567890123".to_owned()),
            Just("true".to_owned()),
            Just("null".to_owned()),
            "[a-z ]{0,6}".prop_map(|s| format!("\"{s}\"")),
            Just(r#""a\"b""#.to_owned()),
            Just(r#""\u00e9}""#.to_owned()),
        ];
        leaf.prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                prop::collection::vec(inner, 0..3).prop_map(|v| {
                    let m: Vec<String> = v
                        .iter()
                        .enumerate()
                        .map(|(i, x)| format!("\"k{i}\":{x}"))
                        .collect();
                    format!("{{{}}}", m.join(","))
                }),
            ]
        })
    }

    fn ws() -> impl Strategy<Value = &'static str> {
        prop_oneof![Just(""), Just(""), Just(" "), Just("\n\t ")]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        /// On valid JSON, a `Some` from the byte scan equals the full
        /// reader's result (including required custom claims).
        #[test]
        fn fast_scan_agrees_with_reader(
            members in prop::collection::vec((member_name(), value(), ws(), ws()), 0..6),
            outer in ws(),
        ) {
            let body: Vec<String> = members.iter().map(|(k, v, a, b)| format!("{a}{k}{b}:{a}{v}{b}")).collect();
            let text = format!("{outer}{{{}}}{outer}", body.join(","));
            let required = [Claim::Exp, Claim::Custom("role".into()), Claim::Custom("name".into())];
            let valid = serde_json::from_str::<IgnoredAny>(&text).is_ok();
            if let (true, Some(fast)) = (valid, scan_registered(&text, &required)) {
                let full = parse_registered(&text, &required);
                prop_assert!(full.is_ok(), "{text}: {full:?}");
                let full = full.unwrap();
                prop_assert_eq!(format!("{:?}", fast.iss), format!("{:?}", full.iss));
                prop_assert_eq!(format!("{:?}", fast.sub), format!("{:?}", full.sub));
                prop_assert_eq!(format!("{:?}", fast.jti), format!("{:?}", full.jti));
                prop_assert_eq!(format!("{:?}", fast.aud), format!("{:?}", full.aud));
                prop_assert_eq!((fast.exp, fast.nbf, fast.iat), (full.exp, full.nbf, full.iat));
                prop_assert_eq!(&fast.custom_found, &full.custom_found);
                prop_assert_eq!(fast.into_registered(), full.into_registered());
            }
        }
    }

    /// A typed claims struct with registered claims of several Rust types
    /// and one registered claim (`aud`) it does not declare.
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Typed {
        exp: Option<f64>,
        iat: Option<i64>,
        sub: Option<String>,
        #[serde(default)]
        name: serde_json::Value,
    }

    /// The single pass, when sure, agrees with `parse_registered` and
    /// `serde_json::from_str::<T>`.
    fn single_pass_agrees<'a, T>(text: &'a str, required: &[Claim]) -> Result<bool, TestCaseError>
    where
        T: Deserialize<'a> + PartialEq + fmt::Debug,
    {
        let Some((value, fast)) = deserialize_with_registered::<T>(text, required) else {
            return Ok(false);
        };
        let full = parse_registered(text, required);
        prop_assert!(full.is_ok(), "{text}: {full:?}");
        let full = full.unwrap();
        prop_assert_eq!(format!("{:?}", fast.iss), format!("{:?}", full.iss));
        prop_assert_eq!(format!("{:?}", fast.sub), format!("{:?}", full.sub));
        prop_assert_eq!(format!("{:?}", fast.jti), format!("{:?}", full.jti));
        prop_assert_eq!(format!("{:?}", fast.aud), format!("{:?}", full.aud));
        prop_assert_eq!(
            (fast.exp, fast.nbf, fast.iat),
            (full.exp, full.nbf, full.iat)
        );
        prop_assert_eq!(&fast.custom_found, &full.custom_found);
        prop_assert_eq!(fast.into_registered(), full.into_registered());
        prop_assert_eq!(value, serde_json::from_str::<T>(text).unwrap());
        Ok(true)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        /// On arbitrary texts (valid or not, repeated and escaped names,
        /// wrong types, nested values), a `Some` from the single pass
        /// equals the full reader's claims and serde_json's `T`, for a
        /// map, a typed struct and `IgnoredAny`-like struct with no fields.
        #[test]
        fn single_pass_agrees_with_reader(
            members in prop::collection::vec((member_name(), value(), ws(), ws()), 0..6),
            outer in ws(),
            truncate in prop_oneof![Just(0usize), Just(0), Just(1), Just(3)],
        ) {
            let body: Vec<String> = members.iter().map(|(k, v, a, b)| format!("{a}{k}{b}:{a}{v}{b}")).collect();
            let mut text = format!("{outer}{{{}}}{outer}", body.join(","));
            text.truncate(text.len().saturating_sub(truncate));
            let required = [Claim::Exp, Claim::Custom("role".into()), Claim::Custom("name".into())];
            type Map = serde_json::Map<String, serde_json::Value>;
            let sure = single_pass_agrees::<Map>(&text, &required)?;
            single_pass_agrees::<Typed>(&text, &[])?;
            #[derive(Debug, PartialEq, serde::Deserialize)]
            struct Empty {}
            single_pass_agrees::<Empty>(&text, &required)?;
            // Member names read as numbers, and a flattened rest.
            single_pass_agrees::<std::collections::BTreeMap<u64, serde_json::Value>>(&text, &[])?;
            #[derive(Debug, PartialEq, serde::Deserialize)]
            struct Flat {
                sub: Option<String>,
                #[serde(flatten)]
                rest: Map,
            }
            single_pass_agrees::<Flat>(&text, &required)?;
            // Where the byte scan is sure on valid JSON, the single pass
            // is sure too (the common shape never falls back).
            if serde_json::from_str::<IgnoredAny>(&text).is_ok() && scan_registered(&text, &required).is_some() {
                prop_assert!(sure, "{}", text);
            }
        }
    }

    #[test]
    fn single_pass_reads_the_common_shape_and_defers_the_rest() {
        let t = r#"{"sub":"1234567890","name":"John Doe","admin":true,"iat":1700000000,"exp":4102444800}"#;
        let (_, p) = deserialize_with_registered::<IgnoredAny>(t, &[])
            .map_or((None, None), |(a, p)| (Some(a), Some(p)));
        assert!(p.is_none(), "IgnoredAny does not visit a map");
        let (m, p) =
            deserialize_with_registered::<serde_json::Map<String, serde_json::Value>>(t, &[])
                .unwrap();
        assert_eq!(m.len(), 5);
        assert!(matches!(p.sub, Some(Cow::Borrowed("1234567890"))));
        assert_eq!(p.iat, Some(NumericDate::from_secs(1_700_000_000)));
        assert_eq!(p.exp, Some(NumericDate::from_secs(4_102_444_800)));
        let (typed, p) = deserialize_with_registered::<Typed>(
            r#"{"aud":["a","b"],"exp":1.5,"s\u0075b":"x\"y","name":[1]}"#,
            &[],
        )
        .unwrap();
        assert_eq!(
            typed,
            Typed {
                exp: Some(1.5),
                iat: None,
                sub: Some("x\"y".into()),
                name: serde_json::json!([1]),
            }
        );
        assert_eq!(
            p.into_registered().aud,
            Some(Audience::Many(vec!["a".into(), "b".into()]))
        );
        // Left to the reference readers.
        for t in [
            r#"{"exp":1,"exp":2}"#,
            r#"{"exp":"1"}"#,
            r#"{"exp":null}"#,
            r#"{"aud":["a"]}"#,
            r#"{"exp":1e300}"#,
            r#"{"exp":10000000000000000000}"#,
            "[1]",
            "{} x",
        ] {
            assert!(
                deserialize_with_registered::<serde_json::Map<String, serde_json::Value>>(t, &[])
                    .is_none(),
                "{t}"
            );
        }
    }

    /// On valid JSON the single pass stays sure for claims types that read
    /// every value (nested structs, options, sequences, enums, newtypes,
    /// maps, ignored members), and is unsure for one that leaves a value
    /// unread or reads a string as bytes.
    #[test]
    fn single_pass_is_sure_for_types_reading_every_value() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Inner {
            x: Option<i64>,
            y: Vec<Option<String>>,
        }
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Wrap(u8);
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Unit;
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Pair(i8, Unit);
        #[derive(Debug, PartialEq, serde::Deserialize)]
        enum E {
            A,
            B(Wrap),
            C { z: bool },
            D(u8, u8),
        }
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Common {
            sub: String,
            exp: Option<i64>,
            inner: Inner,
            e: Vec<E>,
            m: std::collections::BTreeMap<String, (i64, f64)>,
            t: Option<Wrap>,
            p: Pair,
        }
        let t = r#"{"sub":"s","iat":5,"aud":["a"],"iss":"i","exp":7,"skip":[{"k":[1,null]}],"inner":{"x":null,"y":["a",null]},"e":["A",{"B":3},{"C":{"z":true}},{"D":[1,2]}],"m":{"q":[1,2.5]},"t":9,"p":[-1,null]}"#;
        let (c, p) = deserialize_with_registered::<Common>(t, &[]).unwrap();
        assert_eq!(c, serde_json::from_str::<Common>(t).unwrap());
        assert_eq!(
            p.into_registered(),
            parse_registered(t, &[]).unwrap().into_registered()
        );
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Unread {
            #[serde(default, deserialize_with = "unread")]
            a: (),
        }
        fn unread<'de, D: Deserializer<'de>>(_: D) -> Result<(), D::Error> {
            Ok(())
        }
        assert!(deserialize_with_registered::<Unread>("{}", &[]).is_some());
        assert!(deserialize_with_registered::<Unread>(r#"{"a":}"#, &[]).is_none());
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Bytes {
            b: std::ffi::CString,
        }
        assert!(deserialize_with_registered::<Bytes>(r#"{"b":"x"}"#, &[]).is_none());
    }

    #[test]
    fn fast_scan_reads_the_common_shape() {
        let t = r#"{"sub":"1234567890","name":"John Doe","admin":true,"iat":1700000000,"exp":4102444800}"#;
        let p = scan_registered(t, &[]).unwrap();
        assert_eq!(p.sub.as_deref(), Some("1234567890"));
        assert_eq!(p.iat, Some(NumericDate::from_secs(1_700_000_000)));
        assert_eq!(p.exp, Some(NumericDate::from_secs(4_102_444_800)));
        // Shapes left to the full reader.
        for t in [
            r#"{"exp":1.5}"#,
            r#"{"sub":"a\"b"}"#,
            r#"{"aud":["a"]}"#,
            r#"{"exp":1,"exp":2}"#,
            "[1]",
        ] {
            assert!(scan_registered(t, &[]).is_none(), "{t}");
        }
    }
}
