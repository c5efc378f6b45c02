//! The `ws` bench: qport's WebSocket echo (`ws_echo`) against a raw-TCP echo and an echo on
//! the yawc crate, every server a one-thread child process pinned to one CPU and the load
//! generator (one thread) pinned to another. Rounds alternate which server goes first;
//! ratios are taken within a round; then memory per idle connection on fresh servers.
//!
//! Files: `servers` (the children, and the serving side of ours), `connection` (one
//! client connection, raw or WebSocket), `measure` (a closed-loop measurement with CPU
//! times), `payload` (the JSON messages), `memory` (idle connections), `resources`
//! (pinning, file limit, RSS), `report` (JSON lines and markdown).

mod connection;
mod measure;
mod memory;
mod payload;
mod report;
mod resources;
mod servers;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use measure::{Case, Measurement, Settings};
use memory::IdleMemory;
use servers::{Examples, ServerChild, ServerKind};

pub use servers::{serve_qport, serve_raw_echo};

#[derive(Args, Debug)]
pub struct WsArgs {
    /// A smoke run of a few seconds: short phases, one round, few connections.
    #[arg(long)]
    quick: bool,
    /// Seconds each measurement runs [default: 1, quick 0.1].
    #[arg(long)]
    duration: Option<f64>,
    /// Seconds of warm-up before each measurement, on the same connections [default: 0.3,
    /// quick 0.02].
    #[arg(long)]
    warmup: Option<f64>,
    /// Rounds; every case runs once per round against each server [default: 5, quick 1].
    #[arg(long)]
    rounds: Option<usize>,
    /// Slices each measurement's timed phase is cut into, alternating between the servers
    /// [default: 8, quick 1].
    #[arg(long)]
    slices: Option<usize>,
    /// Message sizes in bytes, uncompressed.
    #[arg(long, value_delimiter = ',', default_value = "16,1024,65536")]
    sizes: Vec<usize>,
    /// Connection counts, uncompressed [default: 1,64,1000, quick 1,8].
    #[arg(long, value_delimiter = ',')]
    conns: Option<Vec<usize>>,
    /// Message sizes in bytes with permessage-deflate.
    #[arg(long, value_delimiter = ',', default_value = "16,1024,16384")]
    deflate_sizes: Vec<usize>,
    /// Connection counts with permessage-deflate [default: 1,64, quick 1,8].
    #[arg(long, value_delimiter = ',')]
    deflate_conns: Option<Vec<usize>>,
    /// Idle connections for the memory case; 0 leaves it out [default: 10000, quick 100].
    #[arg(long)]
    idle_conns: Option<usize>,
    /// The servers to measure (all by default; one alone is for profiling it).
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [ServerKind::RawTcp, ServerKind::Qport, ServerKind::Yawc])]
    servers: Vec<ServerKind>,
    /// The yawc echo binary [default: examples/yawc_echo beside this binary, where
    /// `cargo build --release -p qport-ws --examples` puts it]. A full run needs it; a quick
    /// run without it leaves yawc out.
    #[arg(long)]
    yawc: Option<PathBuf>,
    /// qport's echo binary, the `ws_echo` example [default: examples/ws_echo beside this
    /// binary]. A full run needs it; a quick run without it runs the same handler and
    /// settings inside this binary.
    #[arg(long)]
    ws_echo: Option<PathBuf>,
    /// CPU for the servers.
    #[arg(long, default_value_t = 0)]
    server_cpu: usize,
    /// CPU for the load generator.
    #[arg(long, default_value_t = 1)]
    client_cpu: usize,
    /// Leave every process where the scheduler puts it.
    #[arg(long)]
    no_pin: bool,
    /// Cases with more than one connection run a second time paced: every server offered
    /// this fraction of the lowest rate any of them reached unpaced in that round; 0 leaves
    /// the paced runs out.
    #[arg(long, default_value_t = 0.8)]
    pace: f64,
}

struct Plan {
    rounds: usize,
    pace: f64,
    settings: Settings,
    cases: Vec<Case>,
    idle_conns: usize,
    examples: Examples,
    server_cpu: Option<usize>,
}

