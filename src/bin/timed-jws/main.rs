//! `timed-jws`: sign, verify and inspect JSON Web Signatures and JSON Web
//! Tokens from the command line. A thin layer over the `timed_jws` library.
//!
//! Exit status: 0 when a token is valid (or a command succeeded), 1 when a
//! token is rejected, 2 for usage or configuration errors.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::{json, Value};
use timed_jws::compat::itsdangerous::ItsDangerousVersion;
use timed_jws::{Error, Limits};

mod classic_cmd;
mod compat_cmd;
mod jwt_cmd;

/// Sign, verify and inspect JSON Web Signatures (RFC 7515) and JSON Web
/// Tokens (RFC 7519), including itsdangerous's TimedJSONWebSignatureSerializer
/// tokens.
#[derive(Parser, Debug)]
#[command(name = "timed-jws", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Sign a payload and print the token and a newline.
    Sign(SignArgs),
    /// Verify a token; exit 0 when valid, 1 when rejected, 2 on usage errors.
    Verify(VerifyArgs),
    /// Print a token's header and payload WITHOUT verifying anything.
    Inspect(InspectArgs),
    /// Print a new random key of full length for an algorithm, or with
    /// --public the public JWK (Set) of an existing key.
    Keygen(KeygenArgs),
}

/// Which itsdangerous version's behaviour to reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Compat {
    /// itsdangerous 2.x (classic formats: Unix timestamps, future
    /// timestamps expired, key rotation); for the JWS formats the same as
    /// itsdangerous-1.1.
    #[value(name = "itsdangerous")]
    ItsDangerous,
    /// itsdangerous 1.1 (JWS: default HS512, raw UTF-8 JSON; classic
    /// formats: the SHA-512 fallback signer of its serializers).
    #[value(name = "itsdangerous-1.1")]
    ItsDangerous11,
    /// itsdangerous 0.24 (JWS: default HS256, ASCII-escaped JSON; classic
    /// formats: timestamps counted from 2011-01-01).
    #[value(name = "itsdangerous-0.24")]
    ItsDangerous024,
}

impl Compat {
    /// The itsdangerous version reproduced for the classic formats.
    fn classic_version(self) -> ItsDangerousVersion {
        match self {
            Compat::ItsDangerous => ItsDangerousVersion::V2,
            Compat::ItsDangerous11 => ItsDangerousVersion::V1,
            Compat::ItsDangerous024 => ItsDangerousVersion::V0_24,
        }
    }

    /// The itsdangerous version reproduced for the JWS formats (removed in
    /// itsdangerous 2.1; 2.0 behaves as 1.1).
    fn jws_version(self) -> ItsDangerousVersion {
        match self {
            Compat::ItsDangerous | Compat::ItsDangerous11 => ItsDangerousVersion::V1,
            Compat::ItsDangerous024 => ItsDangerousVersion::V0_24,
        }
    }
}

/// The token format (`--format`). Every format but `timed-jws` needs
/// `--compat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum Format {
    /// Without --compat a standard JWT; with --compat itsdangerous's
    /// TimedJSONWebSignatureSerializer.
    #[default]
    TimedJws,
    /// itsdangerous's JSONWebSignatureSerializer (no expiry).
    Jws,
    /// itsdangerous's Signer: `value.signature`, the value is raw text.
    Signer,
    /// itsdangerous's TimestampSigner: `value.timestamp.signature`, raw text.
    TimestampSigner,
    /// itsdangerous's Serializer: JSON text (`json.dumps`), signed.
    Serializer,
    /// itsdangerous's TimedSerializer: JSON text with a timestamp.
    TimedSerializer,
    /// itsdangerous's URLSafeSerializer: base64url JSON, maybe compressed.
    UrlSafe,
    /// itsdangerous's URLSafeTimedSerializer: base64url JSON with a timestamp.
    UrlSafeTimed,
    /// A Flask session cookie (Flask's SecureCookieSessionInterface).
    FlaskSession,
}

