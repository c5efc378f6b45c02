//! One case measured on every server: N connections to each, a warm-up, then a timed
//! closed loop (window 1: each connection sends a message and waits for its echo before
//! sending the next), with the server's and the client's CPU time read just before and
//! just after.
//!
//! The timed phase is cut into slices that alternate between the servers (A B, B A, A B,
//! ...), each server's slices summed. This shared VM's speed drifts over seconds; measured
//! one after the other, each server got its own spell of it, and two runs of the same
//! server differed by up to 15%. Interleaved, every server sees the same spells.
//!
//! A paced measurement is the same loop with each connection also waiting for its next
//! slot on a fixed schedule, so every server is offered the same message rate. Unpaced,
//! the one-thread client sets the pace once there are many connections, and it goes
//! slower for WebSocket (framing, masking) than for raw TCP: each server would then be
//! measured at a different load, and a server's CPU per message depends on its load (how
//! many events each wake-up finds).

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use super::connection::{Connection, Protocol};
use super::servers::{ServerChild, ServerKind};
use crate::cpu::{own_cpu, process_cpu};
use crate::latency::Latency;

/// Connections opened at once: enough to be quick, few enough not to overflow the
/// server's accept queue.
const CONNECTING_AT_ONCE: usize = 128;

/// One cell of the bench: message size, connection count, protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Case {
    pub deflate: bool,
    pub size: usize,
    pub connections: usize,
    /// Offered the same rate on every server (see the module's comment).
    pub paced: bool,
}

impl Case {
    pub fn protocol(self, server: ServerKind) -> Protocol {
        match (server, self.deflate) {
            (ServerKind::RawTcp, _) => Protocol::RawTcp,
            (_, false) => Protocol::WebSocket,
            (_, true) => Protocol::WebSocketDeflate,
        }
    }
}

pub struct Settings {
    pub warmup: Duration,
    /// The timed phase per server, over all its slices.
    pub duration: Duration,
    /// Slices the timed phase is cut into, alternating between the servers.
    pub slices: usize,
}

#[derive(Clone, Debug)]
pub struct Measurement {
    pub round: usize,
    pub case: Case,
    pub server: ServerKind,
    pub text: bool,
    /// Round trips completed in the timed phase.
    pub messages: u64,
    pub elapsed: Duration,
    pub server_cpu: Duration,
    pub client_cpu: Duration,
    pub latency: Option<Latency>,
    /// The rate offered in a paced measurement, messages per second.
    pub offered: Option<f64>,
}

impl Measurement {
    pub fn messages_per_second(&self) -> f64 {
        self.messages as f64 / self.elapsed.as_secs_f64()
    }

    pub fn server_cpu_us_per_message(&self) -> f64 {
        self.server_cpu.as_secs_f64() * 1e6 / self.messages as f64
    }

    pub fn client_cpu_us_per_message(&self) -> f64 {
        self.client_cpu.as_secs_f64() * 1e6 / self.messages as f64
    }

    /// CPU seconds per second: near 1 for the one-thread client means it set the pace.
    pub fn server_cores(&self) -> f64 {
        self.server_cpu.as_secs_f64() / self.elapsed.as_secs_f64()
    }

    pub fn client_cores(&self) -> f64 {
        self.client_cpu.as_secs_f64() / self.elapsed.as_secs_f64()
    }
}

/// The clock and both CPU times at one instant.
struct Snapshot {
    at: Instant,
    server_cpu: Duration,
    client_cpu: Duration,
}

impl Snapshot {
    fn take(server_pid: u32) -> io::Result<Snapshot> {
        Ok(Snapshot {
            server_cpu: process_cpu(server_pid)?,
            client_cpu: own_cpu()?,
            at: Instant::now(),
        })
    }
}

