//! qport-ws against real WebSocket peers: Python websockets 16.1.1 and Node ws 8.23.0.
//!
//! As clients of our server, each runs its checks (`tests/peers/*_client.*`) as a subprocess
//! against an in-process echo server, with permessage-deflate offered and not, and with the
//! `kxnodeflate` subprotocol. As servers for our client, each runs an echo server
//! (`tests/peers/*_server.*`) as a subprocess, with deflate on and off, and `WsClient` talks
//! to it.
//!
//! The peers are installed by `.ci/peers` into `target/peers`; a test fails, and says so,
//! when they are not there.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use qport_ws::client::{ClientConfig, Received, WsClient};
use qport_ws::close::CloseFrame;
use qport_ws::conn::Conn;
use qport_ws::protocol::Message;
use qport_ws::server::{Handler, Handshake, Reject, WsConfig, WsServer};

/// Each peer's whole run takes a second or two; this only stops a hung peer from hanging
/// the test.
const TIME_LIMIT: Duration = Duration::from_secs(120);
const CLOSE_CODE: u16 = 4001;
const CLOSE_REASON: &str = "done: fertig, 終わり";

fn workspace() -> &'static Path {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir.ancestors().nth(2).unwrap_or(crate_dir)
}

fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers")
}

/// An installed environment under `target/peers`, or a failure that says how to install it.
fn installed(name: &str) -> PathBuf {
    let dir = workspace().join("target/peers").join(name);
    assert!(
        dir.join(".installed").is_file(),
        "the real WebSocket peers are not installed ({} is missing): run .ci/peers",
        dir.join(".installed").display()
    );
    dir
}

/// How to start one peer's script: the interpreter and its environment.
struct Peer {
    name: &'static str,
    program: PathBuf,
    env: Vec<(&'static str, PathBuf)>,
}

impl Peer {
    fn websockets() -> Peer {
        Peer {
            name: "websockets 16.1.1",
            program: installed("websockets").join("bin/python"),
            env: vec![],
        }
    }

    fn ws() -> Peer {
        Peer {
            name: "ws 8.23.0",
            program: PathBuf::from("node"),
            env: vec![("NODE_PATH", installed("node-ws").join("node_modules"))],
        }
    }

    fn command(&self, script: &str, args: &[&str]) -> Command {
        let mut command = Command::new(&self.program);
        command
            .arg(scripts().join(script))
            .args(args)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        command
    }
}

/// kdb+'s echo, and the peer's Close answered with its own code and reason, so a client
/// can check that both came back whole.
struct Echo;

impl Handler for Echo {
    type Context = ();

    fn init(_handshake: &mut Handshake, _conn: &Conn, _context: &Arc<()>) -> Result<Echo, Reject> {
        Ok(Echo)
    }

    fn on_message(&mut self, conn: &Conn, message: Message) {
        let _ = conn.send(&message);
    }

