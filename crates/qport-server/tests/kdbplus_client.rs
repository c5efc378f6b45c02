//! The kdbplus crate (0.3.9) as a real client of the server, over TCP and the abstract
//! Unix socket: sync round trips of atoms, vectors, a table and a dictionary, async
//! messages both ways, the error reply, a 100 MB message, a compressed reply, passwords.
//!
//! kdbplus reads a message body with repeated reads into the start of its buffer, so a
//! reply that arrives in more than one read is corrupted (a client bug, whatever the
//! server). Replies here are therefore kept small enough for one read: the 100 MB message
//! goes to the server, which answers with its count.

use chrono::DateTime;
use kdbplus::ipc::{ConnectionMethod, QStream, Query, K, KDB_TIMESTAMP_OFFSET};
use kdbplus::qattribute::NONE;
use qport_server::{
    CompressionPolicy, Conn, FileAccess, Handler, PasswordFile, Reply, Server, ServerConfig,
};
use qport_value::{Dict, Guid, Symbol, Table, Value};

/// The echo, except that a value of over a million items is answered with its count.
struct EchoOrCount;

impl Handler for EchoOrCount {
    fn on_sync(&self, _conn: &Conn, value: Value) -> Reply {
        match &value {
            v if v.count() > 1_000_000 => Reply::Value(Value::Long(v.count() as i64)),
            Value::Symbol(s) if s.as_bytes() == b"fail" => Reply::Error("type".into()),
            _ => Reply::Value(value),
        }
    }

    fn on_async(&self, conn: &Conn, value: Value) {
        let _ = conn.send_async(&value);
    }
}

async fn start() -> Server {
    let config = ServerConfig {
        uds_dir: Some("/tmp".into()),
        password_file: Some(
            PasswordFile::parse("alice:secret\n", FileAccess::Unrestricted).unwrap(),
        ),
        compression: CompressionPolicy::Always,
        ..ServerConfig::default()
    };
    Server::start(config, EchoOrCount).await.unwrap()
}

/// What kdbplus holds, as qport reads kdbplus's own bytes for it.
async fn as_value(k: &K) -> Value {
    qport_wire::deserialize(&k.serialize(0, true).await).expect("kdbplus's bytes decode")
}

/// Pairs of the same value built by kdbplus and by qport.
fn samples() -> Vec<(K, Value)> {
    let ts = 1_234_567_890_123i64;
    let table_k = K::new_dictionary(
        K::new_symbol_list(vec!["sym".into(), "px".into()], NONE),
        K::new_compound_list(vec![
            K::new_symbol_list(vec!["a".into(), "b".into()], NONE),
            K::new_float_list(vec![1.5, 2.5], NONE),
        ]),
    )
    .and_then(K::flip)
    .unwrap();
    let table = Table::new(
        vec![Symbol::new("sym"), Symbol::new("px")].into(),
        vec![Value::symbols(["a", "b"]), Value::from(vec![1.5f64, 2.5])],
    )
    .unwrap();
    let dict_k = K::new_dictionary(
        K::new_symbol_list(vec!["x".into(), "y".into()], NONE),
        K::new_long_list(vec![1, 2], NONE),
    )
    .unwrap();
    let dict = Dict::new(Value::symbols(["x", "y"]), Value::from(vec![1i64, 2])).unwrap();
    vec![
        (K::new_long(42), Value::Long(42)),
        (K::new_float(2.5), Value::Float(2.5)),
        (K::new_bool(true), Value::Bool(true)),
        (K::new_symbol("abc".into()), Value::symbol("abc")),
        (
            K::new_timestamp(DateTime::from_timestamp_nanos(ts + KDB_TIMESTAMP_OFFSET)),
            Value::Timestamp(ts),
        ),
        (K::new_guid([5; 16]), Value::Guid(Guid([5; 16]))),
        (K::new_char('x'), Value::Char(b'x')),
        (
            K::new_long_list(vec![1, 2, 3], NONE),
            Value::from(vec![1i64, 2, 3]),
        ),
        (
            K::new_float_list(vec![0.5, -1.0], NONE),
            Value::from(vec![0.5f64, -1.0]),
        ),
        (
            K::new_symbol_list(vec!["p".into(), "q".into()], NONE),
            Value::symbols(["p", "q"]),
        ),
        (K::new_string("hello".into(), NONE), Value::string("hello")),
        (table_k, Value::table(table)),
        (dict_k, Value::dict(dict)),
    ]
}

async fn check_connection(method: ConnectionMethod, port: u16) {
    let mut q = QStream::connect(method, "127.0.0.1", port, "alice:secret")
        .await
        .unwrap();
    for (k, value) in samples() {
        let reply = q.send_sync_message(&k).await.unwrap();
        assert_eq!(as_value(&reply).await, value, "round trip of {value:?}");
    }
    // Async: the server echoes it back as an async message.
    q.send_async_message(&K::new_long_list(vec![7, 8], NONE))
        .await
        .unwrap();
    let (kind, pushed) = q.receive_message().await.unwrap();
    assert_eq!(kind, 0, "an async message");
    assert_eq!(as_value(&pushed).await, Value::from(vec![7i64, 8]));
    // The error reply: kdbplus hands it back as an error object, not an Err.
    let error = q
        .send_sync_message(&K::new_symbol("fail".into()))
        .await
        .unwrap();
    assert_eq!(error.get_error_string().unwrap(), "type");
    // 100 MB to the server.
    let big = K::new_float_list((0..12_500_000).map(f64::from).collect(), NONE);
    let count = q.send_sync_message(&big).await.unwrap();
    assert_eq!(count.get_long().unwrap(), 12_500_000);
    // A compressed reply (compression forced on the server): 5,000 longs, 40 KB plain.
    let longs = K::new_long_list((0..5_000).collect(), NONE);
    let reply = q.send_sync_message(&longs).await.unwrap();
    assert_eq!(
        as_value(&reply).await,
        Value::from((0..5_000i64).collect::<Vec<_>>())
    );
    q.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kdbplus_over_tcp() {
    let server = start().await;
    check_connection(ConnectionMethod::TCP, server.port()).await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kdbplus_gets_capability_3_over_tcp_6_over_unix_and_compression() {
    let server = start().await;
    let port = server.port();
    let tcp = QStream::connect(ConnectionMethod::TCP, "127.0.0.1", port, "alice:secret")
        .await
        .unwrap();
    let uds = QStream::connect(ConnectionMethod::UDS, "", port, "alice:secret")
        .await
        .unwrap();
    let infos = server.registry().infos();
    let capabilities: Vec<u8> = infos.iter().map(|i| i.capability.byte()).collect();
    assert_eq!(capabilities, vec![3, 6]);
    assert!(infos.iter().all(|i| i.compression), "forced on for both");
    tcp.shutdown().await.unwrap();
    uds.shutdown().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kdbplus_over_the_abstract_unix_socket() {
    let server = start().await;
    check_connection(ConnectionMethod::UDS, server.port()).await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kdbplus_wrong_password_is_refused_right_one_accepted() {
    let server = start().await;
    let port = server.port();
    for credential in ["alice:wrong", "mallory:secret"] {
        let refused = QStream::connect(ConnectionMethod::TCP, "127.0.0.1", port, credential).await;
        assert!(refused.is_err(), "{credential} must be refused");
    }
    let mut q = QStream::connect(ConnectionMethod::TCP, "127.0.0.1", port, "alice:secret")
        .await
        .unwrap();
    let reply = q.send_sync_message(&K::new_long(1)).await.unwrap();
    assert_eq!(reply.get_long().unwrap(), 1);
    server.shutdown().await;
}
