#!/usr/bin/env python3
"""Live interop driver for the timed-jws CLI.

  run.py PATH_TO_TIMED_JWS_BINARY   our CLI against every peer, both directions
  run.py --self-test                peers against each other only

Run it through run.sh, which prepares .venv and node_modules first.

Each row is one case: a token is made by one side (the signer) and checked
by the other (the verifier). The peers are PyJWT and jose (standard JWT,
64-byte secret for HS*, and RS256/PS256/ES256/EdDSA with PEM key pairs made
afresh for each run) and itsdangerous 1.1.0's TimedJSONWebSignatureSerializer
(HS* only; with and without salt, with the short secret `sekrit` and with the
64-byte one). Exit status is 1 if any row fails, 2 on usage errors.
"""

import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = sys.executable  # the venv's python when started by run.sh
NODE = os.environ.get("NODE", "node")
TIMEOUT = 30  # seconds per subprocess

HS_ALGS = ["HS256", "HS384", "HS512"]
# Asymmetric algorithms (standard JWT peers only) and the key type each uses.
KEY_TYPE = {"RS256": "rsa", "PS256": "rsa", "ES256": "ec-p256", "EdDSA": "ed25519"}
ASYM_ALGS = list(KEY_TYPE)
SECRET_64 = "0123456789abcdef" * 4  # 64 bytes: >= every HS* hash length
SHORT_SECRET = "sekrit"
SALT = "my-salt"
EXPIRES_IN = 600

CLAIMS = {
    "sub": "alice",
    "role": "admin",
    "n": [1, 2, 3],
    "nested": {"ok": True, "pi": 3.5, "none": None},
    "text": "h\u00e9llo \u2603 / \"quoted\"",
}


def wrong(secret):
    """A different secret of the same length."""
    return secret[:-1] + ("X" if secret[-1] != "X" else "Y")


class Pem:
    """A PEM key file (asymmetric algorithms); HS keys are plain str secrets."""

    def __init__(self, path):
        self.path = path

    def __repr__(self):
        return f"Pem({self.path!r})"


def key_args(key):
    """--secret S or --key-pem PATH: the same spelling for every party."""
    return ["--key-pem", key.path] if isinstance(key, Pem) else ["--secret", key]


# --------------------------------------------------------------------------
# Key pairs: two per key type (the second is the "wrong key"), made per run.
# --------------------------------------------------------------------------

OPENSSL_GENPKEY = {
    "rsa": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    "ec-p256": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-pkeyopt", "ec_param_enc:named_curve"],
    "ed25519": ["-algorithm", "ED25519"],
}


def gen_openssl(ktype, priv, pub):
    openssl = shutil.which("openssl")
    if not openssl:
        return False
    for cmd in ([openssl, "genpkey", *OPENSSL_GENPKEY[ktype], "-out", priv],
                [openssl, "pkey", "-in", priv, "-pubout", "-out", pub]):
        if subprocess.run(cmd, capture_output=True, timeout=TIMEOUT).returncode != 0:
            return False
    with open(priv) as f, open(pub) as g:  # PKCS#8 and SPKI, as wanted
        return (f.readline().strip() == "-----BEGIN PRIVATE KEY-----"
                and g.readline().strip() == "-----BEGIN PUBLIC KEY-----")


def gen_cryptography(ktype, priv, pub):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    if ktype == "rsa":
        k = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif ktype == "ec-p256":
        k = ec.generate_private_key(ec.SECP256R1())
    else:
        k = ed25519.Ed25519PrivateKey.generate()
    with open(priv, "wb") as f:
        f.write(k.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()))
    with open(pub, "wb") as f:
        f.write(k.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo))


def make_keys(tmpdir):
    """{ktype: {"right": (priv Pem, pub Pem), "wrong": (...)}}, and the tool used.

    openssl when it is on PATH (and works), else Python `cryptography`;
    INTEROP_KEYGEN=cryptography forces the latter.
    """
    keys, used = {}, set()
    force_py = os.environ.get("INTEROP_KEYGEN") == "cryptography"
    for ktype in OPENSSL_GENPKEY:
        keys[ktype] = {}
        for which in ("right", "wrong"):
            priv = os.path.join(tmpdir, f"{ktype}-{which}.key.pem")
            pub = os.path.join(tmpdir, f"{ktype}-{which}.pub.pem")
            if not force_py and gen_openssl(ktype, priv, pub):
                used.add("openssl")
            else:
                gen_cryptography(ktype, priv, pub)
                used.add("cryptography")
            keys[ktype][which] = (Pem(priv), Pem(pub))
    return keys, "+".join(sorted(used))


