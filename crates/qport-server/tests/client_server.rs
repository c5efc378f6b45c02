//! The Rust client against the real server on a free loopback port: every capability of
//! the two, one behaviour per test.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream as StdTcpStream;
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::{eventually, sample_table, sample_values, test_config, ScriptedHandler};
use qport_server::client::{one_shot, ClientOptions};
use qport_server::{
    Client, ClientError, CompressionPolicy, EchoHandler, Family, FileAccess, PasswordFile,
    SendError, Server, ServerConfig, SlowConsumerPolicy,
};
use qport_value::Value;
use qport_wire::{encode_message, Capability, MessageKind};

fn address(server: &Server) -> String {
    format!("127.0.0.1:{}", server.port())
}

/// A plain socket past the handshake (offering `capability`), as a minimal client does.
fn raw_connection(server: &Server, capability: u8) -> StdTcpStream {
    let mut raw = StdTcpStream::connect(address(server)).unwrap();
    raw.write_all(&[b'u', b':', b'p', capability, 0]).unwrap();
    let mut answer = [0u8; 1];
    raw.read_exact(&mut answer).unwrap();
    assert_eq!(answer[0], capability.min(6));
    raw
}

/// Asserts the server closes `raw` without sending anything (within 5 s).
fn assert_closed_silently(raw: &mut StdTcpStream) {
    raw.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut rest = Vec::new();
    assert_eq!(
        raw.read_to_end(&mut rest).unwrap_or(0),
        0,
        "closed without a reply"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_round_trip_of_every_sample_value() {
    let server = Server::start(test_config(), EchoHandler).await.unwrap();
    let mut client = Client::connect(&address(&server)).await.unwrap();
    assert_eq!(client.capability(), Capability::MAX);
    for value in sample_values() {
        assert_eq!(client.sync(&value).await.unwrap(), value);
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_reply_is_an_err_with_q_text() {
    let server = Server::start(test_config(), EchoHandler).await.unwrap();
    let mut client = Client::connect(&address(&server)).await.unwrap();
    let error = client.sync(&Value::symbol("fail")).await.unwrap_err();
    assert!(
        matches!(&error, ClientError::Remote(text) if text == "type"),
        "{error:?}"
    );
    // The connection stays usable.
    assert_eq!(client.sync(&Value::Long(1)).await.unwrap(), Value::Long(1));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_messages_are_echoed_and_received() {
    let server = Server::start(test_config(), EchoHandler).await.unwrap();
    let mut client = Client::connect(&address(&server)).await.unwrap();
    for i in 0..100i64 {
        client.async_send(&Value::Long(i)).await.unwrap();
    }
    client.flush().await.unwrap();
    for i in 0..100i64 {
        let message = client.receive().await.unwrap();
        assert_eq!(message.kind, MessageKind::Async);
        assert_eq!(message.value, Value::Long(i));
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_messages_are_handled_in_order_before_a_following_sync() {
    let handler = ScriptedHandler::default();
    let server = Server::start(test_config(), handler.clone()).await.unwrap();
    let mut client = Client::connect(&address(&server)).await.unwrap();
    for i in 0..10_000i64 {
        client.async_send(&Value::Long(i)).await.unwrap();
    }
    let count = client.sync(&Value::symbol("count")).await.unwrap();
    assert_eq!(count, Value::Long(10_000));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deferred_reply_arrives_later() {
    let server = Server::start(test_config(), ScriptedHandler::default())
        .await
        .unwrap();
    let mut client = Client::connect(&address(&server)).await.unwrap();
    let answer = client.sync(&Value::symbol("defer")).await.unwrap();
    assert_eq!(answer, Value::symbol("deferred"));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reply_without_a_deferred_request_is_refused() {
    let server = Server::start(test_config(), EchoHandler).await.unwrap();
    let mut client = Client::connect(&address(&server)).await.unwrap();
    client.sync(&Value::Long(1)).await.unwrap();
    let handle = server.registry().handles()[0];
    let conn = server.registry().get(handle).unwrap();
    let error = conn.reply(Ok(Value::Long(2))).unwrap_err();
    assert!(matches!(error, SendError::NotExpectingResponse(h) if h == handle));
    assert_eq!(
        error.to_string(),
        format!("Handle {handle} was not expecting a response msg")
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_asks_the_client_while_it_waits() {
    let server = Server::start(test_config(), ScriptedHandler::default())
        .await
        .unwrap();
    let mut client = Client::connect(&address(&server)).await.unwrap();
    client.on_message(Box::new(|kind, value| {
        assert_eq!(kind, MessageKind::Sync);
        assert_eq!(value, Value::string("question"));
        Ok(Value::symbol("answer"))
    }));
    let answer = client.sync(&Value::symbol("ask")).await.unwrap();
    assert_eq!(answer, Value::symbol("answer"));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_error_to_a_server_request_reaches_the_server() {
    let server = Server::start(test_config(), ScriptedHandler::default())
        .await
        .unwrap();
    let mut client = Client::connect(&address(&server)).await.unwrap();
    client.on_message(Box::new(|_, _| Err("nope".into())));
    let error = client.sync(&Value::symbol("ask")).await.unwrap_err();
    assert!(
        matches!(&error, ClientError::Remote(text) if text == "nope"),
        "{error:?}"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_before_a_response_are_kept_for_receive() {
    let server = Server::start(test_config(), ScriptedHandler::default())
        .await
        .unwrap();
    let mut client = Client::connect(&address(&server)).await.unwrap();
    assert_eq!(
        client.sync(&Value::symbol("push")).await.unwrap(),
        Value::symbol("pushed")
    );
    for i in 0..3 {
        let message = client.receive().await.unwrap();
        assert_eq!(
            (message.kind, message.value),
            (MessageKind::Async, Value::Long(i))
        );
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deferred_sync_is_async_then_receive() {
    // `neg[h](x); h[]`: the echo answers an async message with an async message.
    let server = Server::start(test_config(), EchoHandler).await.unwrap();
    let mut client = Client::connect(&address(&server)).await.unwrap();
    client.async_send(&Value::symbol("later")).await.unwrap();
    let message = client.receive().await.unwrap();
    assert_eq!(message.value, Value::symbol("later"));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_shot_answers_and_times_out() {
    let server = Server::start(test_config(), ScriptedHandler::default())
        .await
        .unwrap();
    let answer = one_shot(&address(&server), &Value::Long(7), Duration::from_secs(5)).await;
    assert_eq!(answer.unwrap(), Value::Long(7));
    // A server that never answers: the request `ask` waits on a client that cannot answer
    // within the time.
    let slow = one_shot(
        &address(&server),
        &Value::symbol("defer"),
        Duration::from_millis(1),
    )
    .await;
    assert!(matches!(slow, Err(ClientError::Timeout)), "{slow:?}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_in_the_address_are_checked_against_the_password_file() {
    let mut config = test_config();
    let file = PasswordFile::parse(
        "alice:secret\nbob:91dfd9ddb4198affc5c194cd8ce6d338fde470e2\n",
        FileAccess::Unrestricted,
    );
    config.password_file = Some(file.unwrap());
    let server = Server::start(config, EchoHandler).await.unwrap();
    let port = server.port();
    let mut alice = Client::connect(&format!(":{port}:alice:secret"))
        .await
        .unwrap();
    assert_eq!(alice.sync(&Value::Long(1)).await.unwrap(), Value::Long(1));
    let mut bob = Client::connect(&format!("localhost:{port}:bob:mypassword"))
        .await
        .unwrap();
    assert_eq!(bob.sync(&Value::Long(2)).await.unwrap(), Value::Long(2));
    for wrong in [
        format!(":{port}:alice:wrong"),
        format!(":{port}:carol:secret"),
        format!(":{port}"),
    ] {
        let refused = Client::connect(&wrong).await;
        assert!(
            matches!(refused, Err(ClientError::Access)),
            "{wrong}: {:?}",
            refused.err()
        );
    }
    assert_eq!(server.registry().len(), 2);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handler_authenticate_can_refuse() {
    struct OnlyAlice;
    impl qport_server::Handler for OnlyAlice {
        fn authenticate(&self, user: &str, _password: &str, _peer: &qport_server::Peer) -> bool {
            user == "alice"
        }
        fn on_sync(&self, _conn: &qport_server::Conn, value: Value) -> qport_server::Reply {
            qport_server::Reply::Value(value)
        }
    }
    let server = Server::start(test_config(), OnlyAlice).await.unwrap();
    let port = server.port();
    assert!(Client::connect(&format!(":{port}:alice:x")).await.is_ok());
    assert!(matches!(
        Client::connect(&format!(":{port}:eve:x")).await,
        Err(ClientError::Access)
    ));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unix_sockets_abstract_and_file_are_served() {
    let dir = std::env::temp_dir().join(format!("qport-uds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = ServerConfig {
        uds_dir: Some(dir.clone()),
        ..ServerConfig::default()
    };
    let server = Server::start(config, EchoHandler).await.unwrap();
    let file = server.uds_file().unwrap().clone();
    assert_eq!(file, dir.join(format!("kx.{}", server.port())));
    // The file name, with a plain blocking socket as node-q or Java would use it.
    let mut stream = std::os::unix::net::UnixStream::connect(&file).unwrap();
    stream.write_all(b"u:p\x06\x00").unwrap();
    let mut capability = [0u8; 1];
    stream.read_exact(&mut capability).unwrap();
    assert_eq!(capability, [6]);
    let request = encode_message(&Value::Long(5), MessageKind::Sync, Capability::MAX).unwrap();
    stream.write_all(&request).unwrap();
    let mut response = vec![0u8; request.len()];
    stream.read_exact(&mut response).unwrap();
    assert_eq!(response[1], 2);
    assert_eq!(&response[8..], &request[8..]);
    // The abstract name, with the Rust client (it reads QUDSPATH as kdb+ does).
    std::env::set_var("QUDSPATH", &dir);
    let mut client = Client::connect(&format!("unix://{}", server.port()))
        .await
        .unwrap();
    assert_eq!(client.sync(&Value::Long(6)).await.unwrap(), Value::Long(6));
    let families: Vec<Family> = server.registry().infos().iter().map(|i| i.family).collect();
    assert_eq!(families, vec![Family::Unix, Family::Unix]);
    server.shutdown().await;
    assert!(!file.exists(), "the socket file is removed at shutdown");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compression_when_forced_both_ways() {
    let config = ServerConfig {
        compression: CompressionPolicy::Always,
        ..test_config()
    };
    let server = Server::start(config, EchoHandler).await.unwrap();
    let options = ClientOptions {
        compression: CompressionPolicy::Always,
        ..ClientOptions::default()
    };
    let mut client = Client::connect_with(&address(&server), options)
        .await
        .unwrap();
    let value = Value::from((0..100_000i64).collect::<Vec<_>>());
    assert_eq!(client.sync(&value).await.unwrap(), value);
    assert!(server.registry().infos()[0].compression);
    // The bytes on the wire really are compressed: a raw reader sees flag 1.
    let mut raw = raw_connection(&server, 3);
    raw.write_all(&encode_message(&value, MessageKind::Sync, Capability::V3_0).unwrap())
        .unwrap();
    let mut header = [0u8; 8];
    raw.read_exact(&mut header).unwrap();
    assert_eq!(header[2], 1, "the reply is compressed");
    let length = u32::from_le_bytes(header[4..8].try_into().unwrap()) as usize;
    assert!(length < 8 + 6 + 800_000 / 2);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_compression_on_loopback_by_default() {
    let server = Server::start(test_config(), EchoHandler).await.unwrap();
    let mut client = Client::connect(&address(&server)).await.unwrap();
    let value = Value::from((0..100_000i64).collect::<Vec<_>>());
    assert_eq!(client.sync(&value).await.unwrap(), value);
    assert!(!server.registry().infos()[0].compression);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_mb_message_round_trips() {
    let server = Server::start(test_config(), EchoHandler).await.unwrap();
    let mut client = Client::connect(&address(&server)).await.unwrap();
    let value = Value::from((0..12_500_000).map(|i| i as f64).collect::<Vec<f64>>());
    assert_eq!(client.sync(&value).await.unwrap(), value);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversize_message_closes_that_connection_only() {
    let config = ServerConfig {
        max_message_bytes: 1 << 20,
        ..test_config()
    };
    let server = Server::start(config, EchoHandler).await.unwrap();
    let mut other = Client::connect(&address(&server)).await.unwrap();
    let mut big = Client::connect(&address(&server)).await.unwrap();
    let value = Value::ByteVector(qport_value::Vector::from(vec![0u8; 2 << 20]));
    let refused = big.sync(&value).await;
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(other.sync(&Value::Long(1)).await.unwrap(), Value::Long(1));
    assert!(eventually(|| server.registry().len() == 1).await);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversize_header_is_refused_before_the_body_arrives() {
    let config = ServerConfig {
        max_message_bytes: 1 << 20,
        ..test_config()
    };
    let server = Server::start(config, EchoHandler).await.unwrap();
    let mut raw = raw_connection(&server, 3);
    // A header that claims 1 TB, and nothing else: the server closes at once.
    raw.write_all(&[1, 1, 0, 0xff, 0xff, 0xff, 0xff, 0xff])
        .unwrap();
    assert_closed_silently(&mut raw);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_message_calls_the_hook_and_closes_only_that_connection() {
    let handler = ScriptedHandler::default();
    let server = Server::start(test_config(), handler.clone()).await.unwrap();
    let mut other = Client::connect(&address(&server)).await.unwrap();
    let mut raw = raw_connection(&server, 3);
    // A boolean vector holding the byte 2.
    raw.write_all(&[1, 1, 0, 0, 15, 0, 0, 0, 1, 0, 1, 0, 0, 0, 2])
        .unwrap();
    assert_closed_silently(&mut raw);
    assert_eq!(handler.bad_messages.load(Ordering::SeqCst), 1);
    assert_eq!(other.sync(&Value::Long(3)).await.unwrap(), Value::Long(3));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handshake_timeout_drops_a_silent_peer_and_others_keep_working() {
    let config = ServerConfig {
        handshake_timeout: Duration::from_millis(200),
        ..test_config()
    };
    let server = Server::start(config, EchoHandler).await.unwrap();
    let mut silent = StdTcpStream::connect(address(&server)).unwrap();
    silent.write_all(b"slow:typist").unwrap();
    let mut client = Client::connect(&address(&server)).await.unwrap();
    assert_eq!(client.sync(&Value::Long(1)).await.unwrap(), Value::Long(1));
    assert_closed_silently(&mut silent);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_handshake_is_dropped() {
    let server = Server::start(test_config(), EchoHandler).await.unwrap();
    let mut raw = StdTcpStream::connect(address(&server)).unwrap();
    let _ = raw.write_all(&vec![b'a'; 4096]);
    assert_closed_silently(&mut raw);
    let mut client = Client::connect(&address(&server)).await.unwrap();
    assert_eq!(client.sync(&Value::Long(1)).await.unwrap(), Value::Long(1));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_handshake_without_capability_gets_capability_0() {
    let server = Server::start(test_config(), EchoHandler).await.unwrap();
    let mut raw = StdTcpStream::connect(address(&server)).unwrap();
    raw.write_all(b"old:timer\x00").unwrap();
    let mut capability = [9u8; 1];
    raw.read_exact(&mut capability).unwrap();
    assert_eq!(capability, [0]);
    let info = &server.registry().infos()[0];
    assert_eq!(info.capability, Capability::V2_5);
    assert_eq!(info.user, "old");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_the_peer_cannot_carry_becomes_type() {
    // A guid cannot travel at capability 1 (kdb+ 2.6): the reply becomes the error kdb+
    // sends, and the connection goes on.
    let server = Server::start(test_config(), ScriptedHandler::default())
        .await
        .unwrap();
    let options = ClientOptions {
        capability: Capability::V2_6,
        ..ClientOptions::default()
    };
    let mut client = Client::connect_with(&address(&server), options)
        .await
        .unwrap();
    assert_eq!(client.capability(), Capability::V2_6);
    let refused = client.sync(&Value::symbol("guid")).await.unwrap_err();
    assert!(
        matches!(&refused, ClientError::Remote(text) if text == "type"),
        "{refused:?}"
    );
    // The client itself refuses to send one.
    let guid = Value::Guid(qport_value::Guid([1; 16]));
    assert!(matches!(
        client.sync(&guid).await,
        Err(ClientError::Wire(_))
    ));
    assert_eq!(client.sync(&Value::Long(1)).await.unwrap(), Value::Long(1));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcast_reaches_100_connections_with_the_same_bytes() {
    let server = Server::start(test_config(), EchoHandler).await.unwrap();
    let mut clients = Vec::new();
    for _ in 0..100 {
        clients.push(Client::connect(&address(&server)).await.unwrap());
    }
    let handles = server.registry().handles();
    assert_eq!(handles.len(), 100);
    let value = sample_table(100);
    server.registry().broadcast(&handles, &value).unwrap();
    for client in &mut clients {
        let message = client.receive().await.unwrap();
        assert_eq!((message.kind, &message.value), (MessageKind::Async, &value));
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcast_serializes_at_the_lowest_capability() {
    let server = Server::start(test_config(), EchoHandler).await.unwrap();
    let old = ClientOptions {
        capability: Capability::V2_6,
        ..ClientOptions::default()
    };
    let _new_client = Client::connect(&address(&server)).await.unwrap();
    let _old_client = Client::connect_with(&address(&server), old).await.unwrap();
    let handles = server.registry().handles();
    let guid = Value::Guid(qport_value::Guid([1; 16]));
    let error = server.registry().broadcast(&handles, &guid).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with(&format!("type error serializing for handle {}", handles[1])),
        "{error}"
    );
    let missing = server
        .registry()
        .broadcast(&[12345], &Value::Long(1))
        .unwrap_err();
    assert_eq!(missing.to_string(), "12345 is not an ipc handle");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_consumer_is_closed_when_its_queue_passes_the_cap() {
    let config = ServerConfig {
        max_queued_bytes: 4 << 20,
        ..test_config()
    };
    let server = Server::start(config, EchoHandler).await.unwrap();
    // Connected, never reading.
    let _stuck = Client::connect(&address(&server)).await.unwrap();
    let mut healthy = Client::connect(&address(&server)).await.unwrap();
    let handles = server.registry().handles();
    let stuck = server.registry().get(handles[0]).unwrap();
    let chunk = Value::ByteVector(qport_value::Vector::from(vec![0u8; 1 << 20]));
    let mut refused = None;
    for _ in 0..64 {
        if let Err(error) = stuck.send_async(&chunk) {
            refused = Some(error);
            break;
        }
    }
    assert!(
        matches!(refused, Some(SendError::SlowConsumer { .. })),
        "{refused:?}"
    );
    assert!(
        eventually(|| server.registry().len() == 1).await,
        "the stuck connection is closed"
    );
    assert_eq!(healthy.sync(&Value::Long(1)).await.unwrap(), Value::Long(1));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_consumer_refuse_policy_keeps_the_connection() {
    let config = ServerConfig {
        max_queued_bytes: 4 << 20,
        slow_consumer: SlowConsumerPolicy::Refuse,
        ..test_config()
    };
    let server = Server::start(config, EchoHandler).await.unwrap();
    let _stuck = Client::connect(&address(&server)).await.unwrap();
    let stuck = server
        .registry()
        .get(server.registry().handles()[0])
        .unwrap();
    let chunk = Value::ByteVector(qport_value::Vector::from(vec![0u8; 1 << 20]));
    let refused = (0..64).find_map(|_| stuck.send_async(&chunk).err());
    assert!(matches!(refused, Some(SendError::SlowConsumer { .. })));
    assert!(stuck.info().queued_bytes <= (4 << 20) + (1 << 20) + 64);
    assert!(!stuck.is_closed());
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flush_waits_until_queued_messages_are_written() {
    let server = Server::start(test_config(), EchoHandler).await.unwrap();
    let mut client = Client::connect(&address(&server)).await.unwrap();
    let conn = server
        .registry()
        .get(server.registry().handles()[0])
        .unwrap();
    for i in 0..1000i64 {
        conn.send_async(&Value::Long(i)).unwrap();
    }
    conn.flush().await.unwrap();
    assert_eq!(conn.info().queued_bytes, 0);
    assert_eq!(conn.info().queued_messages, 0);
    for i in 0..1000i64 {
        assert_eq!(client.receive().await.unwrap().value, Value::Long(i));
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registry_reports_each_connection() {
    let server = Server::start(test_config(), EchoHandler).await.unwrap();
    let port = server.port();
    let _a = Client::connect(&format!(":{port}:ann:pw")).await.unwrap();
    let _b = Client::connect(&format!(":{port}:ben:pw")).await.unwrap();
    let infos = server.registry().infos();
    assert_eq!(infos.len(), 2);
    assert!(infos[0].handle < infos[1].handle);
    assert_eq!(infos[0].user, "ann");
    assert_eq!(infos[1].user, "ben");
    for info in &infos {
        assert_eq!(info.protocol.letter(), 'q');
        assert_eq!(info.family.letter(), 't');
        assert!(info.peer.local);
        assert!(info.peer.address.unwrap().ip().is_loopback());
        assert_eq!(info.capability, Capability::MAX);
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_and_shutdown_call_on_close_once_each() {
    let handler = ScriptedHandler::default();
    let server = Server::start(test_config(), handler.clone()).await.unwrap();
    let first = Client::connect(&address(&server)).await.unwrap();
    let _second = Client::connect(&address(&server)).await.unwrap();
    assert!(eventually(|| handler.opened.lock().unwrap().len() == 2).await);
    first.close().await.unwrap();
    assert!(eventually(|| handler.closed.lock().unwrap().len() == 1).await);
    server.shutdown().await;
    let mut closed = handler.closed.lock().unwrap().clone();
    closed.sort();
    let mut opened = handler.opened.lock().unwrap().clone();
    opened.sort();
    assert_eq!(closed, opened);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_writes_queued_pushes_first() {
    let server = Server::start(test_config(), EchoHandler).await.unwrap();
    let mut client = Client::connect(&address(&server)).await.unwrap();
    let conn = server
        .registry()
        .get(server.registry().handles()[0])
        .unwrap();
    for i in 0..100i64 {
        conn.send_async(&Value::Long(i)).unwrap();
    }
    server.shutdown().await;
    for i in 0..100i64 {
        assert_eq!(client.receive().await.unwrap().value, Value::Long(i));
    }
    assert!(matches!(client.receive().await, Err(ClientError::Closed)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_addresses_are_refused() {
    for bad in ["nohost", "host:notaport", "unix://x", ""] {
        assert!(
            matches!(Client::connect(bad).await, Err(ClientError::Address(_))),
            "{bad}"
        );
    }
}
