#!/usr/bin/env python3
"""Live interop driver for the timed-jws CLI: itsdangerous's classic formats and Flask sessions.

  classic.py PATH_TO_TIMED_JWS_BINARY   our CLI against itsdangerous 2.2.0 and Flask 3.1, both directions
  classic.py --self-test                the Python side against itself and pinned vectors only

Run it through run-classic.sh (or run.sh, which runs it after run.py); it
prepares .venv-classic first. The Python side is classic_peer.py, run as a
subprocess with this interpreter.

Each row is one case: a token is made by one side (the signer) and checked by
the other (the verifier) at the real time. Peers: URLSafeTimedSerializer
(default salt, a custom salt, hmac/SHA-256, key rotation), TimestampSigner
and a Flask app's session cookie (through app.test_client()). `ours=peer`
rows sign the same input at the same clock on both sides and compare the
tokens byte for byte; `vector` rows check that the Python side reproduces
pinned tokens and outcomes made with a fixed clock. Exit status is 1 if any
row fails, 2 on usage errors.
"""

import argparse
import base64
import binascii
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import namedtuple
from functools import partial

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = sys.executable  # the .venv-classic python when started by run-classic.sh
PEER = os.path.join(HERE, "classic_peer.py")
TIMEOUT = 30  # seconds per subprocess
ENV = dict(os.environ, PYTHONUTF8="1")  # the peer's argv and stdout are UTF-8 whatever the locale

MAX_AGE = 3600  # max_age of the itsdangerous rows
DAY = 86400
FLASK_LIFETIME = 31 * DAY  # PERMANENT_SESSION_LIFETIME default: 2678400 s


def wrong(secret):
    """A different secret of the same length."""
    return secret[:-1] + ("X" if secret[-1] != "X" else "Y")


SECRET = "interop-secret-A"
FLASK_SECRET = "flask-interop-secret"
# Key rotation: oldest first, the last one signs (itsdangerous 2.x lists,
# Flask's SECRET_KEY_FALLBACKS + [SECRET_KEY]).
OLDEST, OLD, NEW, OTHER = "rotation-key-0", "rotation-key-1", "rotation-key-2", "rotation-key-X"

# URLSafeTimedSerializer payloads (JSON text; key order kept, compact, raw
# UTF-8 as itsdangerous 2.x writes it). PAYLOAD stays uncompressed (zlib does
# not save 2 bytes); PAYLOAD_BIG is compressed (the token starts with ".").
PAYLOAD = ('{"user":"alice","n":[1,2,3],"nested":{"ok":true,"pi":3.5,"none":null},'
           '"text":"h\u00e9llo \u2603 / \\"quoted\\""}')
PAYLOAD_BIG = json.dumps(
    {"items": [{"id": i, "name": f"item-{i:03d}", "tags": ["a", "b"], "ok": i % 2 == 0}
               for i in range(20)]}, separators=(",", ":"))
# TimestampSigner value: raw text, with the separator in it.
VALUE = "user:42 \u00b7 Z\u00fcrich \u2603 with.dots and spaces"
# Flask sessions as the cookie stores them: Flask's tagged JSON (keys sorted,
# compact, ASCII-escaped). SESSION stays uncompressed; SESSION_TAGGED uses
# every tag (tuple, bytes, UUID, datetime, Markup) and is compressed.
SESSION = '{"name":"Z\\u00fcrich \\ud83d\\ude00","roles":{" t":["admin","dev"]},"user_id":42}'
SESSION_TAGGED = (
    '{"blob":{" b":"AP9iaQ=="},"cart":[{"qty":2,"sku":"A-1"}],"html":{" m":"<b>hi</b> &amp;"},'
    '"id":{" u":"12345678123456781234567812345678"},"name":"Z\\u00fcrich \\ud83d\\ude00",'
    '"roles":{" t":["admin","dev"]},"user_id":42,"when":{" d":"Tue, 14 Nov 2023 22:13:20 GMT"}}')


# --------------------------------------------------------------------------
# Variants (what is signed and how) and cases (keys, clock, max_age, outcome)
# --------------------------------------------------------------------------

Variant = namedtuple("Variant", "name kind fmt salt kd digest secret_file same_bytes")
# kind: "uts" (URLSafeTimedSerializer, value = JSON text), "ts"
# (TimestampSigner, value = raw text) or "flask" (session, value = tagged JSON).
# salt/kd/digest: None = the class default (no option given to either side).
# secret_file: our CLI gets the current secret as --secret-file.
# same_bytes: the value for the ours=peer row, or None for no such row.

