//! The validation policy applied to a JWT after its signature verified
//! (RFC 7519 §7.2, RFC 8725 §3).

use crate::alg::Algorithm;
use crate::error::Error;
use crate::jws::header::Header;
use crate::jwt::claims::{Claim, ParsedClaims};
use crate::limits::Limits;
use crate::time::NumericDate;

const NANOS_PER_SEC: i128 = 1_000_000_000;

/// What [`crate::jwt::decode`] checks beyond the signature: one policy type
/// with safe defaults, adjusted with builder methods.
///
/// # Defaults
///
/// | setting | default | change with |
/// |---|---|---|
/// | allowed algorithms | the key's own algorithm (each [`crate::Key`] is bound to one; `none` is never accepted) | [`Validation::with_algorithms`] |
/// | required claims | `exp` | [`Validation::require`], [`Validation::allow_missing_exp`] |
/// | `exp` (RFC 7519 §4.1.4) | checked when present: expired when `now >= exp + leeway` | always on |
/// | `nbf` (RFC 7519 §4.1.5) | checked when present: not yet valid when `now < nbf - leeway` | always on |
/// | leeway | 0 seconds, applied to `exp` and `nbf` only | [`Validation::with_leeway`] |
/// | `iat` in the future | not checked (RFC 7519 defines no such check) | [`Validation::reject_future_iat`] |
/// | maximum token age | none | [`Validation::max_age`] (needs `iat`) |
/// | audience (`aud`, RFC 7519 §4.1.3) | none configured: a token **with** `aud` is rejected (`invalid_audience`) | [`Validation::audience`] (any-of) |
/// | issuer (`iss`) | not checked | [`Validation::issuer`] (any-of) |
/// | subject (`sub`) | not checked | [`Validation::subject`] |
/// | header `typ` | not checked | [`Validation::typ`] |
/// | header `crit` (RFC 7515 §4.1.11) | every listed extension is rejected (`invalid_header`) | not configurable |
/// | resource limits | [`Limits::DEFAULT`] | [`Validation::with_limits`] |
///
/// Times are NumericDates (RFC 7519 §2) with fractional seconds honoured;
/// all arithmetic is exact (`i128` nanoseconds), so dates near `0` and near
/// `i64::MAX` seconds behave like any other.
///
/// The checks run in this order, and the first failure is returned: required
/// claims (`missing_claim`), `exp` (`expired`), `nbf` (`not_yet_valid`),
/// future `iat` (`not_yet_valid`), maximum age (`invalid_claim`), audience
/// (`missing_claim` / `invalid_audience`), issuer and subject
/// (`missing_claim` / `invalid_claim`).
///
/// ```
/// use timed_jws::{Algorithm, Claim, Validation};
///
/// let v = Validation::new()
///     .with_leeway(30)
///     .audience("https://api.example.com")
///     .issuer("https://issuer.example.com")
///     .require(Claim::Sub)
///     .with_algorithms([Algorithm::HS256]);
/// assert_eq!(v.leeway(), 30);
/// assert_eq!(v.algorithms(), &[Algorithm::HS256]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    algorithms: Vec<Algorithm>,
    required: Vec<Claim>,
    leeway: u64,
    reject_future_iat: bool,
    max_age: Option<u64>,
    audiences: Vec<String>,
    issuers: Vec<String>,
    subject: Option<String>,
    typ: Option<String>,
    limits: Limits,
}

impl Default for Validation {
    fn default() -> Self {
        Validation::new()
    }
}

impl Validation {
    /// The default policy (see the table above).
    pub fn new() -> Self {
        Validation {
            algorithms: Vec::new(),
            required: vec![Claim::Exp],
            leeway: 0,
            reject_future_iat: false,
            max_age: None,
            audiences: Vec::new(),
            issuers: Vec::new(),
            subject: None,
            typ: None,
            limits: Limits::DEFAULT,
        }
    }

    /// Restricts the accepted `alg` values (RFC 8725 §3.1). A token's `alg`
    /// must be in this set **and** be the algorithm of the key that verifies
    /// it. Without this call, the key alone decides. Calling it again
    /// replaces the set; an empty set means "the key decides".
    pub fn with_algorithms(mut self, algs: impl IntoIterator<Item = Algorithm>) -> Self {
        self.algorithms = algs.into_iter().collect();
        self
    }

