//! The `ipc` bench: starts the servers, runs every case against qport and its raw-TCP
//! baseline in alternating order, round after round, and reports.

use std::io::{self, Write};
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use crate::child::{ServerChild, ServerKind};
use crate::measure::{ingest_case, sync_case, Measurement, Settings};
use crate::messages;
use crate::report;

#[derive(Args, Debug)]
pub struct IpcArgs {
    /// A smoke run of a few seconds: short phases, one round.
    #[arg(long)]
    quick: bool,
    /// Seconds each measurement runs [default: 1, quick 0.25].
    #[arg(long)]
    duration: Option<f64>,
    /// Seconds of warm-up before each measurement [default: 0.3, quick 0.05].
    #[arg(long)]
    warmup: Option<f64>,
    /// Rounds; every case runs once per round against each server [default: 5, quick 1].
    #[arg(long)]
    rounds: Option<usize>,
    /// Connection counts for the sync load.
    #[arg(long, value_delimiter = ',', default_value = "1,64")]
    sync_conns: Vec<usize>,
    /// Connection counts for the async load.
    #[arg(long, value_delimiter = ',', default_value = "1,4")]
    async_conns: Vec<usize>,
    /// Async messages per write of the async load.
    #[arg(long, default_value_t = 2048)]
    async_batch: usize,
    /// Client threads (1: a current-thread runtime).
    #[arg(long, default_value_t = 1)]
    client_threads: usize,
}

struct Plan {
    rounds: usize,
    settings: Settings,
}

impl IpcArgs {
    fn plan(&self) -> io::Result<Plan> {
        let (duration, warmup, rounds) = if self.quick {
            (0.25, 0.05, 1)
        } else {
            // More short rounds rather than a few long ones: a noisy spell of the machine
            // then spoils fewer of the ratios the medians are taken over.
            (1.0, 0.3, 5)
        };
        let seconds = |s: Option<f64>, default: f64| {
            Duration::try_from_secs_f64(s.unwrap_or(default))
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
        };
        let invalid = |e: qport_wire::WireError| io::Error::new(io::ErrorKind::InvalidData, e);
        let async_message = messages::async_message().map_err(invalid)?;
        let per_batch = self.async_batch.max(1);
        Ok(Plan {
            rounds: self.rounds.unwrap_or(rounds).max(1),
            settings: Settings {
                warmup: seconds(self.warmup, warmup)?,
                duration: seconds(self.duration, duration)?,
                sync_request: messages::sync_request().map_err(invalid)?.into(),
                async_message_len: async_message.len(),
                async_batch: Arc::from(messages::batch(&async_message, per_batch)),
                async_per_batch: per_batch as u64,
            },
        })
    }
}

/// Runs the bench, printing a JSON line per measurement as it completes and the markdown
/// report at the end; returns the measurements.
pub fn run(args: &IpcArgs) -> io::Result<Vec<Measurement>> {
    let plan = args.plan()?;
    let settings = &plan.settings;
    let echo = [
        ServerChild::spawn(ServerKind::TcpEcho)?,
        ServerChild::spawn(ServerKind::QportEcho)?,
    ];
    let ingest = [
        ServerChild::spawn(ServerKind::TcpSink)?,
        ServerChild::spawn(ServerKind::QportIngest)?,
    ];
    // Async messages each ingest server has counted so far, to check its answers.
    let mut counted = [0u64; 2];
    let runtime = client_runtime(args.client_threads)?;
    let mut measurements = Vec::new();
    let mut record = |m: Measurement| -> io::Result<()> {
        let mut out = io::stdout().lock();
        writeln!(out, "{}", report::json_line(&m))?;
        out.flush()?;
        measurements.push(m);
        Ok(())
    };
    for round in 0..plan.rounds {
        // Which server goes first alternates, so that drift in the machine's speed over a
        // run falls on both sides of each ratio.
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for &conns in &args.sync_conns {
            for i in order {
                record(runtime.block_on(sync_case(&echo[i], conns, settings, round))?)?;
            }
        }
        for &conns in &args.async_conns {
            for i in order {
                let m = runtime.block_on(ingest_case(
                    &ingest[i],
                    conns,
                    settings,
                    round,
                    &mut counted[i],
                ))?;
                record(m)?;
            }
        }
    }
    let mut out = io::stdout().lock();
    writeln!(out)?;
    writeln!(out, "{}", describe(args, &plan))?;
    write!(out, "{}", report::markdown(&measurements))?;
    out.flush()?;
    Ok(measurements)
}

fn client_runtime(threads: usize) -> io::Result<tokio::runtime::Runtime> {
    if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
    }
}

fn describe(args: &IpcArgs, plan: &Plan) -> String {
    let s = &plan.settings;
    format!(
        "## IPC server bench\n\n\
         - {} round(s); each measurement: {:.2} s warm-up, then {:.2} s timed; the server \
         that goes first alternates by round\n\
         - sync: closed loop, request `\"2+2\"` as a char vector ({} bytes), reply of the \
         same length\n\
         - async: a 2-item long vector per message ({} bytes, 16 of payload), {} messages \
         per write, then one sync message (qport) or a half-close (raw sink) to know all were \
         read\n\
         - client: {} thread(s); servers: child processes, tokio multi-thread runtime; CPU \
         time from each process's CPU-time clock (nanoseconds)\n",
        plan.rounds,
        s.warmup.as_secs_f64(),
        s.duration.as_secs_f64(),
        s.sync_request.len(),
        s.async_message_len,
        s.async_per_batch,
        args.client_threads,
    )
}
