//! The JWS Protected Header (RFC 7515 §4).

use std::collections::HashSet;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde_json::Value;

use crate::alg::Algorithm;
use crate::error::{Error, Part};

/// A JWS Protected Header (RFC 7515 §4): the registered members this crate
/// interprets, plus every other member kept in its original order.
///
/// Decoding is strict: the header must be a JSON object with a string `alg`,
/// no duplicate member names (RFC 7515 §5.2 allows rejecting them), and
/// `typ`, `cty`, `kid` strings and `crit` a non-empty array of strings when
/// present. Decoding never re-serialises: the JWS Signing Input is always
/// the bytes as received.
#[derive(Clone, PartialEq, Default)]
pub struct Header {
    /// `alg` (RFC 7515 §4.1.1): the algorithm name exactly as written; it may
    /// name an algorithm this crate does not implement, or `none`.
    pub alg: String,
    /// `typ` (RFC 7515 §4.1.9), e.g. `"JWT"`.
    pub typ: Option<String>,
    /// `cty` (RFC 7515 §4.1.10).
    pub cty: Option<String>,
    /// `kid` (RFC 7515 §4.1.4): which key signed the token.
    pub kid: Option<String>,
    /// `crit` (RFC 7515 §4.1.11): extensions the recipient must understand.
    pub crit: Option<Vec<String>>,
    /// Every other member, in the order of the encoded header.
    pub extra: Vec<(String, Value)>,
}

impl fmt::Debug for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Header")
            .field("alg", &self.alg)
            .field("typ", &self.typ)
            .field("cty", &self.cty)
            .field("kid", &self.kid)
            .field("crit", &self.crit)
            .field("extra", &self.extra)
            .finish()
    }
}

impl Header {
    /// A header with only `alg` set.
    pub fn new(alg: Algorithm) -> Self {
        Header {
            alg: alg.as_str().to_owned(),
            ..Header::default()
        }
    }

    /// The `alg` as an [`Algorithm`] this crate implements.
    ///
    /// # Errors
    ///
    /// [`Error::AlgorithmNotAllowed`] for `none` and unknown names.
    pub fn algorithm(&self) -> Result<Algorithm, Error> {
        self.alg.parse()
    }

    /// The `alg`, exactly as written, must be `alg` (the key's algorithm).
    pub(crate) fn expect_alg(&self, alg: Algorithm) -> Result<(), Error> {
        if self.alg != alg.as_str() {
            return Err(Error::alg_not_allowed(&self.alg));
        }
        Ok(())
    }