    /// Requires a claim to be present (`missing_claim` otherwise). Registered
    /// claims that are present are always type-checked; this only adds the
    /// presence requirement.
    pub fn require(mut self, claim: impl Into<Claim>) -> Self {
        let claim = claim.into();
        if !self.required.contains(&claim) {
            self.required.push(claim);
        }
        self
    }

    /// Accepts tokens without `exp` (by default `exp` is required). An `exp`
    /// that is present is still checked.
    pub fn allow_missing_exp(mut self) -> Self {
        self.required.retain(|c| *c != Claim::Exp);
        self
    }

    /// Clock-skew allowance in seconds for `exp` and `nbf` (RFC 7519 §4.1.4
    /// and §4.1.5 allow "some small leeway, usually no more than a few
    /// minutes"). Default 0.
    pub fn with_leeway(mut self, secs: u64) -> Self {
        self.leeway = secs;
        self
    }

    /// Rejects tokens whose `iat` is after the validation time
    /// (`not_yet_valid`; no leeway). Off by default: RFC 7519 §4.1.6 defines
    /// no such check.
    pub fn reject_future_iat(mut self) -> Self {
        self.reject_future_iat = true;
        self
    }

    /// Rejects tokens older than `secs` seconds, measured from `iat`: a token
    /// is too old (`invalid_claim` on `iat`) when `now - iat > secs`. Makes
    /// `iat` required (`missing_claim` when absent).
    pub fn max_age(mut self, secs: u64) -> Self {
        self.max_age = Some(secs);
        self
    }

    /// Adds an accepted audience (RFC 7519 §4.1.3). A token is accepted when
    /// any of its `aud` values is exactly (case-sensitively) one of the
    /// accepted audiences. Once an audience is configured, `aud` is required.
    /// With none configured (the default), a token that has `aud` is
    /// rejected, as RFC 7519 §4.1.3 requires of a recipient that does not
    /// identify itself with a value in the claim.
    pub fn audience(mut self, aud: impl Into<String>) -> Self {
        self.audiences.push(aud.into());
        self
    }

    /// Adds an accepted issuer (`iss`, RFC 7519 §4.1.1). Once one is
    /// configured, `iss` is required and must equal one of them exactly.
    pub fn issuer(mut self, iss: impl Into<String>) -> Self {
        self.issuers.push(iss.into());
        self
    }

    /// Requires `sub` (RFC 7519 §4.1.2) to equal `sub` exactly.
    pub fn subject(mut self, sub: impl Into<String>) -> Self {
        self.subject = Some(sub.into());
        self
    }

    /// Requires the header `typ` (RFC 7515 §4.1.9) to be `typ` (for example
    /// `"JWT"`, or `"at+jwt"` for RFC 9068 access tokens), compared
    /// ASCII-case-insensitively and with an optional `application/` prefix
    /// ignored on either side, as RFC 7515 §4.1.9 recommends. A token without
    /// `typ` is then rejected (`invalid_header`).
    pub fn typ(mut self, typ: impl Into<String>) -> Self {
        self.typ = Some(typ.into());
        self
    }

    /// Replaces the resource limits used while decoding.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The leeway in seconds.
    pub fn leeway(&self) -> u64 {
        self.leeway
    }

    /// The resource limits in use.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The required claims.
    pub fn required_claims(&self) -> &[Claim] {
        &self.required
    }

