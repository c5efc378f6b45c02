//! The server against real kdb+ clients: PyKX 4.2.0, qPython 2.0.0, qpython3 1.0.1 and
//! node-q 2.7.0 each run their checks (`tests/peers/*`) as a subprocess against an echo server
//! with a password file and compression forced on.
//!
//! The clients are installed by `.ci/peers` into `target/peers`; a test fails, and says so,
//! when they are not there.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use qport_server::{
    CompressionPolicy, EchoHandler, FileAccess, PasswordFile, Server, ServerConfig,
};

const USER: &str = "alice";
const PASSWORD: &str = "secret";
/// The Unix socket directory the clients look in: PyKX's C library only knows the abstract
/// name `\0/tmp/kx.PORT`, and node-q is told this directory through `QUDSPATH`.
const UDS_DIR: &str = "/tmp";
/// Each client's whole run takes seconds; this only stops a hung client from hanging the test.
const TIME_LIMIT: Duration = Duration::from_secs(600);

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
        "the real clients are not installed ({} is missing): run .ci/peers",
        dir.join(".installed").display()
    );
    dir
}

/// One client run: a program, its script and arguments, and extra environment.
struct Peer {
    name: &'static str,
    program: PathBuf,
    script: &'static str,
    unix: bool,
    env: Vec<(&'static str, PathBuf)>,
}

impl Peer {
    fn python(name: &'static str, env_dir: &str, script: &'static str, unix: bool) -> Peer {
        Peer {
            name,
            program: installed(env_dir).join("bin/python"),
            script,
            unix,
            env: Vec::new(),
        }
    }
}

fn start_server(runtime: &tokio::runtime::Runtime) -> Server {
    let passwords = PasswordFile::parse(&format!("{USER}:{PASSWORD}\n"), FileAccess::Unrestricted)
        .expect("password file parses");
    let config = ServerConfig {
        port: 0,
        uds_dir: Some(PathBuf::from(UDS_DIR)),
        password_file: Some(passwords),
        compression: CompressionPolicy::Always,
        ..ServerConfig::default()
    };
    runtime
        .block_on(Server::start(config, EchoHandler))
        .expect("server starts")
}

/// Runs the client against a fresh server and fails with its output unless it exits 0.
fn run(peer: Peer) {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let server = start_server(&runtime);
    let port = server.port().to_string();

    let mut command = Command::new(&peer.program);
    command
        .arg(scripts().join(peer.script))
        .args(["--port", &port, "--user", USER, "--password", PASSWORD])
        .env("PYKX_UNLICENSED", "true")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("QUDSPATH", UDS_DIR)
        .envs(peer.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if peer.unix {
        command.arg("--unix");
    }
    let started = Instant::now();
    let mut child = command.spawn().unwrap_or_else(|e| {
        panic!(
            "{}: cannot start {}: {e}",
            peer.name,
            peer.program.display()
        )
    });
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = loop {
        if let Some(status) = child.try_wait().expect("child status") {
            break Some(status);
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(50));
    };
    let stdout = stdout.join().expect("stdout reader");
    let stderr = stderr.join().expect("stderr reader");
    runtime.block_on(server.shutdown());

    let output = format!("--- stdout\n{stdout}--- stderr\n{stderr}");
    match status {
        Some(status) if status.success() => {
            println!(
                "{}: {:.1} s\n{output}",
                peer.name,
                started.elapsed().as_secs_f64()
            );
        }
        Some(status) => panic!("{} failed ({status}):\n{output}", peer.name),
        None => panic!(
            "{} did not finish within {TIME_LIMIT:?}:\n{output}",
            peer.name
        ),
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

#[test]
fn pykx_4_2_0_passes_every_check_over_tcp_and_unix_socket() {
    run(Peer::python("pykx 4.2.0", "pykx", "pykx_client.py", true));
}

#[test]
fn qpython_2_0_0_passes_every_check_over_tcp() {
    run(Peer::python(
        "qPython 2.0.0",
        "qpython",
        "qpython_client.py",
        false,
    ));
}

#[test]
fn qpython3_1_0_1_passes_every_check_over_tcp() {
    run(Peer::python(
        "qpython3 1.0.1",
        "qpython3",
        "qpython_client.py",
        false,
    ));
}

#[test]
fn node_q_2_7_0_passes_every_check_over_tcp_and_unix_socket() {
    let modules = installed("node").join("node_modules");
    run(Peer {
        name: "node-q 2.7.0",
        program: PathBuf::from("node"),
        script: "nodeq_client.js",
        unix: true,
        env: vec![("NODE_PATH", modules)],
    });
}
