//! The async load: each connection writes batches of async messages back to back without
//! waiting, then one end marker that the server acknowledges once it has read everything.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use qport_value::Value;
use qport_wire::{deserialize, MessageKind};

use crate::client::Client;

/// How a connection learns that the server has processed all it sent.
#[derive(Clone)]
pub enum Finish {
    /// A sync message; the counting handler answers with its count of async messages so far
    /// (messages on one connection are processed in order).
    SyncCount(Arc<[u8]>),
    /// Half-close the connection; the raw sink answers one byte at end of stream.
    EndOfStream,
}

pub struct Ingest {
    /// Async messages sent (and, once `run` returns, processed).
    pub messages: u64,
    /// The counts the server answered to `Finish::SyncCount`, one per connection.
    pub counts: Vec<i64>,
}

/// Sends `batch` (`per_batch` messages) on every client until `duration` has passed, then
/// finishes each connection. The clients are used up.
pub async fn run(
    clients: Vec<Client>,
    batch: Arc<[u8]>,
    per_batch: u64,
    finish: Finish,
    duration: Duration,
) -> io::Result<Ingest> {
    let deadline = Instant::now() + duration;
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|client| {
            tokio::spawn(one_connection(
                client,
                Arc::clone(&batch),
                per_batch,
                finish.clone(),
                deadline,
            ))
        })
        .collect();
    let mut ingest = Ingest {
        messages: 0,
        counts: Vec::new(),
    };
    for task in tasks {
        let (messages, count) = task.await.map_err(io::Error::other)??;
        ingest.messages += messages;
        ingest.counts.extend(count);
    }
    Ok(ingest)
}

async fn one_connection(
    mut client: Client,
    batch: Arc<[u8]>,
    per_batch: u64,
    finish: Finish,
    deadline: Instant,
) -> io::Result<(u64, Option<i64>)> {
    let mut messages = 0;
    loop {
        client.send(&batch).await?;
        messages += per_batch;
        if Instant::now() >= deadline {
            break;
        }
    }
    match finish {
        Finish::SyncCount(request) => {
            client.send(&request).await?;
            let count = count_in_response(client.recv().await?)?;
            Ok((messages, Some(count)))
        }
        Finish::EndOfStream => {
            client.finish_raw().await?;
            Ok((messages, None))
        }
    }
}

fn count_in_response(response: &[u8]) -> io::Result<i64> {
    let invalid = |what: String| io::Error::new(io::ErrorKind::InvalidData, what);
    if response.get(1) != Some(&(MessageKind::Response as u8)) {
        return Err(invalid(format!("not a response: {response:02x?}")));
    }
    match deserialize(response) {
        Ok(Value::Long(count)) => Ok(count),
        Ok(other) => Err(invalid(format!("expected a count, got {other:?}"))),
        Err(e) => Err(invalid(e.to_string())),
    }
}
