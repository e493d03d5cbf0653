"""Differential test data for the classic itsdangerous formats and Flask's
session cookie: random payloads signed by the real library (gen), and the
reverse check of tokens our crate signed (check).

  python classic_differential.py gen VERSION N SEED > tokens.jsonl
  python classic_differential.py check < ours.jsonl

VERSION is the installed itsdangerous (0.24, 1.1 or 2.2); `flask` makes Flask
session cookies (needs Flask). Payloads are described in a typed form so that
ints, floats and big ints are compared exactly: {"i": "123"}, {"f": repr},
{"s": text}, {"b": bool}, {"n": null}, {"a": [...]}, {"o": [[k, v], ...]}.
"""
import json
import random
import sys
import time as _time

import itsdangerous

ALPHABET = (
    "abcXYZ019 _-.:|~\"\\/\n\t\x00\x1f\x7f\x80\u00e9\u2028\u2029\ufeff\uffff"
    "\U0001f600\U00010000\u0394"
)


def rstr(r, maxlen=12):
    return "".join(r.choice(ALPHABET) for _ in range(r.randint(0, maxlen)))


def rfloat(r):
    special = [0.0, -0.0, 1.0, 1e16, 1e-7, 1e22, 5e-324, 1.7976931348623157e308,
               0.1, 123456789.125, -2.5e-310, 1e15, 9007199254740993.0]
    if r.random() < 0.4:
        return r.choice(special)
    import struct
    while True:
        x = struct.unpack("<d", r.getrandbits(64).to_bytes(8, "little"))[0]
        if x == x and x not in (float("inf"), float("-inf")):
            return x


def rint(r):
    k = r.random()
    if k < 0.4:
        return r.randint(-1000, 1000)
    if k < 0.7:
        return r.choice([2**63 - 1, -2**63, 2**64 - 1, 2**53 + 1, -2**53 - 1])
    if k < 0.85:
        return r.choice([2**64, -2**63 - 1, 2**100, -(10**30), 10**40 + 7])
    return r.randint(-2**62, 2**62)


def rvalue(r, depth=0):
    k = r.random()
    if depth > 5:
        k = k * 0.6
    if k < 0.15:
        return rstr(r)
    if k < 0.3:
        return rint(r)
    if k < 0.4:
        return rfloat(r)
    if k < 0.45:
        return r.choice([True, False, None])
    if k < 0.5:
        return "x" * r.randint(10, 400)  # compressible
    if k < 0.75:
        return [rvalue(r, depth + 1) for _ in range(r.randint(0, 4))]
    return {rstr(r, 6): rvalue(r, depth + 1) for _ in range(r.randint(0, 4))}


def typed(v):
    if v is None:
        return {"n": None}
    if v is True or v is False:
        return {"b": v}
    if isinstance(v, int):
        return {"i": str(v)}
    if isinstance(v, float):
        return {"f": repr(v)}
    if isinstance(v, str):
        return {"s": v}
    if isinstance(v, (list, tuple)):
        return {"a": [typed(x) for x in v]}
    if isinstance(v, dict):
        return {"o": [[k, typed(x)] for k, x in v.items()]}
    raise TypeError(type(v))


def has_lone_surrogate(v):
    return False


CLASSES = ["Signer", "TimestampSigner", "Serializer", "TimedSerializer",
           "URLSafeSerializer", "URLSafeTimedSerializer"]


def make(cls, r, version):
    opts = {"cls": cls, "version": version}
    salt = r.choice([None, "", "reset-salt", "s\u00e9l"])
    opts["salt"] = salt
    opts["kd"] = r.choice(["django-concat", "concat", "hmac", "none"])
    opts["digest"] = r.choice(["sha1", "sha256", "sha384", "sha512"])
    opts["sep"] = r.choice([".", ".", ".", ":", "|", "~~", "\u00a7"])
    nkeys = r.choice([1, 1, 2, 3]) if version.startswith("2") else 1
    keys = ["key-%d-%s" % (i, rstr(r, 4)) for i in range(nkeys)]
    opts["keys"] = keys  # oldest first, the last signs
    opts["sort_keys"] = (not version.startswith("0.")) and r.random() < 0.2
    import hashlib
    signer_kwargs = {"key_derivation": opts["kd"],
                     "digest_method": getattr(hashlib, opts["digest"]),
                     "sep": opts["sep"]}
    secret = keys if nkeys > 1 else keys[0]
    kw = {}
    if salt is not None:
        kw["salt"] = salt
    if cls in ("Signer", "TimestampSigner"):
        obj = getattr(itsdangerous, cls)(secret, **kw, **signer_kwargs)
    else:
        kw["signer_kwargs"] = signer_kwargs
        if opts["sort_keys"]:
            kw["serializer_kwargs"] = {"sort_keys": True}
        obj = getattr(itsdangerous, cls)(secret, **kw)
    if salt is None and cls not in ("Signer", "TimestampSigner"):
        opts["salt"] = "itsdangerous"
    if salt is None and cls in ("Signer", "TimestampSigner"):
        opts["salt"] = "itsdangerous.Signer"
    return opts, obj


