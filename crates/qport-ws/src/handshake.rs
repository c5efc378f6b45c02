//! The opening handshake (RFC 6455 §4), sans-io: parsing a client's upgrade request and
//! writing the 101 answer or a refusal; on the client side, writing the request and checking
//! the server's answer.

use std::hash::{BuildHasher, Hasher};
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use sha1::{Digest, Sha1};
use thiserror::Error;

/// Default cap on a request (or response) head. Browsers send 400–2,000 bytes, more with
/// cookies; 8 KiB is the common default of HTTP servers for a request line plus headers, and
/// it bounds what an unauthenticated peer can make us buffer before anything is decided.
pub const MAX_HANDSHAKE_LEN: usize = 8192;

/// Header lines we parse at most. Real handshakes have 5–20; past this a head is refused
/// (431) rather than scanned further. The array lives on the stack while parsing.
const MAX_HEADERS: usize = 100;

/// The GUID RFC 6455 §1.3 appends to the key before hashing.
const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// Why a handshake was refused. On the server side [`HandshakeError::status`] is the HTTP
/// status to answer with (see [`reject_bytes`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum HandshakeError {
    #[error("head longer than {max} bytes")]
    HeadTooLong { max: usize },
    #[error("more than {MAX_HEADERS} header lines")]
    TooManyHeaders,
    #[error("malformed HTTP head: {0}")]
    Malformed(&'static str),
    #[error("method {0} (a WebSocket upgrade is a GET)")]
    MethodNotGet(String),
    #[error("HTTP/1.{0} (a WebSocket handshake needs HTTP/1.1)")]
    NotHttp11(u8),
    #[error("no Host header")]
    MissingHost,
    #[error("no `Upgrade: websocket`")]
    NotWebSocketUpgrade,
    #[error("the Connection header lacks the `upgrade` token")]
    MissingConnectionUpgrade,
    #[error("Sec-WebSocket-Version {0:?} (only 13 is spoken)")]
    UnsupportedVersion(Option<String>),
    #[error("Sec-WebSocket-Key missing, repeated or not the base64 of 16 bytes")]
    BadKey,
    #[error("server answered {0}, not 101")]
    UnexpectedStatus(u16),
    #[error("Sec-WebSocket-Accept missing, repeated or wrong")]
    BadAccept,
    #[error("server chose subprotocol {0:?}, which was not offered")]
    UnexpectedProtocol(String),
    #[error("server answered extension {0:?}, which was not offered")]
    UnexpectedExtension(String),
    #[error("server's permessage-deflate answer is not acceptable: {0}")]
    BadDeflateResponse(&'static str),
}

impl HandshakeError {
    /// The HTTP status a server answers this with: 405 for a method other than GET, 426 (with
    /// `Sec-WebSocket-Version: 13`) for a version we do not speak, 431 for a head too big,
    /// 400 otherwise. Errors found in a server's response (client side) also say 400; nothing
    /// is sent for those.
    pub fn status(&self) -> u16 {
        match self {
            HandshakeError::MethodNotGet(_) => 405,
            HandshakeError::UnsupportedVersion(_) => 426,
            HandshakeError::HeadTooLong { .. } | HandshakeError::TooManyHeaders => 431,
            _ => 400,
        }
    }
}

/// A client's upgrade request, checked.
#[derive(Clone, Debug)]
pub struct HandshakeRequest {
    pub method: String,
    /// The request target's path, without the query.
    pub path: String,
    /// What follows the first `?` of the target, if there is one.
    pub query: Option<String>,
    /// Every header as received, in order.
    pub headers: Vec<(String, Vec<u8>)>,
    /// `Sec-WebSocket-Key`, trimmed.
    pub key: String,
    /// `Sec-WebSocket-Protocol` values, split on `,` and trimmed, empty items dropped.
    pub protocols: Vec<String>,
    /// All `Sec-WebSocket-Extensions` values joined with `", "` (empty if none).
    pub extensions: String,
}

impl HandshakeRequest {
    /// Parses a complete HTTP/1.1 request head at the start of `buf`. `Ok(None)`: the head is
    /// incomplete and shorter than `max_len`, read more. `Err` when `max_len` bytes hold no
    /// complete head, or when it is not a valid WebSocket upgrade: method GET, HTTP/1.1, one
    /// Host, `Upgrade: websocket`, `Connection` listing `upgrade`, `Sec-WebSocket-Version: 13`
    /// and one `Sec-WebSocket-Key` that is the base64 of 16 bytes. On success also returns
    /// the head's length (bytes after it are the first frames).
    pub fn parse(
        buf: &[u8],
        max_len: usize,
    ) -> Result<Option<(HandshakeRequest, usize)>, HandshakeError> {
        let window = &buf[..buf.len().min(max_len)];
        let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut slots);
        let Some(len) = head_len(request.parse(window), buf.len(), max_len)? else {
            return Ok(None);
        };
        let method = request.method.unwrap_or_default();
        if method != "GET" {
            return Err(HandshakeError::MethodNotGet(method.to_owned()));
        }
        let version = request.version.unwrap_or_default();
        if version != 1 {
            return Err(HandshakeError::NotHttp11(version));
        }
        let (path, query) = split_target(request.path.unwrap_or_default())?;
        let headers = request.headers;

        match count(headers, "host") {
            0 => return Err(HandshakeError::MissingHost),
            1 => {}
            _ => return Err(HandshakeError::Malformed("more than one Host header")),
        }
        if !any_token(headers, "upgrade", "websocket") {
            return Err(HandshakeError::NotWebSocketUpgrade);
        }
        if !any_token(headers, "connection", "upgrade") {
            return Err(HandshakeError::MissingConnectionUpgrade);
        }
        let versions: Vec<&[u8]> = values(headers, "sec-websocket-version").collect();
        if versions.len() != 1 || versions[0].trim_ascii() != b"13" {
            let seen = versions
                .first()
                .map(|v| String::from_utf8_lossy(v).into_owned());
            return Err(HandshakeError::UnsupportedVersion(seen));
        }
        let key = single_key(headers)?;

        let mut protocols = Vec::new();
        for value in values(headers, "sec-websocket-protocol") {
            let value = std::str::from_utf8(value)
                .map_err(|_| HandshakeError::Malformed("Sec-WebSocket-Protocol is not UTF-8"))?;
            protocols.extend(list_items(value).map(str::to_owned));
        }
        let mut extensions = String::new();
        for value in values(headers, "sec-websocket-extensions") {
            let value = std::str::from_utf8(value)
                .map_err(|_| HandshakeError::Malformed("Sec-WebSocket-Extensions is not UTF-8"))?
                .trim();
            if value.is_empty() {
                continue;
            }
            if !extensions.is_empty() {
                extensions.push_str(", ");
            }
            extensions.push_str(value);
        }

        let request = HandshakeRequest {
            method: method.to_owned(),
            path,
            query,
            headers: owned_headers(headers),
            key,
            protocols,
            extensions,
        };
        Ok(Some((request, len)))
    }

    /// The first header called `name` (compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }
}

