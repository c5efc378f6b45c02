//! The q engine's vector primitives against plain Rust loops doing the same arithmetic on
//! the same data, in the same run.
//!
//! One criterion group per case, two functions each: `q` evaluates the q expression in
//! an interpreter (parse included, a few hundred nanoseconds), `rust` is the loop a Rust
//! programmer would write. At the end the ratio of their means is printed (`rust` ÷ `q`:
//! 1.0 means as fast as the plain loop); the target for vector primitives is ≥ 0.5.
//!
//! ```sh
//! cargo bench -p qport-q --bench engine
//! ```

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use criterion::Criterion;
use qport_q::Interpreter;
use qport_value::{Symbol, Value, Vector};

/// The cases: name, q expression, and the Rust loop's work.
struct Case {
    name: &'static str,
    q: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "sum_til_100m",
        q: "sum til 100000000",
    },
    Case {
        name: "wavg_10m",
        q: "x wavg y",
    },
    Case {
        name: "asc_10m",
        q: "asc x",
    },
    Case {
        name: "each_lambda_1m",
        q: "{x+y}'[a;b]",
    },
];

/// A deterministic float in [0, 1000), from a 64-bit LCG.
fn floats(n: usize, seed: u64) -> Vec<f64> {
    let mut state = seed;
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64 * 1000.0
        })
        .collect()
}

fn main() {
    let started = SystemTime::now();
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();

    let x = floats(10_000_000, 1);
    let y = floats(10_000_000, 2);
    let a: Vec<i64> = (0..1_000_000).collect();
    let b: Vec<i64> = (0..1_000_000).map(|i| i * 3).collect();
    let mut interp = Interpreter::new();
    interp.set_global(
        Symbol::new("x"),
        Value::FloatVector(Vector::from(x.clone())),
    );
    interp.set_global(
        Symbol::new("y"),
        Value::FloatVector(Vector::from(y.clone())),
    );
    interp.set_global(Symbol::new("a"), Value::LongVector(Vector::from(a.clone())));
    interp.set_global(Symbol::new("b"), Value::LongVector(Vector::from(b.clone())));

    for case in CASES {
        let mut group = criterion.benchmark_group(case.name);
        group.bench_function("q", |bench| {
            bench.iter(|| {
                interp
                    .run(black_box(case.q.as_bytes()))
                    .expect("the q expression evaluates")
            })
        });
        match case.name {
            "sum_til_100m" => group.bench_function("rust", |bench| {
                bench.iter(|| {
                    let til: Vec<i64> = (0..black_box(100_000_000i64)).collect();
                    til.iter().sum::<i64>()
                })
            }),
            "wavg_10m" => group.bench_function("rust", |bench| {
                bench.iter(|| {
                    let (x, y) = (black_box(&x), black_box(&y));
                    let (mut weighted, mut weights) = (0.0, 0.0);
                    for (w, v) in x.iter().zip(y) {
                        weighted += w * v;
                        weights += w;
                    }
                    weighted / weights
                })
            }),
            "asc_10m" => group.bench_function("rust", |bench| {
                bench.iter(|| {
                    let mut sorted = black_box(&x).clone();
                    sorted.sort_unstable_by(f64::total_cmp);
                    sorted
                })
            }),
            _ => group.bench_function("rust", |bench| {
                bench.iter(|| {
                    let (a, b) = (black_box(&a), black_box(&b));
                    a.iter().zip(b).map(|(x, y)| x + y).collect::<Vec<i64>>()
                })
            }),
        };
        group.finish();
    }
    criterion.final_summary();

    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--list") {
        print_ratios(started);
    }
}

/// Criterion's output directory (as it chooses it).
fn criterion_dir() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return Some(PathBuf::from(home));
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(Path::new(&target).join("criterion"));
    }
    // This binary is <target>/<profile>/deps/engine-<hash>.
    let exe = std::env::current_exe().ok()?;
    Some(exe.ancestors().nth(3)?.join("criterion"))
}

/// The mean of `group/function` in nanoseconds, if measured in this run.
fn mean_ns(dir: &Path, group: &str, function: &str, since: SystemTime) -> Option<f64> {
    let path = dir.join(group).join(function).join("new/estimates.json");
    if std::fs::metadata(&path).ok()?.modified().ok()? < since {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    // The mean's point estimate: `"mean":{..."point_estimate":N`.
    let mean = &text[text.find("\"mean\"")?..];
    let at = mean.find("\"point_estimate\":")? + "\"point_estimate\":".len();
    let end = mean[at..].find([',', '}'])? + at;
    mean[at..end].trim().parse().ok()
}

fn print_ratios(since: SystemTime) {
    let Some(dir) = criterion_dir() else {
        return;
    };
    println!("\n| case | q | plain Rust loop | q speed ÷ loop speed |");
    println!("| --- | ---: | ---: | ---: |");
    for case in CASES {
        let (Some(q), Some(rust)) = (
            mean_ns(&dir, case.name, "q", since),
            mean_ns(&dir, case.name, "rust", since),
        ) else {
            continue;
        };
        println!(
            "| `{}` | {:.3} ms | {:.3} ms | {:.2} |",
            case.q,
            q / 1e6,
            rust / 1e6,
            rust / q
        );
    }
}
