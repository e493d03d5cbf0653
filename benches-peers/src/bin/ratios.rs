//! Interleaved HS256 measurement: the ratios of BENCHMARKS.md without the
//! drift of a shared machine.
//!
//! Criterion measures its rows one after the other, a few seconds each; on a
//! shared VM the speed of the whole machine drifts by up to 1.5x over such
//! spans, so a ratio of two criterion rows moves by 10 to 50 % from run to
//! run. Here every row runs one batch of about 1 ms per round, all rows of a
//! round within about 15 ms, in an order shuffled every round; each round
//! then gives its own ratios (drift cancels within the round), and the report
//! is the distribution of those ratios over the rounds.
//!
//! Interleaving cancels slowdowns that hit all rows alike. The shared machine
//! also has stretches of contention that do not: base64, serde_json and
//! allocation slow by up to 1.8x while ring's HMAC hardly moves. Each round
//! is therefore tagged by a contention index (`b64_decode` / `hmac_verify`),
//! and the report adds medians over the uncontended rounds.
//!
//! The per-iteration work of every row is exactly that of the criterion rows
//! in `benches/hs.rs` (HS256): inputs through `black_box`, the returned value
//! through `black_box` and dropped inside the timed loop.
//!
//! The `forged` rows reject forged tokens (bad MAC) whose JWS Protected
//! Header is normal, 8 KiB with one long member, or 8 KiB with the most
//! distinct members that fit (`Forged`, criterion group `hs256-forged`):
//! the many-member header must cost no more than a few members of the same
//! size (no work growing faster than the attacker's header).
//!
//! Usage: `cargo run --release --bin ratios -- [ROUNDS]` (default 400).
//! Writes a markdown report to stdout, progress to stderr; with
//! `RATIOS_CSV=path` set, also the raw ns per iteration of every row and
//! round (in recording order) as CSV.

use std::hint::black_box;
use std::time::{Duration, Instant};

use timed_jws_benches_peers::{
    BoundHeader, BoundRegistered, Claims, DecodeBuffers, Fixture, Forged, Hs, JwtSimple,
};

/// Default number of recorded rounds.
const DEFAULT_ROUNDS: usize = 400;
/// Target duration of one batch of one row.
const BATCH: Duration = Duration::from_millis(1);
/// Unrecorded rounds run for at least this long before recording.
const WARM_UP: Duration = Duration::from_secs(1);
/// A round is counted as contended when its contention index exceeds the
/// run's 5th percentile by this factor (see `main`).
const CONTENDED_ABOVE: f64 = 1.2;

/// Which half of the benchmark a row belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Verify,
    Sign,
    /// Rejecting forged tokens (bad MAC) by their JWS Protected Header.
    Forged,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Verify => "verify",
            Side::Sign => "sign",
            Side::Forged => "forged",
        }
    }
}

/// The measured rows; `Row as usize` indexes [`ROWS`] and the samples.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Row {
    VHmac,
    VB64,
    VJson,
    VBoundHeader,
    VBoundRegistered,
    VTj,
    VTjClaims,
    VIts,
    VJwt,
    VJs,
    SJson,
    SB64,
    SHmac,
    STj,
    SIts,
    SJwt,
    SJs,
    FKeyNormal,
    FKeyOne,
    FKeyMany,
    FSetNormal,
    FSetOne,
    FSetMany,
}

const ROWS: [Row; 23] = [
    Row::VHmac,
    Row::VB64,
    Row::VJson,
    Row::VBoundHeader,
    Row::VBoundRegistered,
    Row::VTj,
    Row::VTjClaims,
    Row::VIts,
    Row::VJwt,
    Row::VJs,
    Row::SJson,
    Row::SB64,
    Row::SHmac,
    Row::STj,
    Row::SIts,
    Row::SJwt,
    Row::SJs,
    Row::FKeyNormal,
    Row::FKeyOne,
    Row::FKeyMany,
    Row::FSetNormal,
    Row::FSetOne,
    Row::FSetMany,
];

impl Row {
    fn side(self) -> Side {
        match self {
            Row::VHmac
            | Row::VB64
            | Row::VJson
            | Row::VBoundHeader
            | Row::VBoundRegistered
            | Row::VTj
            | Row::VTjClaims
            | Row::VIts
            | Row::VJwt
            | Row::VJs => Side::Verify,
            Row::FKeyNormal
            | Row::FKeyOne
            | Row::FKeyMany
            | Row::FSetNormal
            | Row::FSetOne
            | Row::FSetMany => Side::Forged,
            _ => Side::Sign,
        }
    }

