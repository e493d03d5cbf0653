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
use timed_jws::{Error, Limits};

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
    /// itsdangerous 1.x/2.0: default HS512, raw UTF-8 JSON.
    #[value(name = "itsdangerous")]
    ItsDangerous,
    /// itsdangerous 0.24: default HS256, ASCII-escaped JSON.
    #[value(name = "itsdangerous-0.24")]
    ItsDangerous024,
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
    /// Reproduce itsdangerous's JSONWebSignatureSerializer tokens.
    #[arg(long, value_enum, value_name = "VERSION")]
    compat: Option<Compat>,
    /// itsdangerous salt (only with --compat); "" is an empty salt, distinct
    /// from no --salt.
    #[arg(long, value_name = "TEXT")]
    salt: Option<String>,
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
    /// The payload (JWT: the claims set) as JSON text, or `-` for stdin.
    #[arg(value_name = "PAYLOAD_JSON", default_value = "-")]
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
        header: Value,
        payload: Value,
    },
    Rejected {
        error: Error,
        itsdangerous: Option<&'static str>,
    },
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

fn sign(a: SignArgs) -> Result<ExitCode, UsageError> {
    let payload = arg_or_stdin(&a.payload)?;
    let token = match a.key.compat {
        Some(c) => compat_cmd::sign(c == Compat::ItsDangerous024, &a, &payload)?,
        None => jwt_cmd::sign(&a, &payload)?,
    };
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}

fn verify(a: VerifyArgs) -> Result<ExitCode, UsageError> {
    let token = arg_or_stdin(&a.token)?;
    let verdict = match a.key.compat {
        Some(c) => compat_cmd::verify(c == Compat::ItsDangerous024, &a, &token)?,
        None => jwt_cmd::verify(&a, &token)?,
    };
    Ok(report(verdict, a.output))
}

fn report(verdict: Verdict, output: Output) -> ExitCode {
    // Members are written in the documented order: `valid` first.
    let js = |v: &Value| serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    match (verdict, output) {
        (Verdict::Valid { payload, .. }, Output::Text) => {
            println!("{}", js(&payload));
            ExitCode::SUCCESS
        }
        (Verdict::Valid { header, payload }, Output::Json) => {
            println!(
                r#"{{"valid":true,"header":{},"payload":{}}}"#,
                js(&header),
                js(&payload)
            );
            ExitCode::SUCCESS
        }
        (Verdict::Rejected { error, .. }, Output::Text) => {
            eprintln!("error[{}]: {error}", error.kind());
            ExitCode::from(1)
        }
        (
            Verdict::Rejected {
                error,
                itsdangerous,
            },
            Output::Json,
        ) => {
            let class = itsdangerous
                .map(|c| format!(r#","itsdangerous":{}"#, js(&Value::from(c))))
                .unwrap_or_default();
            println!(
                r#"{{"valid":false,"error":{{"kind":{},"message":{}{class}}}}}"#,
                js(&Value::from(error.kind().as_str())),
                js(&Value::from(error.to_string())),
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
