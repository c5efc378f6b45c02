//! Results of the WebSocket bench as a JSON line per measurement and, at the end, markdown:
//! medians over the rounds, qport's ratios to the baselines measured in the same rounds,
//! the targets, and memory per idle connection.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::json;

use crate::stats::{median, median_of, ratio_cell, ratios, thousands, verdict, InRound};

use super::measure::{Case, Measurement};
use super::memory::IdleMemory;
use super::servers::ServerKind;

/// Server CPU per message, qport ÷ raw TCP echo, at most this for messages up to 1 KiB...
const SMALL_CPU_TARGET: f64 = 1.05;
/// ...and at most this for larger ones.
const LARGE_CPU_TARGET: f64 = 1.2;
const SMALL_MESSAGE_MAX: usize = 1024;
/// With deflate: qport ÷ yawc, at most this.
const DEFLATE_CPU_TARGET: f64 = 1.0;
/// Resident memory per idle connection, at most this many bytes.
const IDLE_BYTES_TARGET: f64 = 4096.0;

pub fn json_line(m: &Measurement) -> String {
    json!({
        "bench": "ws",
        "round": m.round,
        "server": m.server.label(),
        "deflate": m.case.deflate,
        "text": m.text,
        "message_bytes": m.case.size,
        "connections": m.case.connections,
        "paced": m.case.paced,
        "offered_per_second": m.offered,
        "messages": m.messages,
        "seconds": m.elapsed.as_secs_f64(),
        "messages_per_second": m.messages_per_second(),
        "p50_us": m.latency.map(|l| l.p50.as_secs_f64() * 1e6),
        "p99_us": m.latency.map(|l| l.p99.as_secs_f64() * 1e6),
        "server_cpu_seconds": m.server_cpu.as_secs_f64(),
        "server_cpu_us_per_message": m.server_cpu_us_per_message(),
        "client_cpu_seconds": m.client_cpu.as_secs_f64(),
        "client_cpu_us_per_message": m.client_cpu_us_per_message(),
        "server_cores": m.server_cores(),
        "client_cores": m.client_cores(),
    })
    .to_string()
}

pub fn idle_json_line(m: &IdleMemory) -> String {
    json!({
        "bench": "ws",
        "idle": true,
        "server": m.server.label(),
        "connections": m.connections,
        "rss_before_bytes": m.rss_before,
        "rss_after_bytes": m.rss_after,
        "bytes_per_connection": m.bytes_per_connection(),
    })
    .to_string()
}

/// Each case's measurements, by server.
type Cases<'a> = BTreeMap<Case, BTreeMap<ServerKind, Vec<&'a Measurement>>>;

pub fn markdown(measurements: &[Measurement], idle: &[IdleMemory]) -> String {
    let mut cases: Cases = BTreeMap::new();
    for m in measurements {
        cases
            .entry(m.case)
            .or_default()
            .entry(m.server)
            .or_default()
            .push(m);
    }
    let mut out = String::new();
    results_table(&mut out, &cases);
    ratios_table(&mut out, &cases);
    idle_table(&mut out, idle);
    targets_table(&mut out, &cases, idle);
    out
}

fn case_cells(case: &Case) -> String {
    format!(
        "{} | {} | {}{}",
        if case.deflate { "deflate" } else { "none" },
        size_label(case.size),
        case.connections,
        if case.paced { " paced" } else { "" }
    )
}

fn size_label(size: usize) -> String {
    if size >= 1024 && size % 1024 == 0 {
        format!("{} KiB", size / 1024)
    } else {
        format!("{size} B")
    }
}

fn results_table(out: &mut String, cases: &Cases) {
    out.push_str("### Results (median over rounds)\n\n");
    out.push_str(
        "| compression | message | conns | server | msgs/s | p50 µs | p99 µs | server CPU µs/msg | client CPU µs/msg | server cores | client cores |\n",
    );
    out.push_str("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (case, servers) in cases {
        for (server, runs) in servers {
            let p = |f: fn(&crate::latency::Latency) -> std::time::Duration| {
                median(
                    runs.iter()
                        .filter_map(|m| m.latency.as_ref().map(|l| f(l).as_secs_f64() * 1e6))
                        .collect(),
                )
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.1} | {:.1} | {:.2} | {:.2} | {:.2} | {:.2} |",
                case_cells(case),
                server.label(),
                thousands(median_of(runs, Measurement::messages_per_second)),
                p(|l| l.p50),
                p(|l| l.p99),
                median_of(runs, Measurement::server_cpu_us_per_message),
                median_of(runs, Measurement::client_cpu_us_per_message),
                median_of(runs, Measurement::server_cores),
                median_of(runs, Measurement::client_cores),
            );
        }
    }
    out.push('\n');
}