    fn on_peer_close(&mut self, conn: &Conn, frame: Option<&CloseFrame>) {
        if let Some(frame) = frame {
            conn.close(frame.code, &frame.reason);
        }
    }
}

/// Runs a client script against a fresh echo server (deflate accepted when offered) and
/// fails with its output unless it exits 0.
fn run_client(peer: Peer, script: &str, args: &[&str]) {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let server = runtime
        .block_on(WsServer::bind::<Echo>(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            WsConfig::default(),
            Arc::new(()),
        ))
        .expect("server starts");
    let url = format!("ws://127.0.0.1:{}/", server.local_addr().port());
    let mut command = peer.command(script, args);
    command
        .args(["--url", &url])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = spawn(&peer, &mut command);
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = wait(&mut child, TIME_LIMIT);
    let output = format!(
        "--- stdout\n{}--- stderr\n{}",
        stdout.join().expect("stdout reader"),
        stderr.join().expect("stderr reader")
    );
    runtime.block_on(server.shutdown());
    match status {
        Some(status) if status.success() => println!(
            "{} {args:?}: {:.1} s\n{output}",
            peer.name,
            started.elapsed().as_secs_f64()
        ),
        Some(status) => panic!("{} {args:?} failed ({status}):\n{output}", peer.name),
        None => panic!(
            "{} {args:?} did not finish within {TIME_LIMIT:?}:\n{output}",
            peer.name
        ),
    }
}

fn spawn(peer: &Peer, command: &mut Command) -> Child {
    command.spawn().unwrap_or_else(|e| {
        panic!(
            "{}: cannot start {}: {e}",
            peer.name,
            peer.program.display()
        )
    })
}

/// The child's exit status, or `None` (and the child killed) past `limit`.
fn wait(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("child status") {
            return Some(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
        text
    })
}

/// A peer's echo server, running until dropped (its standard input closes, and it exits).
struct EchoServer {
    child: Child,
    port: u16,
    stderr: Option<thread::JoinHandle<String>>,
}

impl EchoServer {
    fn start(peer: &Peer, script: &str, args: &[&str]) -> EchoServer {
        let mut command = peer.command(script, args);
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = spawn(peer, &mut command);
        let stderr = Some(drain(child.stderr.take()));
        let stdout = child.stdout.take().expect("piped stdout");
        // The script prints "port N" once it listens.
        let (lines, port_line) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = EchoServer {
            child,
            port: 0,
            stderr,
        };
        match port_line.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => match line.strip_prefix("port ").and_then(|p| p.parse().ok()) {
                Some(port) => server.port = port,
                None => panic!("{}: expected \"port N\", got {line:?}", peer.name),
            },
            Err(_) => {
                let stderr = server.stop();
                panic!("{} {script} {args:?} printed no port:\n{stderr}", peer.name);
            }
        }
        server
    }

    /// Closes its standard input, waits for it to exit, and gives its standard error.
    fn stop(&mut self) -> String {
        drop(self.child.stdin.take());
        if wait(&mut self.child, Duration::from_secs(10)).is_none() {
            eprintln!("echo server did not exit when its input closed; killed");
        }
        self.stderr
            .take()
            .map(|h| h.join().expect("stderr reader"))
            .unwrap_or_default()
    }
}

impl Drop for EchoServer {
    fn drop(&mut self) {
        if self.stderr.is_some() {
            self.stop();
        }
    }
}

/// Text and binary of several sizes, not all alike so deflate has work, and text with
/// characters of two, three and four bytes.
fn messages() -> Vec<Message> {
    let pattern = |n: usize, mul: u32, shift: u32| -> Vec<u8> {
        (0..n as u32)
            .map(|i| (i.wrapping_mul(mul) >> shift) as u8)
            .collect()
    };
    let text = |s: String| Message::Text(s.into_bytes().into());
    vec![
        text("hello".into()),
        Message::Binary(vec![0, 1, 2, 255].into()),
        text("Grüße, Κόσμε, こんにちは, 🦀🚀".into()),
        Message::Binary(Vec::new().into()),
        text("0123456789abcdef".repeat(4096)),
        Message::Binary(pattern(64 << 10, 2654435761, 13).into()),
        text("ü€𝄞 kdb+ ".repeat((1 << 20) / 15)),
        Message::Binary(pattern(1 << 20, 40503, 7).into()),
        Message::Binary(pattern(4 << 20, 2654435761, 20).into()),
    ]
}

/// Our client against a peer's echo server: the compression agreed, echoes, a ping and
/// the closing handshake.
fn run_server(peer: Peer, script: &str, args: &[&str], compresses: bool) {
    let mut server = EchoServer::start(&peer, script, args);
    let url = format!("ws://127.0.0.1:{}/", server.port);
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let checked = runtime.block_on(async {
        tokio::time::timeout(TIME_LIMIT, client_checks(&url, compresses)).await
    });
    let stderr = server.stop();
    match checked {
        Ok(Ok(())) => println!("{} {args:?}: our client passed every check", peer.name),
        Ok(Err(failure)) => panic!(
            "{} {args:?}: {failure}\n--- server stderr\n{stderr}",
            peer.name
        ),
        Err(_) => panic!(
            "{} {args:?}: no answer within {TIME_LIMIT:?}\n--- server stderr\n{stderr}",
            peer.name
        ),
    }
}

