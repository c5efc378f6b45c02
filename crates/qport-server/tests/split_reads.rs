//! Messages delivered split at every byte boundary, byte by byte, and several to one
//! read, in both directions: to the server, and to the Rust client from a peer that
//! writes its replies in pieces. This is where IPC readers usually break.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use common::{sample_table, test_config};
use qport_server::{Client, EchoHandler, Server};
use qport_value::Value;
use qport_wire::{
    compress_message, decode_message, encode_message, Capability, DecodeLimits, MessageKind,
};

/// Long enough for the first piece to be read on its own.
const PAUSE: Duration = Duration::from_micros(300);

fn requests() -> Vec<(Vec<u8>, Value)> {
    let long = Value::Long(42);
    let table = sample_table(5);
    let big = Value::from((0..1000i64).collect::<Vec<_>>());
    let compressed =
        compress_message(&encode_message(&big, MessageKind::Sync, Capability::MAX).unwrap())
            .unwrap();
    vec![
        (
            encode_message(&long, MessageKind::Sync, Capability::MAX).unwrap(),
            long,
        ),
        (
            encode_message(&table, MessageKind::Sync, Capability::MAX).unwrap(),
            table,
        ),
        (compressed, big),
    ]
}

fn read_message(stream: &mut TcpStream) -> qport_wire::Message {
    let mut header = [0u8; 8];
    stream.read_exact(&mut header).unwrap();
    let length = u32::from_le_bytes(header[4..8].try_into().unwrap()) as usize;
    let mut message = header.to_vec();
    message.resize(length, 0);
    stream.read_exact(&mut message[8..]).unwrap();
    decode_message(&message, &DecodeLimits::DEFAULT).unwrap()
}