/// `Sec-WebSocket-Accept` for `key`: base64(SHA-1(key + GUID)) (RFC 6455 §4.2.2).
pub fn accept_key(key: &str) -> String {
    let mut sha = Sha1::new();
    sha.update(key.as_bytes());
    sha.update(GUID.as_bytes());
    BASE64.encode(sha.finalize())
}

/// The 101 response: `Upgrade`, `Connection`, `Sec-WebSocket-Accept`, then the chosen
/// subprotocol and extension line if any, then `extra_headers`. An extra header whose name is
/// not an HTTP token or whose value holds CR, LF or NUL is left out (it would split the head).
pub fn response_bytes(
    key: &str,
    protocol: Option<&str>,
    extensions: Option<&str>,
    extra_headers: &[(String, String)],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(160);
    out.extend_from_slice(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n",
    );
    push_header(&mut out, "Sec-WebSocket-Accept", &accept_key(key));
    if let Some(protocol) = protocol {
        push_header(&mut out, "Sec-WebSocket-Protocol", protocol);
    }
    if let Some(extensions) = extensions {
        push_header(&mut out, "Sec-WebSocket-Extensions", extensions);
    }
    push_extra(&mut out, extra_headers);
    out.extend_from_slice(b"\r\n");
    out
}

/// A refusal: the status line, `Content-Length: 0`, `Connection: close`, then
/// `extra_headers` (checked as in [`response_bytes`]). 426 adds `Sec-WebSocket-Version: 13`
/// (RFC 6455 §4.4) and 405 adds `Allow: GET` (RFC 9110 §15.5.6 requires it).
pub fn reject_bytes(status: u16, extra_headers: &[(String, String)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    out.extend_from_slice(format!("HTTP/1.1 {status} {}\r\n", reason_phrase(status)).as_bytes());
    match status {
        426 => push_header(&mut out, "Sec-WebSocket-Version", "13"),
        405 => push_header(&mut out, "Allow", "GET"),
        _ => {}
    }
    out.extend_from_slice(b"Content-Length: 0\r\nConnection: close\r\n");
    push_extra(&mut out, extra_headers);
    out.extend_from_slice(b"\r\n");
    out
}

/// A fresh `Sec-WebSocket-Key`: 16 random bytes, base64. The key only has to differ between
/// connections (RFC 6455 §4.1: it keeps caches and confused servers from answering); it is no
/// secret. The bytes come from `/dev/urandom`; where that cannot be read, from std's
/// randomly keyed `RandomState` hashing a counter and the time, which needs no dependency.
pub fn new_client_key() -> String {
    let mut nonce = [0u8; 16];
    let from_os = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut nonce))
        .is_ok();
    if !from_os {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        for (half, chunk) in nonce.chunks_mut(8).enumerate() {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u64(count);
            hasher.write_u128(nanos);
            hasher.write_usize(half);
            chunk.copy_from_slice(&hasher.finish().to_le_bytes());
        }
    }
    BASE64.encode(nonce)
}