    /// Looks up any member by name, registered or not, as JSON.
    pub fn get(&self, name: &str) -> Option<Value> {
        match name {
            "alg" => Some(Value::String(self.alg.clone())),
            "typ" => self.typ.clone().map(Value::String),
            "cty" => self.cty.clone().map(Value::String),
            "kid" => self.kid.clone().map(Value::String),
            "crit" => self
                .crit
                .as_ref()
                .map(|c| Value::Array(c.iter().cloned().map(Value::String).collect())),
            _ => self
                .extra
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()),
        }
    }

    /// Decodes a header from its JSON bytes (already base64url-decoded).
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] (part [`Part::Header`]) when the bytes are not a
    /// UTF-8 JSON object or repeat a member name; [`Error::InvalidHeader`]
    /// when a member is missing or of the wrong type.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let members: RawMembers = serde_json::from_slice(bytes).map_err(|e| {
            if e.is_data() {
                Error::malformed(Part::Header, "header is not a JSON object")
            } else {
                Error::malformed(Part::Header, "header is not valid JSON")
            }
        })?;
        Header::from_members(members.0)
    }

    fn from_members(members: Vec<(String, Value)>) -> Result<Self, Error> {
        if has_repeated(members.iter().map(|(k, _)| k.as_str())) {
            // RFC 7515 §5.2 lets a recipient reject repeated names; the
            // JSON is then not a usable header at all (RFC 7493 §2.3).
            return Err(Error::malformed(Part::Header, "duplicate header member"));
        }
        let mut h = Header::default();
        let mut alg = None;
        for (k, v) in members {
            match k.as_str() {
                "alg" => alg = Some(string_member(v, "alg must be a string")?),
                "typ" => h.typ = Some(string_member(v, "typ must be a string")?),
                "cty" => h.cty = Some(string_member(v, "cty must be a string")?),
                "kid" => h.kid = Some(string_member(v, "kid must be a string")?),
                "crit" => {
                    let Value::Array(items) = v else {
                        return Err(Error::InvalidHeader {
                            reason: "crit must be an array of strings",
                        });
                    };
                    if items.is_empty() {
                        return Err(Error::InvalidHeader {
                            reason: "crit must not be empty",
                        });
                    }
                    let mut names = Vec::with_capacity(items.len());
                    for item in items {
                        names.push(string_member(item, "crit must be an array of strings")?);
                    }
                    h.crit = Some(names);
                }
                _ => h.extra.push((k, v)),
            }
        }
        h.alg = alg.ok_or(Error::InvalidHeader {
            reason: "missing alg",
        })?;
        Ok(h)
    }

    /// The JSON text of this header: `alg`, `typ`, `cty`, `kid`, `crit`
    /// (those present), then the other members in order.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidHeader`] when an extra member repeats a registered
    /// name or another extra member.
    pub fn to_json_bytes(&self) -> Result<Vec<u8>, Error> {
        let registered = |k: &str| matches!(k, "alg" | "typ" | "cty" | "kid" | "crit");
        let names = || self.extra.iter().map(|(k, _)| k.as_str());
        if names().any(registered) || has_repeated(names()) {
            return Err(Error::InvalidHeader {
                reason: "duplicate header member",
            });
        }
        serde_json::to_vec(self).map_err(|_| Error::InvalidHeader {
            reason: "header cannot be serialised",
        })
    }

    /// Checks `crit` (RFC 7515 §4.1.11): every listed extension must be one
    /// the caller understands (`understood`), must not be a header parameter
    /// name defined by RFC 7515/7518, and must be present in the header.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidHeader`] when any rule is broken.
    pub fn check_crit(&self, understood: &[&str]) -> Result<(), Error> {
        let Some(crit) = &self.crit else {
            return Ok(());
        };
        let present: HashSet<&str> = self.extra.iter().map(|(k, _)| k.as_str()).collect();
        for name in crit {
            if REGISTERED.contains(&name.as_str()) {
                return Err(Error::InvalidHeader {
                    reason: "crit lists a registered header parameter",
                });
            }
            if !understood.contains(&name.as_str()) {
                return Err(Error::InvalidHeader {
                    reason: "crit lists an extension that is not understood",
                });
            }
            if !present.contains(name.as_str()) {
                return Err(Error::InvalidHeader {
                    reason: "crit lists a member that is absent",
                });
            }
        }
        Ok(())
    }
}

/// Header parameter names registered by RFC 7515 §4.1 and RFC 7518 §4.
const REGISTERED: &[&str] = &[
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "epk",
    "apu", "apv", "iv", "tag", "p2s", "p2c", "enc", "zip",
];

/// Whether any name occurs twice: the names sorted (O(n log n) comparisons
/// in the worst case, whatever names an attacker chooses), then each
/// compared with the next.
fn has_repeated<'a>(names: impl Iterator<Item = &'a str>) -> bool {
    let mut sorted: Vec<&str> = names.collect();
    sorted.sort_unstable();
    sorted
        .windows(2)
        .any(|pair| matches!(pair, [a, b] if a == b))
}

fn string_member(v: Value, reason: &'static str) -> Result<String, Error> {
    match v {
        Value::String(s) => Ok(s),
        _ => Err(Error::InvalidHeader { reason }),
    }
}