impl WsArgs {
    fn plan(&self) -> io::Result<Plan> {
        let (duration, warmup, rounds, slices, conns, deflate_conns, idle) = if self.quick {
            (0.1, 0.02, 1, 1, vec![1, 8], vec![1, 8], 100)
        } else {
            // As the IPC bench: more short rounds rather than a few long ones, so a noisy
            // spell of the machine spoils fewer of the ratios the medians are taken over.
            (1.0, 0.3, 5, 8, vec![1, 64, 1000], vec![1, 64], 10_000)
        };
        let seconds = |s: Option<f64>, default: f64| {
            Duration::try_from_secs_f64(s.unwrap_or(default))
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
        };
        let mut cases = Vec::new();
        for &size in &self.sizes {
            for &connections in self.conns.as_ref().unwrap_or(&conns) {
                cases.push(Case {
                    deflate: false,
                    size,
                    connections,
                    paced: false,
                });
            }
        }
        for &size in &self.deflate_sizes {
            for &connections in self.deflate_conns.as_ref().unwrap_or(&deflate_conns) {
                cases.push(Case {
                    deflate: true,
                    size,
                    connections,
                    paced: false,
                });
            }
        }
        let yawc = self.example(
            ServerKind::Yawc,
            "yawc_echo",
            self.yawc.clone(),
            "--yawc",
            "leaves yawc out",
        )?;
        let ws_echo = self.example(
            ServerKind::Qport,
            "ws_echo",
            self.ws_echo.clone(),
            "--ws-echo",
            "runs qport's echo inside the bench binary",
        )?;
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        let pin = !self.no_pin && cpus > self.server_cpu.max(self.client_cpu);
        Ok(Plan {
            rounds: self.rounds.unwrap_or(rounds).max(1),
            pace: self.pace.clamp(0.0, 1.0),
            settings: Settings {
                warmup: seconds(self.warmup, warmup)?,
                duration: seconds(self.duration, duration)?,
                slices: self.slices.unwrap_or(slices).max(1),
            },
            cases,
            idle_conns: self.idle_conns.unwrap_or(idle),
            examples: Examples { ws_echo, yawc },
            server_cpu: pin.then_some(self.server_cpu),
        })
    }

    /// The example binary `name` that runs `kind`: the one named with `option`, else the
    /// default beside this binary. Missing, a quick run goes on (`quick_fallback` says how);
    /// a full run stops. `None` also when `kind` is not measured.
    fn example(
        &self,
        kind: ServerKind,
        name: &str,
        named: Option<PathBuf>,
        option: &str,
        quick_fallback: &str,
    ) -> io::Result<Option<PathBuf>> {
        match named.or_else(|| servers::default_example_path(name)) {
            _ if !self.servers.contains(&kind) => Ok(None),
            Some(path) if path.is_file() => Ok(Some(path)),
            missing if self.quick => {
                eprintln!("qport-bench ws: no {name} at {missing:?}; a quick run {quick_fallback}");
                Ok(None)
            }
            missing => Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "no {name} at {missing:?}: build it with `cargo build --release -p \
                     qport-ws --examples`, or name it with {option}"
                ),
            )),
        }
    }
}

/// Runs the bench, printing a JSON line per measurement as it completes and the markdown
/// report at the end.
pub fn run(args: &WsArgs) -> io::Result<()> {
    let plan = args.plan()?;
    let open_files = resources::raise_open_file_limit()?;
    if plan.server_cpu.is_some() {
        resources::pin_to_cpu(args.client_cpu)?;
    }
    let load_before = resources::load_average();
    let mut kinds = args.servers.clone();
    kinds.sort_unstable();
    kinds.dedup();
    kinds.retain(|&kind| kind != ServerKind::Yawc || plan.examples.yawc.is_some());
    let servers = kinds
        .iter()
        .map(|&kind| ServerChild::spawn(kind, &plan.examples, plan.server_cpu))
        .collect::<io::Result<Vec<_>>>()?;
    let pools: BTreeMap<usize, Arc<[Arc<[u8]>]>> = plan
        .cases
        .iter()
        .map(|case| (case.size, payload::pool(case.size)))
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut measurements = Vec::new();
    for round in 0..plan.rounds {
        for case in &plan.cases {
            let in_case: Vec<&ServerChild> = servers
                .iter()
                .filter(|s| !(case.deflate && s.kind == ServerKind::RawTcp))
                .collect();
            // Every server in the case, interleaved, at `rate` if given.
            let mut run_all = |case: Case, rate: Option<f64>| -> io::Result<f64> {
                let mut slowest = f64::INFINITY;
                let taken = runtime.block_on(measure::measure(
                    &in_case,
                    case,
                    &pools[&case.size],
                    &plan.settings,
                    round,
                    rate,
                ))?;
                for m in taken {
                    print_line(&report::json_line(&m))?;
                    slowest = slowest.min(m.messages_per_second());
                    measurements.push(m);
                }
                Ok(slowest)
            };
            let slowest = run_all(*case, None)?;
            if case.connections >= 2 && plan.pace > 0.0 && slowest.is_finite() {
                let paced = Case {
                    paced: true,
                    ..*case
                };
                run_all(paced, Some(slowest * plan.pace))?;
            }
        }
    }
    drop(servers);
    let idle = idle_memory(&runtime, &plan, &kinds)?;
    let load_after = resources::load_average();
    let mut out = io::stdout().lock();
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        describe(
            args,
            &plan,
            &measurements,
            open_files,
            (load_before, load_after)
        )
    )?;
    write!(out, "{}", report::markdown(&measurements, &idle))?;
    out.flush()
}