impl Format {
    /// The name given to --format.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Format::TimedJws => "timed-jws",
            Format::Jws => "jws",
            Format::Signer => "signer",
            Format::TimestampSigner => "timestamp-signer",
            Format::Serializer => "serializer",
            Format::TimedSerializer => "timed-serializer",
            Format::UrlSafe => "url-safe",
            Format::UrlSafeTimed => "url-safe-timed",
            Format::FlaskSession => "flask-session",
        }
    }

    /// Whether tokens carry a timestamp checked against --max-age.
    pub(crate) fn is_timed(self) -> bool {
        matches!(
            self,
            Format::TimestampSigner
                | Format::TimedSerializer
                | Format::UrlSafeTimed
                | Format::FlaskSession
        )
    }
}

/// itsdangerous's `key_derivation` (`--key-derivation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum KeyDerivationArg {
    /// `H(salt + "signer" + secret)`, itsdangerous's default.
    DjangoConcat,
    /// `H(salt + secret)`.
    Concat,
    /// `HMAC-H(secret, salt)` (Flask's session cookie).
    Hmac,
    /// The secret itself; the salt is ignored.
    None,
}

/// itsdangerous's `digest_method` (`--digest`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DigestArg {
    /// SHA-1, itsdangerous's default.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

/// Where the shared secret comes from.
#[derive(Args, Debug, Clone, Default)]
#[group(multiple = false)]
struct SecretArgs {
    /// The secret as text (UTF-8 bytes). Visible in the process list: prefer
    /// --secret-file or --secret-env.
    #[arg(long, value_name = "TEXT")]
    secret: Option<String>,
    /// The secret as base64url without padding, decoded strictly: a JWK's
    /// `k` (RFC 7518 §6.4.1). Visible in the process list.
    #[arg(long, value_name = "K")]
    secret_base64url: Option<String>,
    /// Read the secret's raw bytes from a file (a trailing newline is part
    /// of the secret).
    #[arg(long, value_name = "PATH")]
    secret_file: Option<PathBuf>,
    /// Read the secret from an environment variable.
    #[arg(long, value_name = "VAR")]
    secret_env: Option<String>,
}

/// Options shared by sign and verify.
#[derive(Args, Debug, Clone)]
struct KeyArgs {
    #[command(flatten)]
    secret: SecretArgs,
    /// Reproduce itsdangerous's tokens (the format is chosen by --format).
    #[arg(long, value_enum, value_name = "VERSION")]
    compat: Option<Compat>,
    /// The token format (default timed-jws); every other format needs
    /// --compat.
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<Format>,
    /// itsdangerous salt (only with --compat; not with flask-session); ""
    /// is an empty salt, distinct from no --salt.
    #[arg(long, value_name = "TEXT")]
    salt: Option<String>,
    /// itsdangerous's key derivation (classic formats but flask-session;
    /// default django-concat).
    #[arg(long, value_enum, value_name = "NAME")]
    key_derivation: Option<KeyDerivationArg>,
    /// itsdangerous's digest (classic formats but flask-session; default
    /// sha1).
    #[arg(long, value_enum, value_name = "HASH")]
    digest: Option<DigestArg>,
    /// A JWK (RFC 7517) file holding the key.
    #[arg(long, value_name = "PATH")]
    jwk: Option<PathBuf>,
    /// A JWK Set (RFC 7517 §5) file; the key is chosen by `kid`.
    #[arg(long, value_name = "PATH")]
    jwks: Option<PathBuf>,
    /// A PEM file holding a PKCS#8 / SubjectPublicKeyInfo / PKCS#1 RSA key
    /// (needs --alg).
    #[arg(long, value_name = "PATH")]
    key_pem: Option<PathBuf>,
    /// The `kid` of the key. sign: written into the header, and picks the
    /// key from --jwks. verify: only tokens whose header names this `kid`
    /// are accepted (`unknown_key` otherwise), and it picks the key from
    /// --jwks.
    #[arg(long, value_name = "KID")]
    kid: Option<String>,
    /// Validation time / signing time in seconds since the Unix epoch
    /// (default: the system clock).
    #[arg(long, value_name = "UNIX_SECONDS", allow_negative_numbers = true)]
    now: Option<i64>,
}