class Failure(Exception):
    """The signer misbehaved (non-zero exit, no token, timeout...)."""


def run(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Failure(f"timeout after {TIMEOUT}s") from None
    except OSError as e:
        raise Failure(f"cannot run {cmd[0]}: {e}") from None
    return p


def one_line(s, limit=90):
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 3] + "..."


def now_args(now):
    return [] if now is None else ["--now", str(now)]


class Verdict:
    """What a verifier said: accepted (with payload/header) or rejected."""

    def __init__(self, accepted, payload=None, header=None, reason="", broken=None):
        self.accepted = accepted
        self.payload = payload
        self.header = header
        self.reason = reason  # rejection reason (error class / kind)
        self.broken = broken  # set when the verifier itself misbehaved

    def __str__(self):
        if self.broken:
            return f"BROKEN({self.broken})"
        return "accept" if self.accepted else f"reject({self.reason})"


# --------------------------------------------------------------------------
# Parties. Each has: name, standard (bool: JWT claims vs itsdangerous),
# asymmetric (bool: also runs RS256/PS256/ES256/EdDSA), secret (for HS*),
# sign(alg, claims, key, expires_in, now) -> token,
# verify(alg, token, key, now) -> Verdict,
# and reject_reason[case]: the reason a correct rejection shows.
# `key` is a str secret (HS*) or a Pem: the private key to sign, the public
# key to verify.
# --------------------------------------------------------------------------

class PyJWT:
    name = "pyjwt"
    standard = True
    asymmetric = True  # also runs RS256/PS256/ES256/EdDSA
    secret = SECRET_64
    reject_reason = {"expired": "ExpiredSignatureError", "wrong-key": "InvalidSignatureError"}

    def sign(self, alg, claims, key, expires_in, now):
        return peer_sign([PYTHON, os.path.join(HERE, "peer.py"), "pyjwt-sign",
                          *key_args(key), "--alg", alg, "--exp", str(expires_in),
                          *now_args(now), json.dumps(claims)])

    def verify(self, alg, token, key, now):
        return peer_verify([PYTHON, os.path.join(HERE, "peer.py"), "pyjwt-verify",
                            *key_args(key), "--alg", alg, *now_args(now), token])


class Jose:
    name = "jose"
    standard = True
    asymmetric = True
    secret = SECRET_64
    reject_reason = {"expired": "ERR_JWT_EXPIRED",
                     "wrong-key": "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"}

    def sign(self, alg, claims, key, expires_in, now):
        return peer_sign([NODE, os.path.join(HERE, "peer.mjs"), "sign",
                          *key_args(key), "--alg", alg, "--exp", str(expires_in),
                          *now_args(now), json.dumps(claims)])

    def verify(self, alg, token, key, now):
        return peer_verify([NODE, os.path.join(HERE, "peer.mjs"), "verify",
                            *key_args(key), "--alg", alg, *now_args(now), token])


class ItsDangerous:
    standard = False
    asymmetric = False  # TimedJSONWebSignatureSerializer: HS* only
    reject_reason = {"expired": "SignatureExpired", "wrong-key": "BadSignature"}

    def __init__(self, salt, secret):
        self.salt = salt
        self.secret = secret
        label = "itsdangerous" + ("+salt" if salt else "")
        self.name = f"{label}/{'sekrit' if secret == SHORT_SECRET else '64B'}"

    def salt_args(self):
        return [] if self.salt is None else ["--salt", self.salt]

    def sign(self, alg, claims, secret, expires_in, now):
        return peer_sign([PYTHON, os.path.join(HERE, "peer.py"), "itsdangerous-sign",
                          "--secret", secret, *self.salt_args(), "--alg", alg,
                          "--expires-in", str(expires_in), *now_args(now), json.dumps(claims)])

    def verify(self, alg, token, secret, now):
        return peer_verify([PYTHON, os.path.join(HERE, "peer.py"), "itsdangerous-verify",
                            "--secret", secret, *self.salt_args(), "--alg", alg,
                            *now_args(now), token])


def peer_sign(cmd):
    p = run(cmd)
    token = p.stdout.strip()
    if p.returncode != 0 or not token:
        raise Failure(f"peer sign exit {p.returncode}: {one_line(p.stderr or p.stdout)}")
    return token


def peer_verify(cmd):
    try:
        p = run(cmd)
    except Failure as e:
        return Verdict(False, broken=str(e))
    out = p.stdout.strip()
    if p.returncode == 0:
        try:
            return Verdict(True, payload=json.loads(out))
        except ValueError:
            return Verdict(False, broken=f"exit 0 but stdout not JSON: {one_line(out)}")
    if p.returncode == 1 and out:
        return Verdict(False, reason=out)
    return Verdict(False, broken=f"exit {p.returncode}: {one_line(p.stderr or out)}")


