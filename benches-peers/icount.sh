#!/bin/sh
# Instructions per call (callgrind) for the HS256 verify and sign rows and the forged-token rows;
# see src/bin/icount.rs.
set -e
cd "$(dirname "$0")"
cargo build --release --bin icount -q
bin=target/release/icount
ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" 2>&1 | sed -n 's/.*Collected : //p'; }
for m in floor tj_jwt tj_jwt_claims jsonwebtoken floor_sign tj_jwt_sign jsonwebtoken_sign \
  forged_key_normal forged_key_one forged_key_many forged_set_normal forged_set_one forged_set_many; do
  a=$(ir $m 200); b=$(ir $m 1200)
  echo "$m $(( (b - a) / 1000 ))"
done
