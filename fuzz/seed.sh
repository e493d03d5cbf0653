#!/usr/bin/env bash
# Builds fuzz/corpus/<target>/ for every target.
#
#   fuzz/seed.sh            copy the committed seeds (fuzz/seeds/<target>/) into
#                           the corpus, then add every token found in
#                           ../shared/vectors beside the project (or $VECTORS) when present
#   fuzz/seed.sh --seeds    regenerate the small committed seed set in
#                           fuzz/seeds/ from the vectors (a few per source)
#
# Corpus file names are the SHA-1 of their content, as libFuzzer names them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
vectors="${VECTORS:-$here/../../shared/vectors}"
mode="corpus"
[ "${1:-}" = "--seeds" ] && mode="seeds"

targets="verify_compact decode_header sign_verify_roundtrip numeric_date itsdangerous_loads jwt_validate itsdangerous_classic_loads"

if [ "$mode" = "corpus" ]; then
  for t in $targets; do
    mkdir -p "$here/corpus/$t"
    if [ -d "$here/seeds/$t" ]; then
      cp -n "$here/seeds/$t/"* "$here/corpus/$t/" 2>/dev/null || true
    fi
  done
fi

if [ ! -d "$vectors" ]; then
  echo "seed.sh: $vectors not found; corpus has the committed seeds only" >&2
  exit 0
fi

python3 - "$vectors" "$here" "$mode" <<'PY'
import hashlib, hmac, json, os, struct, sys, base64

vectors, here, mode = sys.argv[1], sys.argv[2], sys.argv[3]
out_root = os.path.join(here, "corpus" if mode == "corpus" else "seeds")
# In --seeds mode keep only a few inputs per source so the committed set is small.
per_source = None if mode == "corpus" else 6
KEY = b"timed-jws fuzz key, 32 bytes!!!!"  # the key of the fuzz targets

def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(out_root, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)

def load(rel):
    p = os.path.join(vectors, rel)
    if not os.path.exists(p):
        return []
    with open(p) as f:
        return json.load(f)

def take(items):
    return items if per_source is None else items[:per_source]

def compact(tok):
    return isinstance(tok, str) and tok.count(".") >= 1

rfc = [v["token"] for v in load("jose/rfc-vectors.json") if compact(v.get("token"))]
its_sign = [v for v in load("itsdangerous/signing.json") if compact(v.get("token"))]
its_verify = [v for v in load("itsdangerous/verify.json") if compact(v.get("token"))]
faults = [v for v in load("faults/cases.json") if compact(v.get("token"))]

tokens = take(rfc) + take([v["token"] for v in its_sign]) + take([v["token"] for v in its_verify]) \
    + take([v["token"] for v in faults])

# Tokens over the fuzz key, so mutations start behind a valid MAC.
own = []
for v in take(its_sign) + take(faults):
    parts = v["token"].split(".")
    if len(parts) == 3:
        si = (parts[0] + "." + parts[1]).encode()
        sig = hmac.new(KEY, si, hashlib.sha256).digest()
        own.append(si.decode() + "." + b64(sig))
# One canonical HS256 token over the fuzz key.
si = b64(b'{"alg":"HS256","typ":"JWT","kid":"k1","crit":["exp"],"exp":1700000000}') + "." + b64(b'{"sub":"alice"}')
own.append(si + "." + b64(hmac.new(KEY, si.encode(), hashlib.sha256).digest()))

for t in tokens + own:
    write("verify_compact", t)
    write("decode_header", t)

headers = set()
for v in its_sign:
    if v.get("header_json"):
        headers.add(v["header_json"])
for v in load("jose/rfc-vectors.json"):
    if v.get("protected_header_text"):
        headers.add(v["protected_header_text"])
for h in take(sorted(headers)):
    write("decode_header", h)

# itsdangerous_loads: ctl, 8-byte little-endian now, secret 0x00 salt 0x00
# token-or-JSON (layout in fuzz_targets/itsdangerous_loads.rs). ctl bit 0:
# 0.24; bits 1-2: HS256/HS384/HS512/none; bit 3: salt set even when empty;
# bit 4: untimed serializer.
ALG_BITS = {"HS256": 0, "HS384": 1, "HS512": 2, "none": 3}

def its_input(version, alg, salt, untimed, now, secret, rest):
    ctl = (1 if version == "0.24" else 0) | (ALG_BITS.get(alg, 0) << 1)
    if salt is not None:
        ctl |= 8
    if untimed:
        ctl |= 16
    secret = secret.encode() if isinstance(secret, str) else secret
    salt = (salt or "").encode()
    rest = rest.encode() if isinstance(rest, str) else rest
    return bytes([ctl]) + struct.pack("<q", now) + secret + b"\0" + salt + b"\0" + rest