class Ours:
    """The timed-jws CLI, in standard mode or itsdangerous compat mode."""

    def __init__(self, binary, peer):
        self.binary = binary
        self.standard = peer.standard
        self.asymmetric = peer.asymmetric
        self.salt = getattr(peer, "salt", None)
        self.secret = peer.secret
        self.name = "timed-jws"
        self.reject_reason = (
            {"expired": "expired", "wrong-key": "invalid_signature"} if self.standard else
            {"expired": "expired/SignatureExpired", "wrong-key": "invalid_signature/BadSignature"}
        )

    def mode_args(self, alg, key):
        args = [] if self.standard else ["--compat", "itsdangerous"]
        args += ["--alg", alg, *key_args(key)]
        if self.salt is not None:
            args += ["--salt", self.salt]
        return args

    def sign(self, alg, claims, key, expires_in, now):
        p = run([self.binary, "sign", *self.mode_args(alg, key),
                 "--expires-in", str(expires_in), *now_args(now), json.dumps(claims)])
        token = p.stdout.strip()
        if p.returncode != 0 or not token or len(token.split(".")) != 3:
            raise Failure(f"timed-jws sign exit {p.returncode}: "
                          f"{one_line(p.stderr or p.stdout)}")
        return token

    def verify(self, alg, token, key, now):
        try:
            p = run([self.binary, "verify", *self.mode_args(alg, key),
                     *now_args(now), "--output", "json", token])
        except Failure as e:
            return Verdict(False, broken=str(e))
        out = p.stdout.strip()
        if p.returncode not in (0, 1):
            return Verdict(False, broken=f"exit {p.returncode}: {one_line(p.stderr or out)}")
        try:
            doc = json.loads(out)
            valid = doc["valid"]
        except (ValueError, KeyError, TypeError):
            return Verdict(False, broken=f"exit {p.returncode}, bad JSON: {one_line(out)}")
        if valid is not (p.returncode == 0):
            return Verdict(False, broken=f"exit {p.returncode} but valid={valid!r}")
        if valid:
            return Verdict(True, payload=doc.get("payload"), header=doc.get("header"))
        err = doc.get("error") or {}
        reason = str(err.get("kind"))
        if not self.standard:
            reason += "/" + str(err.get("itsdangerous"))
        elif "itsdangerous" in err:
            reason += "/unexpected itsdangerous member"
        return Verdict(False, reason=reason)


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------

def check_accept(verdict, signer, verifier, alg, expires_in):
    """Return None if the accepted payload is right, else what is wrong."""
    got = verdict.payload
    if signer.standard:
        if not isinstance(got, dict):
            return f"payload not an object: {got!r}"
        iat, exp = got.get("iat"), got.get("exp")
        rest = {k: v for k, v in got.items() if k not in ("iat", "exp")}
        if rest != CLAIMS:
            return f"claims differ: {one_line(json.dumps(rest), 60)}"
        if not (isinstance(iat, int) and isinstance(exp, int) and exp - iat == expires_in):
            return f"iat/exp wrong: iat={iat!r} exp={exp!r}"
    elif got != CLAIMS:
        return f"payload differs: {one_line(json.dumps(got), 60)}"
    if verdict.header is not None:  # our CLI reports the header too
        if verdict.header.get("alg") != alg:
            return f"header alg {verdict.header.get('alg')!r}"
        if not signer.standard:
            iat, exp = verdict.header.get("iat"), verdict.header.get("exp")
            if not (isinstance(iat, int) and isinstance(exp, int) and exp - iat == expires_in):
                return f"header iat/exp wrong: iat={iat!r} exp={exp!r}"
    return None