    /// Display name: the criterion function id (`hs256-floor/<id>`,
    /// `hs256-<side>/<id>`), with `floor: ` before the floors'.
    /// Forged rows: `jwt::decode_at` with one key or a key set, the header
    /// normal, 8 KiB with one long member, or 8 KiB with the most distinct
    /// members (see `Forged`).
    fn name(self) -> &'static str {
        match self {
            Row::VHmac => "floor: hmac_verify",
            Row::VB64 => "floor: b64_decode",
            Row::VJson => "floor: json_parse",
            Row::VBoundHeader => "bound: header_read",
            Row::VBoundRegistered => "bound: registered_read",
            Row::SJson => "floor: json_serialize",
            Row::SB64 => "floor: b64_encode",
            Row::SHmac => "floor: hmac_sign",
            Row::VTj | Row::STj => "timed_jws_jwt",
            Row::VTjClaims => "timed_jws_jwt_claims",
            Row::VIts | Row::SIts => "timed_jws_itsdangerous",
            Row::VJwt | Row::SJwt => "jsonwebtoken",
            Row::VJs | Row::SJs => "jwt_simple",
            Row::FKeyNormal => "one_key_normal_header",
            Row::FKeyOne => "one_key_8k_one_member",
            Row::FKeyMany => "one_key_8k_many_members",
            Row::FSetNormal => "key_set_normal_header",
            Row::FSetOne => "key_set_8k_one_member",
            Row::FSetMany => "key_set_8k_many_members",
        }
    }
}

/// A row's timed loop: runs `n` iterations.
type Batch<'a> = Box<dyn FnMut(u64) + 'a>;

/// Wraps one iteration into a batch loop (one dynamic call per batch, the
/// iteration itself inlined); the result goes through `black_box` and is
/// dropped inside the loop, as in criterion's `Bencher::iter`.
fn batch<'a, R>(mut f: impl FnMut() -> R + 'a) -> Batch<'a> {
    Box::new(move |n| {
        for _ in 0..n {
            black_box(f());
        }
    })
}

/// The same per-iteration work as the criterion row of `benches/hs.rs`.
fn make<'a>(row: Row, fx: &'a Fixture, js: &'a JwtSimple, f: &'a Forged) -> Batch<'a> {
    match row {
        Row::VHmac => batch(move || {
            ring::hmac::verify(
                &fx.ring_key,
                black_box(&fx.signing_input),
                black_box(&fx.tag),
            )
        }),
        Row::VB64 => {
            let mut bufs = DecodeBuffers::default();
            batch(move || fx.floor_b64_decode(&mut bufs))
        }
        Row::VJson => batch(move || serde_json::from_slice::<Claims>(black_box(&fx.payload_json))),
        Row::VBoundHeader => {
            batch(move || serde_json::from_slice::<BoundHeader>(black_box(&fx.header_json)).is_ok())
        }
        Row::VBoundRegistered => batch(move || {
            serde_json::from_slice::<BoundRegistered>(black_box(&fx.payload_json)).is_ok()
        }),
        Row::VTj => batch(move || black_box(fx).tj_jwt_decode()),
        Row::VTjClaims => batch(move || black_box(fx).tj_jwt_decode_claims()),
        Row::VIts => batch(move || black_box(fx).its_loads()),
        Row::VJwt => batch(move || black_box(fx).jwt_decode()),
        Row::VJs => batch(move || black_box(js).verify(black_box(&fx.token))),
        Row::SJson => {
            let mut out = Vec::with_capacity(256);
            batch(move || {
                out.clear();
                let r = serde_json::to_writer(&mut out, black_box(&fx.claims));
                black_box(&out);
                r
            })
        }
        Row::SB64 => {
            let mut out = String::with_capacity(512);
            batch(move || fx.floor_b64_encode(&mut out))
        }
        Row::SHmac => batch(move || ring::hmac::sign(&fx.ring_key, black_box(&fx.signing_input))),
        Row::STj => batch(move || black_box(fx).tj_jwt_encode()),
        Row::SIts => batch(move || black_box(fx).its_dumps()),
        Row::SJwt => batch(move || black_box(fx).jwt_encode()),
        Row::SJs => batch(move || black_box(js).sign()),
        Row::FKeyNormal => batch(move || f.one_key(black_box(&f.normal))),
        Row::FKeyOne => batch(move || f.one_key(black_box(&f.one_member))),
        Row::FKeyMany => batch(move || f.one_key(black_box(&f.many_members))),
        Row::FSetNormal => batch(move || f.key_set(black_box(&f.normal))),
        Row::FSetOne => batch(move || f.key_set(black_box(&f.one_member))),
        Row::FSetMany => batch(move || f.key_set(black_box(&f.many_members))),
    }
}