UTS = Variant("URLSafeTimedSerializer", "uts", "url-safe-timed", None, None, None, False, PAYLOAD)
UTS_SALT = Variant("URLSafeTimedSerializer+salt", "uts", "url-safe-timed", "my-salt", None, None,
                   False, PAYLOAD)
UTS_HMAC = Variant("URLSafeTimedSerializer/hmac-sha256", "uts", "url-safe-timed", "s\u00e9l-\u00fc",
                   "hmac", "sha256", False, PAYLOAD)
UTS_ROT = Variant("URLSafeTimedSerializer/rotation", "uts", "url-safe-timed", None, None, None,
                  True, None)
TS = Variant("TimestampSigner", "ts", "timestamp-signer", None, None, None, False, VALUE)
FLASK = Variant("Flask", "flask", "flask-session", None, None, None, False, SESSION)
VARIANTS = [UTS, UTS_SALT, UTS_HMAC, UTS_ROT, TS, FLASK]

Case = namedtuple("Case", "name value sign_keys verify_keys sign_ago max_age expect "
                          "sign_variant only stdin")
# sign_ago: seconds before the run's start time given to the signer as its
# clock, or None for the signer's own real clock. max_age: None for Flask
# means PERMANENT_SESSION_LIFETIME's default (no --max-age for ours).
# expect: "accept", "expired" or "bad-signature". sign_variant: sign with
# another variant's settings (wrong-salt). only: the one direction this case
# runs in, or None for both. stdin: our CLI reads the value from stdin ("-").


def case(name, value, sign_keys, verify_keys, expect, sign_ago=None, max_age=MAX_AGE,
         sign_variant=None, only=None, stdin=False):
    return Case(name, value, sign_keys, verify_keys, sign_ago, max_age, expect, sign_variant,
                only, stdin)


def cases(v):
    if v is UTS_ROT:
        return [
            case("old-key", PAYLOAD, [OLD], [OLD, NEW], "accept"),
            case("oldest-key", PAYLOAD, [OLDEST], [OLDEST, OLD, NEW], "accept"),
            case("new-key", PAYLOAD, [OLD, NEW], [OLD, NEW], "accept"),
            case("newest-signs", PAYLOAD, [OLD, NEW], [NEW], "accept"),
            case("unlisted-key", PAYLOAD, [OTHER], [OLD, NEW], "bad-signature"),
            case("old-key-expired", PAYLOAD, [OLD], [OLD, NEW], "expired", sign_ago=7200),
        ]
    if v is FLASK:
        k = [FLASK_SECRET]
        return [
            case("valid", SESSION, k, k, "accept", max_age=None),
            case("valid-tagged", SESSION_TAGGED, k, k, "accept", max_age=None),
            case("valid-30-days", SESSION, k, k, "accept", sign_ago=30 * DAY, max_age=None),
            case("expired-lifetime", SESSION, k, k, "expired", sign_ago=32 * DAY, max_age=None),
            case("expired-short", SESSION, k, k, "expired", sign_ago=7200, max_age=MAX_AGE),
            case("wrong-key", SESSION, [wrong(FLASK_SECRET)], k, "bad-signature", max_age=None),
            case("fallback-key", SESSION, [OLD], [OLD, NEW], "accept", max_age=None),
            case("dropped-key", SESSION, [OLD], [NEW], "bad-signature", max_age=None),
        ]
    value = {"uts": PAYLOAD, "ts": VALUE}[v.kind]
    out = [
        case("valid", value, [SECRET], [SECRET], "accept"),
        case("expired", value, [SECRET], [SECRET], "expired", sign_ago=7200),
        case("wrong-key", value, [wrong(SECRET)], [SECRET], "bad-signature"),
    ]
    if v is UTS:
        out.insert(1, case("valid-compressed", PAYLOAD_BIG, [SECRET], [SECRET], "accept"))
    if v is UTS_SALT:  # signed with the default salt, verified with my-salt
        out.append(case("wrong-salt", value, [SECRET], [SECRET], "bad-signature",
                        sign_variant=UTS))
    if v is TS:  # our CLI reads the value from stdin ("-")
        out.insert(1, case("valid-stdin", value, [SECRET], [SECRET], "accept",
                           only="ours->peer", stdin=True))
    return out


