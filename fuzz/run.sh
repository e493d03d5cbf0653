#!/usr/bin/env bash
# Runs every registered fuzz target for SECONDS each (default 60), one after
# the other, and fails non-zero when any target finds a crash.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# Installs cargo-fuzz and a nightly toolchain when they are missing; when no
# nightly can be installed, falls back to the stable toolchain with
# RUSTC_BOOTSTRAP=1 (see fuzz/README.md). Prints, per target, libFuzzer's
# final stats line (execs, cov, ft). Logs: fuzz/logs/<target>.log.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
secs="${1:-60}"
shift || true

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked || { echo "run.sh: cannot install cargo-fuzz" >&2; exit 2; }
fi

toolchain=(+nightly)
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  if ! rustup toolchain install nightly --profile minimal >/dev/null 2>&1; then
    echo "run.sh: no nightly toolchain; using stable with RUSTC_BOOTSTRAP=1" >&2
    toolchain=()
    export RUSTC_BOOTSTRAP=1
  fi
fi

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi

./seed.sh >/dev/null
mkdir -p logs
cargo "${toolchain[@]}" fuzz build || exit 2

status=0
for t in "${targets[@]}"; do
  log="logs/$t.log"
  cargo "${toolchain[@]}" fuzz run "$t" -- -max_total_time="$secs" -rss_limit_mb=2048 >"$log" 2>&1
  rc=$?
  # libFuzzer's stats lines look like "#123 DONE cov: 456 ft: 789 ...".
  last="$(grep -E '^#[0-9]+' "$log" | tail -n 1)"
  if [ "$rc" -eq 0 ]; then
    echo "$t: ok: ${last:-no stats line}"
  else
    echo "$t: FAILED (exit $rc): ${last:-no stats line}; see fuzz/$log and fuzz/artifacts/$t/"
    grep -E 'panicked|ERROR: |SUMMARY' "$log" | head -n 5
    status=1
  fi
done
exit "$status"
