//! For handler authors: run a handler on a real loopback server, talk to it with a real
//! client, and assert on what it sends (`expect_text`, `expect_binary`, `expect_close`),
//! as websocket.zig's testing module does.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::client::{ClientConfig, Received, WsClient};
use crate::close::CloseFrame;
use crate::protocol::Message;
use crate::server::{Handler, WsConfig, WsServer};

/// How long an expectation waits before it fails.
const WAIT: Duration = Duration::from_secs(5);

pub struct TestClient {
    pub client: WsClient,
    server: WsServer,
}

impl TestClient {
    /// Starts a server for `H` on a free loopback port and connects to `path`.
    pub async fn start<H: Handler>(context: Arc<H::Context>, path: &str) -> TestClient {
        TestClient::start_with::<H>(context, path, WsConfig::default(), ClientConfig::default())
            .await
    }

    pub async fn start_with<H: Handler>(
        context: Arc<H::Context>,
        path: &str,
        server_config: WsConfig,
        client_config: ClientConfig,
    ) -> TestClient {
        let address = SocketAddr::from(([127, 0, 0, 1], 0));
        let server = WsServer::bind::<H>(address, server_config, context)
            .await
            .expect("a loopback server starts");
        let url = format!("ws://127.0.0.1:{}{}", server.local_addr().port(), path);
        let client = WsClient::connect_with(&url, &[], client_config)
            .await
            .expect("the client connects");
        TestClient { client, server }
    }

    pub async fn send_text(&mut self, text: &str) {
        self.client.send_text(text).await.expect("sent");
    }

    pub async fn send_binary(&mut self, bytes: &[u8]) {
        self.client.send_binary(bytes).await.expect("sent");
    }

    /// The next thing the handler sent is this text message.
    pub async fn expect_text(&mut self, expected: &str) {
        match self.next().await {
            Received::Message(Message::Text(text)) if text == expected.as_bytes() => {}
            other => panic!("expected the text {expected:?}, got {other:?}"),
        }
    }

    /// The next thing the handler sent is this binary message.
    pub async fn expect_binary(&mut self, expected: &[u8]) {
        match self.next().await {
            Received::Message(Message::Binary(bytes)) if bytes == expected => {}
            other => panic!("expected the binary {expected:?}, got {other:?}"),
        }
    }

    /// The handler closed the connection; its Close frame is returned.
    pub async fn expect_close(&mut self) -> Option<CloseFrame> {
        match self.next().await {
            Received::Closed(frame) => frame,
            other => panic!("expected a close, got {other:?}"),
        }
    }

    /// Stops the server.
    pub async fn stop(self) {
        self.server.shutdown().await;
    }

    async fn next(&mut self) -> Received {
        match tokio::time::timeout(WAIT, self.client.read()).await {
            Ok(Ok(received)) => received,
            Ok(Err(error)) => panic!("reading from the handler failed: {error}"),
            Err(_) => panic!("the handler sent nothing within {WAIT:?}"),
        }
    }
}
