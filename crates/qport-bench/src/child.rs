//! Servers run as child processes of the bench (the bench binary re-executed with a hidden
//! subcommand), so that their CPU time can be read apart from the load generator's.
//!
//! The child binds an ephemeral port, prints `port N` on stdout and runs until its stdin
//! closes: if the bench dies, its servers go with it.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

/// The servers the bench can start, each a hidden subcommand of the bench binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerKind {
    /// Raw TCP: writes back whatever it reads.
    TcpEcho,
    /// Raw TCP: reads and discards; one byte back at end of stream.
    TcpSink,
    /// qport's server with its echo handler.
    QportEcho,
    /// qport's server with a handler that counts async messages.
    QportIngest,
}

impl ServerKind {
    pub fn subcommand(self) -> &'static str {
        match self {
            ServerKind::TcpEcho => "serve-tcp-echo",
            ServerKind::TcpSink => "serve-tcp-sink",
            ServerKind::QportEcho => "serve-qport-echo",
            ServerKind::QportIngest => "serve-qport-ingest",
        }
    }

    /// The name in reports.
    pub fn label(self) -> &'static str {
        match self {
            ServerKind::TcpEcho => "raw TCP echo",
            ServerKind::TcpSink => "raw TCP sink",
            ServerKind::QportEcho => "qport echo",
            ServerKind::QportIngest => "qport ingest",
        }
    }
}

/// A running server child; dropping it closes its stdin and reaps it.
pub struct ServerChild {
    pub kind: ServerKind,
    pub addr: SocketAddr,
    child: Child,
    stdin: Option<ChildStdin>,
}

impl ServerChild {
    pub fn spawn(kind: ServerKind) -> io::Result<ServerChild> {
        let mut child = Command::new(std::env::current_exe()?)
            .arg(kind.subcommand())
            .arg("0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let port = line
            .strip_prefix("port ")
            .and_then(|p| p.trim().parse::<u16>().ok());
        let Some(port) = port else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::other(format!(
                "{} did not announce its port (said {line:?})",
                kind.subcommand()
            )));
        };
        Ok(ServerChild {
            kind,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            child,
            stdin,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ServerChild {
    fn drop(&mut self) {
        stop(&mut self.child, self.stdin.take(), false);
    }
}

/// Stops a server child: closes its stdin (our servers exit then), sends it SIGINT if
/// `interrupt` (for servers that only stop on a signal), gives it 2 s to exit, then kills
/// it; reaps it in every case.
pub fn stop(child: &mut Child, stdin: Option<ChildStdin>, interrupt: bool) {
    drop(stdin);
    if interrupt {
        if let Ok(pid) = libc::pid_t::try_from(child.id()) {
            // SAFETY: signals our own child, which has not been reaped yet.
            unsafe {
                libc::kill(pid, libc::SIGINT);
            }
        }
    }
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// In the child: says which port it listens on, and exits when the bench closes stdin.
pub fn announce_and_watch_parent(port: u16) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "port {port}")?;
    out.flush()?;
    std::thread::spawn(|| {
        let _ = io::stdin().lock().read_to_end(&mut Vec::new());
        std::process::exit(0);
    });
    Ok(())
}