/// Runs `case` against every server in `servers` (`messages` is a pool each connection
/// cycles through), offering `rate` messages per second in all if it is given; one
/// measurement per server, in `servers`' order. `round` decides which server starts.
pub async fn measure(
    servers: &[&ServerChild],
    case: Case,
    messages: &Arc<[Arc<[u8]>]>,
    settings: &Settings,
    round: usize,
    rate: Option<f64>,
) -> io::Result<Vec<Measurement>> {
    // Each connection's share of the rate, as the time between its sends.
    let interval = rate.map(|rate| Duration::from_secs_f64(case.connections as f64 / rate));
    let mut all = Vec::with_capacity(servers.len());
    for server in servers {
        let protocol = case.protocol(server.kind);
        let connections = open(server.addr, case.connections, protocol).await?;
        all.push(Some(connections));
    }
    for (server, connections) in servers.iter().zip(&mut all) {
        let text = case.protocol(server.kind).text();
        let warm = connections.take().expect("opened above");
        let (warm, _) = closed_loop(warm, messages, text, settings.warmup, interval).await?;
        *connections = Some(warm);
    }
    let mut totals: Vec<Measurement> = servers
        .iter()
        .map(|server| Measurement {
            round,
            case,
            server: server.kind,
            text: case.protocol(server.kind).text(),
            messages: 0,
            elapsed: Duration::ZERO,
            server_cpu: Duration::ZERO,
            client_cpu: Duration::ZERO,
            latency: None,
            offered: rate,
        })
        .collect();
    let mut latencies = vec![Vec::new(); servers.len()];
    let slices = settings.slices.max(1);
    let slice = settings.duration / slices as u32;
    for k in 0..slices {
        for i in 0..servers.len() {
            // The order reverses every slice and the first server rotates by round.
            let step = if k % 2 == 0 { i } else { servers.len() - 1 - i };
            let at = (step + round) % servers.len();
            let (server, total) = (servers[at], &mut totals[at]);
            let connections = all[at].take().expect("opened above");
            let before = Snapshot::take(server.pid())?;
            let (connections, samples) =
                closed_loop(connections, messages, total.text, slice, interval).await?;
            let after = Snapshot::take(server.pid())?;
            all[at] = Some(connections);
            total.messages += samples.len() as u64;
            total.elapsed += after.at - before.at;
            total.server_cpu += after.server_cpu - before.server_cpu;
            total.client_cpu += after.client_cpu - before.client_cpu;
            latencies[at].extend_from_slice(&samples);
        }
    }
    drop(all);
    // The servers' work of closing the connections falls outside the next measurement.
    tokio::time::sleep(Duration::from_millis(100)).await;
    for (total, samples) in totals.iter_mut().zip(&mut latencies) {
        total.latency = Latency::of(samples);
    }
    Ok(totals)
}

/// Opens `count` connections (handshakes done), some at a time.
pub async fn open(
    addr: SocketAddr,
    count: usize,
    protocol: Protocol,
) -> io::Result<Vec<Connection>> {
    let mut connections = Vec::with_capacity(count);
    let mut opening = JoinSet::new();
    for _ in 0..count {
        if opening.len() == CONNECTING_AT_ONCE {
            connections.push(joined(opening.join_next().await)?);
        }
        opening.spawn(Connection::open(addr, protocol));
    }
    while let Some(result) = opening.join_next().await {
        connections.push(joined(Some(result))?);
    }
    Ok(connections)
}

fn joined(
    result: Option<Result<io::Result<Connection>, tokio::task::JoinError>>,
) -> io::Result<Connection> {
    match result {
        Some(result) => result.map_err(io::Error::other)?,
        None => Err(io::Error::other("no connection was being opened")),
    }
}

/// Every connection in its own task, round trips until `duration` is up, each at most one
/// per `interval` if given. Returns the connections for the next phase and one latency
/// sample (nanoseconds) per round trip.
async fn closed_loop(
    connections: Vec<Connection>,
    messages: &Arc<[Arc<[u8]>]>,
    text: bool,
    duration: Duration,
    interval: Option<Duration>,
) -> io::Result<(Vec<Connection>, Vec<u64>)> {
    let now = Instant::now();
    let deadline = now + duration;
    let count = connections.len() as u32;
    let tasks: Vec<_> = connections
        .into_iter()
        .enumerate()
        .map(|(i, connection)| {
            // Paced connections start spread over one interval, not all at once.
            let schedule = interval.map(|interval| Schedule {
                next: now + interval * i as u32 / count.max(1),
                interval,
            });
            tokio::spawn(one_connection(
                connection,
                Arc::clone(messages),
                i,
                text,
                deadline,
                schedule,
            ))
        })
        .collect();
    let mut connections = Vec::with_capacity(tasks.len());
    let mut latencies = Vec::new();
    for task in tasks {
        let (connection, samples) = task.await.map_err(io::Error::other)??;
        connections.push(connection);
        latencies.extend_from_slice(&samples);
    }
    Ok((connections, latencies))
}

/// When a paced connection sends next.
struct Schedule {
    next: Instant,
    interval: Duration,
}

async fn one_connection(
    mut connection: Connection,
    messages: Arc<[Arc<[u8]>]>,
    first: usize,
    text: bool,
    deadline: Instant,
    mut schedule: Option<Schedule>,
) -> io::Result<(Connection, Vec<u64>)> {
    let mut latencies = Vec::with_capacity(1024);
    let mut next = first;
    // One clock read per round trip: its end is the next one's start.
    let mut start = Instant::now();
    while start < deadline {
        if let Some(schedule) = &mut schedule {
            if schedule.next > start {
                tokio::time::sleep_until(schedule.next.into()).await;
                start = Instant::now();
            }
            // A connection that fell behind does not burst to catch up.
            schedule.next = (schedule.next + schedule.interval).max(start);
        }
        let message = &messages[next % messages.len()];
        connection.round_trip(message, text).await?;
        next += 1;
        let end = Instant::now();
        latencies.push((end - start).as_nanos() as u64);
        start = end;
    }
    Ok((connection, latencies))
}