async fn client_checks(url: &str, compresses: bool) -> Result<(), String> {
    let mut client = WsClient::connect_with(url, &[], ClientConfig::default())
        .await
        .map_err(|e| format!("connect: {e}"))?;
    if client.compresses() != compresses {
        return Err(format!(
            "compresses() is {}, expected {compresses}",
            client.compresses()
        ));
    }
    for message in messages() {
        let (text, payload) = match &message {
            Message::Text(bytes) => (true, bytes),
            Message::Binary(bytes) => (false, bytes),
        };
        let kind = if text { "text" } else { "binary" };
        client
            .send(text, payload)
            .await
            .map_err(|e| format!("send {kind} of {}: {e}", payload.len()))?;
        match client.read().await {
            Ok(Received::Message(echoed)) if echoed == message => {}
            Ok(Received::Message(echoed)) => {
                return Err(format!(
                    "{kind} of {} came back as {} of {}",
                    payload.len(),
                    if matches!(echoed, Message::Text(_)) {
                        "text"
                    } else {
                        "binary"
                    },
                    echoed.payload().len()
                ))
            }
            other => return Err(format!("{kind} of {}: got {other:?}", payload.len())),
        }
    }
    client
        .ping(b"are you there")
        .await
        .map_err(|e| format!("ping: {e}"))?;
    match client.read().await {
        Ok(Received::Pong(payload)) if payload.as_ref() == b"are you there" => {}
        other => return Err(format!("ping: expected its pong, got {other:?}")),
    }
    client
        .close(CLOSE_CODE, CLOSE_REASON)
        .await
        .map_err(|e| format!("close: {e}"))?;
    match client.read().await {
        Ok(Received::Closed(Some(frame))) if frame.code == CLOSE_CODE => Ok(()),
        other => Err(format!("close: expected {CLOSE_CODE} back, got {other:?}")),
    }
}

#[test]
fn websockets_client_echoes_through_our_server_with_deflate() {
    run_client(
        Peer::websockets(),
        "websockets_client.py",
        &["--compression", "deflate"],
    );
}

#[test]
fn websockets_client_echoes_through_our_server_without_deflate() {
    run_client(
        Peer::websockets(),
        "websockets_client.py",
        &["--compression", "none"],
    );
}

#[test]
fn websockets_client_gets_kxnodeflate_echoed_and_no_compression() {
    run_client(
        Peer::websockets(),
        "websockets_client.py",
        &["--compression", "deflate", "--protocol", "kxnodeflate"],
    );
}

#[test]
fn ws_client_echoes_through_our_server_with_deflate() {
    run_client(Peer::ws(), "ws_client.js", &["--deflate", "on"]);
}

#[test]
fn ws_client_echoes_through_our_server_without_deflate() {
    run_client(Peer::ws(), "ws_client.js", &["--deflate", "off"]);
}

#[test]
fn ws_client_gets_kxnodeflate_echoed_and_no_compression() {
    run_client(
        Peer::ws(),
        "ws_client.js",
        &["--deflate", "on", "--protocol", "kxnodeflate"],
    );
}

#[test]
fn our_client_against_websockets_server_with_deflate() {
    run_server(
        Peer::websockets(),
        "websockets_server.py",
        &["--compression", "deflate"],
        true,
    );
}

#[test]
fn our_client_against_websockets_server_without_deflate() {
    run_server(
        Peer::websockets(),
        "websockets_server.py",
        &["--compression", "none"],
        false,
    );
}

#[test]
fn our_client_against_ws_server_with_deflate() {
    run_server(Peer::ws(), "ws_server.js", &["--deflate", "on"], true);
}

#[test]
fn our_client_against_ws_server_without_deflate() {
    run_server(Peer::ws(), "ws_server.js", &["--deflate", "off"], false);
}
