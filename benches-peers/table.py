#!/usr/bin/env python3
"""Markdown tables from criterion's results and the allocation counts.

Reads target/criterion/**/new/{benchmark,estimates,sample}.json and
target/allocs.tsv (written by `cargo run --release --bin allocs`).

Two statistics per row, in ns per operation:
* median: criterion's median estimate;
* min: the fastest of criterion's samples (each sample is the mean of many
  iterations). On a shared machine, preemption inflates the median; the
  fastest sample is the steadier figure for ratios.

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
LIBS = ["timed_jws_jwt", "timed_jws_jwt_claims", "timed_jws_jws", "timed_jws_itsdangerous", "jsonwebtoken", "jwt_simple"]
TARGET = 1.25


def load():
    """{(group, function): (median_ns, min_sample_ns)}"""
    res = {}
    for bench in glob.glob(os.path.join(CRIT, "**", "new", "benchmark.json"), recursive=True):
        d = os.path.dirname(bench)
        with open(bench) as f:
            meta = json.load(f)
        with open(os.path.join(d, "estimates.json")) as f:
            median = json.load(f)["median"]["point_estimate"]
        with open(os.path.join(d, "sample.json")) as f:
            s = json.load(f)
        fastest = min(t / i for t, i in zip(s["times"], s["iters"]))
        res[(meta["group_id"], meta["function_id"])] = (median, fastest)
    return res


def floor(res, alg, part):
    for a in (alg, "hs256"):
        v = res.get((f"{a}-floor", part))
        if v is not None:
            return v, a != alg
    return None, False


def ratio(a, b):
    return f"{a / b:.2f}" if b else "n/a"


def table(res):
    out = [
        "| alg | op | row | median ns | min ns | x floor sum (median) | x floor sum (min) "
        "| x jsonwebtoken (median) | x jsonwebtoken (min) |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for alg in ("hs256", "hs512"):
        for op in ("verify", "sign"):
            tmed, tmin, complete = 0.0, 0.0, True
            for part in FLOORS[op]:
                v, borrowed = floor(res, alg, part)
                if v is None:
                    complete = False
                    continue
                tmed += v[0]
                tmin += v[1]
                note = " (HS256's)" if borrowed else ""
                out.append(f"| {alg} | {op} | floor: {part}{note} | {v[0]:.0f} | {v[1]:.0f} | | | | |")
            if complete:
                out.append(f"| {alg} | {op} | **floor sum** | **{tmed:.0f}** | **{tmin:.0f}** | 1.00 | 1.00 | | |")
            else:
                tmed = tmin = None
            peer = res.get((f"{alg}-{op}", "jsonwebtoken"))
            for lib in LIBS:
                v = res.get((f"{alg}-{op}", lib))
                if v is None:
                    continue
                out.append(
                    f"| {alg} | {op} | {lib} | {v[0]:.0f} | {v[1]:.0f} "
                    f"| {ratio(v[0], tmed)} | {ratio(v[1], tmin)} "
                    f"| {ratio(v[0], peer and peer[0])} | {ratio(v[1], peer and peer[1])} |"
                )
    return "\n".join(out)


def asym(res):
    groups = sorted({k[0] for k in res if not k[0].startswith("hs")})
    if not groups:
        return ""
    out = [
        "| group | row | median us | min us | x ring (median) | x ring (min) | x jsonwebtoken (median) | x jsonwebtoken (min) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for g in groups:
        rows = {k[1]: v for k, v in res.items() if k[0] == g}
        floor_v = next((v for n, v in rows.items() if n.startswith("floor")), None)
        peer = rows.get("jsonwebtoken")
        for name in sorted(rows, key=lambda n: (not n.startswith("floor"), n != "timed_jws_jwt", n)):
            v = rows[name]
            out.append(
                f"| {g} | {name} | {v[0] / 1000:.1f} | {v[1] / 1000:.1f} "
                f"| {ratio(v[0], floor_v and floor_v[0])} | {ratio(v[1], floor_v and floor_v[1])} "
                f"| {ratio(v[0], peer and peer[0])} | {ratio(v[1], peer and peer[1])} |"
            )
    return "\n".join(out)


def parts(res):
    rows = sorted((k[1], v) for k, v in res.items() if k[0].endswith("-part"))
    if not rows:
        return ""
    out = ["| timed-jws verify step (HS256) | median ns | min ns |", "|---|---:|---:|"]
    out += [f"| {name} | {v[0]:.0f} | {v[1]:.0f} |" for name, v in rows]
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
    res = load()
    if not res:
        sys.exit(f"no criterion results under {CRIT}")
    print(table(res))
    print()
    print(f"Target: timed-jws <= {TARGET}x its floor sum.")
    a = asym(res)
    if a:
        print()
        print(a)
    p = parts(res)
    if p:
        print()
        print(p)
    print()
    print(allocs())


if __name__ == "__main__":
    main()
