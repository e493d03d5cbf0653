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
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), "{\"id\":\"foobar\"}\n");
    }
    let o = seed_verify("1443108024", "sekrit", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "error[expired]: token expired at 1443108023 (now 1443108024)\n"
    );
    let o = seed_verify("1443108024", "sekrit", &["--output", "json"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "{\"valid\":false,\"error\":{\"kind\":\"expired\",\"message\":\"token expired at 1443108023 (now 1443108024)\",\"itsdangerous\":\"SignatureExpired\"}}\n"
    );
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
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "{\"valid\":true,\"header\":{\"alg\":\"HS256\",\"exp\":1443108023,\"iat\":1443104423},\"payload\":{\"id\":\"foobar\"}}\n"
    );
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
    let (_, v) = verify("1700000000", &["--audience", "api", "--alg", "HS512"]);
    assert_eq!(v["error"]["kind"], json!("algorithm_not_allowed"));
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