/// A client's upgrade request for `path_and_query` on `host`, offering `protocols` (in order
/// of preference) and `extensions` if given, then `extra_headers` (checked as in
/// [`response_bytes`]).
pub fn request_bytes(
    host: &str,
    path_and_query: &str,
    key: &str,
    protocols: &[String],
    extensions: Option<&str>,
    extra_headers: &[(String, String)],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    let target = if path_and_query.is_empty() {
        "/"
    } else {
        path_and_query
    };
    out.extend_from_slice(format!("GET {target} HTTP/1.1\r\n").as_bytes());
    push_header(&mut out, "Host", host);
    out.extend_from_slice(b"Upgrade: websocket\r\nConnection: Upgrade\r\n");
    push_header(&mut out, "Sec-WebSocket-Key", key);
    out.extend_from_slice(b"Sec-WebSocket-Version: 13\r\n");
    if !protocols.is_empty() {
        push_header(&mut out, "Sec-WebSocket-Protocol", &protocols.join(", "));
    }
    if let Some(extensions) = extensions.filter(|e| !e.is_empty()) {
        push_header(&mut out, "Sec-WebSocket-Extensions", extensions);
    }
    push_extra(&mut out, extra_headers);
    out.extend_from_slice(b"\r\n");
    out
}

/// A server's answer to our upgrade request, checked.
#[derive(Clone, Debug)]
pub struct HandshakeResponse {
    pub status: u16,
    /// Every header as received, in order.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The subprotocol the server chose (one of ours).
    pub protocol: Option<String>,
    /// All `Sec-WebSocket-Extensions` values joined with `", "`; check it with
    /// [`crate::deflate::accept_response`].
    pub extensions: Option<String>,
}