fn handshake(stream: &mut TcpStream) {
    stream.write_all(b"split:test\x06\x00").unwrap();
    let mut capability = [0u8; 1];
    stream.read_exact(&mut capability).unwrap();
    assert_eq!(capability, [6]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_reads_messages_split_at_every_byte() {
    let server = Server::start(test_config(), EchoHandler).await.unwrap();
    let port = server.port();
    thread::spawn(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_nodelay(true).unwrap();
        handshake(&mut stream);
        for (bytes, value) in requests() {
            for split in 1..bytes.len() {
                stream.write_all(&bytes[..split]).unwrap();
                thread::sleep(PAUSE);
                stream.write_all(&bytes[split..]).unwrap();
                let reply = read_message(&mut stream);
                assert_eq!(reply.kind, MessageKind::Response);
                assert_eq!(reply.value, value, "split at {split} of {}", bytes.len());
            }
        }
    })
    .join()
    .unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_reads_a_message_byte_by_byte_and_a_handshake_in_pieces() {
    let server = Server::start(test_config(), EchoHandler).await.unwrap();
    let port = server.port();
    thread::spawn(move || {
        let handshake = b"split:test\x06\x00";
        for split in 1..handshake.len() {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            stream.set_nodelay(true).unwrap();
            stream.write_all(&handshake[..split]).unwrap();
            thread::sleep(PAUSE);
            stream.write_all(&handshake[split..]).unwrap();
            let mut capability = [0u8; 1];
            stream.read_exact(&mut capability).unwrap();
            assert_eq!(capability, [6], "handshake split at {split}");
        }
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_nodelay(true).unwrap();
        for byte in handshake {
            stream.write_all(&[*byte]).unwrap();
            thread::sleep(PAUSE);
        }
        let mut capability = [0u8; 1];
        stream.read_exact(&mut capability).unwrap();
        for (bytes, value) in requests() {
            for byte in &bytes {
                stream.write_all(&[*byte]).unwrap();
                thread::sleep(PAUSE / 4);
            }
            assert_eq!(read_message(&mut stream).value, value);
        }
    })
    .join()
    .unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_reads_many_messages_from_one_write() {
    let server = Server::start(test_config(), EchoHandler).await.unwrap();
    let port = server.port();
    thread::spawn(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        // The handshake and the first messages in one write: nothing after the NUL is lost.
        let mut all = b"eager:client\x06\x00".to_vec();
        let requests = requests();
        for _ in 0..50 {
            for (bytes, _) in &requests {
                all.extend_from_slice(bytes);
            }
        }
        stream.write_all(&all).unwrap();
        let mut capability = [0u8; 1];
        stream.read_exact(&mut capability).unwrap();
        for _ in 0..50 {
            for (_, value) in &requests {
                assert_eq!(&read_message(&mut stream).value, value);
            }
        }
    })
    .join()
    .unwrap();
    server.shutdown().await;
}

/// A peer that answers the client's handshake, then for each request writes `respond`'s
/// bytes with the given write pattern.
fn fake_server(replies: Vec<Vec<Vec<u8>>>) -> (u16, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream.set_nodelay(true).unwrap();
        let mut handshake = Vec::new();
        let mut byte = [0u8; 1];
        while byte != [0] || handshake.is_empty() {
            stream.read_exact(&mut byte).unwrap();
            handshake.push(byte[0]);
        }
        stream.write_all(&[6]).unwrap();
        for pieces in replies {
            let _request = read_message(&mut stream);
            for piece in pieces {
                stream.write_all(&piece).unwrap();
                thread::sleep(PAUSE);
            }
        }
    });
    (port, peer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_reads_responses_split_at_every_byte() {
    let values: Vec<Value> = requests().into_iter().map(|(_, v)| v).collect();
    let mut replies = Vec::new();
    let mut expected = Vec::new();
    for value in &values {
        let mut response = encode_message(value, MessageKind::Response, Capability::MAX).unwrap();
        if let Some(compressed) = compress_message(&response) {
            response = compressed;
        }
        for split in 1..response.len() {
            replies.push(vec![response[..split].to_vec(), response[split..].to_vec()]);
            expected.push(value.clone());
        }
        // And byte by byte.
        replies.push(response.iter().map(|b| vec![*b]).collect());
        expected.push(value.clone());
    }
    let (port, peer) = fake_server(replies);
    let mut client = Client::connect(&format!("127.0.0.1:{port}")).await.unwrap();
    for value in expected {
        assert_eq!(client.sync(&Value::Long(0)).await.unwrap(), value);
    }
    peer.join().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_reads_pushes_and_a_response_from_one_write() {
    let mut burst = Vec::new();
    for i in 0..3i64 {
        burst.extend(encode_message(&Value::Long(i), MessageKind::Async, Capability::MAX).unwrap());
    }
    burst.extend(
        encode_message(
            &Value::symbol("done"),
            MessageKind::Response,
            Capability::MAX,
        )
        .unwrap(),
    );
    let (port, peer) = fake_server(vec![vec![burst]]);
    let mut client = Client::connect(&format!("127.0.0.1:{port}")).await.unwrap();
    assert_eq!(
        client.sync(&Value::Long(0)).await.unwrap(),
        Value::symbol("done")
    );
    for i in 0..3i64 {
        assert_eq!(client.receive().await.unwrap().value, Value::Long(i));
    }
    peer.join().unwrap();
}

/// Split points that cross the header, the vector's prefix, and the end.
fn big_split_points(len: usize) -> Vec<usize> {
    let mut points: Vec<usize> = (1..=20).collect();
    points.extend([len / 2, len - 1]);
    points
}

fn big_vector() -> Value {
    Value::from((0..200_000).map(|i| i as f64 * 0.5).collect::<Vec<f64>>())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_reads_a_big_vector_split_around_its_head() {
    // Over 1 MB and one simple vector: the server reads it in place.
    let server = Server::start(test_config(), EchoHandler).await.unwrap();
    let port = server.port();
    thread::spawn(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_nodelay(true).unwrap();
        handshake(&mut stream);
        let value = big_vector();
        let mut bytes = encode_message(&value, MessageKind::Sync, Capability::MAX).unwrap();
        assert!(bytes.len() > 1 << 20);
        for split in big_split_points(bytes.len()) {
            stream.write_all(&bytes[..split]).unwrap();
            thread::sleep(PAUSE);
            stream.write_all(&bytes[split..]).unwrap();
            assert_eq!(read_message(&mut stream).value, value, "split at {split}");
        }
        // Followed at once by a small message in the same write.
        bytes.extend(encode_message(&Value::Long(1), MessageKind::Sync, Capability::MAX).unwrap());
        stream.write_all(&bytes).unwrap();
        assert_eq!(read_message(&mut stream).value, value);
        assert_eq!(read_message(&mut stream).value, Value::Long(1));
    })
    .join()
    .unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_reads_a_big_vector_split_around_its_head() {
    let value = big_vector();
    let response = encode_message(&value, MessageKind::Response, Capability::MAX).unwrap();
    let replies: Vec<Vec<Vec<u8>>> = big_split_points(response.len())
        .into_iter()
        .map(|split| vec![response[..split].to_vec(), response[split..].to_vec()])
        .collect();
    let count = replies.len();
    let (port, peer) = fake_server(replies);
    let mut client = Client::connect(&format!("127.0.0.1:{port}")).await.unwrap();
    for _ in 0..count {
        assert_eq!(client.sync(&Value::Long(0)).await.unwrap(), value);
    }
    peer.join().unwrap();
}
