//! The `timed-jws` command-line contract (exit status, output shapes, key
//! options), run against the built binary.
#![cfg(feature = "cli")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::process::{Command, Output};

use serde_json::{json, Value};

const SEED: &str = "eyJhbGciOiJIUzI1NiIsImV4cCI6MTQ0MzEwODAyMywiaWF0IjoxNDQzMTA0NDIzfQ.eyJpZCI6ImZvb2JhciJ9.eCD3zKK1lYT8cZ9w8g0YVpaF-1rR-k6UNCYq9dHmvGo";
const SECRET_64: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_timed-jws"))
        .args(args)
        .output()
        .expect("run timed-jws")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// The exit status and the whole standard output of one run (stderr shown
/// when the status differs).
fn assert_outcome(o: &Output, code: i32, out: &str) {
    assert_eq!(o.status.code(), Some(code), "{}", stderr(o));
    assert_eq!(stdout(o), out);
}

fn seed_verify(now: &str, secret: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "verify",
        "--compat",
        "itsdangerous-0.24",
        "--secret",
        secret,
        "--now",
        now,
    ];
    args.extend_from_slice(extra);
    args.push(SEED);
    run(&args)
}

#[test]
fn readme_main_command_seed_token() {
    for now in ["1443104423", "1443108023"] {
        let o = seed_verify(now, "sekrit", &[]);
        assert_outcome(&o, 0, "{\"id\":\"foobar\"}\n");
    }
    let o = seed_verify("1443108024", "sekrit", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "error[expired]: token expired at 1443108023 (now 1443108024)\n"
    );
    let o = seed_verify("1443108024", "sekrit", &["--output", "json"]);
    assert_outcome(&o, 1, "{\"valid\":false,\"error\":{\"kind\":\"expired\",\"message\":\"token expired at 1443108023 (now 1443108024)\",\"itsdangerous\":\"SignatureExpired\"}}\n");
    let o = seed_verify("1443104423", "not-sekrit", &["--output", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v,
        json!({"valid": false, "error": {"kind": "invalid_signature", "message": "invalid signature", "itsdangerous": "BadSignature"}})
    );
}

#[test]
fn verify_json_output_valid_shape() {
    let o = seed_verify("1443104423", "sekrit", &["--output", "json"]);
    assert_outcome(&o, 0, "{\"valid\":true,\"header\":{\"alg\":\"HS256\",\"exp\":1443108023,\"iat\":1443104423},\"payload\":{\"id\":\"foobar\"}}\n");
}

#[test]
fn compat_sign_reproduces_itsdangerous_bytes_and_keeps_key_order() {
    // itsdangerous 0.24 TimedJSONWebSignatureSerializer("sekrit") at 1443104423
    // (tests/data/itsdangerous/signing.json, v024_timed_default_alg_hs256_seed_now).
    let o = run(&[
        "sign",
        "--compat",
        "itsdangerous-0.24",
        "--secret",
        "sekrit",
        "--now",
        "1443104423",
        r#"{"id": "foobar"}"#,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "eyJhbGciOiJIUzI1NiIsImlhdCI6MTQ0MzEwNDQyMywiZXhwIjoxNDQzMTA4MDIzfQ.eyJpZCI6ImZvb2JhciJ9.3PJRMKsfCGVAf4hMqNm9GmcnQAw1p7Eg58wpXFEgs-c\n"
    );
    // Payload and header keys keep the order of the given JSON.
    let o = run(&[
        "sign",
        "--compat",
        "itsdangerous",
        "--secret",
        "sekrit",
        "--now",
        "1700000000",
        "--header",
        r#"{"zz":1,"kid":"k"}"#,
        r#"{"b":1,"a":2}"#,
    ]);
    let token = stdout(&o);
    let inspect = run(&["inspect", token.trim()]);
    let v: Value = serde_json::from_str(&stdout(&inspect)).unwrap();
    assert_eq!(v["verified"], json!(false));
    assert!(v["warning"].as_str().unwrap().starts_with("UNVERIFIED"));
    let segs: Vec<&str> = token.trim().split('.').collect();
    use base64::Engine as _;
    let dec = |s: &str| {
        String::from_utf8(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(s)
                .unwrap(),
        )
        .unwrap()
    };
    assert_eq!(
        dec(segs[0]),
        r#"{"zz":1,"kid":"k","alg":"HS512","iat":1700000000,"exp":1700003600}"#
    );
    assert_eq!(dec(segs[1]), r#"{"b":1,"a":2}"#);
}

#[test]
fn empty_salt_differs_from_no_salt() {
    let sign = |salt: Option<&str>| {
        let mut args = vec![
            "sign",
            "--compat",
            "itsdangerous-0.24",
            "--secret",
            "sekrit",
            "--now",
            "1700000000",
        ];
        if let Some(s) = salt {
            args.extend_from_slice(&["--salt", s]);
        }
        args.push(r#"{"id":"foobar"}"#);
        stdout(&run(&args)).trim().to_owned()
    };
    // signing.json: v024_timed_default_alg_hs256 and v024_salt_empty_string.
    assert_eq!(sign(None), "eyJhbGciOiJIUzI1NiIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDAzNjAwfQ.eyJpZCI6ImZvb2JhciJ9.a5IBTw8YWqwExTQxQ0zjzGilPer98WMAd1b0YbvC2T0");
    assert_eq!(sign(Some("")), "eyJhbGciOiJIUzI1NiIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDAzNjAwfQ.eyJpZCI6ImZvb2JhciJ9.8nVeIcyKM7Fc3j3MKiWK4UYTBMUVS9z8r9At85QMRdk");
}

#[test]
fn secret_file_and_env_read_raw_bytes() {
    let dir = std::env::temp_dir().join(format!("timed-jws-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("secret");
    std::fs::write(&file, b"sekrit").unwrap();
    let o = run(&[
        "verify",
        "--compat",
        "itsdangerous-0.24",
        "--secret-file",
        file.to_str().unwrap(),
        "--now",
        "1443104423",
        SEED,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A trailing newline in the file is part of the secret (raw bytes).
    std::fs::write(&file, b"sekrit\n").unwrap();
    let o = run(&[
        "verify",
        "--compat",
        "itsdangerous-0.24",
        "--secret-file",
        file.to_str().unwrap(),
        "--now",
        "1443104423",
        SEED,
    ]);
    assert_eq!(o.status.code(), Some(1));
    let o = Command::new(env!("CARGO_BIN_EXE_timed-jws"))
        .args([
            "verify",
            "--compat",
            "itsdangerous-0.24",
            "--secret-env",
            "TIMED_JWS_TEST_SECRET",
            "--now",
            "1443104423",
            SEED,
        ])
        .env("TIMED_JWS_TEST_SECRET", "sekrit")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn usage_errors_exit_2_and_never_print_the_secret() {
    // Two secret sources.
    let o = run(&["verify", "--secret", "a", "--secret-env", "B", "x.y.z"]);
    assert_eq!(o.status.code(), Some(2));
    // A short secret in standard-JWT mode is a configuration error.
    let o = run(&["sign", "--secret", "hunter2-secret", "{}"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("invalid key"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
    // Unknown --compat value.
    let o = run(&["verify", "--compat", "itsdangerous-2", "--secret", "s", "x"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn standard_jwt_round_trip_and_policy() {
    let o = run(&[
        "sign",
        "--secret",
        SECRET_64,
        "--now",
        "1700000000",
        "--expires-in",
        "60",
        "--issuer",
        "me",
        "--audience",
        "api",
        r#"{"sub":"alice"}"#,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let token = stdout(&o).trim().to_owned();
    let verify = |now: &str, extra: &[&str]| {
        let mut args = vec![
            "verify", "--secret", SECRET_64, "--now", now, "--output", "json",
        ];
        args.extend_from_slice(extra);
        args.push(&token);
        let o = run(&args);
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        (o.status.code(), v)
    };
    let (code, v) = verify("1700000059", &["--audience", "api", "--issuer", "me"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        v,
        json!({"valid": true, "header": {"alg": "HS256", "typ": "JWT"},
               "payload": {"aud": "api", "exp": 1700000060, "iat": 1700000000, "iss": "me", "sub": "alice"}})
    );
    // RFC 7519: expired at exp; leeway moves the boundary.
    let (code, v) = verify("1700000060", &["--audience", "api"]);
    assert_eq!(
        (code, v["error"]["kind"].clone()),
        (Some(1), json!("expired"))
    );
    let (code, _) = verify("1700000060", &["--audience", "api", "--leeway", "1"]);
    assert_eq!(code, Some(0));
    // aud present but no audience configured.
    let (code, v) = verify("1700000000", &[]);
    assert_eq!(
        (code, v["error"]["kind"].clone()),
        (Some(1), json!("invalid_audience"))
    );
    assert_eq!(v["error"].get("itsdangerous"), None);
    let (_, v) = verify("1700000000", &["--audience", "api", "--issuer", "other"]);
    assert_eq!(v["error"]["kind"], json!("invalid_claim"));
    let (_, v) = verify("1700000000", &["--audience", "api", "--require", "jti"]);
    assert_eq!(v["error"]["kind"], json!("missing_claim"));
    // One --alg makes one key: an HS512 key checks the HS256 token's MAC
    // first, before its header is read.
    let (_, v) = verify("1700000000", &["--audience", "api", "--alg", "HS512"]);
    assert_eq!(v["error"]["kind"], json!("invalid_signature"));
}

#[test]
fn keygen_hmac_key_has_full_length() {
    use base64::Engine as _;
    for (alg, len) in [("HS256", 32), ("HS384", 48), ("HS512", 64)] {
        let o = run(&["keygen", "--alg", alg]);
        assert_eq!(o.status.code(), Some(0));
        let k = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(stdout(&o).trim())
            .unwrap();
        assert_eq!(k.len(), len);
        let o = run(&["keygen", "--alg", alg, "--format", "jwk", "--kid", "k1"]);
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(
            (v["kty"].as_str(), v["alg"].as_str(), v["kid"].as_str()),
            (Some("oct"), Some(alg), Some("k1"))
        );
    }
    // No --alg: HS256.
    let o = run(&["keygen"]);
    assert_eq!(o.status.code(), Some(0));
    let k = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(stdout(&o).trim())
        .unwrap();
    assert_eq!(k.len(), 32);
    let o = run(&["keygen", "--alg", "EdDSA", "--kid", "e1"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        (v["kty"].as_str(), v["crv"].as_str()),
        (Some("OKP"), Some("Ed25519"))
    );
}

#[test]
fn verify_kid_accepts_only_that_kid() {
    let dir = std::env::temp_dir().join(format!("timed-jws-cli-kid-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let jwk = |kid: &str| {
        stdout(&run(&[
            "keygen", "--alg", "HS256", "--format", "jwk", "--kid", kid,
        ]))
    };
    let set = dir.join("set.jwks");
    std::fs::write(
        &set,
        format!(r#"{{"keys":[{},{}]}}"#, jwk("k1").trim(), jwk("k2").trim()),
    )
    .unwrap();
    let set = set.to_str().unwrap();
    let token = stdout(&run(&[
        "sign",
        "--jwks",
        set,
        "--kid",
        "k2",
        "--now",
        "1700000000",
        "{}",
    ]));
    let token = token.trim();
    let verify = |extra: &[&str]| {
        let mut args = vec![
            "verify",
            "--jwks",
            set,
            "--now",
            "1700000001",
            "--output",
            "json",
        ];
        args.extend_from_slice(extra);
        args.push(token);
        let o = run(&args);
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        (
            o.status.code(),
            v["valid"].clone(),
            v["error"]["kind"].clone(),
        )
    };
    assert_eq!(verify(&[]), (Some(0), json!(true), Value::Null));
    assert_eq!(
        verify(&["--kid", "k2"]),
        (Some(0), json!(true), Value::Null)
    );
    assert_eq!(
        verify(&["--kid", "k1"]),
        (Some(1), json!(false), json!("unknown_key"))
    );
    let o = run(&["verify", "--jwks", set, "--kid", "nope", token]);
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn alg_usage_errors_say_what_is_wrong() {
    let o = run(&["verify", "--secret", SECRET_64, "--alg", "hs256", "x.y.z"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown algorithm"), "{}", stderr(&o));
    let o = run(&["verify", "--secret", SECRET_64, "--alg", "RS256", "x.y.z"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a secret"), "{}", stderr(&o));
    let o = run(&["keygen", "--alg", "RS256"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("openssl genpkey"), "{}", stderr(&o));
}

/// A fresh directory for one test's files.
fn temp_dir(test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("timed-jws-cli-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// RFC 7515 Appendix A.1 / RFC 7519 §3.1: the HS256 JWK's `k` and its token
/// (`exp` 1300819380).
const RFC7515_A1_K: &str =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
const RFC7515_A1_TOKEN: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RFC7515_A1_CLAIMS: &str =
    "{\"exp\":1300819380,\"http://example.com/is_root\":true,\"iss\":\"joe\"}\n";

/// The example token of the jwt.io debugger: HS256 with the text secret
/// `your-256-bit-secret` (19 bytes), claims `sub`, `name`, `iat` and no `exp`.
const JWT_IO_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

#[test]
fn verify_allow_missing_exp() {
    let verify = |extra: &[&str], token: &str| {
        let mut args = vec![
            "verify",
            "--secret",
            "your-256-bit-secret",
            "--allow-short-secret",
            "--now",
            "1516239022",
        ];
        args.extend_from_slice(extra);
        args.push(token);
        run(&args)
    };
    // Without the flag, `exp` is required (the library default).
    let o = verify(&[], JWT_IO_TOKEN);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o), "error[missing_claim]: missing claim: exp\n");
    let o = verify(&["--output", "json"], JWT_IO_TOKEN);
    assert_outcome(&o, 1, "{\"valid\":false,\"error\":{\"kind\":\"missing_claim\",\"message\":\"missing claim: exp\"}}\n");
    // With it, the token is valid.
    let o = verify(&["--allow-missing-exp"], JWT_IO_TOKEN);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{\"iat\":1516239022,\"name\":\"John Doe\",\"sub\":\"1234567890\"}\n"
    );
    assert_eq!(stderr(&o), "");
    // --require exp still wins, whatever the order on the command line.
    for extra in [
        ["--allow-missing-exp", "--require", "exp"],
        ["--require", "exp", "--allow-missing-exp"],
    ] {
        let o = verify(&extra, JWT_IO_TOKEN);
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(stderr(&o), "error[missing_claim]: missing claim: exp\n");
    }
    // An `exp` that is present is still checked.
    let rfc = |now: &str| {
        run(&[
            "verify",
            "--secret-base64url",
            RFC7515_A1_K,
            "--allow-missing-exp",
            "--now",
            now,
            RFC7515_A1_TOKEN,
        ])
    };
    let o = rfc("1300819379");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), RFC7515_A1_CLAIMS);
    let o = rfc("1300819380");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error[expired]: token expired at 1300819380 (now 1300819380)\n"
    );
    // itsdangerous tokens always carry `exp` in the header: not an option there.
    let o = seed_verify("1443104423", "sekrit", &["--allow-missing-exp"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "timed-jws: --leeway, --audience, --issuer, --subject, --require and --allow-missing-exp are standard-JWT options: itsdangerous checks only the header exp\n"
    );
}

#[test]
fn secret_base64url_is_a_jwks_k() {
    let verify = |secret_opt: &str, secret: &str| {
        run(&[
            "verify",
            secret_opt,
            secret,
            "--now",
            "1300819379",
            RFC7515_A1_TOKEN,
        ])
    };
    let o = verify("--secret-base64url", RFC7515_A1_K);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), RFC7515_A1_CLAIMS);
    // The same text through --secret is the text's bytes: another key.
    let o = verify("--secret", RFC7515_A1_K);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), "error[invalid_signature]: invalid signature\n");
    // Strict decoding; the message never repeats the value.
    let bad_k = [
        format!("{RFC7515_A1_K}=="),                             // padding
        RFC7515_A1_K.replace('-', "+").replace('_', "/"),        // the standard alphabet
        format!("{RFC7515_A1_K}\n"),                             // whitespace
        format!("{}x", &RFC7515_A1_K[..RFC7515_A1_K.len() - 1]), // non-zero trailing bits ("ox")
        "A".to_owned(),                                          // a length no encoding has
    ];
    for k in &bad_k {
        let o = verify("--secret-base64url", k);
        assert_eq!(o.status.code(), Some(2), "{k:?}");
        assert_eq!(stdout(&o), "");
        assert_eq!(
            stderr(&o),
            "timed-jws: --secret-base64url is not base64url without padding (A-Z a-z 0-9 - _, no `=`, no whitespace), as a JWK's `k` is\n",
            "{k:?}"
        );
    }
    // One secret source at a time.
    for other in ["--secret", "--secret-file", "--secret-env"] {
        let o = run(&[
            "verify",
            "--secret-base64url",
            RFC7515_A1_K,
            other,
            "x",
            RFC7515_A1_TOKEN,
        ]);
        assert_eq!(o.status.code(), Some(2), "{other}");
        let err = stderr(&o);
        let value = match other {
            "--secret" => "<TEXT>",
            "--secret-file" => "<PATH>",
            _ => "<VAR>",
        };
        assert_eq!(
            err.lines().next(),
            Some(
                format!("error: the argument '--secret-base64url <K>' cannot be used with '{other} {value}'")
                    .as_str()
            ),
            "{err}"
        );
    }
    // sign: the same key as the JWK whose `k` it is.
    let dir = temp_dir("b64url");
    let jwk = dir.join("a1.jwk");
    std::fs::write(
        &jwk,
        format!(r#"{{"kty":"oct","alg":"HS256","k":"{RFC7515_A1_K}"}}"#),
    )
    .unwrap();
    let sign = |opt: &str, value: &str| {
        let o = run(&["sign", opt, value, "--now", "1700000000", r#"{"sub":"a"}"#]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o)
    };
    assert_eq!(
        sign("--secret-base64url", RFC7515_A1_K),
        sign("--jwk", jwk.to_str().unwrap())
    );
    std::fs::remove_dir_all(&dir).unwrap();
    // --compat takes it too: "c2Vrcml0" is base64url("sekrit").
    let o = run(&[
        "verify",
        "--compat",
        "itsdangerous-0.24",
        "--secret-base64url",
        "c2Vrcml0",
        "--now",
        "1443104423",
        SEED,
    ]);
    assert_outcome(&o, 0, "{\"id\":\"foobar\"}\n");
}

#[test]
fn jwk_given_a_jwk_set_says_use_jwks() {
    let dir = temp_dir("jwk-set");
    let set = dir.join("set.jwks");
    std::fs::write(
        &set,
        format!(r#"{{"keys":[{{"kty":"oct","alg":"HS256","k":"{RFC7515_A1_K}"}}]}}"#),
    )
    .unwrap();
    let set = set.to_str().unwrap();
    let o = run(&[
        "verify",
        "--jwk",
        set,
        "--now",
        "1300819379",
        RFC7515_A1_TOKEN,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "timed-jws: --jwk {set} holds a JWK Set (an object with \"keys\"), not one JWK: use --jwks {set}\n"
        )
    );
    // The hint is right.
    let o = run(&[
        "verify",
        "--jwks",
        set,
        "--now",
        "1300819379",
        RFC7515_A1_TOKEN,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), RFC7515_A1_CLAIMS);
    // A JWK that is merely broken gets the loader's own message.
    std::fs::write(dir.join("bad.jwk"), r#"{"k":"x"}"#).unwrap();
    let o = run(&[
        "verify",
        "--jwk",
        dir.join("bad.jwk").to_str().unwrap(),
        RFC7515_A1_TOKEN,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "timed-jws: invalid key: JWK has no kty\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A JWK of tests/data/jose/rfc-vectors.json: (`jwk`, `jwk_public`).
fn rfc_jwk(name: &str) -> (Value, Value) {
    let all: Value = serde_json::from_str(include_str!("data/jose/rfc-vectors.json")).unwrap();
    let e = all
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .unwrap();
    (e["jwk"].clone(), e["jwk_public"].clone())
}

/// `jwk` with extra members.
fn with_members(jwk: &Value, extra: &[(&str, &str)]) -> Value {
    let mut m = jwk.as_object().unwrap().clone();
    for (k, v) in extra {
        m.insert((*k).to_owned(), Value::from(*v));
    }
    Value::Object(m)
}

#[test]
fn keygen_public_prints_the_public_jwk() {
    let dir = temp_dir("public");
    let path = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    // The RFCs' private keys give the RFCs' public keys (plus `alg`).
    for (name, alg, extra) in [
        ("rfc7515-A.2-RS256", "RS256", &["--alg", "RS256"][..]),
        ("rfc7515-A.3-ES256", "ES256", &[][..]),
        ("rfc8037-A.4-EdDSA-Ed25519", "EdDSA", &[][..]),
    ] {
        let (private, public) = rfc_jwk(name);
        let file = path(&format!("{alg}.jwk"));
        std::fs::write(&file, private.to_string()).unwrap();
        let mut args = vec!["keygen", "--public", "--jwk", &file];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{name}");
        let printed: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(printed, with_members(&public, &[("alg", alg)]), "{name}");
    }
    // Exact text, with --kid.
    let o = run(&[
        "keygen",
        "--public",
        "--jwk",
        &path("ES256.jwk"),
        "--kid",
        "a3",
    ]);
    assert_outcome(&o, 0, "{\"alg\":\"ES256\",\"crv\":\"P-256\",\"kid\":\"a3\",\"kty\":\"EC\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}\n");
    // From PEM; x is the last 32 bytes of the SubjectPublicKeyInfo that
    // `openssl pkey -in ed25519-pkcs8v1.pem -pubout -outform DER` prints.
    let o = run(&[
        "keygen",
        "--public",
        "--key-pem",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/keys/ed25519-pkcs8v1.pem"
        ),
        "--alg",
        "EdDSA",
        "--kid",
        "ed",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{\"alg\":\"EdDSA\",\"crv\":\"Ed25519\",\"kid\":\"ed\",\"kty\":\"OKP\",\"x\":\"rJDmJh_-YmuVL-l6xa8nVNKHnrA3mOQ7dxpGIsmyA6Y\"}\n"
    );
    // What is published verifies what the private key signs.
    std::fs::write(path("ed.pub.jwk"), stdout(&o)).unwrap();
    let token = run(&[
        "sign",
        "--key-pem",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/keys/ed25519-pkcs8v1.pem"
        ),
        "--alg",
        "EdDSA",
        "--now",
        "1700000000",
        "{}",
    ]);
    let token = stdout(&token);
    let o = run(&[
        "verify",
        "--jwk",
        &path("ed.pub.jwk"),
        "--now",
        "1700000001",
        token.trim(),
    ]);
    assert_outcome(&o, 0, "{\"exp\":1700003600,\"iat\":1700000000}\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn keygen_public_jwk_set_leaves_out_hmac_secrets() {
    let dir = temp_dir("public-set");
    let (ec, ec_public) = rfc_jwk("rfc7515-A.3-ES256");
    let (ed, ed_public) = rfc_jwk("rfc8037-A.4-EdDSA-Ed25519");
    let oct = json!({"kty": "oct", "kid": "hs", "alg": "HS256", "k": RFC7515_A1_K});
    let set = dir.join("private.jwks");
    let set = set.to_str().unwrap();
    std::fs::write(
        set,
        json!({"keys": [
            with_members(&ec, &[("kid", "ec")]),
            oct,
            with_members(&ed, &[("kid", "ed")]),
        ]})
        .to_string(),
    )
    .unwrap();
    let o = run(&["keygen", "--public", "--jwks", set]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "timed-jws: note: left out the HS256 key \"hs\": a shared HMAC secret has no public part\n"
    );
    let printed: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        printed,
        json!({"keys": [
            with_members(&ec_public, &[("kid", "ec"), ("alg", "ES256")]),
            with_members(&ed_public, &[("kid", "ed"), ("alg", "EdDSA")]),
        ]})
    );
    // The keys keep their own kids.
    let o = run(&["keygen", "--public", "--jwks", set, "--kid", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "timed-jws: --kid is not used with --jwks: the keys keep their own `kid`s\n"
    );
    // A set of secrets only has nothing to publish.
    let only_oct = dir.join("oct.jwks");
    let only_oct = only_oct.to_str().unwrap();
    std::fs::write(
        only_oct,
        json!({"keys": [{"kty": "oct", "kid": "hs", "alg": "HS256", "k": RFC7515_A1_K}]})
            .to_string(),
    )
    .unwrap();
    let o = run(&["keygen", "--public", "--jwks", only_oct]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        format!(
            "timed-jws: note: left out the HS256 key \"hs\": a shared HMAC secret has no public part\n\
             timed-jws: --jwks {only_oct}: no asymmetric key: a shared HMAC secret has no public part to publish\n"
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn keygen_public_refuses_hmac_and_says_what_to_give() {
    let dir = temp_dir("public-errors");
    // An HMAC algorithm.
    for alg in ["HS256", "HS384", "HS512"] {
        let o = run(&["keygen", "--public", "--alg", alg]);
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(stdout(&o), "");
        assert_eq!(
            stderr(&o),
            format!("timed-jws: {alg} is an HMAC algorithm: a shared secret has no public part to publish (whoever can verify can also sign); give the secret only to the parties that verify\n")
        );
    }
    // An `oct` JWK, with or without `alg`; the secret is never printed.
    let oct = dir.join("oct.jwk");
    let oct = oct.to_str().unwrap();
    for jwk in [
        json!({"kty": "oct", "alg": "HS256", "k": RFC7515_A1_K}),
        json!({"kty": "oct", "k": RFC7515_A1_K}),
    ] {
        std::fs::write(oct, jwk.to_string()).unwrap();
        let o = run(&["keygen", "--public", "--jwk", oct]);
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(stdout(&o), "");
        assert_eq!(
            stderr(&o),
            format!("timed-jws: --jwk {oct}: an `oct` JWK is a shared HMAC secret, which has no public part to publish\n")
        );
    }
    // A JWK Set given to --jwk.
    std::fs::write(
        dir.join("set.jwks"),
        json!({"keys": [rfc_jwk("rfc7515-A.3-ES256").0]}).to_string(),
    )
    .unwrap();
    let set = dir.join("set.jwks");
    let set = set.to_str().unwrap();
    let o = run(&["keygen", "--public", "--jwk", set]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!("timed-jws: --jwk {set} holds a JWK Set (an object with \"keys\"), not one JWK: use --jwks {set}\n")
    );
    // No key to read.
    for args in [
        &["keygen", "--public"][..],
        &["keygen", "--public", "--alg", "ES256"],
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(
            stderr(&o),
            "timed-jws: --public prints the public part of an existing key: give --jwk, --jwks or --key-pem (e.g. `timed-jws keygen --alg ES256 --kid k1 > private.jwk`, then `timed-jws keygen --public --jwk private.jwk`)\n"
        );
    }
    // --key-pem names no algorithm; --format is not for --public; the key
    // options need --public.
    let pem = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/keys/p256-pkcs8.pem"
    );
    let o = run(&["keygen", "--public", "--key-pem", pem]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "timed-jws: --key-pem needs --alg (a PEM key does not name its algorithm)\n"
    );
    let o = run(&[
        "keygen",
        "--public",
        "--key-pem",
        pem,
        "--alg",
        "ES256",
        "--format",
        "pem",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "timed-jws: --public prints a JWK (a JWK Set for --jwks): drop --format\n"
    );
    let o = run(&["keygen", "--alg", "ES256", "--key-pem", pem]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).lines().next(),
        Some("error: the following required arguments were not provided:")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------
// itsdangerous's classic formats and Flask session cookies (--format)
// ---------------------------------------------------------------------------

/// The issue's seed token: itsdangerous 0.24 `TimedSerializer("sekrit")`,
/// signed at Unix 1443104048 (tests/data/itsdangerous-classic/signing.json,
/// seed_py311_0_24).
const CLASSIC_SEED: &str = r#"{"id": "foobar"}.COWWsA.dect1vZLaDdgFQUA1G_iTpPY3Hg"#;

const CLASSIC_SIGNING: &str = include_str!("data/itsdangerous-classic/signing.json");

fn classic_seed_verify(now: &str, max_age: &str) -> Output {
    run(&[
        "verify",
        "--compat",
        "itsdangerous-0.24",
        "--format",
        "timed-serializer",
        "--secret",
        "sekrit",
        "--now",
        now,
        "--max-age",
        max_age,
        "--output",
        "json",
        CLASSIC_SEED,
    ])
}

#[test]
fn readme_classic_seed_token() {
    let valid = "{\"valid\":true,\"payload\":{\"id\":\"foobar\"},\"timestamp\":1443104048}\n";
    // 18 s after signing, and the last valid second for --max-age 3600.
    for now in ["1443104066", "1443107648"] {
        let o = classic_seed_verify(now, "3600");
        assert_outcome(&o, 0, valid);
    }
    let o = classic_seed_verify("1443104066", "0");
    assert_outcome(&o, 1, "{\"valid\":false,\"error\":{\"kind\":\"expired\",\"message\":\"Signature age 18 > 0 seconds\",\"itsdangerous\":\"SignatureExpired\"}}\n");
    let o = classic_seed_verify("1443107649", "3600");
    assert_outcome(&o, 1, "{\"valid\":false,\"error\":{\"kind\":\"expired\",\"message\":\"Signature age 3601 > 3600 seconds\",\"itsdangerous\":\"SignatureExpired\"}}\n");
    // Text output: the payload, or the error on stderr.
    let o = run(&[
        "verify",
        "--compat",
        "itsdangerous-0.24",
        "--format",
        "timed-serializer",
        "--secret",
        "sekrit",
        "--now",
        "1443104066",
        "--max-age",
        "0",
        CLASSIC_SEED,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o), "error[expired]: Signature age 18 > 0 seconds\n");
    // itsdangerous 2.x reads COWWsA on the Unix epoch: signed in 1974.
    let o = run(&[
        "verify",
        "--compat",
        "itsdangerous",
        "--format",
        "timed-serializer",
        "--secret",
        "sekrit",
        "--now",
        "1443104066",
        "--max-age",
        "3600",
        "--output",
        "json",
        CLASSIC_SEED,
    ]);
    assert_outcome(&o, 1, "{\"valid\":false,\"error\":{\"kind\":\"expired\",\"message\":\"Signature age 1293840018 > 3600 seconds\",\"itsdangerous\":\"SignatureExpired\"}}\n");
}

/// The `--format` of an itsdangerous class.
fn format_of_class(class: &str) -> &'static str {
    match class {
        "Signer" => "signer",
        "TimestampSigner" => "timestamp-signer",
        "Serializer" => "serializer",
        "TimedSerializer" => "timed-serializer",
        "URLSafeSerializer" => "url-safe",
        "URLSafeTimedSerializer" => "url-safe-timed",
        other => panic!("class {other}"),
    }
}

fn compat_of_version(version: &str) -> &'static str {
    match version {
        "0.24" => "itsdangerous-0.24",
        "1.1.0" => "itsdangerous-1.1",
        "2.2.0" => "itsdangerous",
        other => panic!("version {other}"),
    }
}

fn base64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// Every signing vector the CLI can express (one secret, text value, the
/// default separator, a digest ring has, no serializer_kwargs): `sign`
/// gives the token byte for byte, and `verify --output json` gives back the
/// payload (a signer's value as a JSON string) and, for the timed classes,
/// the signing clock.
#[test]
fn classic_signing_vectors_sign_and_verify() {
    let vectors: Vec<Value> = serde_json::from_str(CLASSIC_SIGNING).unwrap();
    let mut done = Vec::new();
    for v in &vectors {
        let name = v["name"].as_str().unwrap();
        let Some(secret_hex) = v["secret_key_hex"].as_str() else {
            continue; // a list of secrets: classic_rotation_with_fallback_secret_files
        };
        let signer = matches!(v["class"].as_str(), Some("Signer" | "TimestampSigner"));
        let value = if signer {
            match v["value_text"].as_str() {
                Some(t) if t.as_bytes() == unhex(v["value_hex"].as_str().unwrap()) => t,
                _ => continue, // bytes that are not UTF-8 text
            }
        } else {
            // The JSON text Python wrote; the CLI re-emits it.
            v["json_text"].as_str().unwrap()
        };
        if !v["sep"].is_null()
            || v["digest"] == "md5"
            || !v["serializer_kwargs"].is_null()
            || v["python"] == "2.7"
        {
            continue;
        }
        let format = format_of_class(v["class"].as_str().unwrap());
        let secret = base64url(&unhex(secret_hex));
        let mut args = vec![
            "--compat",
            compat_of_version(v["version"].as_str().unwrap()),
            "--format",
            format,
            "--secret-base64url",
            &secret,
        ];
        // A serializer given salt=None signs with the Signer's salt.
        let salt = match (v["salt"].as_str(), v["salt_passed_as_none"].as_bool()) {
            (Some(s), _) => Some(s),
            (None, Some(true)) => Some(v["effective_salt"].as_str().unwrap()),
            (None, _) => None,
        };
        if let Some(s) = salt {
            args.extend(["--salt", s]);
        }
        if let Some(kd) = v["key_derivation"].as_str() {
            args.extend(["--key-derivation", kd]);
        }
        if let Some(d) = v["digest"].as_str() {
            args.extend(["--digest", d]);
        }
        let now = v["now"].as_i64().map(|n| n.to_string());
        if let Some(n) = &now {
            args.extend(["--now", n]);
        }
        let mut sign = vec!["sign"];
        sign.extend(&args);
        sign.push(value);
        let o = run(&sign);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let token = v["token"].as_str().unwrap();
        assert_eq!(stdout(&o), format!("{token}\n"), "{name}");

        let mut verify = vec!["verify"];
        verify.extend(&args);
        verify.extend(["--output", "json", token]);
        let o = run(&verify);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stdout(&o));
        let got: Value = serde_json::from_str(&stdout(&o)).unwrap();
        let payload = if signer {
            Value::from(value)
        } else {
            v["payload_json"].clone()
        };
        let mut want = json!({"valid": true, "payload": payload});
        if now.is_some() {
            want["timestamp"] = v["now"].clone();
        }
        assert_eq!(got, want, "{name}");
        done.push(name.to_owned());
    }
    // Each class, version and option the CLI has, at least once.
    // 74 of the 88: not the separators, md5, sort_keys, Python 2 (hash
    // order), binary values and key lists (the rotation test has one).
    assert_eq!(done.len(), 74, "{done:?}");
    for name in [
        "baseline_signer_0_24",
        "baseline_timestamp_signer_1_1",
        "baseline_serializer_2_2",
        "baseline_timed_serializer_0_24",
        "baseline_urlsafe_serializer_1_1",
        "baseline_urlsafe_timed_serializer_2_2",
        "kd_none_signer_2_2",
        "digest_sha384_timestamp_signer_0_24",
        "digest_sha256_kd_hmac_urlsafe_timed_2_2",
        "salt_empty_urlsafe_1_1",
        "salt_passed_as_none_serializer_2_2",
        "compress_large_urlsafe_timed_0_24",
        "payload_unicode_urlsafe_0_24",
        "secret_binary_signer_0_24",
        "seed_py311_0_24",
        "preset_flask_wtf_csrf_2_2",
    ] {
        assert!(done.iter().any(|d| d == name), "{name} not run");
    }
}

/// A temporary file holding exactly `bytes`.
fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("timed-jws-cli-classic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn classic_rotation_with_fallback_secret_files() {
    // signing.json rotation_urlsafe_timed_three_keys_2_2: keys A, B, C
    // (oldest first); C signs.
    let token = "eyJpZCI6ImZvb2JhciIsIm4iOjQyfQ.ZVPxAA.pBYeFk09ODiIOU1vQ4JPaeDuzBk";
    let base = [
        "--compat",
        "itsdangerous",
        "--format",
        "url-safe-timed",
        "--now",
        "1700000000",
    ];
    let mut sign = vec!["sign"];
    sign.extend(base);
    sign.extend(["--secret", "secret-key-C", r#"{"id":"foobar","n":42}"#]);
    let o = run(&sign);
    assert_eq!(stdout(&o), format!("{token}\n"), "{}", stderr(&o));

    let a = temp_file("rot-a", b"secret-key-A");
    let b = temp_file("rot-b", b"secret-key-B");
    let verify = |secret: &str, fallbacks: &[&std::path::Path], token: &str| {
        let mut args = vec!["verify"];
        args.extend(base);
        args.extend(["--secret", secret, "--max-age", "60", "--output", "json"]);
        for f in fallbacks {
            args.extend(["--fallback-secret-file", f.to_str().unwrap()]);
        }
        args.push(token);
        let o = run(&args);
        (o.status.code(), stdout(&o))
    };
    let valid =
        "{\"valid\":true,\"payload\":{\"id\":\"foobar\",\"n\":42},\"timestamp\":1700000000}\n";
    // C's token with C alone, and with the older keys listed.
    assert_eq!(verify("secret-key-C", &[], token), (Some(0), valid.into()));
    assert_eq!(
        verify("secret-key-C", &[&b, &a], token),
        (Some(0), valid.into())
    );
    // A token of the oldest key A: valid once A is a fallback.
    let a_token = {
        let mut sign = vec!["sign"];
        sign.extend(base);
        sign.extend(["--secret", "secret-key-A", r#"{"id":"foobar","n":42}"#]);
        stdout(&run(&sign)).trim().to_owned()
    };
    assert_eq!(
        verify("secret-key-C", &[&b, &a], &a_token),
        (Some(0), valid.into())
    );
    let (code, out) = verify("secret-key-C", &[&b], &a_token);
    assert_eq!(code, Some(1));
    let got: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(got["error"]["kind"], "invalid_signature");
    assert_eq!(got["error"]["itsdangerous"], "BadTimeSignature");
    // One secret only before itsdangerous 2.x.
    for compat in ["itsdangerous-1.1", "itsdangerous-0.24"] {
        let o = run(&[
            "verify",
            "--compat",
            compat,
            "--format",
            "signer",
            "--secret",
            "k",
            "--fallback-secret-file",
            a.to_str().unwrap(),
            "x.y",
        ]);
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(
            stderr(&o),
            "timed-jws: invalid key: a list of secret keys (fallback secrets) needs itsdangerous 2.x\n"
        );
    }
}

#[test]
fn classic_signer_text_output_and_stdin() {
    // signing.json baseline_timestamp_signer_2_2.
    let token = "hello world.ZVPxAA.NVq8qlR1RUx5cBfu42eKdSOPb48";
    let o = Command::new(env!("CARGO_BIN_EXE_timed-jws"))
        .args([
            "sign",
            "--compat",
            "itsdangerous",
            "--format",
            "timestamp-signer",
            "--secret",
            "secret-key-A",
            "--now",
            "1700000000",
            "-",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(b"hello world\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(stdout(&o), format!("{token}\n"));
    let verify = |output: &str, now: &str| {
        run(&[
            "verify",
            "--compat",
            "itsdangerous",
            "--format",
            "timestamp-signer",
            "--secret",
            "secret-key-A",
            "--now",
            now,
            "--max-age",
            "60",
            "--output",
            output,
            token,
        ])
    };
    // Text output prints the signed text itself.
    let o = verify("text", "1700000060");
    assert_eq!(
        (o.status.code(), stdout(&o)),
        (Some(0), "hello world\n".into())
    );
    let o = verify("json", "1700000060");
    assert_eq!(
        stdout(&o),
        "{\"valid\":true,\"payload\":\"hello world\",\"timestamp\":1700000000}\n"
    );
    // 2.x: a timestamp in the future is SignatureExpired.
    let o = verify("json", "1699999999");
    assert_outcome(&o, 1, "{\"valid\":false,\"error\":{\"kind\":\"not_yet_valid\",\"message\":\"Signature age -1 < 0 seconds\",\"itsdangerous\":\"SignatureExpired\"}}\n");
    // A tampered value: BadTimeSignature, quoting the signature as Python.
    let o = run(&[
        "verify",
        "--compat",
        "itsdangerous",
        "--format",
        "timestamp-signer",
        "--secret",
        "secret-key-A",
        "--output",
        "json",
        "hello worle.ZVPxAA.NVq8qlR1RUx5cBfu42eKdSOPb48",
    ]);
    assert_outcome(&o, 1, "{\"valid\":false,\"error\":{\"kind\":\"invalid_signature\",\"message\":\"Signature b'NVq8qlR1RUx5cBfu42eKdSOPb48' does not match\",\"itsdangerous\":\"BadTimeSignature\"}}\n");
    // signer: no timestamp member.
    let o = run(&[
        "verify",
        "--compat",
        "itsdangerous",
        "--format",
        "signer",
        "--secret",
        "secret-key-A",
        "--output",
        "json",
        "hello world.9NR5LjwWZE1Y3Z-UoWTf3LPOVEM",
    ]);
    assert_eq!(stdout(&o), "{\"valid\":true,\"payload\":\"hello world\"}\n");
}

/// Flask session cookies: tests/data/itsdangerous-classic/flask-session.json.
fn flask(args: &[&str]) -> Output {
    let mut all = vec![
        args[0],
        "--compat",
        "itsdangerous",
        "--format",
        "flask-session",
    ];
    all.extend(&args[1..]);
    run(&all)
}

#[test]
fn flask_session_cookies() {
    let cookie = "eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM"; // user_id_42
    let o = flask(&[
        "sign",
        "--secret",
        "dev-secret",
        "--now",
        "1700000000",
        r#"{"user_id": 42}"#,
    ]);
    assert_eq!(stdout(&o), format!("{cookie}\n"), "{}", stderr(&o));
    let read = |now: &str, extra: &[&str], cookie: &str| {
        let mut args = vec![
            "verify",
            "--secret",
            "dev-secret",
            "--now",
            now,
            "--output",
            "json",
        ];
        args.extend(extra);
        args.push(cookie);
        let o = flask(&args);
        (o.status.code(), stdout(&o))
    };
    let valid = "{\"valid\":true,\"payload\":{\"user_id\":42},\"timestamp\":1700000000}\n";
    // PERMANENT_SESSION_LIFETIME, 31 days, without --max-age.
    assert_eq!(read("1702678400", &[], cookie), (Some(0), valid.into()));
    assert_eq!(
        read("1702678401", &[], cookie),
        (Some(1), "{\"valid\":false,\"error\":{\"kind\":\"expired\",\"message\":\"Signature age 2678401 > 2678400 seconds\",\"itsdangerous\":\"SignatureExpired\"}}\n".into())
    );
    // --max-age is the app's PERMANENT_SESSION_LIFETIME.
    assert_eq!(
        read("1700000300", &["--max-age", "300"], cookie),
        (Some(0), valid.into())
    );
    assert_eq!(read("1700000301", &["--max-age", "300"], cookie).0, Some(1));
    // secret_key_fallbacks: a cookie of the old key, read by an app whose
    // SECRET_KEY_FALLBACKS list it.
    let old = "eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.MrsMwW9gKB-4-70kfislyLLktXo";
    let f = temp_file("flask-old", b"old-dev-secret");
    assert_eq!(
        read(
            "1700000000",
            &["--fallback-secret-file", f.to_str().unwrap()],
            old
        ),
        (Some(0), valid.into())
    );
    assert_eq!(
        read("1700000000", &[], old),
        (Some(1), "{\"valid\":false,\"error\":{\"kind\":\"invalid_signature\",\"message\":\"Signature b'MrsMwW9gKB-4-70kfislyLLktXo' does not match\",\"itsdangerous\":\"BadTimeSignature\"}}\n".into())
    );
    // The payload is the tagged JSON as the cookie stores it: tags kept,
    // keys sorted, non-ASCII escaped (string_unicode and tuple vectors).
    let unicode = "eyJsYW5nIjoiZGUiLCJuYW1lIjoiWlx1MDBmY3JpY2ggXHVkODNkXHVkZTAwIn0.ZVPxAA.iNbPXwjNCro5FeQ7qbMS87LSgf4";
    assert_eq!(
        read("1700000000", &[], unicode),
        (Some(0), "{\"valid\":true,\"payload\":{\"lang\":\"de\",\"name\":\"Z\\u00fcrich \\ud83d\\ude00\"},\"timestamp\":1700000000}\n".into())
    );
    let o = flask(&[
        "sign",
        "--secret",
        "dev-secret",
        "--now",
        "1700000000",
        r#"{"pair": {" t": [1, "a"]}}"#,
    ]);
    let tuple = "eyJwYWlyIjp7IiB0IjpbMSwiYSJdfX0.ZVPxAA.P4hQ7M5Iriqdk2sfKMWHx7gURq4";
    assert_eq!(stdout(&o), format!("{tuple}\n"));
    let o = flask(&[
        "verify",
        "--secret",
        "dev-secret",
        "--now",
        "1700000000",
        tuple,
    ]);
    assert_eq!(stdout(&o), "{\"pair\":{\" t\":[1,\"a\"]}}\n");
    // A compressed cookie (uuid vector).
    let o = flask(&[
        "sign",
        "--secret",
        "dev-secret",
        "--now",
        "1700000000",
        r#"{"id": {" u": "12345678123456781234567812345678"}}"#,
    ]);
    assert_eq!(
        stdout(&o),
        ".eJyrVspMUbKqVlIoVbJSMjQyNjE1M7fARSvV1gIAFWsLIw.ZVPxAA.oLcwBf4MAkpxL4a3BCAIbX5LaIc\n"
    );
    // Flask 1.1 (itsdangerous 1.1) reads a cookie signed 1 s in the future.
    let o = run(&[
        "verify",
        "--compat",
        "itsdangerous-1.1",
        "--format",
        "flask-session",
        "--secret",
        "dev-secret",
        "--now",
        "1699999999",
        cookie,
    ]);
    assert_eq!(
        (o.status.code(), stdout(&o)),
        (Some(0), "{\"user_id\":42}\n".into())
    );
    // Not tagged JSON Flask would write: a usage error when signing.
    let o = flask(&[
        "sign",
        "--secret",
        "dev-secret",
        r#"{"id": {" u": "not-a-uuid"}}"#,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "timed-jws: the session is not a JSON object of Flask's tagged JSON: malformed payload: ' u' (UUID) value is not 32 lower-case hex digits\n"
    );
}

#[test]
fn classic_jws_formats() {
    // --format jws: JSONWebSignatureSerializer (signing.json jws_hs256 of
    // tests/data/itsdangerous); itsdangerous-1.1 is itsdangerous for JWS.
    let token =
        "eyJhbGciOiJIUzI1NiJ9.eyJpZCI6ImZvb2JhciJ9._rOVhkIRzXscLJoU8hI_fAUF1_7M3JrGYq9T9liKqFs";
    for compat in ["itsdangerous", "itsdangerous-1.1"] {
        let o = run(&[
            "sign",
            "--compat",
            compat,
            "--format",
            "jws",
            "--secret",
            "sekrit",
            "--alg",
            "HS256",
            r#"{"id":"foobar"}"#,
        ]);
        assert_eq!(stdout(&o), format!("{token}\n"), "{}", stderr(&o));
        let o = run(&[
            "verify", "--compat", compat, "--format", "jws", "--secret", "sekrit", "--alg",
            "HS256", "--output", "json", token,
        ]);
        assert_eq!(
            stdout(&o),
            "{\"valid\":true,\"header\":{\"alg\":\"HS256\"},\"payload\":{\"id\":\"foobar\"}}\n"
        );
    }
    // --format timed-jws is the default: the seed JWS token as before.
    let o = seed_verify("1443104423", "sekrit", &["--format", "timed-jws"]);
    assert_eq!(stdout(&o), "{\"id\":\"foobar\"}\n");
}

#[test]
fn classic_options_that_do_not_apply_are_usage_errors() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["verify", "--format", "signer", "--secret", "k", "x.y"],
            "--format signer needs --compat itsdangerous, itsdangerous-1.1 or itsdangerous-0.24",
        ),
        (
            &["verify", "--secret", SECRET_64, "--max-age", "5", "x.y.z"],
            "--max-age does not apply to standard JWTs (they are itsdangerous options: add --compat)",
        ),
        (
            &["sign", "--secret", SECRET_64, "--digest", "sha256", "--salt", "s", "{}"],
            "--salt, --digest do not apply to standard JWTs (they are itsdangerous options: add --compat)",
        ),
        (
            &["verify", "--compat", "itsdangerous", "--format", "signer", "--secret", "k", "--max-age", "5", "x.y"],
            "--max-age does not apply to --format signer",
        ),
        (
            &["sign", "--compat", "itsdangerous", "--format", "url-safe", "--secret", "k", "--now", "5", "{}"],
            "--now does not apply to --format url-safe",
        ),
        (
            &["sign", "--compat", "itsdangerous", "--format", "url-safe-timed", "--secret", "k", "--alg", "HS256", "--expires-in", "5", "{}"],
            "--alg, --expires-in do not apply to --format url-safe-timed",
        ),
        (
            &["verify", "--compat", "itsdangerous", "--format", "timed-serializer", "--secret", "k", "--leeway", "5", "x"],
            "--leeway does not apply to --format timed-serializer",
        ),
        (
            &["sign", "--compat", "itsdangerous", "--format", "flask-session", "--secret", "k", "--salt", "s", "{}"],
            "--salt does not apply to --format flask-session (Flask's cookie uses the salt cookie-session, hmac and sha1)",
        ),
        (
            &["verify", "--compat", "itsdangerous", "--secret", "k", "--key-derivation", "hmac", "x"],
            "--key-derivation does not apply to --format timed-jws (itsdangerous's JWS serializers)",
        ),
        (
            &["verify", "--compat", "itsdangerous", "--format", "jws", "--secret", "k", "--max-age", "1", "x"],
            "--max-age does not apply to --format jws (itsdangerous's JWS serializers check the header exp and one secret)",
        ),
        (
            &["sign", "--compat", "itsdangerous", "--format", "jws", "--secret", "k", "--expires-in", "1", "{}"],
            "--expires-in does not apply to --format jws (its tokens do not expire)",
        ),
        (
            &["verify", "--compat", "itsdangerous", "--format", "signer", "--jwk", "k.json", "x.y"],
            "--jwk does not apply to --format signer",
        ),
        (
            &["verify", "--compat", "itsdangerous", "--format", "signer", "x.y"],
            "--compat needs --secret, --secret-base64url, --secret-file or --secret-env",
        ),
        (
            &["sign", "--compat", "itsdangerous", "--format", "url-safe", "--secret", "k", "not json"],
            "malformed payload: invalid literal in JSON text",
        ),
    ];
    for (args, message) in cases {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
        assert_eq!(stderr(&o), format!("timed-jws: {message}\n"), "{args:?}");
        assert_eq!(stdout(&o), "", "{args:?}");
    }
    // Unknown names are clap's usage errors.
    for args in [
        &[
            "verify",
            "--compat",
            "itsdangerous",
            "--format",
            "cookie",
            "x",
        ][..],
        &[
            "verify",
            "--compat",
            "itsdangerous",
            "--format",
            "signer",
            "--digest",
            "md5",
            "x",
        ],
        &[
            "verify",
            "--compat",
            "itsdangerous",
            "--format",
            "signer",
            "--key-derivation",
            "django_concat",
            "x",
        ],
        &[
            "verify",
            "--compat",
            "itsdangerous",
            "--format",
            "timestamp-signer",
            "--max-age",
            "-1",
            "x",
        ],
    ] {
        assert_eq!(run(args).status.code(), Some(2), "{args:?}");
    }
}