/// Memory per idle connection, each server freshly started for it.
fn idle_memory(
    runtime: &tokio::runtime::Runtime,
    plan: &Plan,
    kinds: &[ServerKind],
) -> io::Result<Vec<IdleMemory>> {
    let mut idle = Vec::new();
    if plan.idle_conns == 0 {
        return Ok(idle);
    }
    for &kind in kinds {
        let server = ServerChild::spawn(kind, &plan.examples, plan.server_cpu)?;
        let m = runtime.block_on(memory::idle_connections(&server, plan.idle_conns))?;
        print_line(&report::idle_json_line(&m))?;
        idle.push(m);
    }
    Ok(idle)
}

fn print_line(line: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()
}

fn describe(
    args: &WsArgs,
    plan: &Plan,
    measurements: &[Measurement],
    open_files: u64,
    load: (Option<f64>, Option<f64>),
) -> String {
    let s = &plan.settings;
    let pinning = match plan.server_cpu {
        Some(cpu) => format!(
            "servers pinned to CPU {cpu}, load generator to CPU {}",
            args.client_cpu
        ),
        None => "nothing pinned".to_string(),
    };
    let mut ratios = String::new();
    for size in plan.cases.iter().filter(|c| c.deflate).map(|c| c.size) {
        if !ratios.contains(&format!("{size} B:")) {
            ratios.push_str(&format!(
                " {size} B: {:.0}%;",
                payload::deflate_ratio(size) * 100.0
            ));
        }
    }
    let shown = |l: Option<f64>| l.map_or("?".to_string(), |l| format!("{l:.2}"));
    format!(
        "## WebSocket server bench\n\n\
         - {} round(s); each measurement: {:.2} s warm-up, then {:.2} s timed, on the same \
         connections; the timed phase in {} slices alternating between the servers (the \
         order reversed every slice, the first server rotating by round); {} measurements\n\
         - closed loop, window 1: each connection sends a message and reads its whole echo \
         (checked byte for byte) before the next; WebSocket frames masked with a fresh key \
         each. Cases with more than one connection run again paced (`paced`): every server \
         offered {:.0}% of the lowest rate any server reached unpaced in that round\n\
         - messages: JSON text (trade records, fields varying per record), {} different ones \
         per size, cycled per connection; uncompressed cases send them as binary messages, \
         deflate cases as text (permessage-deflate offered and required; the client \
         compresses every message at zlib level 1 with context takeover). One message alone \
         at level 1 compresses to{}\n\
         - servers: one-thread child processes (tokio current-thread runtime); qport: {}; \
         {pinning}; \
         CPU time (user + system) from each process's CPU-time clock (nanoseconds); \
         open-file limit {open_files}\n\
         - load average (1 min): {} at the start, {} at the end\n",
        plan.rounds,
        s.warmup.as_secs_f64(),
        s.duration.as_secs_f64(),
        s.slices,
        measurements.len(),
        plan.pace * 100.0,
        payload::POOL_LEN,
        ratios.trim_end_matches(';'),
        match &plan.examples.ws_echo {
            Some(_) => "the `ws_echo` example",
            None => "`ws_echo`'s handler and settings inside the bench binary",
        },
        shown(load.0),
        shown(load.1),
    )
}
