//! `ipc_echo -p PORT [-u FILE | -U FILE] [--compress always|never|auto] [--host ADDR]`:
//! a kdb+ IPC echo server. Sync requests are answered with the value received (`'type`
//! for `` `fail ``); async messages are echoed back as async. Prints the port it listens
//! on (useful with `-p 0`), stops on SIGINT/SIGTERM.

use std::path::PathBuf;
use std::process::ExitCode;

use qport_server::{
    CompressionPolicy, EchoHandler, FileAccess, PasswordFile, Server, ServerConfig,
};

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("ipc_echo: {message}");
            eprintln!("usage: ipc_echo -p PORT [-u FILE | -U FILE] [--compress always|never|auto] [--host ADDR]");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("ipc_echo: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let server = Server::start(config, EchoHandler).await?;
        println!("listening on port {}", server.port());
        server.run_until_signal().await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ipc_echo: {error}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<ServerConfig, String> {
    let mut config = ServerConfig::default();
    let mut port = None;
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "-p" => port = Some(value()?.parse::<u16>().map_err(|e| format!("-p: {e}"))?),
            "-u" | "-U" => {
                let access = if flag == "-u" {
                    FileAccess::Restricted
                } else {
                    FileAccess::Unrestricted
                };
                let path = PathBuf::from(value()?);
                let file = PasswordFile::load(&path, access).map_err(|e| e.to_string())?;
                config.password_file = Some(file);
            }
            "--compress" => {
                config.compression = match value()?.as_str() {
                    "always" => CompressionPolicy::Always,
                    "never" => CompressionPolicy::Never,
                    "auto" => CompressionPolicy::Auto,
                    other => {
                        return Err(format!(
                            "--compress {other}: expected always, never or auto"
                        ))
                    }
                }
            }
            "--host" => config.host = value()?.parse().map_err(|e| format!("--host: {e}"))?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    config.port = port.ok_or("-p PORT is required")?;
    Ok(config)
}
