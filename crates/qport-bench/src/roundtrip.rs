//! The sync load: closed-loop round trips, each connection in its own task sending one
//! request and waiting for its response before sending the next.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::client::Client;

/// What came back, as a count and one latency sample (nanoseconds) per round trip.
pub struct RoundTrips {
    pub count: u64,
    pub latencies_ns: Vec<u64>,
}

/// Runs every client for `duration` and hands the clients back for the next phase.
///
/// A response must be the request with byte 1 (the message kind) equal to `response_kind`:
/// 1 from a raw echo, 2 (response) from a kdb+ server answering with the value it got.
pub async fn run(
    clients: Vec<Client>,
    request: Arc<[u8]>,
    response_kind: u8,
    duration: Duration,
) -> io::Result<(Vec<Client>, RoundTrips)> {
    let deadline = Instant::now() + duration;
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|client| {
            tokio::spawn(one_connection(
                client,
                Arc::clone(&request),
                response_kind,
                deadline,
            ))
        })
        .collect();
    let mut clients = Vec::with_capacity(tasks.len());
    let mut latencies_ns = Vec::new();
    for task in tasks {
        let (client, samples) = task.await.map_err(io::Error::other)??;
        clients.push(client);
        latencies_ns.extend_from_slice(&samples);
    }
    let count = latencies_ns.len() as u64;
    Ok((
        clients,
        RoundTrips {
            count,
            latencies_ns,
        },
    ))
}

async fn one_connection(
    mut client: Client,
    request: Arc<[u8]>,
    response_kind: u8,
    deadline: Instant,
) -> io::Result<(Client, Vec<u64>)> {
    let mut latencies = Vec::with_capacity(1 << 16);
    // One clock read per round trip: its end is the next one's start.
    let mut start = Instant::now();
    while start < deadline {
        client.send(&request).await?;
        let response = client.recv().await?;
        check_response(response, &request, response_kind)?;
        let end = Instant::now();
        latencies.push((end - start).as_nanos() as u64);
        start = end;
    }
    Ok((client, latencies))
}

fn check_response(response: &[u8], request: &[u8], response_kind: u8) -> io::Result<()> {
    let same = response.len() == request.len()
        && response[0] == request[0]
        && response[1] == response_kind
        && response[2..] == request[2..];
    if same {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("unexpected response {response:02x?} to {request:02x?}"),
        ))
    }
}
