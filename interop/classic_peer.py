#!/usr/bin/env python3
"""Python peers for the classic itsdangerous interop table: itsdangerous 2.2.0 and Flask 3.1.

Usage (run with interop/.venv-classic/bin/python):

  classic_peer.py sign   --class C --secret S [--secret S ...] [--salt X]
                         [--key-derivation K] [--digest D] [--now T] VALUE
  classic_peer.py verify --class C --secret S [--secret S ...] [--salt X]
                         [--key-derivation K] [--digest D] [--max-age N] [--now T] TOKEN
  classic_peer.py flask-sign --secret-key S [--fallback S ...] [--now T] SESSION_TAGGED_JSON
  classic_peer.py flask-read --secret-key S [--fallback S ...] [--lifetime N] [--now T] COOKIE

C is URLSafeTimedSerializer (VALUE is JSON text) or TimestampSigner (VALUE is
raw text). Several --secret options make a key-rotation list, oldest first:
the last one signs, every one verifies (itsdangerous 2.x). Without --salt,
--key-derivation and --digest the class defaults apply.

sign and flask-sign print the token. verify prints
{"payload": ..., "timestamp": UNIX} (compact, key-sorted JSON; for
TimestampSigner the payload is the value as a string) and exits 0, or prints
the exception class name and exits 1. flask-read prints the session the app
saw, as Flask's tagged JSON, and exits 0, or, when the app saw an empty
session, prints `empty/<class>` (the exception Flask's own serializer raises
for that cookie, with the app's settings and clock) and exits 1.

Clock control:
* itsdangerous: a TimestampSigner subclass whose get_timestamp() returns the
  fixed time, given to the serializer as `signer=` (signing and max_age both
  read the clock only through get_timestamp() in 2.2.0).
* Flask: unittest.mock.patch("time.time") around the test-client request;
  Flask builds its serializer per request and itsdangerous reads time.time()
  through the `time` module, so both the cookie's timestamp and the max_age
  check see the fixed time.
"""

import argparse
import contextlib
import hashlib
import json
import sys
from unittest import mock

import itsdangerous
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

CLASSES = ("URLSafeTimedSerializer", "TimestampSigner")
DIGESTS = ("sha1", "sha256", "sha384", "sha512")
KEY_DERIVATIONS = ("django-concat", "concat", "hmac", "none")


def compact_json(value):
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def signer_class(now):
    """TimestampSigner, or a subclass whose clock is fixed at `now`."""
    if now is None:
        return TimestampSigner

    class FixedClockTimestampSigner(TimestampSigner):
        def get_timestamp(self):
            return now

    return FixedClockTimestampSigner


def keys_arg(secrets):
    """One secret as itself, several as a rotation list (oldest first)."""
    return secrets[0] if len(secrets) == 1 else list(secrets)


def signer_kwargs(args):
    kw = {}
    if args.key_derivation is not None:
        kw["key_derivation"] = args.key_derivation
    if args.digest is not None:
        kw["digest_method"] = getattr(hashlib, args.digest)
    return kw


def make(args):
    """The itsdangerous object for --class with the given settings and clock."""
    salt = {} if args.salt is None else {"salt": args.salt}
    cls = signer_class(args.now)
    if args.cls == "URLSafeTimedSerializer":
        return URLSafeTimedSerializer(keys_arg(args.secret), signer=cls,
                                      signer_kwargs=signer_kwargs(args), **salt)
    return cls(keys_arg(args.secret), **salt, **signer_kwargs(args))


def cmd_sign(args):
    obj = make(args)
    if args.cls == "URLSafeTimedSerializer":
        token = obj.dumps(json.loads(args.value))  # str
    else:
        token = obj.sign(args.value.encode("utf-8")).decode("utf-8")  # bytes in 2.2.0
    print(token)
    return 0


def cmd_verify(args):
    obj = make(args)
    try:
        if args.cls == "URLSafeTimedSerializer":
            payload, when = obj.loads(args.token, max_age=args.max_age, return_timestamp=True)
        else:
            value, when = obj.unsign(args.token, max_age=args.max_age, return_timestamp=True)
            payload = value.decode("utf-8")
    except itsdangerous.BadData as e:  # BadSignature and subclasses, BadPayload
        print(type(e).__name__)
        return 1
    print(compact_json({"payload": payload, "timestamp": int(when.timestamp())}))
    return 0


# --------------------------------------------------------------------------
# Flask
# --------------------------------------------------------------------------

