//! What the server tests share: sample values of every kind, and a handler that
//! exercises deferred replies, requests to the client and pushes.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use qport_server::{Conn, Handle, Handler, Reply, ServerConfig};
use qport_value::{Dict, Guid, Symbol, Table, Value, Vector};

/// A config for tests: a free loopback port, no Unix sockets unless asked.
pub fn test_config() -> ServerConfig {
    ServerConfig {
        uds_dir: None,
        ..ServerConfig::default()
    }
}

pub fn sample_table(rows: usize) -> Value {
    let names = Vector::from(vec![
        Symbol::new(b"sym"),
        Symbol::new(b"price"),
        Symbol::new(b"size"),
    ]);
    let syms: Vec<Symbol> = (0..rows)
        .map(|i| Symbol::new(format!("s{}", i % 7).as_bytes()))
        .collect();
    let prices: Vec<f64> = (0..rows).map(|i| i as f64 * 0.25).collect();
    let sizes: Vec<i64> = (0..rows as i64).collect();
    let table = Table::new(
        names,
        vec![Value::from(syms), Value::from(prices), Value::from(sizes)],
    )
    .expect("a well-formed table");
    Value::table(table)
}

pub fn sample_dict() -> Value {
    let dict = Dict::new(
        Value::symbols(["a", "b", "c"]),
        Value::from(vec![1i64, 2, 3]),
    )
    .expect("a well-formed dictionary");
    Value::dict(dict)
}

/// Atoms, vectors, a list, a dictionary and a table.
pub fn sample_values() -> Vec<Value> {
    vec![
        Value::Long(42),
        Value::Float(2.5),
        Value::Bool(true),
        Value::symbol("abc"),
        Value::Timestamp(1_234_567_890_123),
        Value::Guid(Guid([7; 16])),
        Value::Char(b'x'),
        Value::Date(-5),
        Value::from(vec![1i64, 2, 3]),
        Value::from(vec![1.5f64, f64::NAN]),
        Value::symbols(["x", "yy", "zzz"]),
        Value::string("hello"),
        Value::list([Value::Long(1), Value::string("two"), Value::symbol("three")]),
        sample_dict(),
        sample_table(10),
    ]
}

/// Sync requests, by the symbol received:
/// - `` `defer ``: answered 20 ms later from another task (`Reply::Deferred`);
/// - `` `ask ``: the server asks the client `"question"` and answers with its answer;
/// - `` `push ``: three async pushes, then the answer `` `pushed ``;
/// - `` `count ``: the number of async messages received so far;
/// - `` `guid ``: a guid (which capability 1 or 2 cannot carry);
/// - `` `fail ``: the error `'type`;
/// - anything else: echoed.
///
/// Async messages are counted. Opens and closes are recorded.
#[derive(Clone, Default)]
pub struct ScriptedHandler {
    pub async_count: Arc<AtomicUsize>,
    pub opened: Arc<Mutex<Vec<Handle>>>,
    pub closed: Arc<Mutex<Vec<Handle>>>,
    pub bad_messages: Arc<AtomicUsize>,
}

impl Handler for ScriptedHandler {
    fn on_open(&self, conn: &Conn) {
        self.opened.lock().unwrap().push(conn.handle());
    }

    fn on_sync(&self, conn: &Conn, value: Value) -> Reply {
        let Value::Symbol(command) = &value else {
            return Reply::Value(value);
        };
        match command.as_bytes() {
            b"defer" => {
                let conn = conn.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    conn.reply(Ok(Value::symbol("deferred")))
                        .expect("a deferred reply");
                });
                Reply::Deferred
            }
            b"ask" => {
                let conn = conn.clone();
                tokio::spawn(async move {
                    let answer = conn.request(&Value::string("question")).await;
                    let result = answer.map_err(|error| error.to_string());
                    conn.reply(result).expect("a deferred reply");
                });
                Reply::Deferred
            }
            b"push" => {
                for i in 0..3 {
                    conn.send_async(&Value::Long(i)).expect("a push");
                }
                Reply::Value(Value::symbol("pushed"))
            }
            b"count" => Reply::Value(Value::Long(self.async_count.load(Ordering::SeqCst) as i64)),
            b"fail" => Reply::Error("type".into()),
            b"guid" => Reply::Value(Value::Guid(Guid([1; 16]))),
            _ => Reply::Value(value),
        }
    }

    fn on_async(&self, _conn: &Conn, _value: Value) {
        self.async_count.fetch_add(1, Ordering::SeqCst);
    }

    fn on_close(&self, conn: &Conn) {
        self.closed.lock().unwrap().push(conn.handle());
    }

    fn on_bad_message(&self, _conn: &Conn, _message: &[u8], _error: &qport_wire::WireError) {
        self.bad_messages.fetch_add(1, Ordering::SeqCst);
    }
}

/// Waits (up to 5 s) until `condition` holds.
pub async fn eventually(mut condition: impl FnMut() -> bool) -> bool {
    for _ in 0..500 {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    condition()
}