#[derive(Args, Debug)]
struct SignArgs {
    #[command(flatten)]
    key: KeyArgs,
    /// The algorithm (default: HS256; with --compat, the version's default).
    #[arg(long, value_name = "ALG")]
    alg: Option<String>,
    /// Lifetime in seconds: `exp = now + expires_in` (default 3600).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    expires_in: Option<String>,
    /// Extra JWS Protected Header members, as a JSON object.
    #[arg(long, value_name = "JSON_OBJECT")]
    header: Option<String>,
    /// Standard JWT: the `iss` claim to add.
    #[arg(long, value_name = "ISSUER")]
    issuer: Option<String>,
    /// Standard JWT: the `aud` claim to add (repeat for several).
    #[arg(long, value_name = "AUDIENCE")]
    audience: Vec<String>,
    /// Standard JWT: the `sub` claim to add.
    #[arg(long, value_name = "SUBJECT")]
    subject: Option<String>,
    /// Accept an HMAC secret shorter than the hash output (RFC 7518 §3.2
    /// requires at least 32/48/64 bytes); for legacy secrets only.
    #[arg(long)]
    allow_short_secret: bool,
    /// The payload as JSON text (JWT: the claims set; flask-session: the
    /// session's tagged JSON), raw text for signer and timestamp-signer, or
    /// `-` for stdin (trailing newlines removed).
    #[arg(value_name = "PAYLOAD", default_value = "-")]
    payload: String,
}

/// How `verify` reports its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
enum Output {
    /// The payload on stdout, or `error[kind]: message` on stderr.
    #[default]
    Text,
    /// One JSON object on stdout.
    Json,
}

#[derive(Args, Debug)]
struct VerifyArgs {
    #[command(flatten)]
    key: KeyArgs,
    /// Allowed algorithm (repeatable; default: the key's algorithm; with
    /// --compat, the version's default).
    #[arg(long, value_name = "ALG")]
    alg: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    output: Output,
    /// Leeway in seconds applied to `exp` and `nbf` (standard JWT only).
    #[arg(long, value_name = "SECONDS")]
    leeway: Option<u64>,
    /// Accepted audience (repeatable; any one must be in `aud`).
    #[arg(long, value_name = "AUDIENCE")]
    audience: Vec<String>,
    /// Accepted issuer (repeatable).
    #[arg(long, value_name = "ISSUER")]
    issuer: Vec<String>,
    /// Required subject.
    #[arg(long, value_name = "SUBJECT")]
    subject: Option<String>,
    /// A claim that must be present (repeatable).
    #[arg(long, value_name = "CLAIM")]
    require: Vec<String>,
    /// Accept an HMAC secret shorter than the hash output (legacy secrets).
    #[arg(long)]
    allow_short_secret: bool,
    /// Accept a token without `exp` (standard JWT; by default `exp` is
    /// required). An `exp` that is present is still checked.
    #[arg(long)]
    allow_missing_exp: bool,
    /// Timed classic formats: reject tokens older than this many seconds
    /// (age == max-age is still valid). Without it no age is checked,
    /// as in itsdangerous; flask-session defaults to Flask's
    /// PERMANENT_SESSION_LIFETIME, 2678400 (31 days).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(i64).range(0..))]
    max_age: Option<i64>,
    /// Classic formats with --compat itsdangerous: an older secret that
    /// still verifies (raw bytes of the file; repeatable, tried in the
    /// order given after the current secret). flask-session:
    /// SECRET_KEY_FALLBACKS.
    #[arg(long, value_name = "PATH")]
    fallback_secret_file: Vec<PathBuf>,
    /// The token, or `-` for stdin.
    #[arg(value_name = "TOKEN", default_value = "-")]
    token: String,
}

#[derive(Args, Debug)]
struct InspectArgs {
    /// The token, or `-` for stdin.
    #[arg(value_name = "TOKEN", default_value = "-")]
    token: String,
}