def run_case(signer, verifier, alg, case, wall_now, keys):
    """Run one case; return (expected, got, passed)."""
    if alg in KEY_TYPE:  # sign with a private key, verify with the public one
        pair = keys[KEY_TYPE[alg]]
        sign_key, verify_key = pair["right"][0], pair["right"][1]
        wrong_sign_key = pair["wrong"][0]  # another key pair of the same type
    else:
        sign_key = verify_key = signer.secret
        wrong_sign_key = wrong(signer.secret)  # same length, last byte changed
    sign_now, verify_now, expires_in = None, None, EXPIRES_IN
    if case == "valid":
        expected = "accept"
    elif case == "expired":
        # signed two hours ago with a one-hour lifetime; verified at wall time
        sign_now, expires_in = wall_now - 7200, 3600
        expected = f"reject({verifier.reject_reason['expired']})"
    elif case == "wrong-key":
        sign_key = wrong_sign_key
        expected = f"reject({verifier.reject_reason['wrong-key']})"
    elif case == "at-exp":
        # verified exactly at exp: JWT (RFC 7519 "on or after") rejects,
        # itsdangerous (exp < now) still accepts
        sign_now, expires_in = wall_now - 1000, 100
        verify_now = sign_now + expires_in
        expected = (f"reject({verifier.reject_reason['expired']})" if verifier.standard
                    else "accept")
    else:
        raise ValueError(case)

    try:
        token = signer.sign(alg, CLAIMS, sign_key, expires_in, sign_now)
    except Failure as e:
        return expected, f"SIGN FAILED({e})", False
    verdict = verifier.verify(alg, token, verify_key, verify_now)
    got = str(verdict)
    if verdict.broken:
        return expected, got, False
    if expected == "accept" and verdict.accepted:
        problem = check_accept(verdict, signer, verifier, alg, expires_in)
        if problem:
            return expected, f"accept but {problem}", False
        return expected, got, True
    return expected, got, got == expected


CASES = ["valid", "expired", "wrong-key", "at-exp"]
ASYM_CASES = ["valid", "expired", "wrong-key"]


def alg_cases(signer, verifier):
    """(alg, case) pairs for one signer/verifier pair."""
    out = [(alg, case) for alg in HS_ALGS for case in CASES]
    if signer.asymmetric and verifier.asymmetric:
        out += [(alg, case) for alg in ASYM_ALGS for case in ASYM_CASES]
    return out


def peers():
    return [PyJWT(), Jose()] + [ItsDangerous(salt, secret)
                                for salt in (None, SALT)
                                for secret in (SHORT_SECRET, SECRET_64)]


def plan(binary, self_test):
    """List of (direction, peer label, signer, verifier)."""
    rows = []
    if self_test:
        pyjwt, jose = PyJWT(), Jose()
        rows.append(("peer->peer", "pyjwt->jose", pyjwt, jose))
        rows.append(("peer->peer", "jose->pyjwt", jose, pyjwt))
        rows.append(("peer->peer", "pyjwt->pyjwt", pyjwt, pyjwt))
        rows.append(("peer->peer", "jose->jose", jose, jose))
        for p in peers()[2:]:
            rows.append(("peer->peer", p.name, p, p))
    else:
        for p in peers():
            ours = Ours(binary, p)
            rows.append(("ours->peer", p.name, ours, p))
            rows.append(("peer->ours", p.name, p, ours))
    return rows


def main():
    ap = argparse.ArgumentParser(description="timed-jws live interop tests")
    ap.add_argument("binary", nargs="?", help="path to the timed-jws binary")
    ap.add_argument("--self-test", action="store_true",
                    help="run only peer-vs-peer rows (no timed-jws needed)")
    ap.add_argument("-j", "--jobs", type=int, default=4, help="parallel cases")
    args = ap.parse_args()
    if not args.self_test and not args.binary:
        ap.error("give PATH_TO_TIMED_JWS_BINARY or --self-test")
    binary = os.path.abspath(args.binary) if args.binary else None
    if binary and not os.access(binary, os.X_OK):
        ap.error(f"{binary} is not an executable file")

    jobs = [(d, label, s, v, alg, case)
            for d, label, s, v in plan(binary, args.self_test)
            for alg, case in alg_cases(s, v)]

    with tempfile.TemporaryDirectory(prefix="timed-jws-interop-") as tmpdir:
        keys, keygen = make_keys(tmpdir)
        print(f"== key pairs (RSA 2048, EC P-256, Ed25519; PKCS#8 + SPKI PEM) "
              f"made with {keygen} in {tmpdir}", file=sys.stderr)
        return run_jobs(jobs, keys, args.jobs)


def run_jobs(jobs, keys, n_jobs):
    wall_now = int(time.time())

    def do(job):
        d, label, s, v, alg, case = job
        try:
            expected, got, ok = run_case(s, v, alg, case, wall_now, keys)
        except Exception as e:  # a bug here must not hide the other rows
            expected, got, ok = "?", f"DRIVER ERROR {type(e).__name__}: {e}", False
        return (d, label, alg, case, expected, got, "PASS" if ok else "FAIL")

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, n_jobs)) as ex:
        results = list(ex.map(do, jobs))

    head = ("direction", "peer", "alg", "case", "expected", "got", "result")
    widths = [max(len(str(r[i])) for r in results + [head]) for i in range(6)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths) + "  {}"
    print(fmt.format(*head))
    for r in results:
        print(fmt.format(*r))
    failed = sum(r[-1] == "FAIL" for r in results)
    print()
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
