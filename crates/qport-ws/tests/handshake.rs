//! The opening handshake against RFC 6455 §4: real clients' requests, every refusal with
//! its HTTP status, heads split at every byte, and the client side's checks of a response.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use qport_ws::handshake::{
    accept_key, new_client_key, parse_response, reject_bytes, request_bytes, response_bytes,
    HandshakeError, HandshakeRequest, MAX_HANDSHAKE_LEN,
};

/// RFC 6455 §1.3's sample key and the accept value it gives.
const SAMPLE_KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
const SAMPLE_ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

/// A typical Chrome upgrade request, asking for kdb+'s `kxnodeflate` subprotocol.
const CHROME: &str = "GET /ws?user=alice HTTP/1.1\r\n\
Host: localhost:5000\r\n\
Connection: Upgrade\r\n\
Pragma: no-cache\r\n\
Cache-Control: no-cache\r\n\
User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36\r\n\
Upgrade: websocket\r\n\
Origin: http://localhost:5000\r\n\
Sec-WebSocket-Version: 13\r\n\
Accept-Encoding: gzip, deflate, br, zstd\r\n\
Accept-Language: en-US,en;q=0.9\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\
Sec-WebSocket-Protocol: kxnodeflate\r\n\r\n";

/// A typical Firefox request: `Connection` lists keep-alive first.
const FIREFOX: &str = "GET / HTTP/1.1\r\n\
Host: localhost:5000\r\n\
User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n\
Accept: */*\r\n\
Accept-Language: en-US,en;q=0.5\r\n\
Accept-Encoding: gzip, deflate, br, zstd\r\n\
Sec-WebSocket-Version: 13\r\n\
Origin: http://localhost:5000\r\n\
Sec-WebSocket-Extensions: permessage-deflate\r\n\
Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n\
Connection: keep-alive, Upgrade\r\n\
Sec-Fetch-Dest: empty\r\n\
Sec-Fetch-Mode: websocket\r\n\
Sec-Fetch-Site: same-origin\r\n\
Pragma: no-cache\r\n\
Cache-Control: no-cache\r\n\
Upgrade: websocket\r\n\r\n";

/// Python websockets 17.4, as sent.
const PYTHON_WEBSOCKETS: &str = "GET / HTTP/1.1\r\n\
Host: 127.0.0.1:18766\r\n\
Upgrade: websocket\r\n\
Connection: Upgrade\r\n\
Sec-WebSocket-Key: qNHisoLvBvSPSNMaNypf9A==\r\n\
Sec-WebSocket-Version: 13\r\n\
Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\
User-Agent: Python/3.11 websockets/17.4\r\n\r\n";

/// Node's `ws` 8.23, as sent.
const NODE_WS: &str = "GET / HTTP/1.1\r\n\
Sec-WebSocket-Version: 13\r\n\
Sec-WebSocket-Key: QIrd6ybtgafbTHek5u2lww==\r\n\
Connection: Upgrade\r\n\
Upgrade: websocket\r\n\
Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\
Host: 127.0.0.1:18767\r\n\r\n";

/// Node 20's built-in WebSocket (undici), as sent: lower-case names and values.
const NODE_BUILTIN: &str = "GET /path?q=1 HTTP/1.1\r\n\
host: 127.0.0.1:18765\r\n\
connection: upgrade\r\n\
upgrade: websocket\r\n\
sec-websocket-key: vq6Ky08YLVSPzemwXG5CmA==\r\n\
sec-websocket-version: 13\r\n\
sec-websocket-protocol: kxnodeflate\r\n\
sec-websocket-extensions: permessage-deflate; client_max_window_bits\r\n\
accept: */*\r\n\
accept-language: *\r\n\
sec-fetch-mode: websocket\r\n\
user-agent: node\r\n\
pragma: no-cache\r\n\
cache-control: no-cache\r\n\
accept-encoding: gzip, deflate\r\n\r\n";

/// A minimal valid request with `line` substituted for the header named like it (or
/// added), or the header removed when `line` is just the name and a colon.
fn request_with(name: &str, line: Option<&str>) -> String {
    let base = [
        "Host: example.com",
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13",
    ];
    let mut head = String::from("GET / HTTP/1.1\r\n");
    let mut replaced = false;
    for header in base {
        if header.split(':').next() == Some(name) {
            replaced = true;
            if let Some(line) = line {
                head.push_str(line);
                head.push_str("\r\n");
            }
        } else {
            head.push_str(header);
            head.push_str("\r\n");
        }
    }
    if !replaced {
        if let Some(line) = line {
            head.push_str(line);
            head.push_str("\r\n");
        }
    }
    head.push_str("\r\n");
    head
}

