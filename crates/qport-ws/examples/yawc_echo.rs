//! `yawc_echo -p PORT [--deflate]`: the echo of `ws_echo`, its frames handled by the yawc
//! crate instead, as the baseline `qport-bench ws` measures qport against (permessage-deflate
//! at yawc's low-latency preset: zlib level 1, every message compressed). Prints the port it
//! listens on (`-p 0` picks one). One thread, like `ws_echo`.
//!
//! yawc upgrades connections through hyper's HTTP server, which is not among our
//! dependencies, so the upgrade request is read and answered with this crate's handshake
//! functions and the TCP stream is then handed to yawc with the agreed extension. Everything
//! after the 101 (reading, unmasking, inflating, UTF-8 checks, framing, deflating, writing)
//! is yawc's. The handshake is not part of what is measured.

use std::net::SocketAddr;
use std::process::ExitCode;

use bytes::BytesMut;
use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use yawc::{OpCode, Options, Role, WebSocket};

use qport_ws::deflate::{negotiate, DeflateConfig};
use qport_ws::handshake::{reject_bytes, response_bytes, HandshakeRequest, MAX_HANDSHAKE_LEN};

const USAGE: &str = "usage: yawc_echo -p PORT [--deflate]";

fn main() -> ExitCode {
    let mut port: Option<u16> = None;
    let mut deflate = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-p" => port = args.next().and_then(|p| p.parse().ok()),
            "--deflate" => deflate = true,
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(port) = port else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("yawc_echo: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let listener = match TcpListener::bind(address).await {
            Ok(listener) => listener,
            Err(error) => {
                eprintln!("yawc_echo: {error}");
                return ExitCode::FAILURE;
            }
        };
        match listener.local_addr() {
            Ok(local) => println!("listening on port {}", local.port()),
            Err(error) => {
                eprintln!("yawc_echo: {error}");
                return ExitCode::FAILURE;
            }
        }
        tokio::select! {
            _ = accept_loop(listener, deflate) => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        ExitCode::SUCCESS
    })
}

async fn accept_loop(listener: TcpListener, deflate: bool) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(serve(stream, deflate));
            }
            Err(error) => {
                // Out of file descriptors, most likely: wait for some to close.
                eprintln!("yawc_echo: accept: {error}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    }
}

async fn serve(mut stream: TcpStream, deflate: bool) {
    let _ = stream.set_nodelay(true);
    let Some(extensions) = upgrade(&mut stream, deflate).await else {
        return;
    };
    let mut options = Options::default().with_utf8();
    if deflate {
        options = options.with_low_latency_compression();
    }
    let Ok(mut ws) = WebSocket::from_stream_with_extensions(
        stream,
        Role::Server,
        extensions.as_deref(),
        options,
    ) else {
        return;
    };
    // As yawc's own echo example: control frames are yawc's business.
    while let Some(frame) = ws.next().await {
        if matches!(frame.opcode(), OpCode::Text | OpCode::Binary) && ws.send(frame).await.is_err()
        {
            return;
        }
    }
}

/// Reads the upgrade request and answers 101 (or a refusal). Returns the agreed
/// `Sec-WebSocket-Extensions` value, `None` inside when no extension was agreed; `None` when
/// the connection is to be dropped.
async fn upgrade(stream: &mut TcpStream, deflate: bool) -> Option<Option<String>> {
    let mut buf = BytesMut::with_capacity(1024);
    let (request, used) = loop {
        match HandshakeRequest::parse(&buf, MAX_HANDSHAKE_LEN) {
            Ok(Some(parsed)) => break parsed,
            Ok(None) => {}
            Err(error) => {
                let _ = stream.write_all(&reject_bytes(error.status(), &[])).await;
                return None;
            }
        }
        if stream.read_buf(&mut buf).await.ok()? == 0 {
            return None;
        }
    };
    // yawc starts reading at the first frame; a client that sent frames before the 101 (none
    // of ours do) is not served.
    if used != buf.len() {
        return None;
    }
    // A bare offer gets a bare `permessage-deflate`, as yawc's own negotiation answers it.
    let config = DeflateConfig {
        enabled: deflate,
        ..DeflateConfig::default()
    };
    let agreed = negotiate(&request.extensions, &config).map(|(_, answer)| answer);
    let response = response_bytes(&request.key, None, agreed.as_deref(), &[]);
    stream.write_all(&response).await.ok()?;
    Some(agreed)
}