# --------------------------------------------------------------------------
# Running things
# --------------------------------------------------------------------------

class Failure(Exception):
    """The signer misbehaved (non-zero exit, no token, timeout...)."""


def run(cmd, stdin=None):
    try:
        return subprocess.run(cmd, capture_output=True, encoding="utf-8", errors="replace",
                              timeout=TIMEOUT, input=stdin, env=ENV)
    except subprocess.TimeoutExpired:
        raise Failure(f"timeout after {TIMEOUT}s") from None
    except OSError as e:
        raise Failure(f"cannot run {cmd[0]}: {e}") from None


def one_line(s, limit=90):
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 3] + "..."


def canon(value):
    """Canonical JSON text: equal values, and only they, give equal text
    (unlike ==, which takes True for 1 and 1.0 for 1)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def now_args(now):
    return [] if now is None else ["--now", str(now)]


class Verdict:
    """What a verifier said: accepted (payload, timestamp) or rejected."""

    def __init__(self, accepted, payload=None, timestamp=None, reason="", broken=None):
        self.accepted = accepted
        self.payload = payload
        self.timestamp = timestamp
        self.reason = reason
        self.broken = broken  # set when the verifier itself misbehaved

    def __str__(self):
        if self.broken:
            return f"BROKEN({self.broken})"
        return "accept" if self.accepted else f"reject({self.reason})"


def single_token(p, who):
    token = p.stdout.strip()
    if p.returncode != 0 or not token or "\n" in token or "." not in token:
        raise Failure(f"{who} sign exit {p.returncode}: {one_line(p.stderr or p.stdout)}")
    return token


def peer_verify(cmd):
    """classic_peer.py verify / flask-read: result on exit 0, reason on exit 1."""
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


# --------------------------------------------------------------------------
# Parties. sign(value, keys, now) -> token; verify(token, keys, max_age) ->
# Verdict, at the real time; keys are oldest first, the last one signs.
# reasons[expect] = (shown, set of acceptable reasons).
# --------------------------------------------------------------------------

class PyItsDangerous:
    """itsdangerous 2.2.0 URLSafeTimedSerializer or TimestampSigner."""

    reasons = {"expired": ("SignatureExpired", {"SignatureExpired"}),
               "bad-signature": ("BadTimeSignature", {"BadTimeSignature"})}
    reports_timestamp = True

    def __init__(self, v):
        self.v = v
        self.name = "itsdangerous"
        self.cls = {"uts": "URLSafeTimedSerializer", "ts": "TimestampSigner"}[v.kind]

    def settings(self, keys):
        args = ["--class", self.cls]
        for k in keys:
            args += ["--secret", k]
        if self.v.salt is not None:
            args += ["--salt", self.v.salt]
        if self.v.kd is not None:
            args += ["--key-derivation", self.v.kd]
        if self.v.digest is not None:
            args += ["--digest", self.v.digest]
        return args

    def sign(self, value, keys, now):
        return single_token(run([PYTHON, PEER, "sign", *self.settings(keys), *now_args(now),
                                 value]), "peer")

    def verify(self, token, keys, max_age, now=None):
        verdict = peer_verify([PYTHON, PEER, "verify", *self.settings(keys),
                               "--max-age", str(max_age), *now_args(now), token])
        if verdict.accepted:  # {"payload": ..., "timestamp": ...}
            doc = verdict.payload
            if not isinstance(doc, dict) or set(doc) != {"payload", "timestamp"}:
                return Verdict(False, broken=f"peer printed {one_line(json.dumps(doc))}")
            verdict.payload, verdict.timestamp = doc["payload"], doc["timestamp"]
        return verdict


class PyFlask:
    """A Flask 3.1 app (classic_peer.make_app) driven through its test client."""

    reasons = {"expired": ("empty/SignatureExpired", {"empty/SignatureExpired"}),
               "bad-signature": ("empty/BadTimeSignature", {"empty/BadTimeSignature"})}
    reports_timestamp = False  # the app only shows the session

    def __init__(self, v):
        self.v = v
        self.name = "flask"

    @staticmethod
    def settings(keys):
        args = ["--secret-key", keys[-1]]
        for k in keys[:-1]:
            args += ["--fallback", k]
        return args

    def sign(self, value, keys, now):
        return single_token(run([PYTHON, PEER, "flask-sign", *self.settings(keys),
                                 *now_args(now), value]), "flask")

    def verify(self, token, keys, max_age, now=None):
        lifetime = [] if max_age is None else ["--lifetime", str(max_age)]
        return peer_verify([PYTHON, PEER, "flask-read", *self.settings(keys), *lifetime,
                            *now_args(now), token])


def python_party(v):
    return PyFlask(v) if v.kind == "flask" else PyItsDangerous(v)


class Ours:
    """The timed-jws CLI with --compat itsdangerous --format FORMAT."""

    reasons = {"expired": ("expired/SignatureExpired", {"expired/SignatureExpired"}),
               # timed formats: either class is acceptable, the kind is required
               "bad-signature": ("invalid_signature/BadSignature|BadTimeSignature",
                                 {"invalid_signature/BadSignature",
                                  "invalid_signature/BadTimeSignature"})}
    reports_timestamp = True

    def __init__(self, binary, v, secret_files):
        self.binary = binary
        self.v = v
        self.files = secret_files  # secret -> path of a file holding exactly it
        self.name = "timed-jws"

    def settings(self, keys, fallbacks):
        args = ["--compat", "itsdangerous", "--format", self.v.fmt]
        if self.v.secret_file:
            args += ["--secret-file", self.files[keys[-1]]]
        else:
            args += ["--secret", keys[-1]]
        if fallbacks:
            for k in keys[:-1]:
                args += ["--fallback-secret-file", self.files[k]]
        if self.v.salt is not None:
            args += ["--salt", self.v.salt]
        if self.v.kd is not None:
            args += ["--key-derivation", self.v.kd]
        if self.v.digest is not None:
            args += ["--digest", self.v.digest]
        return args

    def sign(self, value, keys, now, stdin=False):
        # one secret signs: the newest (keys[-1])
        cmd = [self.binary, "sign", *self.settings(keys, False), *now_args(now)]
        p = run(cmd + ["-"], stdin=value) if stdin else run(cmd + [value])
        return single_token(p, "timed-jws")

    def verify(self, token, keys, max_age, now=None):
        age = [] if max_age is None else ["--max-age", str(max_age)]
        try:
            p = run([self.binary, "verify", *self.settings(keys, True), *age, *now_args(now),
                     "--output", "json", token])
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
            if "payload" not in doc:
                return Verdict(False, broken="valid but no payload")
            return Verdict(True, payload=doc["payload"], timestamp=doc.get("timestamp"))
        err = doc.get("error") if isinstance(doc.get("error"), dict) else {}
        return Verdict(False, reason=f"{err.get('kind')}/{err.get('itsdangerous')}")


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------

def check_payload(v, value, got):
    """None if the accepted payload is `value`, else what is wrong."""
    if v.kind == "ts":  # raw text, a JSON string
        return None if got == value else f"payload {one_line(json.dumps(got), 60)}"
    want = json.loads(value)
    if v.kind == "flask" and isinstance(got, str):
        # the session's tagged JSON given as the cookie's JSON text
        try:
            got = json.loads(got)
        except ValueError:
            return f"payload not JSON text: {one_line(got, 60)}"
    if canon(got) != canon(want):
        return f"payload {one_line(canon(got), 60)}"
    return None


def token_timestamp(token):
    """The timestamp written in a timed token (value.TS.SIG), read here
    independently of both sides: base64url, big-endian. None if unreadable."""
    parts = token.rsplit(".", 2)
    if len(parts) != 3 or not parts[1]:
        return None
    try:
        raw = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
    except (ValueError, binascii.Error):
        return None
    return int.from_bytes(raw, "big")


def check_timestamp(token, verdict, verifier, sign_now, t0, t1):
    """None if the token's timestamp is the signer's clock (sign_now, or the
    real time during the sign call: [t0, t1]) and the verifier reported that
    very value; else what is wrong."""
    written = token_timestamp(token)
    lo, hi = (t0, t1) if sign_now is None else (sign_now, sign_now)
    if written is None or not lo <= written <= hi:
        return (f"token timestamp {written!r}, want {lo}" if lo == hi
                else f"token timestamp {written!r} not in [{lo}, {hi}]")
    if verifier.reports_timestamp:
        ts = verdict.timestamp
        if not (isinstance(ts, int) and not isinstance(ts, bool) and ts == written):
            return f"timestamp {ts!r}, token has {written}"
    return None


def run_case(v, c, signer, verifier, wall_now):
    """Run one case; return (expected, got, passed)."""
    if c.expect == "accept":
        expected, accept_reasons = "accept", None
    else:
        shown, accept_reasons = verifier.reasons[c.expect]
        expected = f"reject({shown})"
    sign_now = None if c.sign_ago is None else wall_now - c.sign_ago
    t0 = int(time.time())
    try:
        if c.stdin:  # only with Ours as the signer
            token = signer.sign(c.value, c.sign_keys, sign_now, stdin=True)
        else:
            token = signer.sign(c.value, c.sign_keys, sign_now)
    except Failure as e:
        return expected, f"SIGN FAILED({e})", False
    t1 = int(time.time())
    verdict = verifier.verify(token, c.verify_keys, c.max_age)
    got = str(verdict)
    if verdict.broken:
        return expected, got, False
    if c.expect != "accept":
        return expected, got, (not verdict.accepted) and verdict.reason in accept_reasons
    if not verdict.accepted:
        return expected, got, False
    problem = check_payload(v, c.value, verdict.payload)
    if problem is None:
        problem = check_timestamp(token, verdict, verifier, sign_now, t0, t1)
    if problem:
        return expected, f"accept but {problem}", False
    return expected, got, True


def run_same_bytes(v, ours, peer, wall_now):
    """Both sides sign the same input at the same clock: the same token?"""
    keys = [FLASK_SECRET if v.kind == "flask" else SECRET]
    at = wall_now - 100
    try:
        want = peer.sign(v.same_bytes, keys, at)
    except Failure as e:
        return "same token", f"PEER SIGN FAILED({e})", False
    if want.startswith("."):  # a driver bug: deflate output may differ by implementation
        return "same token", "DRIVER ERROR: the value compresses", False
    try:
        got = ours.sign(v.same_bytes, keys, at)
    except Failure as e:
        return "same token", f"SIGN FAILED({e})", False
    if got == want:
        return "same token", "same token", True
    ours_parts, peer_parts = got.rsplit(".", 2), want.rsplit(".", 2)
    if len(ours_parts) != 3:
        return "same token", f"ours {one_line(got, 60)}", False
    for what, a, b in zip(("value", "timestamp", "signature"), ours_parts, peer_parts):
        if a != b:
            return ("same token", f"{what} differs: ours {one_line(a, 40)} "
                    f"peer {one_line(b, 40)}", False)
    return "same token", "differs", False  # not reached


# --------------------------------------------------------------------------
# Pinned vectors: the Python side at a fixed clock reproduces tokens and
# outcomes made by itsdangerous 2.2.0 and Flask 3.1.3 on CPython 3.11.7
# (copied from the project's research vectors, itsdangerous-classic
# signing.json and flask-session.json: names in brackets). They show that the
# clock control of classic_peer.py works.
# --------------------------------------------------------------------------

VEC_PAYLOAD = '{"id":"foobar","n":42}'
VEC_KEY = "secret-key-A"
VEC_NOW = 1700000000
VEC_UTS = "eyJpZCI6ImZvb2JhciIsIm4iOjQyfQ.ZVPxAA.CRapjRc0tDLa2UdYN2UFM_dHSxc"
VEC_FLASK = "eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM"
VEC_FLASK_OLD_KEY = "eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.MrsMwW9gKB-4-70kfislyLLktXo"
FLASK_LAST_VALID = VEC_NOW + FLASK_LIFETIME  # 1702678400


def vec_sign(party, value, keys, want):
    def go():
        shown = "token ..." + want[-12:]  # the whole token is compared
        try:
            got = party.sign(value, keys, VEC_NOW)
        except Failure as e:
            return shown, f"SIGN FAILED({e})", False
        if got == want:
            return shown, shown, True
        return shown, f"token {one_line(got, 60)}", False
    return go


def vec_verify(party, token, keys, max_age, now, want_payload, want_ts=None, reason=None):
    def go():
        shown = "accept" if reason is None else f"reject({reason})"
        verdict = party.verify(token, keys, max_age, now=now)
        got = str(verdict)
        if verdict.broken or reason is not None:
            return shown, got, not verdict.broken and got == shown
        if verdict.accepted and canon(verdict.payload) != canon(want_payload):
            return shown, f"accept but payload {one_line(canon(verdict.payload), 60)}", False
        if verdict.accepted and want_ts is not None and verdict.timestamp != want_ts:
            return shown, f"accept but timestamp {verdict.timestamp!r}", False
        return shown, got, verdict.accepted
    return go


def vectors():
    """(peer label, case, thunk) for each pinned check."""
    uts, salt, hmac_, ts = (PyItsDangerous(v) for v in (UTS, UTS_SALT, UTS_HMAC, TS))
    salt_unicode = PyItsDangerous(UTS._replace(salt="s\u00e9l-\u00fc"))
    flask = PyFlask(FLASK)
    payload = json.loads(VEC_PAYLOAD)
    session = {"user_id": 42}
    return [
        (UTS.name, "[baseline_urlsafe_timed_serializer_2_2]",
         vec_sign(uts, VEC_PAYLOAD, [VEC_KEY], VEC_UTS)),
        (UTS.name, "age == max_age at 1700003600",
         vec_verify(uts, VEC_UTS, [VEC_KEY], MAX_AGE, VEC_NOW + MAX_AGE, payload, VEC_NOW)),
        (UTS.name, "age == max_age + 1",
         vec_verify(uts, VEC_UTS, [VEC_KEY], MAX_AGE, VEC_NOW + MAX_AGE + 1, None,
                    reason="SignatureExpired")),
        (UTS.name, "1 s before signing (2.x)",
         vec_verify(uts, VEC_UTS, [VEC_KEY], MAX_AGE, VEC_NOW - 1, None,
                    reason="SignatureExpired")),
        (UTS_SALT.name, "[salt_unicode_urlsafe_timed_2_2]",
         vec_sign(salt_unicode, VEC_PAYLOAD, [VEC_KEY],
                  "eyJpZCI6ImZvb2JhciIsIm4iOjQyfQ.ZVPxAA.LW2UkkEmXj6eW5tcw3XXYCXjbOM")),
        (UTS_SALT.name, "default-salt token, salt my-salt",
         vec_verify(salt, VEC_UTS, [VEC_KEY], MAX_AGE, VEC_NOW, None,
                    reason="BadTimeSignature")),
        (UTS_HMAC.name, "[digest_sha256_kd_hmac_urlsafe_timed_2_2]",
         vec_sign(PyItsDangerous(UTS_HMAC._replace(salt=None)), VEC_PAYLOAD, [VEC_KEY],
                  "eyJpZCI6ImZvb2JhciIsIm4iOjQyfQ.ZVPxAA."
                  "I-XxiVkOCww536diKmrZ0Xt73NFbwXuFqtK1NHlzwv8")),
        (UTS_ROT.name, "[rotation_urlsafe_timed_three_keys_2_2]",
         vec_sign(uts, VEC_PAYLOAD, ["secret-key-A", "secret-key-B", "secret-key-C"],
                  "eyJpZCI6ImZvb2JhciIsIm4iOjQyfQ.ZVPxAA.pBYeFk09ODiIOU1vQ4JPaeDuzBk")),
        (TS.name, "[baseline_timestamp_signer_2_2]",
         vec_sign(ts, "hello world", [VEC_KEY], "hello world.ZVPxAA.NVq8qlR1RUx5cBfu42eKdSOPb48")),
        (FLASK.name, "[user_id_42] at 1700000000",
         vec_sign(flask, '{"user_id":42}', ["dev-secret"], VEC_FLASK)),
        (FLASK.name, "[tuple] via /set",
         vec_sign(flask, '{"pair":{" t":[1,"a"]}}', ["dev-secret"],
                  "eyJwYWlyIjp7IiB0IjpbMSwiYSJdfX0.ZVPxAA.P4hQ7M5Iriqdk2sfKMWHx7gURq4")),
        (FLASK.name, "[user_id_42] read at 1702678400",
         vec_verify(flask, VEC_FLASK, ["dev-secret"], None, FLASK_LAST_VALID, session)),
        (FLASK.name, "[user_id_42] read at 1702678401",
         vec_verify(flask, VEC_FLASK, ["dev-secret"], None, FLASK_LAST_VALID + 1, None,
                    reason="empty/SignatureExpired")),
        (FLASK.name, "[user_id_42] read at 1699999999",
         vec_verify(flask, VEC_FLASK, ["dev-secret"], None, VEC_NOW - 1, None,
                    reason="empty/SignatureExpired")),
        (FLASK.name, "[secret_key_fallbacks] rotated",
         vec_verify(flask, VEC_FLASK_OLD_KEY, ["old-dev-secret", "dev-secret"], None, VEC_NOW,
                    session)),
        (FLASK.name, "[secret_key_fallbacks] new key only",
         vec_verify(flask, VEC_FLASK_OLD_KEY, ["dev-secret"], None, VEC_NOW, None,
                    reason="empty/BadTimeSignature")),
        (FLASK.name, "SESSION_TAGGED round trip", round_trip(flask)),
    ]


def round_trip(flask):
    """SESSION_TAGGED set and read back by the app unchanged (so the constant
    is Flask's own canonical tagged JSON), in a compressed cookie."""
    def go():
        try:
            cookie = flask.sign(SESSION_TAGGED, [FLASK_SECRET], None)
        except Failure as e:
            return "accept", f"SIGN FAILED({e})", False
        p = run([PYTHON, PEER, "flask-read", "--secret-key", FLASK_SECRET, cookie])
        out = p.stdout.strip()
        ok = p.returncode == 0 and out == SESSION_TAGGED and cookie.startswith(".")
        return "accept", ("accept" if ok else f"exit {p.returncode}: {one_line(out, 60)}"
                          f"{'' if cookie.startswith('.') else ' (not compressed)'}"), ok
    return go


# --------------------------------------------------------------------------

def plan(binary, self_test, secret_files, wall_now):
    """Rows: (direction, peer label, case label, thunk returning
    (expected, got, passed))."""
    rows = [("vector", label, name, thunk) for label, name, thunk in vectors()]
    for v in VARIANTS:
        py = python_party(v)
        ours = None if self_test else Ours(binary, v, secret_files)
        if ours is not None and v.same_bytes is not None:
            rows.append(("ours=peer", v.name, "same-bytes",
                         partial(run_same_bytes, v, ours, py, wall_now)))
        for c in cases(v):
            sign_v = c.sign_variant or v
            pairs = []  # (direction, signer, verifier)
            if self_test:
                if c.only is None:
                    pairs.append(("peer->peer", python_party(sign_v), py))
            else:
                if c.only in (None, "ours->peer"):
                    pairs.append(("ours->peer", Ours(binary, sign_v, secret_files), py))
                if c.only in (None, "peer->ours"):
                    pairs.append(("peer->ours", python_party(sign_v), ours))
            for d, signer, verifier in pairs:
                rows.append((d, v.name, c.name, partial(run_case, v, c, signer, verifier, wall_now)))
    return rows


def main():
    ap = argparse.ArgumentParser(description="timed-jws live interop: itsdangerous classic + Flask")
    ap.add_argument("binary", nargs="?", help="path to the timed-jws binary")
    ap.add_argument("--self-test", action="store_true",
                    help="run only the Python side against itself and the vectors")
    ap.add_argument("-j", "--jobs", type=int, default=4, help="parallel cases")
    args = ap.parse_args()
    if not args.self_test and not args.binary:
        ap.error("give PATH_TO_TIMED_JWS_BINARY or --self-test")
    binary = os.path.abspath(args.binary) if args.binary else None
    if binary and not os.access(binary, os.X_OK):
        ap.error(f"{binary} is not an executable file")

    with tempfile.TemporaryDirectory(prefix="timed-jws-classic-") as tmpdir:
        secret_files = {}
        for i, s in enumerate([SECRET, wrong(SECRET), FLASK_SECRET, wrong(FLASK_SECRET),
                               OLDEST, OLD, NEW, OTHER]):
            path = os.path.join(tmpdir, f"secret-{i}")
            with open(path, "wb") as f:  # exactly the secret's bytes, no newline
                f.write(s.encode("utf-8"))
            secret_files[s] = path
        rows = plan(binary, args.self_test, secret_files, int(time.time()))
        return run_rows(rows, args.jobs)


def run_rows(rows, n_jobs):
    def do(row):
        d, label, name, thunk = row
        try:
            expected, got, ok = thunk()
        except Exception as e:  # a bug here must not hide the other rows
            expected, got, ok = "?", f"DRIVER ERROR {type(e).__name__}: {e}", False
        return (d, label, name, expected, got, "PASS" if ok else "FAIL")

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, n_jobs)) as ex:
        results = list(ex.map(do, rows))

    head = ("direction", "peer", "case", "expected", "got", "result")
    widths = [max(len(str(r[i])) for r in results + [head]) for i in range(5)]
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