/// Parses the server's response head at the start of `buf` (`Ok(None)`: incomplete, read
/// more; `Err` past `max_len` bytes without a complete head). `Err` unless the status is 101,
/// `Upgrade: websocket` and `Connection: upgrade` are there, `Sec-WebSocket-Accept` matches
/// `key`, a subprotocol (if any) is one of `offered_protocols`, and every extension named is
/// `permessage-deflate` (the only one this crate offers; a caller that offered none must
/// refuse a response whose `extensions` is `Some`). Also returns the head's length.
pub fn parse_response(
    buf: &[u8],
    key: &str,
    offered_protocols: &[String],
    max_len: usize,
) -> Result<Option<(HandshakeResponse, usize)>, HandshakeError> {
    let window = &buf[..buf.len().min(max_len)];
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut slots);
    let Some(len) = head_len(response.parse(window), buf.len(), max_len)? else {
        return Ok(None);
    };
    let version = response.version.unwrap_or_default();
    if version != 1 {
        return Err(HandshakeError::NotHttp11(version));
    }
    let status = response.code.unwrap_or_default();
    if status != 101 {
        return Err(HandshakeError::UnexpectedStatus(status));
    }
    let headers = response.headers;
    if !any_token(headers, "upgrade", "websocket") {
        return Err(HandshakeError::NotWebSocketUpgrade);
    }
    if !any_token(headers, "connection", "upgrade") {
        return Err(HandshakeError::MissingConnectionUpgrade);
    }
    let accepts: Vec<&[u8]> = values(headers, "sec-websocket-accept").collect();
    if accepts.len() != 1 || accepts[0].trim_ascii() != accept_key(key).as_bytes() {
        return Err(HandshakeError::BadAccept);
    }

    // RFC 6455 §4.1: the server picks at most one of the offered subprotocols.
    let mut chosen: Vec<&str> = Vec::new();
    for value in values(headers, "sec-websocket-protocol") {
        let value = std::str::from_utf8(value)
            .map_err(|_| HandshakeError::Malformed("Sec-WebSocket-Protocol is not UTF-8"))?;
        chosen.extend(list_items(value));
    }
    let protocol = match chosen.as_slice() {
        [] => None,
        [one] if offered_protocols.iter().any(|p| p == one) => Some((*one).to_owned()),
        [one] => return Err(HandshakeError::UnexpectedProtocol((*one).to_owned())),
        _ => return Err(HandshakeError::UnexpectedProtocol(chosen.join(", "))),
    };

    let mut extensions: Option<String> = None;
    for value in values(headers, "sec-websocket-extensions") {
        let value = std::str::from_utf8(value)
            .map_err(|_| HandshakeError::Malformed("Sec-WebSocket-Extensions is not UTF-8"))?
            .trim();
        if value.is_empty() {
            continue;
        }
        for item in value.split(',') {
            let name = item.split(';').next().unwrap_or_default().trim();
            if !name.eq_ignore_ascii_case("permessage-deflate") {
                return Err(HandshakeError::UnexpectedExtension(name.to_owned()));
            }
        }
        match extensions.as_mut() {
            Some(all) => {
                all.push_str(", ");
                all.push_str(value);
            }
            None => extensions = Some(value.to_owned()),
        }
    }

    let response = HandshakeResponse {
        status,
        headers: owned_headers(headers),
        protocol,
        extensions,
    };
    Ok(Some((response, len)))
}

/// Splits a request target into path and query. Origin form (`/a?b`) is what clients send;
/// absolute form (`ws://host/a?b`, RFC 9112 §3.2.2) is accepted too and reduced to its path.
fn split_target(target: &str) -> Result<(String, Option<String>), HandshakeError> {
    let origin_form = if target.starts_with('/') {
        target
    } else if let Some((_, rest)) = target.split_once("://") {
        rest.find(['/', '?']).map_or("/", |at| &rest[at..])
    } else {
        return Err(HandshakeError::Malformed("request target is not a path"));
    };
    let (path, query) = match origin_form.split_once('?') {
        Some((path, query)) => (path, Some(query.to_owned())),
        None => (origin_form, None),
    };
    let path = if path.is_empty() { "/" } else { path };
    Ok((path.to_owned(), query))
}

