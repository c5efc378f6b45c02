//! The echo servers of the WebSocket bench, each a child process on one thread (a tokio
//! current-thread runtime), pinned to the server CPU:
//! - raw TCP: the bench binary again (`serve-ws-tcp-echo`), writing back what it reads;
//! - qport: qport-ws's `ws_echo` example, the echo the benchmark is of; where that binary is
//!   missing (a quick run), the bench binary again (`serve-ws`) with the same handler
//!   (`EchoHandler`) and settings linked in;
//! - yawc: qport-ws's `yawc_echo` example, a binary of its own.
//!
//! A child prints a line ending `port N` on stdout. The bench binary's children exit when
//! their stdin closes, the examples on SIGINT. Dropping a `ServerChild` does both, then
//! kills what is left.

use std::io::{self, BufRead, BufReader};
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use qport_ws::echo::EchoHandler;
use qport_ws::server::{WsConfig, WsServer};

use super::resources::{pin_to_cpu, raise_open_file_limit};
use crate::child::announce_and_watch_parent;

/// Bytes the raw echo reads at a time.
const RAW_READ_CHUNK: usize = 64 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum ServerKind {
    RawTcp,
    Qport,
    Yawc,
}

impl ServerKind {
    pub fn label(self) -> &'static str {
        match self {
            ServerKind::RawTcp => "raw TCP echo",
            ServerKind::Qport => "qport ws_echo",
            ServerKind::Yawc => "yawc echo",
        }
    }
}

/// Where an example binary of qport-ws is by default: `examples/NAME` beside the bench
/// binary, which is where `cargo build --release -p qport-ws --examples` puts it for a
/// release bench.
pub fn default_example_path(name: &str) -> Option<PathBuf> {
    Some(
        std::env::current_exe()
            .ok()?
            .parent()?
            .join("examples")
            .join(name),
    )
}

/// The example binaries a run starts as servers.
#[derive(Clone, Debug, Default)]
pub struct Examples {
    /// `ws_echo`; without it qport's echo runs inside the bench binary (`serve-ws`).
    pub ws_echo: Option<PathBuf>,
    pub yawc: Option<PathBuf>,
}

/// A running server child.
pub struct ServerChild {
    pub kind: ServerKind,
    pub addr: SocketAddr,
    child: Child,
    stdin: Option<ChildStdin>,
}

impl ServerChild {
    /// Starts a server (on `cpu` if given) and waits for its port.
    pub fn spawn(
        kind: ServerKind,
        examples: &Examples,
        cpu: Option<usize>,
    ) -> io::Result<ServerChild> {
        let example =
            match kind {
                ServerKind::RawTcp => None,
                ServerKind::Qport => examples.ws_echo.as_deref(),
                ServerKind::Yawc => Some(examples.yawc.as_deref().ok_or_else(|| {
                    io::Error::new(io::ErrorKind::NotFound, "no yawc echo binary")
                })?),
            };
        let mut command = match (kind, example) {
            (_, Some(example)) => {
                let mut command = Command::new(example);
                command.args(["-p", "0", "--deflate"]);
                command
            }
            (ServerKind::Qport, None) => {
                let mut command = Command::new(std::env::current_exe()?);
                command.args(["serve-ws", "--deflate", "0"]);
                command
            }
            _ => {
                let mut command = Command::new(std::env::current_exe()?);
                command.args(["serve-ws-tcp-echo", "0"]);
                command
            }
        };
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(cpu) = cpu {
            // SAFETY: between fork and exec the child only makes the sched_setaffinity
            // system call, which is async-signal-safe.
            unsafe {
                command.pre_exec(move || pin_to_cpu(cpu));
            }
        }
        let mut child = command.spawn().map_err(|error| {
            io::Error::new(
                error.kind(),
                format!("{}: {error}", command.get_program().to_string_lossy()),
            )
        })?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let port = line
            .trim_end()
            .rsplit_once("port ")
            .and_then(|(_, port)| port.parse::<u16>().ok());
        let server = ServerChild {
            kind,
            addr: SocketAddr::from(([127, 0, 0, 1], port.unwrap_or(0))),
            child,
            stdin,
        };
        if port.is_none() {
            return Err(io::Error::other(format!(
                "{} did not announce its port (said {line:?})",
                kind.label()
            )));
        }
        Ok(server)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ServerChild {
    fn drop(&mut self) {
        // The examples stop on SIGINT; the bench binary's children when stdin closes.
        crate::child::stop(&mut self.child, self.stdin.take(), true);
    }
}

fn current_thread_runtime() -> io::Result<tokio::runtime::Runtime> {
    // Servers inherit the bench's raised limit; raising it again costs nothing when run alone.
    let _ = raise_open_file_limit();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// The child side of the qport server: `ws_echo`'s handler and configuration.
pub fn serve_qport(port: u16, deflate: bool) -> io::Result<()> {
    current_thread_runtime()?.block_on(async move {
        let mut config = WsConfig::default();
        config.deflate.enabled = deflate;
        config.limits.max_message = 32 << 20;
        config.limits.max_frame = 32 << 20;
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let server = WsServer::bind::<EchoHandler>(address, config, Arc::new(())).await?;
        announce_and_watch_parent(server.local_addr().port())?;
        std::future::pending::<()>().await;
        Ok(())
    })
}

/// The child side of the raw-TCP echo.
pub fn serve_raw_echo(port: u16) -> io::Result<()> {
    current_thread_runtime()?.block_on(async move {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        announce_and_watch_parent(listener.local_addr()?.port())?;
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    // A connection that fails ends alone; the client notices.
                    tokio::spawn(raw_echo(stream));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    })
}

async fn raw_echo(mut stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    // The buffer is made once bytes arrive: an idle connection holds only its task, the
    // least a server can hold, for the idle-memory comparison. (`readable` would not do: a
    // new socket counts as ready until a read says otherwise.)
    if stream.peek(&mut [0u8; 1]).await? == 0 {
        return Ok(());
    }
    let mut buf = vec![0u8; RAW_READ_CHUNK];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(&buf[..n]).await?;
    }
}
