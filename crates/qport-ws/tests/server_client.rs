//! The server driver and the client together over loopback, through the testing helper:
//! echo of text and binary (with and without permessage-deflate), pings, the closing
//! handshake both ways, protocol errors, refusals in `init`, `kxnodeflate`, big messages;
//! a callback's sends in order whatever their kind, nothing after a Close, a frame sent
//! with the handshake, the limit on what waits for a peer that does not read.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use qport_ws::client::{ClientConfig, Received, WsClient};
use qport_ws::conn::{frame_text, Conn};
use qport_ws::protocol::Message;
use qport_ws::server::{Handler, Handshake, Reject, WsConfig, WsServer};
use qport_ws::testing::TestClient;

/// Echoes; the text "close" makes it close with 4000 "bye"; "many" sends three frames
/// made once. Records the paths it was asked for.
struct Echo;

#[derive(Default)]
struct Counts {
    paths: Mutex<Vec<String>>,
}

impl Handler for Echo {
    type Context = Counts;

    fn init(
        handshake: &mut Handshake,
        _conn: &Conn,
        context: &Arc<Counts>,
    ) -> Result<Echo, Reject> {
        context
            .paths
            .lock()
            .unwrap()
            .push(handshake.path().to_string());
        if handshake.path() == "/forbidden" {
            return Err(Reject::status(403));
        }
        handshake.add_header("X-Qport", "yes");
        Ok(Echo)
    }

    fn on_message(&mut self, conn: &Conn, message: Message) {
        match &message {
            Message::Text(text) if text.as_ref() == b"close" => conn.close(4000, "bye"),
            Message::Text(text) if text.as_ref() == b"many" => {
                let frame = frame_text("again");
                for _ in 0..3 {
                    conn.send_frame(frame.clone()).unwrap();
                }
            }
            _ => {
                let _ = conn.send(&message);
            }
        }
    }
}

fn no_deflate() -> (WsConfig, ClientConfig) {
    let mut server = WsConfig::default();
    server.deflate.enabled = false;
    let mut client = ClientConfig::default();
    client.deflate.enabled = false;
    (server, client)
}