    /// The allowed algorithms (empty: the key decides).
    pub fn algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }

    /// Checks the algorithm against the policy (the key check is separate).
    pub(crate) fn check_algorithm(&self, alg: Algorithm) -> Result<(), Error> {
        if self.algorithms.is_empty() || self.algorithms.contains(&alg) {
            Ok(())
        } else {
            Err(Error::alg_not_allowed(alg.as_str()))
        }
    }

    /// Checks the header after the signature verified: `crit` (nothing is
    /// understood) and `typ`.
    pub(crate) fn check_header(&self, header: &Header) -> Result<(), Error> {
        header.check_crit(&[])?;
        if let Some(expected) = &self.typ {
            match &header.typ {
                Some(t) if typ_matches(expected, t) => {}
                Some(_) => {
                    return Err(Error::InvalidHeader {
                        reason: "unexpected typ",
                    })
                }
                None => {
                    return Err(Error::InvalidHeader {
                        reason: "missing typ",
                    })
                }
            }
        }
        Ok(())
    }

    /// Applies the claim checks at `now`.
    pub(crate) fn check_claims(&self, c: &ParsedClaims<'_>, now: NumericDate) -> Result<(), Error> {
        for (i, claim) in self.required.iter().enumerate() {
            let present = match claim {
                Claim::Iss => c.iss.is_some(),
                Claim::Sub => c.sub.is_some(),
                Claim::Aud => c.aud.is_some(),
                Claim::Exp => c.exp.is_some(),
                Claim::Nbf => c.nbf.is_some(),
                Claim::Iat => c.iat.is_some(),
                Claim::Jti => c.jti.is_some(),
                Claim::Custom(_) => c.custom_found(i),
            };
            if !present {
                return Err(Error::missing_claim(claim.name()));
            }
        }
        let leeway = i128::from(self.leeway) * NANOS_PER_SEC;
        if let Some(exp) = c.exp {
            // Expired when now >= exp + leeway.
            if now.nanos_since(exp) >= leeway {
                return Err(Error::Expired {
                    exp: exp.secs(),
                    now: now.secs(),
                });
            }
        }
        if let Some(nbf) = c.nbf {
            // Not yet valid when now < nbf - leeway.
            if nbf.nanos_since(now) > leeway {
                return Err(Error::NotYetValid {
                    nbf: nbf.secs(),
                    now: now.secs(),
                });
            }
        }
        if self.reject_future_iat {
            if let Some(iat) = c.iat {
                if iat.nanos_since(now) > 0 {
                    return Err(Error::NotYetValid {
                        nbf: iat.secs(),
                        now: now.secs(),
                    });
                }
            }
        }
        if let Some(max_age) = self.max_age {
            let iat = c.iat.ok_or_else(|| Error::missing_claim("iat"))?;
            if now.nanos_since(iat) > i128::from(max_age) * NANOS_PER_SEC {
                return Err(Error::invalid_claim(
                    "iat",
                    "token is older than the maximum age",
                ));
            }
        }
        match (&c.aud, self.audiences.is_empty()) {
            (None, true) => {}
            (Some(_), true) => {
                return Err(Error::InvalidAudience {
                    reason: "token has aud but no audience is configured",
                })
            }
            (None, false) => return Err(Error::missing_claim("aud")),
            (Some(aud), false) => {
                if !self.audiences.iter().any(|a| aud.contains(a)) {
                    return Err(Error::InvalidAudience {
                        reason: "no aud value is an accepted audience",
                    });
                }
            }
        }
        if !self.issuers.is_empty() {
            let iss = c
                .iss
                .as_deref()
                .ok_or_else(|| Error::missing_claim("iss"))?;
            if !self.issuers.iter().any(|i| i == iss) {
                return Err(Error::invalid_claim("iss", "issuer is not accepted"));
            }
        }
        if let Some(expected) = &self.subject {
            let sub = c
                .sub
                .as_deref()
                .ok_or_else(|| Error::missing_claim("sub"))?;
            if sub != expected {
                return Err(Error::invalid_claim("sub", "unexpected subject"));
            }
        }
        Ok(())
    }
}

