#!/usr/bin/env python3
"""Markdown tables from criterion's results and the allocation counts.

Reads target/criterion/**/new/{benchmark,estimates}.json (median, in ns) and
target/allocs.tsv (written by `cargo run --release --bin allocs`).

Floor sums: verify = hmac_verify + b64_decode + json_parse;
sign = json_serialize + b64_encode + hmac_sign. HS512 has no JSON floors of
its own (same claims) and reuses HS256's.
"""
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CRIT = os.path.join(HERE, "target", "criterion")
ALLOCS = os.path.join(HERE, "target", "allocs.tsv")

FLOORS = {
    "verify": ["hmac_verify", "b64_decode", "json_parse"],
    "sign": ["json_serialize", "b64_encode", "hmac_sign"],
}
LIBS = ["timed_jws_jwt", "timed_jws_jws", "jsonwebtoken", "jwt_simple"]
TARGET = 1.25


def load():
    medians = {}
    for bench in glob.glob(os.path.join(CRIT, "**", "new", "benchmark.json"), recursive=True):
        d = os.path.dirname(bench)
        with open(bench) as f:
            meta = json.load(f)
        with open(os.path.join(d, "estimates.json")) as f:
            est = json.load(f)
        medians[(meta["group_id"], meta["function_id"])] = est["median"]["point_estimate"]
    return medians


def floor(medians, alg, part):
    for a in (alg, "hs256"):
        v = medians.get((f"{a}-floor", part))
        if v is not None:
            return v, a != alg
    return None, False


def table(medians):
    out = ["| alg | op | row | median (ns) | x floor sum | x jsonwebtoken |",
           "|---|---|---|---:|---:|---:|"]
    for alg in ("hs256", "hs512"):
        for op in ("verify", "sign"):
            total, missing = 0.0, False
            for part in FLOORS[op]:
                v, borrowed = floor(medians, alg, part)
                if v is None:
                    missing = True
                    continue
                total += v
                note = " (HS256's)" if borrowed else ""
                out.append(f"| {alg} | {op} | floor: {part}{note} | {v:.0f} | | |")
            if missing:
                total = None
            else:
                out.append(f"| {alg} | {op} | **floor sum** | **{total:.0f}** | 1.00 | |")
            peer = medians.get((f"{alg}-{op}", "jsonwebtoken"))
            for lib in LIBS:
                v = medians.get((f"{alg}-{op}", lib))
                if v is None:
                    continue
                xf = f"{v / total:.2f}" if total else "n/a"
                xp = f"{v / peer:.2f}" if peer else "n/a"
                out.append(f"| {alg} | {op} | {lib} | {v:.0f} | {xf} | {xp} |")
    return "\n".join(out)


def allocs():
    if not os.path.exists(ALLOCS):
        return "(no target/allocs.tsv: run `cargo run --release --bin allocs > target/allocs.tsv`)"
    out = ["| operation | heap allocations per op | bytes allocated per op |", "|---|---:|---:|"]
    with open(ALLOCS) as f:
        next(f)
        for line in f:
            name, n, b = line.rstrip("\n").split("\t")
            out.append(f"| {name} | {float(n):g} | {float(b):g} |")
    return "\n".join(out)


def main():
    medians = load()
    if not medians:
        sys.exit(f"no criterion results under {CRIT}")
    print(table(medians))
    print()
    print(f"Target: timed-jws <= {TARGET}x its floor sum.")
    print()
    print(allocs())


if __name__ == "__main__":
    main()
