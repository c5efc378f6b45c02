//! `qport-bench`: benchmarks of the qport IPC server and of qport's WebSocket server on
//! loopback, each figure a ratio to a baseline measured in the same run.
//!
//! Modules, in the order a run uses them:
//! - `ipc`: the `ipc` subcommand: options, rounds, which server goes first.
//! - `child`: servers as child processes of the bench (hidden `serve-*` subcommands);
//!   `baseline`: the raw-TCP echo and sink; `qport`: qport's server and its handlers.
//! - `measure`: one load against one server, with CPU times around it (`cpu`).
//! - `roundtrip` (sync, closed loop) and `ingest` (async, pipelined): the loads, over
//!   `client` connections sending the bytes of `messages`.
//! - `latency`: percentiles; `report`: JSON lines and markdown tables.
//! - `ws`: the `ws` subcommand, qport-ws's echo against raw-TCP and yawc echoes (its own
//!   servers, client, measurement and report; it shares `cpu`, `child` and `latency`).

mod baseline;
mod child;
mod client;
mod cpu;
mod ingest;
mod ipc;
mod latency;
mod measure;
mod messages;
mod qport;
mod report;
mod roundtrip;
mod stats;
mod ws;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "qport-bench",
    about = "Benchmarks of the qport IPC and WebSocket servers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The IPC server against raw-TCP baselines: sync round trips and async ingest.
    Ipc(ipc::IpcArgs),
    /// The WebSocket echo against raw-TCP and yawc echoes, and memory per idle connection.
    Ws(ws::WsArgs),
    #[command(hide = true)]
    ServeTcpEcho { port: u16 },
    #[command(hide = true)]
    ServeTcpSink { port: u16 },
    #[command(hide = true)]
    ServeQportEcho { port: u16 },
    #[command(hide = true)]
    ServeQportIngest { port: u16 },
    #[command(hide = true)]
    ServeWs {
        #[arg(long)]
        deflate: bool,
        port: u16,
    },
    #[command(hide = true)]
    ServeWsTcpEcho { port: u16 },
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Ipc(args) => ipc::run(&args).map(drop),
        Command::ServeTcpEcho { port } => baseline::serve(baseline::Baseline::Echo, port),
        Command::ServeTcpSink { port } => baseline::serve(baseline::Baseline::Sink, port),
        Command::ServeQportEcho { port } => qport::serve_echo(port),
        Command::ServeQportIngest { port } => qport::serve_ingest(port),
        Command::Ws(args) => ws::run(&args),
        Command::ServeWs { deflate, port } => ws::serve_qport(port, deflate),
        Command::ServeWsTcpEcho { port } => ws::serve_raw_echo(port),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("qport-bench: {error}");
            ExitCode::FAILURE
        }
    }
}