#[tokio::test]
async fn echoes_text_and_binary_with_and_without_deflate() {
    for deflate in [false, true] {
        let (mut server, mut client) = no_deflate();
        server.deflate.enabled = deflate;
        client.deflate.enabled = deflate;
        let mut t =
            TestClient::start_with::<Echo>(Arc::new(Counts::default()), "/", server, client).await;
        assert_eq!(t.client.compresses(), deflate);
        t.send_text("hello").await;
        t.expect_text("hello").await;
        t.send_binary(&[0, 1, 2, 255]).await;
        t.expect_binary(&[0, 1, 2, 255]).await;
        let big = "x".repeat(200_000);
        t.send_text(&big).await;
        t.expect_text(&big).await;
        let random: Vec<u8> = (0..100_000u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        t.send_binary(&random).await;
        t.expect_binary(&random).await;
        t.stop().await;
    }
}

#[tokio::test]
async fn frames_made_once_are_sent_as_they_are() {
    let mut t = TestClient::start::<Echo>(Arc::new(Counts::default()), "/").await;
    t.send_text("many").await;
    for _ in 0..3 {
        t.expect_text("again").await;
    }
    t.stop().await;
}

#[tokio::test]
async fn handler_close_is_a_closing_handshake() {
    let mut t = TestClient::start::<Echo>(Arc::new(Counts::default()), "/").await;
    t.send_text("close").await;
    let frame = t.expect_close().await.expect("a close frame with a code");
    assert_eq!((frame.code, frame.reason.as_str()), (4000, "bye"));
    t.stop().await;
}

#[tokio::test]
async fn client_close_is_echoed() {
    let mut t = TestClient::start::<Echo>(Arc::new(Counts::default()), "/").await;
    t.client.close(1000, "done").await.unwrap();
    let frame = t.expect_close().await.expect("the code echoed");
    assert_eq!(frame.code, 1000);
    t.stop().await;
}

#[tokio::test]
async fn pings_are_answered_with_the_same_payload() {
    let mut t = TestClient::start::<Echo>(Arc::new(Counts::default()), "/").await;
    t.client.ping(b"are you there").await.unwrap();
    match t.client.read().await.unwrap() {
        Received::Pong(payload) => assert_eq!(payload.as_ref(), b"are you there"),
        other => panic!("expected a pong, got {other:?}"),
    }
    t.stop().await;
}

#[tokio::test]
async fn init_can_refuse_and_sees_the_path() {
    let counts = Arc::new(Counts::default());
    let server = WsServer::bind::<Echo>(
        "127.0.0.1:0".parse().unwrap(),
        WsConfig::default(),
        counts.clone(),
    )
    .await
    .unwrap();
    let port = server.local_addr().port();
    let refused = WsClient::connect(&format!("ws://127.0.0.1:{port}/forbidden"), &[]).await;
    assert!(refused.is_err(), "a 403 is not an upgrade");
    let ok = WsClient::connect(&format!("ws://127.0.0.1:{port}/fine?x=1"), &[]).await;
    assert!(ok.is_ok());
    assert_eq!(
        *counts.paths.lock().unwrap(),
        vec!["/forbidden".to_string(), "/fine".to_string()]
    );
    server.shutdown().await;
}

#[tokio::test]
async fn kxnodeflate_turns_compression_off_and_is_echoed() {
    let client = ClientConfig {
        protocols: vec!["kxnodeflate".into()],
        ..ClientConfig::default()
    };
    let t = TestClient::start_with::<Echo>(
        Arc::new(Counts::default()),
        "/",
        WsConfig::default(),
        client,
    )
    .await;
    assert_eq!(t.client.protocol(), Some("kxnodeflate"));
    assert!(!t.client.compresses());
    t.stop().await;
}

#[tokio::test]
async fn a_message_over_the_limit_closes_with_1009() {
    let mut server = WsConfig::default();
    server.limits.max_message = 1000;
    server.limits.max_frame = 1000;
    let mut t = TestClient::start_with::<Echo>(
        Arc::new(Counts::default()),
        "/",
        server,
        ClientConfig::default(),
    )
    .await;
    t.send_binary(&[0u8; 5000]).await;
    let frame = t.expect_close().await.expect("a close frame");
    assert_eq!(frame.code, 1009);
    t.stop().await;
}

#[tokio::test]
async fn on_close_runs_once_per_connection() {
    struct Closer(Arc<AtomicUsize>);
    impl Handler for Closer {
        type Context = AtomicUsize;
        fn init(_: &mut Handshake, _: &Conn, context: &Arc<AtomicUsize>) -> Result<Closer, Reject> {
            Ok(Closer(context.clone()))
        }
        fn on_message(&mut self, _: &Conn, _: Message) {}
        fn on_close(&mut self, _: &Conn) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let counter = Arc::new(AtomicUsize::new(0));
    let server = WsServer::bind::<Closer>(
        "127.0.0.1:0".parse().unwrap(),
        WsConfig::default(),
        counter.clone(),
    )
    .await
    .unwrap();
    let url = format!("ws://127.0.0.1:{}/", server.local_addr().port());
    // One ends with a closing handshake, one by dropping the socket, and one is still
    // open when the server shuts down.
    let mut a = WsClient::connect(&url, &[]).await.unwrap();
    a.close(1000, "").await.unwrap();
    assert!(matches!(a.read().await.unwrap(), Received::Closed(_)));
    let b = WsClient::connect(&url, &[]).await.unwrap();
    drop(b);
    for _ in 0..300 {
        if counter.load(Ordering::SeqCst) == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(counter.load(Ordering::SeqCst), 2);
    let c = WsClient::connect(&url, &[]).await.unwrap();
    server.shutdown().await;
    assert_eq!(counter.load(Ordering::SeqCst), 3);
    drop(c);
}

/// Keeps every connection's `Conn` so the test can push to it from elsewhere.
struct Keeper;

#[derive(Default)]
struct Kept {
    conns: Mutex<Vec<Conn>>,
}

impl Handler for Keeper {
    type Context = Kept;

    fn init(_: &mut Handshake, conn: &Conn, context: &Arc<Kept>) -> Result<Keeper, Reject> {
        context.conns.lock().unwrap().push(conn.clone());
        Ok(Keeper)
    }

    fn on_message(&mut self, conn: &Conn, message: Message) {
        let _ = conn.send(&message);
    }
}

#[tokio::test]
async fn sends_from_other_tasks_and_threads_wake_an_idle_connection() {
    let kept = Arc::new(Kept::default());
    let (server, client) = no_deflate();
    let mut t = TestClient::start_with::<Keeper>(Arc::clone(&kept), "/", server, client).await;
    // A round trip first, so the connection's task is waiting with nothing to do.
    t.send_text("ping").await;
    t.expect_text("ping").await;
    let conn = kept.conns.lock().unwrap()[0].clone();
    for i in 0..50 {
        let pushed = format!("task {i}");
        let from_task = conn.clone();
        tokio::spawn(async move { from_task.send_text(&pushed).unwrap() })
            .await
            .unwrap();
        t.expect_text(&format!("task {i}")).await;
        let from_thread = conn.clone();
        std::thread::spawn(move || from_thread.send_text(&format!("thread {i}")).unwrap())
            .join()
            .unwrap();
        t.expect_text(&format!("thread {i}")).await;
    }
    // Interleaved with the connection's own replies.
    t.send_text("echo").await;
    conn.send_text("pushed").unwrap();
    let mut seen = Vec::new();
    for _ in 0..2 {
        match t.client.read().await.unwrap() {
            Received::Message(Message::Text(text)) => seen.push(text.to_vec()),
            other => panic!("expected a text message, got {other:?}"),
        }
    }
    seen.sort();
    assert_eq!(seen, [b"echo".to_vec(), b"pushed".to_vec()]);
    t.stop().await;
}

/// Sends a mix from one callback: small and big messages, small and big premade frames;
/// and, asked "close", closes and then tries to send (recording what that returned).
struct Mixer {
    mixed: Arc<Mixed>,
}

impl Mixer {
    fn after_close(&self, results: Vec<Result<(), qport_ws::conn::SendError>>) {
        self.mixed.after_close.lock().unwrap().extend(results);
    }
}

#[derive(Default)]
struct Mixed {
    after_close: Mutex<Vec<Result<(), qport_ws::conn::SendError>>>,
}

/// What `Mixer` sends for "mix", in order.
fn mix() -> Vec<Message> {
    let big_text = "t".repeat(20_000);
    let big_binary: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    vec![
        Message::Text("a".into()),
        Message::Binary(big_binary.clone().into()),
        Message::Text(big_text.into()),
        Message::Text("premade small".into()),
        Message::Binary(vec![7; 70_000].into()),
        Message::Text("b".into()),
    ]
}

impl Handler for Mixer {
    type Context = Mixed;

    fn init(_: &mut Handshake, _: &Conn, mixed: &Arc<Mixed>) -> Result<Mixer, Reject> {
        Ok(Mixer {
            mixed: Arc::clone(mixed),
        })
    }

    fn on_message(&mut self, conn: &Conn, message: Message) {
        match message.payload().as_ref() {
            b"mix" => {
                let messages = mix();
                conn.send(&messages[0]).unwrap();
                conn.send(&messages[1]).unwrap();
                conn.send_text(std::str::from_utf8(messages[2].payload()).unwrap())
                    .unwrap();
                conn.send_frame(frame_text("premade small")).unwrap();
                conn.send_frame(qport_ws::conn::frame_binary(messages[4].payload()))
                    .unwrap();
                conn.send_text("b").unwrap();
            }
            b"close" => {
                conn.close(4000, "bye");
                let late = [conn.send_text("late"), conn.send_frame(frame_text("late"))];
                self.after_close(late.to_vec());
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn a_callbacks_sends_arrive_in_order_whatever_their_size_and_kind() {
    // Without compression they go through the connection's reply buffer; with it, through
    // the locked queue.
    for deflate in [false, true] {
        let (mut server, mut client) = no_deflate();
        server.deflate.enabled = deflate;
        client.deflate.enabled = deflate;
        let mut t =
            TestClient::start_with::<Mixer>(Arc::new(Mixed::default()), "/", server, client).await;
        for _ in 0..3 {
            t.send_text("mix").await;
            for expected in mix() {
                match t.client.read().await.unwrap() {
                    Received::Message(message) => {
                        assert_eq!(message, expected, "deflate {deflate}")
                    }
                    other => panic!("expected {expected:?}, got {other:?}"),
                }
            }
        }
        t.stop().await;
    }
}

#[tokio::test]
async fn nothing_is_sent_after_a_close_made_in_a_callback() {
    for deflate in [false, true] {
        let (mut server, mut client) = no_deflate();
        server.deflate.enabled = deflate;
        client.deflate.enabled = deflate;
        let mixed = Arc::new(Mixed::default());
        let mut t = TestClient::start_with::<Mixer>(Arc::clone(&mixed), "/", server, client).await;
        t.send_text("close").await;
        let frame = t.expect_close().await.expect("a close frame with a code");
        assert_eq!((frame.code, frame.reason.as_str()), (4000, "bye"));
        let closed = Err(qport_ws::conn::SendError::Closed);
        assert_eq!(*mixed.after_close.lock().unwrap(), [closed, closed]);
        t.stop().await;
    }
}

#[tokio::test]
async fn a_frame_sent_with_the_handshake_is_answered_after_the_101() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (server, _) = no_deflate();
    let server = WsServer::bind::<Echo>(
        "127.0.0.1:0".parse().unwrap(),
        server,
        Arc::new(Counts::default()),
    )
    .await
    .unwrap();
    let mut stream = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    // The request and a masked text frame "hi" in one write.
    let mut bytes = b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
        Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        .to_vec();
    let mask = [1u8, 2, 3, 4];
    bytes.extend([0x81, 0x82]);
    bytes.extend(mask);
    bytes.extend(b"hi".iter().zip(mask.iter().cycle()).map(|(b, m)| b ^ m));
    stream.write_all(&bytes).await.unwrap();
    let mut received = Vec::new();
    while !received.ends_with(b"\x81\x02hi") {
        let mut chunk = [0u8; 1024];
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "closed after {received:?}");
        received.extend(&chunk[..n]);
    }
    assert!(received.starts_with(b"HTTP/1.1 101"), "{received:?}");
    server.shutdown().await;
}

/// 64 KiB of incompressible bytes, so that frames are as big with deflate as without.
fn flood_payload() -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    (0..64 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// Asked "flood", sends a thousand 64 KiB messages from the callback and records how the
/// sends went.
struct Flooder {
    results: Arc<Mutex<Vec<Result<(), qport_ws::conn::SendError>>>>,
}

impl Handler for Flooder {
    type Context = Mutex<Vec<Result<(), qport_ws::conn::SendError>>>;

    fn init(_: &mut Handshake, _: &Conn, results: &Arc<Self::Context>) -> Result<Flooder, Reject> {
        Ok(Flooder {
            results: Arc::clone(results),
        })
    }

    fn on_message(&mut self, conn: &Conn, _: Message) {
        let payload = flood_payload();
        let results = (0..1000)
            .map(|_| conn.send_binary(&payload))
            .collect::<Vec<_>>();
        self.results.lock().unwrap().extend(results);
    }
}

#[tokio::test]
async fn sends_past_the_queue_limit_fail_and_close_the_connection() {
    for deflate in [false, true] {
        let (mut server, mut client) = no_deflate();
        server.deflate.enabled = deflate;
        client.deflate.enabled = deflate;
        server.max_queued_bytes = 1 << 20;
        let results = Arc::new(Mutex::new(Vec::new()));
        let mut t =
            TestClient::start_with::<Flooder>(Arc::clone(&results), "/", server, client).await;
        t.send_text("flood").await;
        // Fifteen frames of 64 KiB and a header fit in the 1 MiB; the sixteenth fails, and
        // so does every one after it (the connection is gone).
        while results.lock().unwrap().len() < 1000 {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let results = results.lock().unwrap().clone();
        let sent = results.iter().take_while(|r| r.is_ok()).count();
        assert_eq!(sent, 15, "deflate {deflate}");
        assert!(matches!(
            results[sent],
            Err(qport_ws::conn::SendError::SlowConsumer { .. })
        ));
        assert!(results[sent..].iter().all(|r| r.is_err()));
        // The client gets what was sent before, whole (the socket took part of it at once,
        // the rest waited), then the connection ends.
        let mut received = 0;
        let payload = flood_payload();
        while let Ok(Received::Message(message)) = t.client.read().await {
            assert_eq!(message, Message::Binary(payload.clone().into()));
            received += 1;
        }
        assert!(received <= 15, "deflate {deflate}: {received}");
        t.stop().await;
    }
}

/// A compressible text of about 300 bytes naming its sender and number.
fn numbered(sender: &str, i: usize) -> String {
    format!("{sender} {i:05} ").repeat(24)
}

/// Asked "race N", replies N messages from the callback while another thread sends N of
/// its own on the same connection: first both at once, then taking turns (the thread's
/// send made between two of the callback's, each waited for).
struct Racer;

impl Handler for Racer {
    type Context = ();

    fn init(_: &mut Handshake, _: &Conn, _: &Arc<()>) -> Result<Racer, Reject> {
        Ok(Racer)
    }

    fn on_message(&mut self, conn: &Conn, message: Message) {
        let text = std::str::from_utf8(message.payload()).unwrap();
        let count: usize = text.strip_prefix("race ").unwrap().parse().unwrap();
        let other = conn.clone();
        let thread = std::thread::spawn(move || {
            for i in 0..count {
                other.send_text(&numbered("thread", i)).unwrap();
            }
            other
        });
        for i in 0..count {
            conn.send_text(&numbered("reply", i)).unwrap();
        }
        let other = thread.join().unwrap();
        for i in count..2 * count {
            conn.send_text(&numbered("reply", i)).unwrap();
            let other = other.clone();
            std::thread::spawn(move || other.send_text(&numbered("thread", i)).unwrap())
                .join()
                .unwrap();
        }
    }
}

#[tokio::test]
async fn a_callbacks_compressed_replies_and_sends_from_elsewhere_arrive_whole_and_in_order() {
    // With context takeover each compressed frame depends on the ones compressed before
    // it: were the callback's replies and the thread's sends written in another order
    // than they were compressed, the client's inflater would fail or read the wrong text.
    let mut t = TestClient::start_with::<Racer>(
        Arc::new(()),
        "/",
        WsConfig::default(),
        ClientConfig::default(),
    )
    .await;
    for round in 0..5 {
        let count = 100;
        t.send_text(&format!("race {count}")).await;
        let mut next = [0usize; 2];
        for _ in 0..4 * count {
            let text = match t.client.read().await.unwrap() {
                Received::Message(Message::Text(text)) => String::from_utf8(text.to_vec()).unwrap(),
                other => panic!("round {round}: expected a text message, got {other:?}"),
            };
            let sender = usize::from(text.starts_with("thread"));
            let name = ["reply", "thread"][sender];
            assert_eq!(text, numbered(name, next[sender]), "round {round}");
            next[sender] += 1;
        }
        assert_eq!(next, [2 * count, 2 * count]);
    }
    t.stop().await;
}
