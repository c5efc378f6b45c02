//! `ws_echo -p PORT [--deflate] [--threads N]`: kdb+'s documented WebSocket echo
//! (`.z.ws:{neg[.z.w] x}`) — every text or binary message is sent back as it came.
//! Prints the port it listens on (`-p 0` picks one). One thread unless told otherwise.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use qport_ws::echo::EchoHandler;
use qport_ws::server::{WsConfig, WsServer};

fn main() -> ExitCode {
    let mut port: Option<u16> = None;
    let mut deflate = false;
    let mut threads = 1usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-p" => port = args.next().and_then(|p| p.parse().ok()),
            "--deflate" => deflate = true,
            "--threads" => threads = args.next().and_then(|t| t.parse().ok()).unwrap_or(0),
            _ => {
                eprintln!("usage: ws_echo -p PORT [--deflate] [--threads N]");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(port), true) = (port, threads > 0) else {
        eprintln!("usage: ws_echo -p PORT [--deflate] [--threads N]");
        return ExitCode::from(2);
    };
    let runtime = if threads == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
    };
    let Ok(runtime) = runtime else {
        eprintln!("ws_echo: no runtime");
        return ExitCode::FAILURE;
    };
    let mut config = WsConfig::default();
    config.deflate.enabled = deflate;
    // Autobahn's biggest messages are 16 MiB.
    config.limits.max_message = 32 << 20;
    config.limits.max_frame = 32 << 20;
    runtime.block_on(async {
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let server = match WsServer::bind::<EchoHandler>(address, config, Arc::new(())).await {
            Ok(server) => server,
            Err(error) => {
                eprintln!("ws_echo: {error}");
                return ExitCode::FAILURE;
            }
        };
        println!("listening on port {}", server.local_addr().port());
        let _ = tokio::signal::ctrl_c().await;
        server.shutdown().await;
        ExitCode::SUCCESS
    })
}