fn ratios_table(out: &mut String, cases: &Cases) {
    out.push_str(
        "### qport ÷ baseline, same round (median; each round in brackets)\n\n\
         | compression | message | conns | baseline | server CPU per message | msgs/s | p50 latency |\n\
         | --- | ---: | ---: | --- | --- | --- | --- |\n",
    );
    for (case, servers) in cases {
        let Some(qport) = servers.get(&ServerKind::Qport) else {
            continue;
        };
        for baseline in [ServerKind::RawTcp, ServerKind::Yawc] {
            let Some(base) = servers.get(&baseline) else {
                continue;
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                case_cells(case),
                baseline.label(),
                ratio_cell(qport, base, Measurement::server_cpu_us_per_message),
                ratio_cell(qport, base, Measurement::messages_per_second),
                ratio_cell(qport, base, |m| m
                    .latency
                    .map_or(f64::NAN, |l| l.p50.as_secs_f64())),
            );
        }
    }
    out.push('\n');
}

fn idle_table(out: &mut String, idle: &[IdleMemory]) {
    if idle.is_empty() {
        return;
    }
    out.push_str(
        "### Idle connections (handshake done, no messages; a fresh server each)\n\n\
         | server | connections | RSS before | RSS after | bytes per connection |\n\
         | --- | ---: | ---: | ---: | ---: |\n",
    );
    for m in idle {
        let _ = writeln!(
            out,
            "| {} | {} | {:.1} MiB | {:.1} MiB | {} |",
            m.server.label(),
            thousands(m.connections as f64),
            m.rss_before as f64 / (1 << 20) as f64,
            m.rss_after as f64 / (1 << 20) as f64,
            thousands(m.bytes_per_connection()),
        );
    }
    out.push('\n');
}

fn targets_table(out: &mut String, cases: &Cases, idle: &[IdleMemory]) {
    out.push_str(
        "### Targets\n\n\
         | target | case | measured (median) | verdict |\n\
         | --- | --- | ---: | --- |\n",
    );
    for (case, servers) in cases {
        let Some(qport) = servers.get(&ServerKind::Qport) else {
            continue;
        };
        let (baseline, limit) = match (case.deflate, case.size <= SMALL_MESSAGE_MAX) {
            (true, _) => (ServerKind::Yawc, DEFLATE_CPU_TARGET),
            (false, true) => (ServerKind::RawTcp, SMALL_CPU_TARGET),
            (false, false) => (ServerKind::RawTcp, LARGE_CPU_TARGET),
        };
        let Some(base) = servers.get(&baseline) else {
            continue;
        };
        let ratio = median(ratios(qport, base, Measurement::server_cpu_us_per_message));
        let _ = writeln!(
            out,
            "| server CPU per message ≤ {limit:.2}× {} | {}{}, {} conn{}{} | {ratio:.2}× | {} |",
            baseline.label(),
            if case.deflate { "deflate, " } else { "" },
            size_label(case.size),
            case.connections,
            if case.connections == 1 { "" } else { "s" },
            if case.paced { ", paced" } else { "" },
            verdict(ratio <= limit),
        );
    }
    for m in idle.iter().filter(|m| m.server == ServerKind::Qport) {
        let bytes = m.bytes_per_connection();
        let _ = writeln!(
            out,
            "| ≤ 4 KiB of server memory per idle connection | {} connections | {} bytes | {} |",
            thousands(m.connections as f64),
            thousands(bytes),
            verdict(bytes <= IDLE_BYTES_TARGET),
        );
    }
}

impl InRound for Measurement {
    fn round(&self) -> usize {
        self.round
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_bytes_or_kib() {
        assert_eq!(size_label(16), "16 B");
        assert_eq!(size_label(1024), "1 KiB");
        assert_eq!(size_label(65536), "64 KiB");
        assert_eq!(size_label(1500), "1500 B");
    }
}
