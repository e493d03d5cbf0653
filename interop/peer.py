#!/usr/bin/env python3
"""Python interop peers for timed-jws: itsdangerous 1.1.0 and PyJWT 2.x.

Usage (run with interop/.venv/bin/python):

  peer.py itsdangerous-sign   --secret S [--salt X] [--alg A] [--expires-in N] [--now T] PAYLOAD_JSON
  peer.py itsdangerous-verify --secret S [--salt X] [--alg A] [--now T] TOKEN
  peer.py pyjwt-sign          (--secret S | --key-pem PRIVATE_PEM) --alg A --exp SECONDS_FROM_NOW [--now T] CLAIMS_JSON
  peer.py pyjwt-verify        (--secret S | --key-pem PUBLIC_PEM) --alg A [--now T] TOKEN

sign commands print the token. verify commands print the payload as JSON
and exit 0, or print the exception class name and exit 1.

Notes on the libraries:
* TimedJSONWebSignatureSerializer exists only in itsdangerous < 2.1
  (deprecated in 2.0, removed in 2.1), hence the 1.1.0 pin. Its default
  algorithm is HS512, default expires_in 3600, and it rejects a token when
  header exp < now() (so exp == now is still valid). A fixed time is
  injected by overriding its now() method.
* PyJWT rejects when exp <= now - leeway (so exp == now is expired). It
  reads the clock with datetime.now() inside jwt.api_jwt, so a fixed time is
  injected by swapping that module's `datetime` name for a frozen subclass.
  HMAC keys shorter than the hash output only raise InsecureKeyLengthWarning
  (an error only with options={"enforce_minimum_key_length": True}).
* PyJWT's RS*/PS*/ES*/EdDSA need the `cryptography` package; the key is the
  PEM text (PKCS#8 private key to sign, SubjectPublicKeyInfo to verify).
"""

import argparse
import json
import sys
import time
from datetime import datetime, timezone


def compact_json(value):
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


# --------------------------------------------------------------------------
# itsdangerous
# --------------------------------------------------------------------------

def itsdangerous_serializer(args, expires_in=None):
    # itsdangerous 1.1.0: top-level import works (no deprecation warning yet).
    from itsdangerous import TimedJSONWebSignatureSerializer

    fixed_now = args.now

    class Serializer(TimedJSONWebSignatureSerializer):
        def now(self):
            if fixed_now is None:
                return int(time.time())
            return int(fixed_now)

    kwargs = {}
    if args.salt is not None:
        kwargs["salt"] = args.salt
    if args.alg is not None:
        kwargs["algorithm_name"] = args.alg
    return Serializer(args.secret, expires_in=expires_in, **kwargs)


def itsdangerous_sign(args):
    payload = json.loads(args.payload)
    s = itsdangerous_serializer(args, expires_in=args.expires_in)
    token = s.dumps(payload)  # bytes in 1.1.0
    print(token.decode("ascii"))
    return 0


def itsdangerous_verify(args):
    s = itsdangerous_serializer(args)
    try:
        payload = s.loads(args.token)
    except Exception as e:  # BadSignature, SignatureExpired, BadHeader, ...
        print(type(e).__name__)
        return 1
    print(compact_json(payload))
    return 0


# --------------------------------------------------------------------------
# PyJWT
# --------------------------------------------------------------------------

def freeze_pyjwt_clock(now):
    """Make PyJWT's claim validation see `now` (unix seconds) as the time."""
    import jwt.api_jwt

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.fromtimestamp(now, tz=tz or timezone.utc)

    jwt.api_jwt.datetime = FrozenDatetime


def pyjwt_key(args):
    """The HMAC secret, or the PEM text from --key-pem."""
    if args.key_pem is not None:
        with open(args.key_pem, encoding="ascii") as f:
            return f.read()
    return args.secret


def pyjwt_sign(args):
    import jwt

    claims = json.loads(args.claims)
    now = int(time.time()) if args.now is None else int(args.now)
    claims["iat"] = now
    claims["exp"] = now + args.exp
    print(jwt.encode(claims, pyjwt_key(args), algorithm=args.alg))
    return 0


def pyjwt_verify(args):
    import jwt

    if args.now is not None:
        freeze_pyjwt_clock(args.now)
    try:
        payload = jwt.decode(args.token, pyjwt_key(args), algorithms=[args.alg])
    except Exception as e:  # ExpiredSignatureError, InvalidSignatureError, ...
        print(type(e).__name__)
        return 1
    print(compact_json(payload))
    return 0


# --------------------------------------------------------------------------

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    c = sub.add_parser("itsdangerous-sign")
    c.add_argument("--secret", required=True)
    c.add_argument("--salt")
    c.add_argument("--alg")
    c.add_argument("--expires-in", type=int)
    c.add_argument("--now", type=int)
    c.add_argument("payload")
    c.set_defaults(func=itsdangerous_sign)

    c = sub.add_parser("itsdangerous-verify")
    c.add_argument("--secret", required=True)
    c.add_argument("--salt")
    c.add_argument("--alg")
    c.add_argument("--now", type=int)
    c.add_argument("token")
    c.set_defaults(func=itsdangerous_verify)

    c = sub.add_parser("pyjwt-sign")
    k = c.add_mutually_exclusive_group(required=True)
    k.add_argument("--secret", help="HMAC secret (UTF-8 text)")
    k.add_argument("--key-pem", help="PKCS#8 private key PEM file (RS*/PS*/ES*/EdDSA)")
    c.add_argument("--alg", required=True)
    c.add_argument("--exp", type=int, required=True,
                   help="seconds from now; exp = now + this")
    c.add_argument("--now", "--iat", dest="now", type=int,
                   help="unix seconds used as now (and as iat)")
    c.add_argument("claims")
    c.set_defaults(func=pyjwt_sign)

    c = sub.add_parser("pyjwt-verify")
    k = c.add_mutually_exclusive_group(required=True)
    k.add_argument("--secret", help="HMAC secret (UTF-8 text)")
    k.add_argument("--key-pem", help="SubjectPublicKeyInfo public key PEM file (RS*/PS*/ES*/EdDSA)")
    c.add_argument("--alg", required=True)
    c.add_argument("--now", type=int)
    c.add_argument("token")
    c.set_defaults(func=pyjwt_verify)

    args = p.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