/// How `keygen` prints the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
enum KeyFormat {
    /// The raw key bytes, base64url-encoded.
    #[default]
    Base64url,
    /// A JWK (RFC 7517) JSON object.
    Jwk,
    /// A PKCS#8 `PRIVATE KEY` PEM block (asymmetric algorithms only).
    Pem,
}

#[derive(Args, Debug)]
struct KeygenArgs {
    /// The algorithm the key is for (default: HS256). With --public: the
    /// algorithm of a --key-pem key, or of an RSA JWK without `alg`.
    #[arg(long, value_name = "ALG")]
    alg: Option<String>,
    /// Output format (default: base64url for HMAC, jwk otherwise).
    #[arg(long, value_enum)]
    format: Option<KeyFormat>,
    /// A `kid` for the JWK.
    #[arg(long, value_name = "KID")]
    kid: Option<String>,
    /// Generate nothing: print the public JWK of the key in --jwk or
    /// --key-pem, or the public JWK Set of --jwks, to publish (asymmetric
    /// keys only: a shared HMAC secret has no public part).
    #[arg(long)]
    public: bool,
    #[command(flatten)]
    from: PublicFromArgs,
}

/// Where `keygen --public` reads the key whose public part it prints.
#[derive(Args, Debug, Clone, Default)]
#[group(multiple = false)]
struct PublicFromArgs {
    /// With --public: a JWK (RFC 7517) file holding the key.
    #[arg(long, value_name = "PATH", requires = "public")]
    jwk: Option<PathBuf>,
    /// With --public: a JWK Set (RFC 7517 §5) file; every asymmetric key in
    /// it is printed.
    #[arg(long, value_name = "PATH", requires = "public")]
    jwks: Option<PathBuf>,
    /// With --public: a PEM file holding a PKCS#8 / SubjectPublicKeyInfo /
    /// PKCS#1 RSA key (needs --alg).
    #[arg(long, value_name = "PATH", requires = "public")]
    key_pem: Option<PathBuf>,
}

/// A usage or configuration problem: exit status 2.
#[derive(Debug)]
pub(crate) struct UsageError(pub(crate) String);

impl<E: std::fmt::Display> From<E> for UsageError {
    fn from(e: E) -> Self {
        UsageError(e.to_string())
    }
}

/// What a verification produced.
pub(crate) enum Verdict {
    Valid {
        /// The JWS Protected Header (JWS formats only).
        header: Option<Value>,
        /// The payload as JSON text.
        payload: String,
        /// What text output prints instead of `payload`: a signer's value.
        text: Option<String>,
        /// Timed classic formats: when the token was signed (Unix seconds).
        timestamp: Option<i64>,
    },
    Rejected {
        error: Error,
        /// The itsdangerous class (with --compat).
        itsdangerous: Option<&'static str>,
        /// The message to print instead of the error's own (the text of
        /// itsdangerous's exception, classic formats).
        message: Option<String>,
    },
}

impl Verdict {
    /// A valid token whose payload is a JSON value.
    pub(crate) fn valid(header: Option<Value>, payload: &Value, timestamp: Option<i64>) -> Self {
        Verdict::Valid {
            header,
            payload: serde_json::to_string(payload).unwrap_or_else(|_| "null".into()),
            text: None,
            timestamp,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Sign(a) => sign(a),
        Command::Verify(a) => verify(a),
        Command::Inspect(a) => inspect(a),
        Command::Keygen(a) => keygen(a),
    };
    match result {
        Ok(code) => code,
        Err(UsageError(msg)) => {
            eprintln!("timed-jws: {msg}");
            ExitCode::from(2)
        }
    }
}

/// Reads an argument, or all of stdin for `-`, without the trailing newline.
fn arg_or_stdin(arg: &str) -> Result<String, UsageError> {
    if arg != "-" {
        return Ok(arg.to_owned());
    }
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return Err(UsageError(
            "no argument given and stdin is a terminal: pass the token/payload, or pipe it in with -"
                .into(),
        ));
    }
    let mut s = String::new();
    std::io::stdin()
        .take(16 * 1024 * 1024)
        .read_to_string(&mut s)
        .map_err(|e| UsageError(format!("cannot read stdin: {e}")))?;
    while s.ends_with('\n') || s.ends_with('\r') {
        s.pop();
    }
    Ok(s)
}