fn parse(head: &str) -> Result<HandshakeRequest, HandshakeError> {
    match HandshakeRequest::parse(head.as_bytes(), MAX_HANDSHAKE_LEN)? {
        Some((request, len)) => {
            assert_eq!(len, head.len());
            Ok(request)
        }
        None => panic!("complete head reported incomplete"),
    }
}

fn refusal(head: &str) -> HandshakeError {
    match parse(head) {
        Ok(request) => panic!("accepted {request:?}"),
        Err(error) => error,
    }
}

#[test]
fn accepts_chrome_request() {
    let request = parse(CHROME).expect("Chrome's request");
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/ws");
    assert_eq!(request.query.as_deref(), Some("user=alice"));
    assert_eq!(request.key, SAMPLE_KEY);
    assert_eq!(request.protocols, vec!["kxnodeflate".to_owned()]);
    assert_eq!(
        request.extensions,
        "permessage-deflate; client_max_window_bits"
    );
    assert_eq!(request.headers.len(), 13);
    assert_eq!(request.headers[0].0, "Host");
    assert_eq!(
        request.header("origin"),
        Some(&b"http://localhost:5000"[..])
    );
    assert_eq!(request.header("ORIGIN"), request.header("Origin"));
    assert_eq!(request.header("cookie"), None);
}

#[test]
fn accepts_firefox_request_with_keep_alive_before_upgrade() {
    let request = parse(FIREFOX).expect("Firefox's request");
    assert_eq!(request.path, "/");
    assert_eq!(request.query, None);
    assert_eq!(request.extensions, "permessage-deflate");
    assert!(request.protocols.is_empty());
    // kdb+'s own client sends this fixed key; a repeated key is no reason to refuse.
    assert_eq!(request.key, "x3JJHMbDL1EzLkh9GBhXDw==");
}

#[test]
fn accepts_python_websockets_request() {
    let request = parse(PYTHON_WEBSOCKETS).expect("websockets' request");
    assert_eq!(request.key, "qNHisoLvBvSPSNMaNypf9A==");
    assert_eq!(
        request.extensions,
        "permessage-deflate; client_max_window_bits"
    );
}

#[test]
fn accepts_node_ws_request_with_host_last() {
    let request = parse(NODE_WS).expect("ws' request");
    assert_eq!(request.header("host"), Some(&b"127.0.0.1:18767"[..]));
}

#[test]
fn accepts_node_builtin_request_in_lower_case() {
    let request = parse(NODE_BUILTIN).expect("undici's request");
    assert_eq!(request.path, "/path");
    assert_eq!(request.query.as_deref(), Some("q=1"));
    assert_eq!(request.protocols, vec!["kxnodeflate".to_owned()]);
    assert_eq!(request.headers[0].0, "host");
}