def make_app(secret_key, fallbacks, lifetime):
    """A Flask 3.1 app whose routes set and read the cookie session."""
    from flask import Flask, request, session

    app = Flask(__name__)
    app.config["SECRET_KEY"] = secret_key
    if fallbacks:
        app.config["SECRET_KEY_FALLBACKS"] = list(fallbacks)
    if lifetime is not None:
        app.config["PERMANENT_SESSION_LIFETIME"] = lifetime  # seconds

    tagged = app.session_interface.serializer  # flask.json.tag.TaggedJSONSerializer

    @app.post("/set")
    def set_session():
        # The body is the session as tagged JSON; loads() gives typed values
        # (tuple, bytes, datetime, UUID, Markup) that Flask tags again on save.
        session.clear()
        session.update(tagged.loads(request.get_data(as_text=True)))
        return "ok"

    @app.get("/read")
    def read_session():
        # json.dumps(dict(session)) fails on typed values, so answer with the
        # same tagged JSON the cookie holds (sorted, compact, ASCII).
        return tagged.dumps(dict(session))

    return app


def frozen_clock(now):
    if now is None:
        return contextlib.nullcontext()
    return mock.patch("time.time", return_value=float(now))


def cmd_flask_sign(args):
    app = make_app(args.secret_key, args.fallback, None)
    client = app.test_client()
    with frozen_clock(args.now):
        resp = client.post("/set", data=args.session.encode("utf-8"),
                           content_type="application/json")
    headers = resp.headers.getlist("Set-Cookie")
    if resp.status_code != 200 or len(headers) != 1:
        print(f"/set answered {resp.status_code} with Set-Cookie {headers!r}", file=sys.stderr)
        return 2
    name_value = headers[0].split(";", 1)[0]
    name, _, value = name_value.partition("=")
    if name != "session" or not value:
        print(f"unexpected Set-Cookie {headers[0]!r}", file=sys.stderr)
        return 2
    print(value)
    return 0


def cmd_flask_read(args):
    app = make_app(args.secret_key, args.fallback, args.lifetime)
    client = app.test_client()
    client.set_cookie("session", args.cookie)
    with frozen_clock(args.now):
        resp = client.get("/read")
        if resp.status_code != 200:
            print(f"/read answered {resp.status_code}", file=sys.stderr)
            return 2
        seen = resp.get_data(as_text=True)
        if seen != "{}":
            print(seen)
            return 0
        # Empty session: name the exception behind it, asking Flask's own
        # serializer with the app's settings, max_age and clock.
        max_age = int(app.permanent_session_lifetime.total_seconds())
        ser = app.session_interface.get_signing_serializer(app)
        try:
            ser.loads(args.cookie, max_age=max_age)
            why = "?"
        except itsdangerous.BadData as e:
            why = type(e).__name__
    print(f"empty/{why}")
    return 1


# --------------------------------------------------------------------------

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    for name, func in (("sign", cmd_sign), ("verify", cmd_verify)):
        c = sub.add_parser(name)
        c.add_argument("--class", dest="cls", choices=CLASSES, required=True)
        c.add_argument("--secret", action="append", required=True,
                       help="repeat for a rotation list, oldest first")
        c.add_argument("--salt")
        c.add_argument("--key-derivation", choices=KEY_DERIVATIONS)
        c.add_argument("--digest", choices=DIGESTS)
        c.add_argument("--now", type=int, help="unix seconds used as the clock")
        if name == "sign":
            c.add_argument("value")
        else:
            c.add_argument("--max-age", type=int)
            c.add_argument("token")
        c.set_defaults(func=func)

    c = sub.add_parser("flask-sign")
    c.add_argument("--secret-key", required=True)
    c.add_argument("--fallback", action="append", default=[],
                   help="SECRET_KEY_FALLBACKS entry (repeatable)")
    c.add_argument("--now", type=int)
    c.add_argument("session", help="the session as Flask's tagged JSON")
    c.set_defaults(func=cmd_flask_sign)

    c = sub.add_parser("flask-read")
    c.add_argument("--secret-key", required=True)
    c.add_argument("--fallback", action="append", default=[])
    c.add_argument("--lifetime", type=int, help="PERMANENT_SESSION_LIFETIME in seconds")
    c.add_argument("--now", type=int)
    c.add_argument("cookie")
    c.set_defaults(func=cmd_flask_read)

    args = p.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