impl SecretArgs {
    /// The options, as listed in usage messages.
    pub(crate) const NAMES: &'static str =
        "--secret, --secret-base64url, --secret-file or --secret-env";

    /// Whether one of the options was given.
    pub(crate) fn is_given(&self) -> bool {
        self.secret.is_some()
            || self.secret_base64url.is_some()
            || self.secret_file.is_some()
            || self.secret_env.is_some()
    }

    /// The secret bytes, if one of the options was given.
    pub(crate) fn read(&self) -> Result<Option<Vec<u8>>, UsageError> {
        if let Some(s) = &self.secret {
            return Ok(Some(s.as_bytes().to_vec()));
        }
        if let Some(k) = &self.secret_base64url {
            // Strict: the URL-safe alphabet, no padding, no whitespace,
            // canonical trailing bits (RFC 7515 §2). The message never
            // repeats the value or a byte of it.
            use base64::Engine as _;
            return base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(k)
                .map(Some)
                .map_err(|_| {
                    UsageError(
                        "--secret-base64url is not base64url without padding (A-Z a-z 0-9 - _, \
                         no `=`, no whitespace), as a JWK's `k` is"
                            .into(),
                    )
                });
        }
        if let Some(p) = &self.secret_file {
            let bytes = std::fs::read(p).map_err(|e| {
                UsageError(format!("cannot read --secret-file {}: {e}", p.display()))
            })?;
            if bytes.ends_with(b"\n") {
                eprintln!(
                    "timed-jws: note: {} ends with a newline, which is part of the secret (raw bytes); \
                     write keys without it, e.g. `timed-jws keygen | tr -d '\\n' > FILE`",
                    p.display()
                );
            }
            return Ok(Some(bytes));
        }
        if let Some(var) = &self.secret_env {
            return match std::env::var_os(var) {
                Some(v) => Ok(Some(v.into_encoded_bytes())),
                None => Err(UsageError(format!(
                    "environment variable {var} (from --secret-env) is not set"
                ))),
            };
        }
        Ok(None)
    }
}

/// Fails when an option given on the command line does not apply: `given`
/// pairs each option's name with whether it was given.
pub(crate) fn not_applicable(given: &[(&str, bool)], to: &str) -> Result<(), UsageError> {
    let names: Vec<&str> = given.iter().filter(|g| g.1).map(|g| g.0).collect();
    match names.as_slice() {
        [] => Ok(()),
        [one] => Err(UsageError(format!("{one} does not apply to {to}"))),
        many => Err(UsageError(format!(
            "{} do not apply to {to}",
            many.join(", ")
        ))),
    }
}

/// The format, checked against --compat.
fn format_of(key: &KeyArgs) -> Result<Format, UsageError> {
    let format = key.format.unwrap_or_default();
    if key.compat.is_none() && format != Format::TimedJws {
        return Err(UsageError(format!(
            "--format {} needs --compat itsdangerous, itsdangerous-1.1 or itsdangerous-0.24",
            format.name()
        )));
    }
    Ok(format)
}

/// Standard JWT mode: the itsdangerous options are usage errors.
fn check_standard_jwt(key: &KeyArgs, verify: Option<&VerifyArgs>) -> Result<(), UsageError> {
    not_applicable(
        &[
            ("--salt", key.salt.is_some()),
            ("--key-derivation", key.key_derivation.is_some()),
            ("--digest", key.digest.is_some()),
            ("--max-age", verify.is_some_and(|v| v.max_age.is_some())),
            (
                "--fallback-secret-file",
                verify.is_some_and(|v| !v.fallback_secret_file.is_empty()),
            ),
        ],
        "standard JWTs (they are itsdangerous options: add --compat)",
    )
}