#[test]
fn head_length_leaves_the_bytes_that_follow() {
    let mut bytes = PYTHON_WEBSOCKETS.as_bytes().to_vec();
    bytes.extend_from_slice(&[0x81, 0x85, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    let (_, len) = HandshakeRequest::parse(&bytes, MAX_HANDSHAKE_LEN)
        .expect("valid")
        .expect("complete");
    assert_eq!(len, PYTHON_WEBSOCKETS.len());
    assert_eq!(bytes[len], 0x81);
}

#[test]
fn is_incomplete_at_every_split_until_the_blank_line() {
    for head in [CHROME, FIREFOX, PYTHON_WEBSOCKETS, NODE_WS, NODE_BUILTIN] {
        let bytes = head.as_bytes();
        for cut in 0..bytes.len() {
            let parsed = HandshakeRequest::parse(&bytes[..cut], MAX_HANDSHAKE_LEN);
            assert!(
                matches!(parsed, Ok(None)),
                "cut at {cut} of {}: {parsed:?}",
                bytes.len()
            );
        }
        let (_, len) = HandshakeRequest::parse(bytes, MAX_HANDSHAKE_LEN)
            .expect("valid")
            .expect("complete");
        assert_eq!(len, bytes.len());
    }
}

#[test]
fn refuses_a_head_that_does_not_end_within_the_limit() {
    let head = CHROME.as_bytes();
    // The whole head fits exactly: fine.
    assert!(matches!(
        HandshakeRequest::parse(head, head.len()),
        Ok(Some(_))
    ));
    // One byte short of room: the limit is reached without a complete head.
    assert_eq!(
        HandshakeRequest::parse(head, head.len() - 1).unwrap_err(),
        HandshakeError::HeadTooLong {
            max: head.len() - 1
        }
    );
    // Fewer bytes than the limit so far: keep reading.
    assert!(matches!(
        HandshakeRequest::parse(&head[..100], 200),
        Ok(None)
    ));
    // Endless headers never complete.
    let mut endless = String::from("GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ");
    endless.push_str(&"a".repeat(MAX_HANDSHAKE_LEN));
    let error = HandshakeRequest::parse(endless.as_bytes(), MAX_HANDSHAKE_LEN).unwrap_err();
    assert_eq!(
        error,
        HandshakeError::HeadTooLong {
            max: MAX_HANDSHAKE_LEN
        }
    );
    assert_eq!(error.status(), 431);
}

#[test]
fn refuses_too_many_headers_with_431() {
    let mut head = request_with("Host", Some("Host: x"));
    head.truncate(head.len() - 2);
    for i in 0..200 {
        head.push_str(&format!("X-{i}: y\r\n"));
    }
    head.push_str("\r\n");
    let error = refusal(&head);
    assert_eq!(error, HandshakeError::TooManyHeaders);
    assert_eq!(error.status(), 431);
}

#[test]
fn refuses_other_methods_with_405_and_allow() {
    let head = request_with("Host", Some("Host: x")).replacen("GET", "POST", 1);
    let error = refusal(&head);
    assert_eq!(error, HandshakeError::MethodNotGet("POST".to_owned()));
    assert_eq!(error.status(), 405);
    let answer = String::from_utf8(reject_bytes(405, &[])).expect("ASCII");
    assert!(answer.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
    assert!(answer.contains("\r\nAllow: GET\r\n"));
}

#[test]
fn refuses_http_1_0_with_400() {
    let head = request_with("Host", Some("Host: x")).replacen("HTTP/1.1", "HTTP/1.0", 1);
    let error = refusal(&head);
    assert_eq!(error, HandshakeError::NotHttp11(0));
    assert_eq!(error.status(), 400);
}

#[test]
fn refuses_missing_or_repeated_host_with_400() {
    let error = refusal(&request_with("Host", None));
    assert_eq!(error, HandshakeError::MissingHost);
    assert_eq!(error.status(), 400);
    let twice = request_with("Origin", Some("Host: y"));
    assert_eq!(refusal(&twice).status(), 400);
}

#[test]
fn refuses_missing_or_other_upgrade_with_400() {
    for line in [None, Some("Upgrade: h2c"), Some("Upgrade: websockets")] {
        let error = refusal(&request_with("Upgrade", line));
        assert_eq!(error, HandshakeError::NotWebSocketUpgrade, "{line:?}");
        assert_eq!(error.status(), 400);
    }
    // A token list and any case are fine.
    parse(&request_with("Upgrade", Some("Upgrade: foo, WebSocket"))).expect("listed");
}

#[test]
fn refuses_connection_without_upgrade_token_with_400() {
    for line in [
        None,
        Some("Connection: keep-alive"),
        Some("Connection: upgraded"),
    ] {
        let error = refusal(&request_with("Connection", line));
        assert_eq!(error, HandshakeError::MissingConnectionUpgrade, "{line:?}");
        assert_eq!(error.status(), 400);
    }
    parse(&request_with(
        "Connection",
        Some("Connection: keep-alive,UPGRADE"),
    ))
    .expect("listed");
}

#[test]
fn refuses_other_versions_with_426_naming_13() {
    for (line, seen) in [
        (Some("Sec-WebSocket-Version: 8"), Some("8")),
        (Some("Sec-WebSocket-Version: 13, 8"), Some("13, 8")),
        (None, None),
    ] {
        let error = refusal(&request_with("Sec-WebSocket-Version", line));
        assert_eq!(
            error,
            HandshakeError::UnsupportedVersion(seen.map(str::to_owned))
        );
        assert_eq!(error.status(), 426);
    }
    let answer = String::from_utf8(reject_bytes(426, &[])).expect("ASCII");
    assert_eq!(
        answer,
        "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
}

#[test]
fn refuses_bad_keys_with_400() {
    let bad = [
        None,
        Some("Sec-WebSocket-Key: "),
        Some("Sec-WebSocket-Key: not base64 at all"),
        // 15 and 17 bytes.
        Some("Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAA"),
        Some("Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAAA="),
        // 16 bytes without padding.
        Some("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ"),
    ];
    for line in bad {
        let error = refusal(&request_with("Sec-WebSocket-Key", line));
        assert_eq!(error, HandshakeError::BadKey, "{line:?}");
        assert_eq!(error.status(), 400);
    }
    let twice = request_with(
        "Origin",
        Some("Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw=="),
    );
    assert_eq!(refusal(&twice), HandshakeError::BadKey);
}

#[test]
fn refuses_malformed_heads_with_400() {
    for head in [
        "GET / HTTP/1.1\r\nHost x\r\n\r\n",
        "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
        "GET\r\n\r\n",
    ] {
        let error = refusal(head);
        assert!(
            matches!(error, HandshakeError::Malformed(_)),
            "{head:?}: {error:?}"
        );
        assert_eq!(error.status(), 400);
    }
    let star = request_with("Host", Some("Host: x")).replacen("GET /", "GET *", 1);
    assert!(matches!(refusal(&star), HandshakeError::Malformed(_)));
}

#[test]
fn splits_and_trims_subprotocols_and_joins_extension_lines() {
    let head = "GET /a/b?x=1?y HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\
        Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
        Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: kxnodeflate ,, json\r\n\
        Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n\
        Sec-WebSocket-Protocol: msgpack\r\n\
        Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n";
    let request = parse(head).expect("valid");
    assert_eq!(request.path, "/a/b");
    assert_eq!(request.query.as_deref(), Some("x=1?y"));
    assert_eq!(request.protocols, ["kxnodeflate", "json", "msgpack"]);
    assert_eq!(
        request.extensions,
        "permessage-deflate; server_no_context_takeover, permessage-deflate"
    );
}

#[test]
fn reduces_an_absolute_target_to_its_path() {
    let head = request_with("Host", Some("Host: x")).replacen("GET /", "GET ws://x:5000/q?a", 1);
    let request = parse(&head).expect("absolute form");
    assert_eq!(request.path, "/q");
    assert_eq!(request.query.as_deref(), Some("a"));
    let bare = request_with("Host", Some("Host: x")).replacen("GET /", "GET ws://x:5000", 1);
    assert_eq!(parse(&bare).expect("no path").path, "/");
}

#[test]
fn accept_key_matches_rfc_6455_example() {
    assert_eq!(accept_key(SAMPLE_KEY), SAMPLE_ACCEPT);
}

#[test]
fn writes_the_101_response() {
    let plain = String::from_utf8(response_bytes(SAMPLE_KEY, None, None, &[])).expect("ASCII");
    assert_eq!(
        plain,
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
    );
    let full = response_bytes(
        SAMPLE_KEY,
        Some("kxnodeflate"),
        Some("permessage-deflate; server_no_context_takeover"),
        &[("X-Server".to_owned(), "qport".to_owned())],
    );
    let full = String::from_utf8(full).expect("ASCII");
    assert!(full.ends_with(
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\
         Sec-WebSocket-Protocol: kxnodeflate\r\n\
         Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n\
         X-Server: qport\r\n\r\n"
    ));
}

#[test]
fn leaves_out_extra_headers_that_would_split_the_head() {
    let extra = [
        ("X-Bad".to_owned(), "a\r\nSet-Cookie: x".to_owned()),
        ("X Bad".to_owned(), "a".to_owned()),
        (String::new(), "a".to_owned()),
        ("X-Good".to_owned(), "b".to_owned()),
    ];
    for bytes in [
        response_bytes(SAMPLE_KEY, None, None, &extra),
        reject_bytes(401, &extra),
    ] {
        let text = String::from_utf8(bytes).expect("ASCII");
        assert!(
            !text.contains("Bad") && !text.contains("Set-Cookie"),
            "{text}"
        );
        assert!(text.ends_with("X-Good: b\r\n\r\n"), "{text}");
    }
}

#[test]
fn writes_refusals_with_connection_close() {
    let answer = String::from_utf8(reject_bytes(400, &[])).expect("ASCII");
    assert_eq!(
        answer,
        "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    let unknown = String::from_utf8(reject_bytes(418, &[])).expect("ASCII");
    assert!(unknown.starts_with("HTTP/1.1 418 \r\n"));
}

#[test]
fn client_keys_are_fresh_16_byte_nonces() {
    let a = new_client_key();
    let b = new_client_key();
    assert_ne!(a, b);
    for key in [a, b] {
        assert_eq!(key.len(), 24);
        assert_eq!(BASE64.decode(&key).expect("base64").len(), 16);
    }
}

#[test]
fn client_request_parses_as_a_valid_upgrade() {
    let key = new_client_key();
    let protocols = ["kxnodeflate".to_owned(), "json".to_owned()];
    let bytes = request_bytes(
        "db.example:5000",
        "/feed?sym=AAPL",
        &key,
        &protocols,
        Some("permessage-deflate; client_max_window_bits"),
        &[("Authorization".to_owned(), "Basic dTpw".to_owned())],
    );
    let (request, len) = HandshakeRequest::parse(&bytes, MAX_HANDSHAKE_LEN)
        .expect("valid")
        .expect("complete");
    assert_eq!(len, bytes.len());
    assert_eq!(request.path, "/feed");
    assert_eq!(request.query.as_deref(), Some("sym=AAPL"));
    assert_eq!(request.key, key);
    assert_eq!(request.protocols, protocols);
    assert_eq!(
        request.extensions,
        "permessage-deflate; client_max_window_bits"
    );
    assert_eq!(request.header("authorization"), Some(&b"Basic dTpw"[..]));
    assert_eq!(request.header("host"), Some(&b"db.example:5000"[..]));

    let bare = request_bytes("h", "", &key, &[], None, &[]);
    let (request, _) = HandshakeRequest::parse(&bare, MAX_HANDSHAKE_LEN)
        .expect("valid")
        .expect("complete");
    assert_eq!(request.path, "/");
    assert!(request.protocols.is_empty() && request.extensions.is_empty());
}

#[test]
fn client_accepts_the_servers_101() {
    let offered = ["kxnodeflate".to_owned()];
    let mut bytes = response_bytes(
        SAMPLE_KEY,
        Some("kxnodeflate"),
        Some("permessage-deflate; client_max_window_bits=10"),
        &[],
    );
    let head_len = bytes.len();
    bytes.extend_from_slice(&[0x82, 0x00]);
    let (response, len) = parse_response(&bytes, SAMPLE_KEY, &offered, MAX_HANDSHAKE_LEN)
        .expect("valid")
        .expect("complete");
    assert_eq!(len, head_len);
    assert_eq!(response.status, 101);
    assert_eq!(response.protocol.as_deref(), Some("kxnodeflate"));
    assert_eq!(
        response.extensions.as_deref(),
        Some("permessage-deflate; client_max_window_bits=10")
    );
    for cut in 0..head_len {
        assert!(matches!(
            parse_response(&bytes[..cut], SAMPLE_KEY, &offered, MAX_HANDSHAKE_LEN),
            Ok(None)
        ));
    }
    let plain = response_bytes(SAMPLE_KEY, None, None, &[]);
    let (response, _) = parse_response(&plain, SAMPLE_KEY, &offered, MAX_HANDSHAKE_LEN)
        .expect("valid")
        .expect("complete");
    assert_eq!(response.protocol, None);
    assert_eq!(response.extensions, None);
}

#[test]
fn client_refuses_a_bad_response() {
    let key = SAMPLE_KEY;
    let offered = ["kxnodeflate".to_owned()];
    let check = |head: &str| {
        parse_response(head.as_bytes(), key, &offered, MAX_HANDSHAKE_LEN).expect_err("refused")
    };
    let good = |extra: &str| {
        format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Accept: {SAMPLE_ACCEPT}\r\n{extra}\r\n"
        )
    };
    assert_eq!(
        check("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"),
        HandshakeError::UnexpectedStatus(401)
    );
    assert_eq!(
        check(&good("").replace(SAMPLE_ACCEPT, "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")),
        HandshakeError::BadAccept
    );
    assert_eq!(
        check(&good(&format!("Sec-WebSocket-Accept: {SAMPLE_ACCEPT}\r\n"))),
        HandshakeError::BadAccept
    );
    assert_eq!(
        check(&good("").replace("Upgrade: websocket\r\n", "")),
        HandshakeError::NotWebSocketUpgrade
    );
    assert_eq!(
        check(&good("").replace("Connection: Upgrade", "Connection: close")),
        HandshakeError::MissingConnectionUpgrade
    );
    assert_eq!(
        check(&good("Sec-WebSocket-Protocol: json\r\n")),
        HandshakeError::UnexpectedProtocol("json".to_owned())
    );
    assert!(matches!(
        check(&good(
            "Sec-WebSocket-Protocol: kxnodeflate, kxnodeflate\r\n"
        )),
        HandshakeError::UnexpectedProtocol(_)
    ));
    assert_eq!(
        check(&good(
            "Sec-WebSocket-Extensions: x-webkit-deflate-frame\r\n"
        )),
        HandshakeError::UnexpectedExtension("x-webkit-deflate-frame".to_owned())
    );
    let long = good(&format!("X-Pad: {}\r\n", "a".repeat(MAX_HANDSHAKE_LEN)));
    assert_eq!(
        check(&long),
        HandshakeError::HeadTooLong {
            max: MAX_HANDSHAKE_LEN
        }
    );
}