/// The value of the one `Sec-WebSocket-Key` header, if it is the base64 of 16 bytes.
fn single_key(headers: &[httparse::Header<'_>]) -> Result<String, HandshakeError> {
    let keys: Vec<&[u8]> = values(headers, "sec-websocket-key").collect();
    let [key] = keys.as_slice() else {
        return Err(HandshakeError::BadKey);
    };
    let key = key.trim_ascii();
    match BASE64.decode(key) {
        Ok(nonce) if nonce.len() == 16 => {
            // Base64 output is ASCII, so this never fails once it decoded.
            String::from_utf8(key.to_vec()).map_err(|_| HandshakeError::BadKey)
        }
        _ => Err(HandshakeError::BadKey),
    }
}

/// Values of every header called `name` (lower case).
fn values<'h>(
    headers: &'h [httparse::Header<'_>],
    name: &'h str,
) -> impl Iterator<Item = &'h [u8]> + 'h {
    headers
        .iter()
        .filter(move |h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value)
}

fn count(headers: &[httparse::Header<'_>], name: &str) -> usize {
    values(headers, name).count()
}

/// Whether some header called `name` lists `token` (comma-separated, case-insensitive), as
/// `Connection: keep-alive, Upgrade` does.
fn any_token(headers: &[httparse::Header<'_>], name: &str, token: &str) -> bool {
    values(headers, name).any(|value| {
        value
            .split(|&b| b == b',')
            .any(|item| item.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
    })
}

/// The items of a comma-separated header list, trimmed, empty ones dropped.
fn list_items(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty())
}

fn owned_headers(headers: &[httparse::Header<'_>]) -> Vec<(String, Vec<u8>)> {
    headers
        .iter()
        .map(|h| (h.name.to_owned(), h.value.to_vec()))
        .collect()
}

fn push_header(out: &mut Vec<u8>, name: &str, value: &str) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value.as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// Appends the caller's headers, leaving out any that would corrupt the head.
fn push_extra(out: &mut Vec<u8>, extra_headers: &[(String, String)]) {
    for (name, value) in extra_headers {
        let name_ok = !name.is_empty() && name.bytes().all(is_token_byte);
        let value_ok = !value.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0));
        if name_ok && value_ok {
            push_header(out, name, value);
        } else {
            tracing::warn!(header = %name, "left out a response header that is not valid HTTP");
        }
    }
}

/// HTTP token characters (RFC 9110 §5.6.2).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        101 => "Switching Protocols",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        426 => "Upgrade Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        // The reason phrase is optional (RFC 9112 §4); clients go by the code.
        _ => "",
    }
}

/// The length of a complete head from httparse's answer; `None` while more may come,
/// an error once `max_len` bytes hold no complete head.
fn head_len(
    parsed: httparse::Result<usize>,
    received: usize,
    max_len: usize,
) -> Result<Option<usize>, HandshakeError> {
    match parsed {
        Ok(httparse::Status::Complete(len)) => Ok(Some(len)),
        Ok(httparse::Status::Partial) if received >= max_len => {
            Err(HandshakeError::HeadTooLong { max: max_len })
        }
        Ok(httparse::Status::Partial) => Ok(None),
        Err(httparse::Error::TooManyHeaders) => Err(HandshakeError::TooManyHeaders),
        Err(e) => Err(HandshakeError::Malformed(httparse_reason(e))),
    }
}

fn httparse_reason(error: httparse::Error) -> &'static str {
    match error {
        httparse::Error::HeaderName => "invalid header name",
        httparse::Error::HeaderValue => "invalid header value",
        httparse::Error::NewLine => "invalid line ending",
        httparse::Error::Status => "invalid status",
        httparse::Error::Token => "invalid token",
        httparse::Error::TooManyHeaders => "too many headers",
        httparse::Error::Version => "invalid HTTP version",
    }
}