def gen(version, n, seed):
    r = random.Random(seed)
    epoch = 1293840000 if version.startswith("0.") else 0
    out = sys.stdout
    for i in range(n):
        cls = CLASSES[i % len(CLASSES)]
        opts, obj = make(cls, r, version)
        now = r.choice([1700000000, 1443104048, 2**32 + 5, 1293840000, 4102444800])
        if version.startswith("0.") and now < epoch:
            now = 1700000000
        _time.time = lambda now=now: now + 0.75
        if cls in ("Signer", "TimestampSigner"):
            value = rstr(r, 40)
            token = obj.sign(value.encode("utf-8"))
            if isinstance(token, bytes):
                token = token.decode("utf-8")
            opts["value"] = value
        else:
            payload = rvalue(r)
            try:
                token = obj.dumps(payload)
            except (UnicodeEncodeError, ValueError):
                continue
            if isinstance(token, bytes):
                token = token.decode("utf-8")
            # Round trip through Python itself: what Python's loads returns.
            back = obj.loads(token)
            opts["payload"] = typed(back)
            opts["json"] = json.dumps(payload, ensure_ascii=False)
        opts["token"] = token
        opts["now"] = now
        out.write(json.dumps(opts) + "\n")


def gen_flask(n, seed):
    import datetime
    import uuid
    from flask import Flask
    from markupsafe import Markup
    r = random.Random(seed)
    app = Flask(__name__)
    app.secret_key = "flask-secret"
    s = app.session_interface.get_signing_serializer(app)
    tags = [" t", " di", " b", " m", " u", " d"]

    def rsess(depth=0):
        k = r.random()
        if depth > 4:
            k *= 0.5
        if k < 0.15:
            return rstr(r)
        if k < 0.25:
            return r.randint(-2**63, 2**64 - 1) if r.random() < 0.5 else r.randint(-99, 99)
        if k < 0.32:
            return rfloat(r)
        if k < 0.36:
            return r.choice([True, False, None])
        if k < 0.42:
            return bytes(r.getrandbits(8) for _ in range(r.randint(0, 20)))
        if k < 0.46:
            return Markup(rstr(r))
        if k < 0.5:
            return uuid.UUID(int=r.getrandbits(128))
        if k < 0.55:
            return datetime.datetime(r.randint(1000, 9999), r.randint(1, 12), r.randint(1, 28),
                                     r.randint(0, 23), r.randint(0, 59), r.randint(0, 59),
                                     tzinfo=datetime.timezone.utc)
        if k < 0.65:
            return tuple(rsess(depth + 1) for _ in range(r.randint(0, 3)))
        if k < 0.75:
            return [rsess(depth + 1) for _ in range(r.randint(0, 3))]
        if k < 0.82:
            return {r.choice(tags): rsess(depth + 1)}
        return {rstr(r, 5): rsess(depth + 1) for _ in range(r.randint(0, 3))}

    # Flask's JSON provider (sort_keys) applies inside an app context, as
    # in a request; outside one TaggedJSONSerializer keeps insertion order.
    ctx = app.app_context()
    ctx.push()
    for i in range(n):
        sess = {rstr(r, 6): rsess() for _ in range(r.randint(1, 4))}
        now = 1700000000 + i
        _time.time = lambda now=now: now + 0.5
        token = s.dumps(sess)
        json_text = s.serializer.dumps(sess)
        sys.stdout.write(json.dumps({"cls": "flask", "token": token, "now": now,
                                     "json": json_text}) + "\n")


def from_typed(t):
    (k, v), = t.items()
    if k == "n":
        return None
    if k == "b":
        return v
    if k == "i":
        return int(v)
    if k == "f":
        return float(v)
    if k == "s":
        return v
    if k == "a":
        return [from_typed(x) for x in v]
    return {kk: from_typed(x) for kk, x in v}


def same(a, b):
    if type(a) is not type(b):
        # tuples come back as lists
        return False
    if isinstance(a, float):
        return repr(a) == repr(b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


def check():
    import hashlib
    bad = total = 0
    for line in sys.stdin:
        rec = json.loads(line)
        total += 1
        r = random.Random(0)
        cls = rec["cls"]
        signer_kwargs = {"key_derivation": rec["kd"],
                         "digest_method": getattr(hashlib, rec["digest"]), "sep": rec["sep"]}
        keys = rec["keys"]
        secret = keys if len(keys) > 1 else keys[0]
        _time.time = lambda: rec["now"] + 0.25
        try:
            if cls in ("Signer", "TimestampSigner"):
                obj = getattr(itsdangerous, cls)(secret, salt=rec["salt"], **signer_kwargs)
                if cls == "Signer":
                    got = obj.unsign(rec["token"]).decode("utf-8")
                else:
                    got = obj.unsign(rec["token"], max_age=10).decode("utf-8")
                ok = got == rec["value"]
            else:
                obj = getattr(itsdangerous, cls)(secret, salt=rec["salt"],
                                                 signer_kwargs=signer_kwargs)
                if "Timed" in cls:
                    got = obj.loads(rec["token"], max_age=10)
                else:
                    got = obj.loads(rec["token"])
                ok = same(got, from_typed(rec["payload"]))
        except Exception as e:  # noqa: BLE001
            ok = False
            got = repr(e)
        if not ok:
            bad += 1
            if bad <= 10:
                sys.stderr.write("MISMATCH %s %r got %r\n" % (cls, rec["token"][:200], got))
    print("python checked %d tokens signed by us, %d mismatches" % (total, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        if sys.argv[2] == "flask":
            gen_flask(int(sys.argv[3]), int(sys.argv[4]))
        else:
            gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(check())
