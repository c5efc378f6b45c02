//! Results as a JSON line per measurement and, at the end, markdown tables of medians over
//! the rounds, ratios to the baseline measured in the same rounds, and the targets.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::json;

use crate::stats::{median, median_of, ratio_cell, ratios, thousands, verdict, InRound};

use crate::child::ServerKind;
use crate::measure::{Load, Measurement};

/// Server CPU per round trip, qport over raw echo, at most this.
const SYNC_CPU_RATIO_TARGET: f64 = 1.2;
/// Async messages per second of server CPU, at least this.
const INGEST_RATE_TARGET: f64 = 1_000_000.0;

pub fn json_line(m: &Measurement) -> String {
    json!({
        "bench": "ipc",
        "round": m.round,
        "load": m.load.label(),
        "connections": m.connections,
        "server": m.server.label(),
        "message_bytes": m.message_bytes,
        "ops": m.ops,
        "seconds": m.elapsed.as_secs_f64(),
        "ops_per_second": m.ops_per_second(),
        "p50_us": m.latency.map(|l| l.p50.as_secs_f64() * 1e6),
        "p99_us": m.latency.map(|l| l.p99.as_secs_f64() * 1e6),
        "server_cpu_seconds": m.server_cpu.as_secs_f64(),
        "server_cpu_us_per_op": m.server_cpu_us_per_op(),
        "ops_per_server_cpu_second": m.ops_per_server_cpu_second(),
        "client_cpu_seconds": m.client_cpu.as_secs_f64(),
        "client_cpu_us_per_op": m.client_cpu_us_per_op(),
        "server_cores": m.server_cores(),
        "client_cores": m.client_cores(),
    })
    .to_string()
}

/// The measurements of one load at one connection count, by server.
type Cases<'a> = BTreeMap<(Load, usize), BTreeMap<&'static str, Vec<&'a Measurement>>>;

pub fn markdown(measurements: &[Measurement]) -> String {
    let mut cases: Cases = BTreeMap::new();
    for m in measurements {
        cases
            .entry((m.load, m.connections))
            .or_default()
            .entry(m.server.label())
            .or_default()
            .push(m);
    }
    let mut out = String::new();
    results_table(&mut out, &cases);
    ratios_table(&mut out, &cases);
    targets_table(&mut out, &cases);
    out
}

fn results_table(out: &mut String, cases: &Cases) {
    out.push_str("### Results (median over rounds)\n\n");
    out.push_str(
        "| load | conns | server | bytes/msg | ops/s | p50 µs | p99 µs | server CPU µs/op \
         | ops per server CPU-s | client CPU µs/op | server cores | client cores |\n",
    );
    out.push_str(
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for ((load, conns), servers) in cases {
        for (server, runs) in servers {
            let latency = |f: fn(&Measurement) -> Option<f64>| {
                let values: Vec<f64> = runs.iter().filter_map(|m| f(m)).collect();
                if values.is_empty() {
                    String::new()
                } else {
                    format!("{:.1}", median(values))
                }
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {:.3} | {} | {:.3} | {:.2} | {:.2} |",
                load.label(),
                conns,
                server,
                runs[0].message_bytes,
                thousands(median_of(runs, Measurement::ops_per_second)),
                latency(|m| m.latency.map(|l| l.p50.as_secs_f64() * 1e6)),
                latency(|m| m.latency.map(|l| l.p99.as_secs_f64() * 1e6)),
                median_of(runs, Measurement::server_cpu_us_per_op),
                thousands(median_of(runs, Measurement::ops_per_server_cpu_second)),
                median_of(runs, Measurement::client_cpu_us_per_op),
                median_of(runs, Measurement::server_cores),
                median_of(runs, Measurement::client_cores),
            );
        }
    }
    out.push('\n');
}

/// qport over its baseline, round by round (both measured in the same round), then the
/// median of those ratios.
fn ratios_table(out: &mut String, cases: &Cases) {
    out.push_str("### qport ÷ raw TCP baseline, same round (median; each round in brackets)\n\n");
    out.push_str("| load | conns | ops/s | p50 latency | server CPU per op |\n");
    out.push_str("| --- | ---: | --- | --- | --- |\n");
    for ((load, conns), servers) in cases {
        let Some((qport, baseline)) = pair(servers) else {
            continue;
        };
        let latency = |m: &Measurement| m.latency.map_or(f64::NAN, |l| l.p50.as_secs_f64());
        let p50 = if *load == Load::Sync {
            ratio_cell(&qport, &baseline, latency)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            load.label(),
            conns,
            ratio_cell(&qport, &baseline, Measurement::ops_per_second),
            p50,
            ratio_cell(&qport, &baseline, Measurement::server_cpu_us_per_op),
        );
    }
    out.push('\n');
}

fn targets_table(out: &mut String, cases: &Cases) {
    out.push_str("### Targets\n\n");
    out.push_str("| target | case | measured (median) | verdict |\n");
    out.push_str("| --- | --- | ---: | --- |\n");
    for ((load, conns), servers) in cases {
        let case = format!(
            "{}, {} conn{}",
            load.label(),
            conns,
            if *conns == 1 { "" } else { "s" }
        );
        match load {
            Load::Sync => {
                let Some((qport, baseline)) = pair(servers) else {
                    continue;
                };
                let ratio = median(ratios(&qport, &baseline, Measurement::server_cpu_us_per_op));
                let _ = writeln!(
                    out,
                    "| server CPU per round trip ≤ {SYNC_CPU_RATIO_TARGET}× raw echo | {case} | {ratio:.2}× | {} |",
                    verdict(ratio <= SYNC_CPU_RATIO_TARGET)
                );
            }
            Load::Async => {
                let Some(qport) = servers.get(ServerKind::QportIngest.label()) else {
                    continue;
                };
                let rate = median_of(qport, Measurement::ops_per_server_cpu_second);
                let _ = writeln!(
                    out,
                    "| ≥ 1,000,000 msgs per server CPU-second | {case} | {} | {} |",
                    thousands(rate),
                    verdict(rate >= INGEST_RATE_TARGET)
                );
            }
        }
    }
}

/// The qport runs and the baseline runs of one case, if both servers were measured.
fn pair<'a>(
    servers: &BTreeMap<&'static str, Vec<&'a Measurement>>,
) -> Option<(Vec<&'a Measurement>, Vec<&'a Measurement>)> {
    let mut qport = None;
    let mut baseline = None;
    for runs in servers.values() {
        match runs[0].server {
            ServerKind::QportEcho | ServerKind::QportIngest => qport = Some(runs.clone()),
            ServerKind::TcpEcho | ServerKind::TcpSink => baseline = Some(runs.clone()),
        }
    }
    Some((qport?, baseline?))
}

impl InRound for Measurement {
    fn round(&self) -> usize {
        self.round
    }
}
