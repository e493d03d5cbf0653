#!/usr/bin/env bash
# Runs the HS and asymmetric benchmarks (short measurement), counts allocations, runs the
# interleaved HS256 ratios (src/bin/ratios.rs, 400 rounds, into target/ratios.md), and prints
# the markdown tables that go into BENCHMARKS.md.
# Extra arguments are passed to criterion (e.g. a filter: ./run.sh hs256-verify).
set -euo pipefail
cd "$(dirname "$0")"
echo "machine: nproc=$(nproc), $(lscpu | grep 'Model name' | sed 's/  */ /g')" >&2
cargo bench --bench hs -- --warm-up-time 1 --measurement-time 3 --noplot "$@" >&2
cargo bench --bench asym -- --warm-up-time 1 --measurement-time 3 --noplot "$@" >&2
cargo run --quiet --release --bin allocs > target/allocs.tsv
cargo run --quiet --release --bin ratios -- 400 > target/ratios.md
python3 table.py
echo
cat target/ratios.md