ITS_NOW = 1443104423
for v in take(its_sign):
    secret, salt = v.get("secret_key", ""), v.get("salt")
    if not isinstance(secret, str) or not (salt is None or isinstance(salt, str)):
        continue
    untimed = v.get("serializer") == "JSONWebSignatureSerializer"
    now = v.get("now") or ITS_NOW
    write("itsdangerous_loads", its_input(v.get("version"), v.get("algorithm"), salt, untimed, now, secret, v["token"]))
    if v.get("payload_json"):
        write("itsdangerous_loads", its_input(v.get("version"), v.get("algorithm"), salt, False, now, secret, v["payload_json"]))
for v in take(its_verify):
    secret, salt = v.get("secret_key", ""), v.get("salt")
    if not isinstance(secret, str) or not (salt is None or isinstance(salt, str)):
        continue
    untimed = v.get("serializer") == "JSONWebSignatureSerializer"
    now = v.get("now") or ITS_NOW
    for version in ("1.1.0", "0.24"):
        write("itsdangerous_loads", its_input(version, v.get("algorithm"), salt, untimed, now, secret, v["token"]))
for v in take([f for f in faults if f.get("mode") == "itsdangerous"]):
    opts = v.get("options") or {}
    alg = opts.get("algorithm_name") or "HS512"
    salt = opts.get("salt")
    if not (salt is None or isinstance(salt, str)):
        continue
    write("itsdangerous_loads", its_input("1.1.0", alg, salt, False, int(v.get("now", ITS_NOW)), v.get("secret", ""), v["token"]))
    if v.get("expected_payload") is not None:
        write("itsdangerous_loads", its_input("1.1.0", alg, salt, False, int(v.get("now", ITS_NOW)), v.get("secret", ""), json.dumps(v["expected_payload"])))
for text in ['{"id": 1e400}', '[-0, 1.5e300, 18446744073709551616, "\\u00e9\\ud83d\\ude00"]', '{"a":1,"a":2}']:
    write("itsdangerous_loads", its_input("0.24", "HS256", None, False, ITS_NOW, "sekrit", text))

# itsdangerous_classic_loads: ctl, skew (i8), 8-byte LE now, body (layout in
# fuzz_targets/itsdangerous_classic_loads.rs). ctl bits 0-1: version (2.x,
# 1.1, 0.24); bits 2-4: class; bits 5-6: max_age (none, 0, 3600, -1); bit 7:
# the body is signed with the fuzz key first (URL-safe: a flag byte, odd
# for a zlib body, then the data).
import zlib
CLASSIC_CLASSES = ["Signer", "TimestampSigner", "Serializer", "TimedSerializer",
                   "URLSafeSerializer", "URLSafeTimedSerializer"]
CLASSIC_VERSIONS = {"2.2.0": 0, "1.1.0": 1, "0.24": 2}
CLASSIC_MAX_AGE = {None: 0, 0: 1, 3600: 2, -1: 3}

def classic_input(version, cls, max_age, sign_first, now, body, skew=0):
    ctl = CLASSIC_VERSIONS.get(version, 0) | (CLASSIC_CLASSES.index(cls) << 2)
    ctl |= CLASSIC_MAX_AGE.get(max_age, 2) << 5
    if sign_first:
        ctl |= 0x80
    body = body.encode() if isinstance(body, str) else body
    return bytes([ctl]) + struct.pack("<bq", skew, now) + body

classic_sign = load("itsdangerous-classic/signing.json")
classic_verify = load("itsdangerous-classic/verify.json")
for v in take(classic_verify) + take([c for c in classic_verify if c.get("group") == "malformed_signed"]):
    if isinstance(v.get("token"), str):
        write("itsdangerous_classic_loads", classic_input("2.2.0", v["class"], v.get("max_age"), False,
                                                          int(v.get("now") or 1700000000), v["token"]))
for v in take(classic_sign) + take([c for c in classic_sign if c.get("compressed")]):
    now = int(v.get("now") or 1700000000)
    if v["class"] in ("Signer", "TimestampSigner"):
        body = bytes.fromhex(v["value_hex"])
    elif v["class"].startswith("URLSafe"):
        text = v["json_text"].encode()
        body = b"\x01" + zlib.compress(text, 6) if v.get("compressed") else b"\x00" + text
    else:
        body = v["json_text"]
    write("itsdangerous_classic_loads", classic_input(v["version"], v["class"], 3600, True, now, body))
    write("itsdangerous_classic_loads", classic_input(v["version"], v["class"], 0, True, now, body, skew=-1))
