//! `autobahn_client ws://HOST:PORT [AGENT]`: our client as the testee of Autobahn's
//! fuzzingserver. Asks for the case count, runs every case (permessage-deflate offered,
//! every message echoed back as it came until the server closes), then asks the server to
//! write its reports. The agent name defaults to `qport`.

use std::process::ExitCode;
use std::time::Duration;

use qport_ws::client::{ClientConfig, ClientError, Received, WsClient};
use qport_ws::protocol::Message;

/// A case's whole run; the slowest (9.* with 16 MiB messages) take a few seconds. Past this
/// the case is dropped and the next one runs.
const CASE_LIMIT: Duration = Duration::from_secs(120);

fn config() -> ClientConfig {
    let mut config = ClientConfig::default();
    config.deflate.enabled = true;
    // Autobahn's biggest messages are 16 MiB.
    config.limits.max_message = 32 << 20;
    config.limits.max_frame = 32 << 20;
    config.deflate.max_inflated = 32 << 20;
    config
}

async fn case_count(base: &str) -> Result<u32, String> {
    let mut client = WsClient::connect_with(&format!("{base}/getCaseCount"), &[], config())
        .await
        .map_err(|e| format!("getCaseCount: {e}"))?;
    let count = match client.read().await {
        Ok(Received::Message(Message::Text(text))) => std::str::from_utf8(&text)
            .ok()
            .and_then(|t| t.trim().parse().ok())
            .ok_or_else(|| format!("getCaseCount: not a number: {text:?}"))?,
        other => return Err(format!("getCaseCount: got {other:?}")),
    };
    let _ = client.close(1000, "").await;
    while let Ok(received) = client.read().await {
        if matches!(received, Received::Closed(_)) {
            break;
        }
    }
    Ok(count)
}

/// One case: echo until the server closes. Protocol errors are part of the test (the
/// server judges how we failed), so they are only reported.
async fn run_case(base: &str, case: u32, agent: &str) -> Result<(), ClientError> {
    let url = format!("{base}/runCase?case={case}&agent={agent}");
    let mut client = WsClient::connect_with(&url, &[], config()).await?;
    client.read_loop(Some).await?;
    Ok(())
}

async fn update_reports(base: &str, agent: &str) -> Result<(), ClientError> {
    let url = format!("{base}/updateReports?agent={agent}");
    let mut client = WsClient::connect_with(&url, &[], config()).await?;
    client.read_loop(|_| None).await?;
    Ok(())
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(base), agent) = (args.next(), args.next()) else {
        eprintln!("usage: autobahn_client ws://HOST:PORT [AGENT]");
        return ExitCode::from(2);
    };
    let base = base.trim_end_matches('/').to_string();
    let agent = agent.unwrap_or_else(|| "qport".into());
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        eprintln!("autobahn_client: no runtime");
        return ExitCode::FAILURE;
    };
    runtime.block_on(async {
        let count = match case_count(&base).await {
            Ok(count) => count,
            Err(error) => {
                eprintln!("autobahn_client: {error}");
                return ExitCode::FAILURE;
            }
        };
        println!("{count} cases");
        for case in 1..=count {
            match tokio::time::timeout(CASE_LIMIT, run_case(&base, case, &agent)).await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => println!("case {case}: {error}"),
                Err(_) => println!("case {case}: no end within {CASE_LIMIT:?}"),
            }
            if case % 50 == 0 {
                println!("{case}/{count} cases run");
            }
        }
        match update_reports(&base, &agent).await {
            Ok(()) => {
                println!("reports updated");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("autobahn_client: updateReports: {error}");
                ExitCode::FAILURE
            }
        }
    })
}