/// Wall time of one batch of `n` iterations.
fn time(f: &mut Batch<'_>, n: u64) -> Duration {
    let t = Instant::now();
    f(n);
    t.elapsed()
}

/// Iterations per batch so that one batch takes about [`BATCH`]: doubles
/// until a batch takes a tenth of it, then sizes by the fastest of five
/// batches at the estimated size.
fn calibrate(f: &mut Batch<'_>) -> u64 {
    let mut n = 1u64;
    let mut t = time(f, n);
    while t < BATCH / 10 && n < 1 << 40 {
        n *= 2;
        t = time(f, n);
    }
    let per_iter = t.as_secs_f64() / n as f64;
    let n = ((BATCH.as_secs_f64() / per_iter) as u64).max(1);
    let best = (0..5)
        .map(|_| time(f, n).as_secs_f64() / n as f64)
        .fold(f64::INFINITY, f64::min);
    ((BATCH.as_secs_f64() / best).round() as u64).max(1)
}

/// xorshift64*: a fixed-seed generator for the per-round row order.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Fisher-Yates shuffle.
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// Runs one batch of every row in a fresh random order; returns ns per
/// iteration, indexed like [`ROWS`].
fn round(batches: &mut [Batch<'_>], iters: &[u64], rng: &mut Rng) -> Vec<f64> {
    let mut order: Vec<usize> = (0..batches.len()).collect();
    rng.shuffle(&mut order);
    let mut ns = vec![0.0; batches.len()];
    for i in order {
        let t = time(&mut batches[i], iters[i]);
        ns[i] = t.as_nanos() as f64 / iters[i] as f64;
    }
    ns
}

/// The `p`-quantile (0..=1) of `v` by nearest rank; `v` must not be empty.
fn quantile(v: &[f64], p: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let i = (p * (s.len() - 1) as f64).round() as usize;
    s[i.min(s.len() - 1)]
}

/// One ratio reported over the rounds.
struct Ratio {
    label: &'static str,
    /// Target, as (`"<="` or `">="`, bound).
    target: Option<(&'static str, f64)>,
    values: Vec<f64>,
}

/// Writes the raw samples (one line per round, ns per iteration per row,
/// in recording order) to `path`.
fn write_csv(path: &std::ffi::OsStr, samples: &[Vec<f64>]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    let names: Vec<String> = ROWS
        .iter()
        .map(|r| format!("{} {}", r.side().name(), r.name()))
        .collect();
    writeln!(w, "round,{}", names.join(","))?;
    let rounds = samples.first().map_or(0, Vec::len);
    for i in 0..rounds {
        let line: Vec<String> = samples.iter().map(|v| format!("{:.1}", v[i])).collect();
        writeln!(w, "{i},{}", line.join(","))?;
    }
    w.flush()
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

fn main() {
    let rounds = match std::env::args().nth(1) {
        None => DEFAULT_ROUNDS,
        Some(a) => match a.parse::<usize>() {
            Ok(r) if r > 0 => r,
            _ => {
                eprintln!("usage: ratios [ROUNDS]   (ROUNDS > 0, default {DEFAULT_ROUNDS})");
                std::process::exit(2);
            }
        },
    };

    let fx = Fixture::new(Hs::Hs256);
    let js = JwtSimple::new(&fx.secret);
    let forged = Forged::new();
    let mut batches: Vec<Batch<'_>> = ROWS.iter().map(|&r| make(r, &fx, &js, &forged)).collect();

    eprintln!(
        "ratios: calibrating {} rows to ~{BATCH:?} batches",
        ROWS.len()
    );
    let iters: Vec<u64> = batches.iter_mut().map(calibrate).collect();

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    eprintln!("ratios: warm-up {WARM_UP:?}");
    let t = Instant::now();
    while t.elapsed() < WARM_UP {
        round(&mut batches, &iters, &mut rng);
    }

    let load_start = load_average();
    eprintln!("ratios: recording {rounds} rounds");
    let t = Instant::now();
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); ROWS.len()];
    for r in 0..rounds {
        let ns = round(&mut batches, &iters, &mut rng);
        for (s, v) in samples.iter_mut().zip(ns) {
            s.push(v);
        }
        if (r + 1) % 50 == 0 || r + 1 == rounds {
            eprintln!(
                "ratios: {}/{rounds} rounds, {:.1} s",
                r + 1,
                t.elapsed().as_secs_f64()
            );
        }
    }
    let recorded = t.elapsed();
    let load_end = load_average();

    // Contention index per round: b64_decode / hmac_verify. Contention
    // (apparently from outside the VM: the load average does not move) does
    // not slow all rows alike: HMAC (mostly SHA
    // instructions) hardly moves while base64, serde_json and allocation
    // slow by up to 1.8x, so every ratio against the floor sum shifts. The
    // index separates the two regimes; "uncontended" rounds are those within
    // CONTENDED_ABOVE of the run's 5th percentile of the index.
    let index: Vec<f64> = (0..rounds)
        .map(|i| samples[Row::VB64 as usize][i] / samples[Row::VHmac as usize][i])
        .collect();
    let index_p5 = quantile(&index, 0.05);
    let quiet: Vec<usize> = (0..rounds)
        .filter(|&i| index[i] <= index_p5 * CONTENDED_ABOVE)
        .collect();
    let pick = |v: &[f64]| quiet.iter().map(|&i| v[i]).collect::<Vec<f64>>();

    if let Some(path) = std::env::var_os("RATIOS_CSV") {
        if let Err(e) = write_csv(&path, &samples) {
            eprintln!("ratios: cannot write {}: {e}", path.to_string_lossy());
        }
    }

    let s = |row: Row| &samples[row as usize];
    let per_round = |f: &dyn Fn(usize) -> f64| (0..rounds).map(f).collect::<Vec<f64>>();
    let v_floor = per_round(&|i| s(Row::VHmac)[i] + s(Row::VB64)[i] + s(Row::VJson)[i]);
    let s_floor = per_round(&|i| s(Row::SJson)[i] + s(Row::SB64)[i] + s(Row::SHmac)[i]);
    let div = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x / y).collect::<Vec<f64>>();
    // The floors plus the two serde_json reads issue 12 prescribes beyond
    // them (header; registered claims before `T`), at their cheapest: what
    // no implementation of that design can go below.
    let v_bound =
        per_round(&|i| v_floor[i] + s(Row::VBoundHeader)[i] + s(Row::VBoundRegistered)[i]);
    // Encoding's check of the claims it wrote is one registered-claims read.
    let s_bound = per_round(&|i| s_floor[i] + s(Row::VBoundRegistered)[i]);

    let ratios = [
        Ratio {
            label: "verify: timed_jws_jwt / floor sum",
            target: Some(("<=", 1.4)),
            values: div(s(Row::VTj), &v_floor),
        },
        Ratio {
            label: "verify: jsonwebtoken / timed_jws_jwt",
            target: Some((">=", 1.6)),
            values: div(s(Row::VJwt), s(Row::VTj)),
        },
        Ratio {
            label: "verify: timed_jws_jwt_claims / floor sum",
            target: Some(("<=", 1.4)),
            values: div(s(Row::VTjClaims), &v_floor),
        },
        Ratio {
            label: "verify: jsonwebtoken / timed_jws_jwt_claims",
            target: Some((">=", 1.6)),
            values: div(s(Row::VJwt), s(Row::VTjClaims)),
        },
        Ratio {
            label: "verify bound: (floor sum + header_read + registered_read) / floor sum",
            target: None,
            values: div(&v_bound, &v_floor),
        },
        Ratio {
            label: "verify bound: jsonwebtoken / (floor sum + header_read + registered_read)",
            target: None,
            values: div(s(Row::VJwt), &v_bound),
        },
        Ratio {
            label: "verify: timed_jws_jwt / (floor sum + header_read + registered_read)",
            target: None,
            values: div(s(Row::VTj), &v_bound),
        },
        Ratio {
            label: "verify: jwt_simple / timed_jws_jwt",
            target: None,
            values: div(s(Row::VJs), s(Row::VTj)),
        },
        Ratio {
            label: "verify: timed_jws_itsdangerous / floor sum",
            target: None,
            values: div(s(Row::VIts), &v_floor),
        },
        Ratio {
            label: "verify: jsonwebtoken / timed_jws_itsdangerous",
            target: None,
            values: div(s(Row::VJwt), s(Row::VIts)),
        },
        Ratio {
            label: "sign: timed_jws_jwt / floor sum",
            target: Some(("<=", 1.2)),
            values: div(s(Row::STj), &s_floor),
        },
        Ratio {
            label: "sign: jsonwebtoken / timed_jws_jwt",
            target: Some((">=", 1.0)),
            values: div(s(Row::SJwt), s(Row::STj)),
        },
        Ratio {
            label: "sign bound: (floor sum + registered_read) / floor sum",
            target: None,
            values: div(&s_bound, &s_floor),
        },
        Ratio {
            label: "sign bound: jsonwebtoken / (floor sum + registered_read)",
            target: None,
            values: div(s(Row::SJwt), &s_bound),
        },
        Ratio {
            label: "sign: jwt_simple / timed_jws_jwt",
            target: None,
            values: div(s(Row::SJs), s(Row::STj)),
        },
        Ratio {
            label: "sign: timed_jws_itsdangerous / floor sum",
            target: None,
            values: div(s(Row::SIts), &s_floor),
        },
        Ratio {
            label: "sign: jsonwebtoken / timed_jws_itsdangerous",
            target: None,
            values: div(s(Row::SJwt), s(Row::SIts)),
        },
        Ratio {
            label: "forged, one key: 8 KiB many members / 8 KiB one member",
            target: Some(("<=", 1.3)),
            values: div(s(Row::FKeyMany), s(Row::FKeyOne)),
        },
        Ratio {
            label: "forged, one key: 8 KiB many members / normal header",
            target: Some(("<=", 1.3)),
            values: div(s(Row::FKeyMany), s(Row::FKeyNormal)),
        },
        Ratio {
            label: "forged, key set: 8 KiB many members / 8 KiB one member",
            target: Some(("<=", 1.3)),
            values: div(s(Row::FSetMany), s(Row::FSetOne)),
        },
        Ratio {
            label: "forged, key set: 8 KiB many members / normal header",
            target: Some(("<=", 1.3)),
            values: div(s(Row::FSetMany), s(Row::FSetNormal)),
        },
    ];

    println!(
        "Machine: nproc={}, CPU `{}`; {rounds} rounds of {} rows, batches of ~{} ms, \
         row order shuffled every round, {:.1} s recorded after {:.0} s warm-up; \
         load average (1 min) {load_start} at start, {load_end} at end; \
         contention index (b64_decode / hmac_verify) p5 {:.2}, median {:.2}, p95 {:.2}, \
         {} rounds uncontended (index <= {:.2}). \
         Command: `cd benches-peers && cargo run --release --bin ratios -- {rounds}`",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model(),
        ROWS.len(),
        BATCH.as_millis(),
        recorded.as_secs_f64(),
        WARM_UP.as_secs_f64(),
        index_p5,
        quantile(&index, 0.5),
        quantile(&index, 0.95),
        quiet.len(),
        index_p5 * CONTENDED_ABOVE,
    );
    println!();
    println!(
        "| op | row | median ns | p10 ns | median ns, uncontended rounds | iterations per batch |"
    );
    println!("|---|---|---:|---:|---:|---:|");
    for side in [Side::Verify, Side::Sign, Side::Forged] {
        for (i, row) in ROWS.iter().enumerate().filter(|(_, r)| r.side() == side) {
            let v = &samples[i];
            println!(
                "| {} | {} | {:.0} | {:.0} | {:.0} | {} |",
                side.name(),
                row.name(),
                quantile(v, 0.5),
                quantile(v, 0.1),
                quantile(&pick(v), 0.5),
                iters[i],
            );
            if matches!(row, Row::VJson | Row::SHmac) {
                let sum = if side == Side::Verify {
                    &v_floor
                } else {
                    &s_floor
                };
                println!(
                    "| {} | **floor sum (per round)** | **{:.0}** | **{:.0}** | **{:.0}** | |",
                    side.name(),
                    quantile(sum, 0.5),
                    quantile(sum, 0.1),
                    quantile(&pick(sum), 0.5),
                );
            }
        }
    }
    println!();
    println!(
        "| ratio (per round) | target | median | p10 to p90 | rounds meeting target \
         | median, uncontended rounds ({}) |",
        quiet.len()
    );
    println!("|---|---|---:|---:|---:|---:|");
    for r in &ratios {
        let (target, meeting) = match r.target {
            Some((op, bound)) => {
                let ok = r
                    .values
                    .iter()
                    .filter(|&&x| if op == "<=" { x <= bound } else { x >= bound })
                    .count();
                (
                    format!("{op} {bound:.2}"),
                    format!("{:.0} %", 100.0 * ok as f64 / r.values.len() as f64),
                )
            }
            None => (String::new(), String::new()),
        };
        println!(
            "| {} | {target} | {:.3} | {:.3} to {:.3} | {meeting} | {:.3} |",
            r.label,
            quantile(&r.values, 0.5),
            quantile(&r.values, 0.1),
            quantile(&r.values, 0.9),
            quantile(&pick(&r.values), 0.5),
        );
    }
}
