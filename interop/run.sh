#!/usr/bin/env bash
# Live interop tests for the timed-jws CLI against PyJWT, jose and itsdangerous.
#
#   interop/run.sh PATH_TO_TIMED_JWS_BINARY   # our CLI vs every peer, both directions
#   interop/run.sh --self-test                # peers vs each other only
#
# Runs two tables: the JWS/JWT one (run.py: PyJWT, jose, itsdangerous 1.1.0
# JWS) and then the classic one (run-classic.sh -> classic.py: itsdangerous
# 2.2.0 URLSafeTimedSerializer/TimestampSigner and Flask 3.1 sessions). The
# second runs even when the first fails; the exit status is the larger of the
# two (1: a row failed, 2: usage error).
#
# Creates interop/.venv, interop/.venv-classic and interop/node_modules on
# first use (needs python3, node >= 20 and npm, and access to PyPI and the
# npm registry).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ $# -lt 1 ]]; then
    echo "usage: $0 PATH_TO_TIMED_JWS_BINARY | --self-test" >&2
    exit 2
fi

# shellcheck source=interop/common.sh
. "$here/common.sh"
resolve_args "$@"

venv="$here/.venv"
ensure_venv "$venv" "$here/requirements.txt"

if [[ ! -d "$here/node_modules" ]]; then
    echo "== npm ci in $here" >&2
    (cd "$here" && npm ci --no-audit --no-fund --silent) >&2
fi

echo "==== table 1 of 2: JWS/JWT (run.py: PyJWT, jose, itsdangerous 1.1.0 JWS)"
set +e
"$venv/bin/python" "$here/run.py" "${args[@]}"
jws=$?
echo
echo "==== table 2 of 2: itsdangerous 2.2.0 classic formats and Flask 3.1 sessions (classic.py)"
"$here/run-classic.sh" "${args[@]}"
classic=$?
set -e
echo
echo "==== interop: JWS table exit $jws, classic table exit $classic"
exit $(( jws > classic ? jws : classic ))
