//! JWT claims (RFC 7519 §4): the registered claims this crate interprets,
//! and a helper to combine them with the caller's own claims.
//!
//! A JWT Claims Set is a JSON object (RFC 7519 §4). When decoding, the
//! registered claims are read first by a small strict reader that borrows
//! from the text and skips every other member; the caller's type is
//! deserialised from the same text only after the claims were validated. No
//! intermediate `serde_json::Value` is built.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeSeq, Serializer};

use crate::error::{Error, Part};
use crate::json::{drain_map, drain_seq, Name, Str};
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
// The strict reader of registered claims.
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
    let mut parsed = ParsedClaims::default();
    let mut de = serde_json::Deserializer::from_str(text);
    // The visitor fills `parsed` in place rather than returning it through
    // serde's `Result`s (a large value moved at every layer).
    de::DeserializeSeed::deserialize(
        ClaimsVisitor {
            required,
            out: &mut parsed,
        },
        &mut de,
    )
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

struct ClaimsVisitor<'r, 'p, 'de> {
    required: &'r [Claim],
    out: &'p mut ParsedClaims<'de>,
}

impl<'de> de::DeserializeSeed<'de> for ClaimsVisitor<'_, '_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ClaimsVisitor<'_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JWT Claims Set (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let out = self.out;
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
                    let v = map.next_value::<Str<'de>>()?;
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
        Ok(())
    }
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
                while let Some(Str(v)) = seq.next_element::<Str<'de>>()? {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

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
