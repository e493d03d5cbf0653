#!/usr/bin/env bash
# Live interop tests for the timed-jws CLI's itsdangerous classic formats
# (URLSafeTimedSerializer, TimestampSigner) and Flask session cookies,
# against itsdangerous 2.2.0 and Flask 3.1.
#
#   interop/run-classic.sh PATH_TO_TIMED_JWS_BINARY   # our CLI vs the peers, both directions
#   interop/run-classic.sh --self-test                # the Python side vs itself and pinned vectors
#
# interop/run.sh runs this after the JWS table. Creates interop/.venv-classic
# on first use (needs python3 >= 3.9 and access to PyPI).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ $# -lt 1 ]]; then
    echo "usage: $0 PATH_TO_TIMED_JWS_BINARY | --self-test" >&2
    exit 2
fi

# shellcheck source=interop/common.sh
. "$here/common.sh"
resolve_args "$@"

venv="$here/.venv-classic"
ensure_venv "$venv" "$here/requirements-classic.txt"

# UTF-8 argv and pipes for the driver and the peers whatever the locale.
export PYTHONUTF8=1
exec "$venv/bin/python" "$here/classic.py" "${args[@]}"