/// A JSON object's members in document order, duplicates included.
pub(crate) struct RawMembers(pub(crate) Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for RawMembers {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawMembers;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawMembers, A::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(4).min(16));
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    out.push((k, v));
                }
                Ok(RawMembers(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl serde::Serialize for Header {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("alg", &self.alg)?;
        if let Some(v) = &self.typ {
            m.serialize_entry("typ", v)?;
        }
        if let Some(v) = &self.cty {
            m.serialize_entry("cty", v)?;
        }
        if let Some(v) = &self.kid {
            m.serialize_entry("kid", v)?;
        }
        if let Some(v) = &self.crit {
            m.serialize_entry("crit", v)?;
        }
        for (k, v) in &self.extra {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn keeps_member_order() {
        let h = Header::from_json_bytes(br#"{"z":1,"alg":"HS256","a":[2],"kid":"k1","m":null}"#)
            .unwrap();
        assert_eq!(h.alg, "HS256");
        assert_eq!(h.kid.as_deref(), Some("k1"));
        let names: Vec<&str> = h.extra.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["z", "a", "m"]);
        assert_eq!(
            String::from_utf8(h.to_json_bytes().unwrap()).unwrap(),
            r#"{"alg":"HS256","kid":"k1","z":1,"a":[2],"m":null}"#
        );
    }

    #[test]
    fn strict_decoding() {
        let kind = |s: &str| Header::from_json_bytes(s.as_bytes()).unwrap_err().kind();
        assert_eq!(
            kind(r#"{"alg":"HS256","alg":"none"}"#),
            ErrorKind::Malformed
        );
        assert_eq!(kind(r#"{"typ":"JWT"}"#), ErrorKind::InvalidHeader);
        assert_eq!(kind(r#"{"alg":1}"#), ErrorKind::InvalidHeader);
        assert_eq!(
            kind(r#"{"alg":"HS256","crit":[]}"#),
            ErrorKind::InvalidHeader
        );
        assert_eq!(kind(r#"["alg"]"#), ErrorKind::Malformed);
        assert_eq!(kind(r#"{"alg":"HS256""#), ErrorKind::Malformed);
        assert_eq!(kind("{\"alg\":\"\u{0}\"}"), ErrorKind::Malformed);
    }

    /// Writing refuses an extra member that repeats another (anywhere
    /// among many) or a registered name, and writes many distinct ones.
    #[test]
    fn writing_refuses_repeated_members() {
        let mut h = Header::new(Algorithm::HS256);
        h.extra = (0..2000)
            .map(|i| (format!("m{i}"), Value::from(i)))
            .collect();
        let json = h.to_json_bytes().unwrap();
        assert_eq!(Header::from_json_bytes(&json).unwrap(), h);
        let refused = Error::InvalidHeader {
            reason: "duplicate header member",
        };
        let mut repeated = h.clone();
        repeated.extra.push(("m1000".to_owned(), Value::Null));
        assert_eq!(repeated.to_json_bytes(), Err(refused.clone()));
        let mut registered = h.clone();
        registered.extra.push(("kid".to_owned(), Value::Null));
        assert_eq!(registered.to_json_bytes(), Err(refused));
    }

    #[test]
    fn crit_rules() {
        let h = Header::from_json_bytes(br#"{"alg":"HS256","crit":["exp"],"exp":1}"#).unwrap();
        assert_eq!(
            h.check_crit(&[]).unwrap_err().kind(),
            ErrorKind::InvalidHeader
        );
        assert_eq!(h.check_crit(&["exp"]), Ok(()));
        let h = Header::from_json_bytes(br#"{"alg":"HS256","crit":["kid"],"kid":"a"}"#).unwrap();
        assert_eq!(
            h.check_crit(&["kid"]).unwrap_err().kind(),
            ErrorKind::InvalidHeader
        );
        let h = Header::from_json_bytes(br#"{"alg":"HS256","crit":["x"]}"#).unwrap();
        assert_eq!(
            h.check_crit(&["x"]).unwrap_err().kind(),
            ErrorKind::InvalidHeader
        );
    }
}