/// RFC 7515 §4.1.9: media type names are case-insensitive and the
/// `application/` prefix may be omitted when no other `/` appears.
fn typ_matches(expected: &str, actual: &str) -> bool {
    fn strip(t: &str) -> &str {
        match t.get(..12) {
            Some(p) if p.eq_ignore_ascii_case("application/") => {
                let rest = t.get(12..).unwrap_or_default();
                if rest.contains('/') {
                    t
                } else {
                    rest
                }
            }
            _ => t,
        }
    }
    strip(expected).eq_ignore_ascii_case(strip(actual))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::jwt::claims::parse_registered;

    fn check(v: &Validation, claims: &str, now: i64) -> Result<(), ErrorKind> {
        let p = parse_registered(claims, v.required_claims()).unwrap();
        v.check_claims(&p, NumericDate::from_secs(now))
            .map_err(|e| e.kind())
    }

    #[test]
    fn typ_comparison() {
        assert!(typ_matches("JWT", "jwt"));
        assert!(typ_matches("at+jwt", "application/AT+JWT"));
        assert!(typ_matches("application/jwt", "JWT"));
        assert!(!typ_matches("JWT", "at+jwt"));
        assert!(!typ_matches("application/a/b", "a/b"));
        assert!(typ_matches("application/a/b", "APPLICATION/a/b"));
    }

    #[test]
    fn defaults() {
        let v = Validation::default();
        assert_eq!(v.required_claims(), &[Claim::Exp]);
        assert_eq!(check(&v, r#"{}"#, 0), Err(ErrorKind::MissingClaim));
        assert_eq!(check(&v, r#"{"exp":1}"#, 0), Ok(()));
        assert_eq!(check(&v.clone().allow_missing_exp(), r#"{}"#, 0), Ok(()));
        assert_eq!(
            check(&v, r#"{"exp":10,"aud":"x"}"#, 0),
            Err(ErrorKind::InvalidAudience)
        );
        // iat in the future is accepted by default.
        assert_eq!(check(&v, r#"{"exp":10,"iat":5}"#, 0), Ok(()));
    }

    #[test]
    fn optional_checks() {
        let v = Validation::new()
            .reject_future_iat()
            .max_age(100)
            .issuer("a")
            .issuer("b")
            .subject("s")
            .require(Claim::Custom("role".into()))
            .require("jti");
        let ok = r#"{"exp":1000,"iat":500,"iss":"b","sub":"s","role":1,"jti":"x"}"#;
        assert_eq!(check(&v, ok, 600), Ok(()));
        assert_eq!(check(&v, ok, 499), Err(ErrorKind::NotYetValid));
        assert_eq!(check(&v, ok, 601), Err(ErrorKind::InvalidClaim));
        assert_eq!(
            check(&v, &ok.replace(r#""role":1,"#, ""), 600),
            Err(ErrorKind::MissingClaim)
        );
        assert_eq!(
            check(&v, &ok.replace(r#""jti":"x""#, r#""x":1"#), 600),
            Err(ErrorKind::MissingClaim)
        );
        assert_eq!(
            check(&v, &ok.replace(r#""iss":"b""#, r#""iss":"c""#), 600),
            Err(ErrorKind::InvalidClaim)
        );
        assert_eq!(
            check(&v, &ok.replace(r#""iss":"b","#, ""), 600),
            Err(ErrorKind::MissingClaim)
        );
        assert_eq!(
            check(&v, &ok.replace(r#""sub":"s""#, r#""sub":"S""#), 600),
            Err(ErrorKind::InvalidClaim)
        );
        assert_eq!(
            check(&v, &ok.replace(r#""iat":500,"#, ""), 600),
            Err(ErrorKind::MissingClaim)
        );
    }

    #[test]
    fn audience_any_of() {
        let v = Validation::new().audience("a").audience("b");
        assert_eq!(check(&v, r#"{"exp":9,"aud":"b"}"#, 0), Ok(()));
        assert_eq!(check(&v, r#"{"exp":9,"aud":["x","a"]}"#, 0), Ok(()));
        assert_eq!(
            check(&v, r#"{"exp":9,"aud":["x"]}"#, 0),
            Err(ErrorKind::InvalidAudience)
        );
        assert_eq!(
            check(&v, r#"{"exp":9,"aud":[]}"#, 0),
            Err(ErrorKind::InvalidAudience)
        );
        assert_eq!(check(&v, r#"{"exp":9}"#, 0), Err(ErrorKind::MissingClaim));
    }

    #[test]
    fn algorithm_policy() {
        let v = Validation::new();
        assert_eq!(v.check_algorithm(Algorithm::HS512), Ok(()));
        let v = v.with_algorithms([Algorithm::HS256]);
        assert_eq!(
            v.check_algorithm(Algorithm::HS512).unwrap_err().kind(),
            ErrorKind::AlgorithmNotAllowed
        );
        assert_eq!(v.algorithms(), &[Algorithm::HS256]);
    }
}