fn sign(a: SignArgs) -> Result<ExitCode, UsageError> {
    let format = format_of(&a.key)?;
    let payload = arg_or_stdin(&a.payload)?;
    let token = match (a.key.compat, format) {
        (None, _) => {
            check_standard_jwt(&a.key, None)?;
            jwt_cmd::sign(&a, &payload)?
        }
        (Some(c), Format::TimedJws | Format::Jws) => {
            compat_cmd::sign(c.jws_version(), format, &a, &payload)?
        }
        (Some(c), _) => classic_cmd::sign(c.classic_version(), format, &a, &payload)?,
    };
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}

fn verify(a: VerifyArgs) -> Result<ExitCode, UsageError> {
    let format = format_of(&a.key)?;
    let token = arg_or_stdin(&a.token)?;
    let verdict = match (a.key.compat, format) {
        (None, _) => {
            check_standard_jwt(&a.key, Some(&a))?;
            jwt_cmd::verify(&a, &token)?
        }
        (Some(c), Format::TimedJws | Format::Jws) => {
            compat_cmd::verify(c.jws_version(), format, &a, &token)?
        }
        (Some(c), _) => classic_cmd::verify(c.classic_version(), format, &a, &token)?,
    };
    Ok(report(verdict, a.output))
}

fn report(verdict: Verdict, output: Output) -> ExitCode {
    // Members are written in the documented order: `valid` first.
    let js = |v: &Value| serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    match (verdict, output) {
        (Verdict::Valid { payload, text, .. }, Output::Text) => {
            println!("{}", text.unwrap_or(payload));
            ExitCode::SUCCESS
        }
        (
            Verdict::Valid {
                header,
                payload,
                timestamp,
                ..
            },
            Output::Json,
        ) => {
            let header = header
                .map(|h| format!(r#","header":{}"#, js(&h)))
                .unwrap_or_default();
            let timestamp = timestamp
                .map(|t| format!(r#","timestamp":{t}"#))
                .unwrap_or_default();
            println!(r#"{{"valid":true{header},"payload":{payload}{timestamp}}}"#);
            ExitCode::SUCCESS
        }
        (Verdict::Rejected { error, message, .. }, Output::Text) => {
            let message = message.unwrap_or_else(|| error.to_string());
            eprintln!("error[{}]: {message}", error.kind());
            ExitCode::from(1)
        }
        (
            Verdict::Rejected {
                error,
                itsdangerous,
                message,
            },
            Output::Json,
        ) => {
            let class = itsdangerous
                .map(|c| format!(r#","itsdangerous":{}"#, js(&Value::from(c))))
                .unwrap_or_default();
            let message = message.unwrap_or_else(|| error.to_string());
            println!(
                r#"{{"valid":false,"error":{{"kind":{},"message":{}{class}}}}}"#,
                js(&Value::from(error.kind().as_str())),
                js(&Value::from(message)),
            );
            ExitCode::from(1)
        }
    }
}

fn inspect(a: InspectArgs) -> Result<ExitCode, UsageError> {
    let token = arg_or_stdin(&a.token)?;
    let mut limits = Limits::default();
    limits.max_token_len = 16 * 1024 * 1024;
    match timed_jws::dangerous::decode_unverified(&token, &limits) {
        Ok(u) => {
            let payload = match serde_json::from_slice::<Value>(&u.payload) {
                Ok(v) => v,
                Err(_) => Value::String(String::from_utf8_lossy(&u.payload).into_owned()),
            };
            let header = serde_json::to_value(&u.header).unwrap_or(Value::Null);
            let out = json!({
                "verified": false,
                "warning": "UNVERIFIED: the signature was not checked; do not trust this content",
                "header": header,
                "payload": payload,
            });
            let mut stdout = std::io::stdout().lock();
            let text = serde_json::to_string_pretty(&out).unwrap_or_default();
            let _ = writeln!(stdout, "{text}");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("error[{}]: {e}", e.kind());
            Ok(ExitCode::from(1))
        }
    }
}

fn keygen(a: KeygenArgs) -> Result<ExitCode, UsageError> {
    let text = if a.public {
        jwt_cmd::public_jwk(&a)?
    } else {
        let alg = a.alg.as_deref().unwrap_or("HS256");
        jwt_cmd::keygen(alg, a.format, a.kid.as_deref())?
    };
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}
