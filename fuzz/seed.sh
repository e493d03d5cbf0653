#!/usr/bin/env bash
# Builds fuzz/corpus/<target>/ for every target.
#
#   fuzz/seed.sh            copy the committed seeds (fuzz/seeds/<target>/) into
#                           the corpus, then add every token found in
#                           /work/shared/vectors (or $VECTORS) when present
#   fuzz/seed.sh --seeds    regenerate the small committed seed set in
#                           fuzz/seeds/ from the vectors (a few per source)
#
# Corpus file names are the SHA-1 of their content, as libFuzzer names them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
vectors="${VECTORS:-/work/shared/vectors}"
mode="corpus"
[ "${1:-}" = "--seeds" ] && mode="seeds"

targets="verify_compact decode_header sign_verify_roundtrip numeric_date itsdangerous_loads jwt_validate"

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

# itsdangerous mode: tokens with their secret and salt (see pending/README.md
# for the input layout: secret, 0x00, salt, 0x00, token).
for v in take(its_sign) + take(its_verify):
    secret = v.get("secret_key", "")
    salt = v.get("salt") or ""
    if isinstance(secret, str) and isinstance(salt, str):
        write("itsdangerous_loads", secret.encode() + b"\0" + salt.encode() + b"\0" + v["token"].encode())
for v in take([f for f in faults if f.get("mode") == "itsdangerous"]):
    write("itsdangerous_loads", v.get("secret", "").encode() + b"\0\0" + v["token"].encode())

# JWT mode: the token over the fuzz key after an 8-byte little-endian `now`.
for v in take([f for f in faults if f.get("mode") == "jwt"]):
    parts = v["token"].split(".")
    if len(parts) == 3:
        si = (parts[0] + "." + parts[1]).encode()
        tok = si.decode() + "." + b64(hmac.new(KEY, si, hashlib.sha256).digest())
        write("jwt_validate", struct.pack("<q", int(v.get("now", 1700000000))) + tok.encode())

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