# A zlib stream of 8 KiB of zeros (beyond the target's 4 KiB limit), trailing data, a truncated one.
bomb = zlib.compress(b'"' + b"0" * 8192 + b'"', 6)
for body in (b"\x01" + bomb, b"\x01" + zlib.compress(b'{"a":1}') + b"junk", b"\x01" + bomb[:20]):
    write("itsdangerous_classic_loads", classic_input("2.2.0", "URLSafeTimedSerializer", 3600, True, 1700000000, body))

# jwt_validate: flags, 8-byte LE now, 8-byte LE leeway, 8-byte LE max_age,
# then a token (re-signed with the fuzz key) or a claims set (layout in
# fuzz_targets/jwt_validate.rs). flags bit 3: audience "fuzz-aud"; bits 4-5:
# algorithms (key decides, HS256, HS384, HS256+HS512); bit 6: `now` of the
# signed claims set is its exp (bit 7: nbf) plus the low byte of `now` (i8).
def jwt_input(flags, now, leeway, max_age, rest):
    rest = rest.encode() if isinstance(rest, str) else rest
    return bytes([flags]) + struct.pack("<qQQ", now, leeway, max_age) + rest

for v in take([f for f in faults if f.get("mode") == "jwt"]):
    parts = v["token"].split(".")
    now = int(v.get("now", 1700000000))
    leeway = int(v.get("leeway") or 0)
    flags = 0x10 if v.get("algorithm_allowed") == ["HS256"] else 0
    if isinstance(v.get("options"), dict) and v["options"].get("audience"):
        flags |= 8
    if len(parts) == 3:
        si = (parts[0] + "." + parts[1]).encode()
        tok = si.decode() + "." + b64(hmac.new(KEY, si, hashlib.sha256).digest())
        write("jwt_validate", jwt_input(flags, now, leeway, 3600, tok))
    if isinstance(v.get("expected_payload"), dict):
        write("jwt_validate", jwt_input(flags | 0x06, now, leeway, 120, json.dumps(v["expected_payload"])))
        write("jwt_validate", jwt_input(flags | 0x40, 0, leeway, 0, json.dumps(v["expected_payload"])))
for text in ['{"exp": 1700000000.5, "nbf": 1699999999.999999999, "iat": 1700000000, "aud": ["x", "fuzz-aud"]}',
             '{"exp": 9223372036854775807, "nbf": -9223372036854775808}',
             '{"exp": 9223372036854775808}', '{"exp": "1700000000", "sub": 1}']:
    write("jwt_validate", jwt_input(0x08, 1700000000, 60, 60, text))
    write("jwt_validate", jwt_input(0x07, -9223372036854775808, 18446744073709551615, 0, text))
    write("jwt_validate", jwt_input(0xC8, -1, 1, 0, text))

# numeric_date: mode 0 (JSON text) and raw numbers, each followed by an 8-byte offset.
nums = [
    b"[1700000000, 1700000000.5, -1.5, 0, -0.0, 1e300, -1e300, 18446744073709551615,"
    b" 9223372036854775807, -9223372036854775808, 9223372036854775808, 253402300799,"
    b" 253402300800, -377705116800, -377705116801, 4.9e-324, 1.7976931348623157e308]",
    b'["1700000000", true, null, {"exp": 1}, [1], 1E3, -0, 0.1e1]',
]
for n in nums:
    write("numeric_date", b"\x00" + n + struct.pack("<q", 3600))
    write("numeric_date", b"\x00" + n + struct.pack("<q", -(2**63)))
write("numeric_date", b"\x01" + struct.pack("<ddd", 1.5, -1e19, 9.3e18) + struct.pack("<q", 1))
write("numeric_date", b"\x02" + struct.pack("<qq", 2**63 - 1, -(2**63)) + struct.pack("<q", -1))
write("numeric_date", b"\x03" + struct.pack("<QQ", 2**64 - 1, 2**63) + struct.pack("<q", 2**63 - 1))

# sign_verify_roundtrip consumes structure from the front; any bytes work.
write("sign_verify_roundtrip", b"\x00" * 16 + b'{"sub":"alice"}')
write("sign_verify_roundtrip", bytes(range(256)))
write("sign_verify_roundtrip", b"\xff" * 64 + b"payload")

print("seed.sh: wrote", out_root)
PY
