//! One measurement: a load against one server for a set time, with the server's and the
//! client's CPU time read just before and just after.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::child::{ServerChild, ServerKind};
use crate::client::Client;
use crate::cpu::{own_cpu, process_cpu};
use crate::ingest::{self, Finish};
use crate::latency::Latency;
use crate::roundtrip;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Load {
    /// Closed-loop sync round trips.
    Sync,
    /// Pipelined async messages.
    Async,
}

impl Load {
    pub fn label(self) -> &'static str {
        match self {
            Load::Sync => "sync",
            Load::Async => "async",
        }
    }
}

/// How long each phase lasts, and the messages to send.
pub struct Settings {
    pub warmup: Duration,
    pub duration: Duration,
    pub sync_request: Arc<[u8]>,
    pub async_message_len: usize,
    pub async_batch: Arc<[u8]>,
    pub async_per_batch: u64,
}

#[derive(Clone, Debug)]
pub struct Measurement {
    pub round: usize,
    pub load: Load,
    pub connections: usize,
    pub server: ServerKind,
    /// Bytes of one request or async message, header included.
    pub message_bytes: usize,
    /// Round trips, or async messages processed.
    pub ops: u64,
    pub elapsed: Duration,
    pub server_cpu: Duration,
    pub client_cpu: Duration,
    pub latency: Option<Latency>,
}

impl Measurement {
    pub fn ops_per_second(&self) -> f64 {
        self.ops as f64 / self.elapsed.as_secs_f64()
    }

    pub fn server_cpu_us_per_op(&self) -> f64 {
        self.server_cpu.as_secs_f64() * 1e6 / self.ops as f64
    }

    pub fn client_cpu_us_per_op(&self) -> f64 {
        self.client_cpu.as_secs_f64() * 1e6 / self.ops as f64
    }

    /// CPU seconds per second of the run: near 1 for a single-threaded client means the
    /// client, not the server, set the pace.
    pub fn server_cores(&self) -> f64 {
        self.server_cpu.as_secs_f64() / self.elapsed.as_secs_f64()
    }

    pub fn client_cores(&self) -> f64 {
        self.client_cpu.as_secs_f64() / self.elapsed.as_secs_f64()
    }

    /// Operations per second of server CPU: how much one core could serve.
    pub fn ops_per_server_cpu_second(&self) -> f64 {
        self.ops as f64 / self.server_cpu.as_secs_f64()
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

/// Closed-loop sync round trips on `connections` connections: a warm-up, then the timed run
/// on the same connections.
pub async fn sync_case(
    server: &ServerChild,
    connections: usize,
    settings: &Settings,
    round: usize,
) -> io::Result<Measurement> {
    let response_kind = match server.kind {
        ServerKind::TcpEcho => 1,
        _ => 2,
    };
    let clients = connect(server.addr, connections).await?;
    let request = Arc::clone(&settings.sync_request);
    let (clients, _) = roundtrip::run(
        clients,
        Arc::clone(&request),
        response_kind,
        settings.warmup,
    )
    .await?;
    let before = Snapshot::take(server.pid())?;
    let (clients, round_trips) =
        roundtrip::run(clients, request, response_kind, settings.duration).await?;
    let after = Snapshot::take(server.pid())?;
    drop(clients);
    let mut samples = round_trips.latencies_ns;
    Ok(Measurement {
        round,
        load: Load::Sync,
        connections,
        server: server.kind,
        message_bytes: settings.sync_request.len(),
        ops: round_trips.count,
        elapsed: after.at - before.at,
        server_cpu: after.server_cpu - before.server_cpu,
        client_cpu: after.client_cpu - before.client_cpu,
        latency: Latency::of(&mut samples),
    })
}

/// Pipelined async messages on `connections` connections: a warm-up on connections of its
/// own, then the timed run on fresh ones, timed until the server has acknowledged them all.
///
/// `counted` is the number of async messages the server has counted so far (qport only):
/// the counts it answers must add up exactly to what was sent.
pub async fn ingest_case(
    server: &ServerChild,
    connections: usize,
    settings: &Settings,
    round: usize,
    counted: &mut u64,
) -> io::Result<Measurement> {
    let finish = match server.kind {
        ServerKind::TcpSink => Finish::EndOfStream,
        _ => Finish::SyncCount(Arc::clone(&settings.sync_request)),
    };
    let warmup = ingest_phase(server, connections, settings, &finish, settings.warmup).await?;
    check_count(&warmup, counted)?;
    let clients = connect(server.addr, connections).await?;
    let before = Snapshot::take(server.pid())?;
    let ingest = ingest::run(
        clients,
        Arc::clone(&settings.async_batch),
        settings.async_per_batch,
        finish,
        settings.duration,
    )
    .await?;
    let after = Snapshot::take(server.pid())?;
    check_count(&ingest, counted)?;
    Ok(Measurement {
        round,
        load: Load::Async,
        connections,
        server: server.kind,
        message_bytes: settings.async_message_len,
        ops: ingest.messages,
        elapsed: after.at - before.at,
        server_cpu: after.server_cpu - before.server_cpu,
        client_cpu: after.client_cpu - before.client_cpu,
        latency: None,
    })
}

async fn ingest_phase(
    server: &ServerChild,
    connections: usize,
    settings: &Settings,
    finish: &Finish,
    duration: Duration,
) -> io::Result<ingest::Ingest> {
    let clients = connect(server.addr, connections).await?;
    ingest::run(
        clients,
        Arc::clone(&settings.async_batch),
        settings.async_per_batch,
        finish.clone(),
        duration,
    )
    .await
}

/// The last count a server answered must be everything sent to it so far.
fn check_count(ingest: &ingest::Ingest, counted: &mut u64) -> io::Result<()> {
    *counted += ingest.messages;
    let Some(&last) = ingest.counts.iter().max() else {
        return Ok(());
    };
    if u64::try_from(last).ok() == Some(*counted) {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("server counted {last} async messages, {counted} were sent"),
        ))
    }
}

async fn connect(addr: SocketAddr, connections: usize) -> io::Result<Vec<Client>> {
    let mut clients = Vec::with_capacity(connections);
    for _ in 0..connections {
        clients.push(Client::connect(addr).await?);
    }
    Ok(clients)
}
