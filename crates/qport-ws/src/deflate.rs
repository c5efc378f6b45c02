//! permessage-deflate (RFC 7692): negotiating its parameters in the handshake, and the
//! per-connection compressor and decompressor of message payloads.
//!
//! Window bits: zlib cannot deflate raw streams with a 256-byte window (8 bits), and flate2
//! accepts 9..=15 only, so 8 is negotiated honestly but run as 9 on both sides. That is safe:
//! a 9-bit deflater never emits a distance over 250 (zlib's `MAX_DIST` = window − 262), which
//! an 8-bit inflater reads; and a 9-bit inflater reads any 8-bit stream.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use crate::error::ProtocolError;
use crate::handshake::HandshakeError;

/// The extension's registered name.
const NAME: &str = "permessage-deflate";

/// What a sync flush ends with; removed from each compressed message and put back before
/// inflating (RFC 7692 §7.2.1, §7.2.2).
const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// Output space asked for per inflate call: at least this, so tiny fragments do not make tiny
/// calls; at most the larger, so the reservation grows with what the data really gives.
const MIN_INFLATE_STEP: usize = 4096;
const MAX_INFLATE_STEP: usize = 256 * 1024;

/// The parameters agreed in the handshake. Window bits are 8..=15, 15 when not negotiated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeflateParams {
    /// The server resets its compressor after each message.
    pub server_no_context_takeover: bool,
    /// The client resets its compressor after each message.
    pub client_no_context_takeover: bool,
    /// The largest window the server compresses with.
    pub server_max_window_bits: u8,
    /// The largest window the client compresses with.
    pub client_max_window_bits: u8,
}

impl Default for DeflateParams {
    /// A bare `permessage-deflate`: context takeover both ways, 32 KiB windows.
    fn default() -> DeflateParams {
        DeflateParams {
            server_no_context_takeover: false,
            client_no_context_takeover: false,
            server_max_window_bits: 15,
            client_max_window_bits: 15,
        }
    }
}

/// Our compression policy, for either role.
#[derive(Clone, Debug)]
pub struct DeflateConfig {
    /// Offer (client) or accept (server) permessage-deflate at all.
    pub enabled: bool,
    /// Messages shorter than this are sent uncompressed (RSV1 clear). Below ~128 bytes a
    /// message and its headers fit one packet anyway, so compressing saves no packet and
    /// costs a deflate call (several times the cost of framing a small message).
    pub threshold: usize,
    /// Cap on one message's inflated size (a few compressed bytes can claim gigabytes).
    pub max_inflated: usize,
    /// zlib level, 0..=9. Level 1 (zlib's fastest matcher) keeps most of the ratio on text
    /// and JSON; the level, not the framing, decides deflate's CPU cost per message.
    pub level: u32,
    /// Server: ask for `server_no_context_takeover` even if the client did not (no 32 KiB of
    /// history kept per connection between messages, at some cost in ratio). Client: offer it.
    pub server_no_context_takeover: bool,
    /// Largest server window we allow (8..=15): the server compresses with at most this;
    /// a client offers it as `server_max_window_bits`.
    pub server_max_window_bits: u8,
    /// Largest client window we allow (8..=15): a server answers it when the client offered
    /// `client_max_window_bits` (8 is asked as 9: zlib since 1.2.9 cannot deflate raw streams
    /// with an 8-bit window, so clients built on it would fail); a client offers it as a hint
    /// and compresses with at most it.
    pub client_max_window_bits: u8,
}

impl Default for DeflateConfig {
    fn default() -> DeflateConfig {
        DeflateConfig {
            enabled: true,
            threshold: 128,
            max_inflated: 64 << 20,
            level: 1,
            server_no_context_takeover: false,
            server_max_window_bits: 15,
            client_max_window_bits: 15,
        }
    }
}

/// Which end of the connection we are: decides whose parameters our compressor follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Server,
    Client,
}

/// One permessage-deflate offer or answer, its parameters checked (RFC 7692 §7.1): each known
/// parameter at most once, no unknown ones, flags without values, window bits 8..=15 written
/// without leading zeros.
#[derive(Clone, Copy, Debug, Default)]
struct Parameters {
    server_no_context_takeover: bool,
    client_no_context_takeover: bool,
    server_max_window_bits: Option<u8>,
    /// `Some(None)`: present without a value (allowed in an offer only).
    client_max_window_bits: Option<Option<u8>>,
}

impl Parameters {
    /// Parses one comma-separated element if it is permessage-deflate. `Err(name)` for another
    /// extension; `Ok(None)` for a permessage-deflate element that breaks the rules.
    fn parse(element: &str) -> Result<Option<Parameters>, String> {
        let mut parts = split_unquoted(element, b';').into_iter();
        let name = parts.next().unwrap_or_default().trim();
        if !name.eq_ignore_ascii_case(NAME) {
            return Err(name.to_owned());
        }
        let mut found = Parameters::default();
        for part in parts {
            let (key, value) = match part.split_once('=') {
                Some((key, value)) => match unquote(value.trim()) {
                    Some(value) => (key.trim(), Some(value)),
                    None => return Ok(None),
                },
                None => (part.trim(), None),
            };
            let fresh = match (key.to_ascii_lowercase().as_str(), value) {
                ("server_no_context_takeover", None) => {
                    !std::mem::replace(&mut found.server_no_context_takeover, true)
                }
                ("client_no_context_takeover", None) => {
                    !std::mem::replace(&mut found.client_no_context_takeover, true)
                }
                ("server_max_window_bits", Some(value)) => match window_bits(&value) {
                    Some(bits) => found.server_max_window_bits.replace(bits).is_none(),
                    None => return Ok(None),
                },
                ("client_max_window_bits", value) => {
                    let bits = match value {
                        Some(value) => match window_bits(&value) {
                            Some(bits) => Some(bits),
                            None => return Ok(None),
                        },
                        None => None,
                    };
                    found.client_max_window_bits.replace(bits).is_none()
                }
                _ => return Ok(None),
            };
            if !fresh {
                return Ok(None);
            }
        }
        Ok(Some(found))
    }
}

/// Server side: picks the first acceptable permessage-deflate offer in the client's
/// `Sec-WebSocket-Extensions` value(s) and answers it. An offer with an unknown, repeated or
/// badly valued parameter is skipped (RFC 7692 §7.1). The answer carries what is in effect:
/// `server_no_context_takeover` if the client asked or our policy does; `server_max_window_bits`
/// if the client named one (we honour it: ours is at most that) or our policy is below 15;
/// `client_max_window_bits` only if the client offered it, with its hint or our cap, when that
/// is below 15. A client's `client_no_context_takeover` is only a hint (§7.1.1.2): we keep our
/// inflate window either way and leave it out of the answer, since clients that read it as
/// permission (Autobahn's) would then compress worse. `None`: no compression.
pub fn negotiate(offers: &str, config: &DeflateConfig) -> Option<(DeflateParams, String)> {
    if !config.enabled {
        return None;
    }
    let offer = split_unquoted(offers, b',')
        .into_iter()
        .filter(|element| !element.trim().is_empty())
        .find_map(|element| Parameters::parse(element).ok().flatten())?;

    let server_cap = config.server_max_window_bits.clamp(8, 15);
    let client_cap = config.client_max_window_bits.clamp(9, 15);
    let server_bits = offer
        .server_max_window_bits
        .map_or(server_cap, |n| n.min(server_cap));
    let client_hint = offer.client_max_window_bits;
    let client_bits = client_hint.map_or(15, |hint| hint.unwrap_or(15).min(client_cap));
    let params = DeflateParams {
        server_no_context_takeover: offer.server_no_context_takeover
            || config.server_no_context_takeover,
        client_no_context_takeover: false,
        server_max_window_bits: server_bits,
        client_max_window_bits: client_bits,
    };

    let mut answer = String::from(NAME);
    if params.server_no_context_takeover {
        answer.push_str("; server_no_context_takeover");
    }
    if offer.server_max_window_bits.is_some() || server_bits < 15 {
        answer.push_str(&format!("; server_max_window_bits={server_bits}"));
    }
    if matches!(client_hint, Some(Some(_))) || (client_hint.is_some() && client_bits < 15) {
        answer.push_str(&format!("; client_max_window_bits={client_bits}"));
    }
    Some((params, answer))
}

/// Client side: the `Sec-WebSocket-Extensions` value to send (empty when compression is off).
/// Always says `client_max_window_bits`, so a server may choose our window (we can use any).
pub fn client_offer(config: &DeflateConfig) -> String {
    if !config.enabled {
        return String::new();
    }
    let mut offer = String::from(NAME);
    offer.push_str("; client_max_window_bits");
    let client_cap = config.client_max_window_bits.clamp(8, 15);
    if client_cap < 15 {
        offer.push_str(&format!("={client_cap}"));
    }
    if config.server_no_context_takeover {
        offer.push_str("; server_no_context_takeover");
    }
    let server_cap = config.server_max_window_bits.clamp(8, 15);
    if server_cap < 15 {
        offer.push_str(&format!("; server_max_window_bits={server_cap}"));
    }
    offer
}

/// Client side: checks the server's `Sec-WebSocket-Extensions` answer against what
/// [`client_offer`] offered for `config`, giving the parameters in effect. Refused: anything
/// but one permessage-deflate element, parameters that break RFC 7692 §7.1, a window above
/// what we offered, and leaving out `server_no_context_takeover` or `server_max_window_bits`
/// when we asked for them (the server must accept them by echoing, §7.1.1.1, §7.1.2.1).
pub fn accept_response(
    response: &str,
    config: &DeflateConfig,
) -> Result<DeflateParams, HandshakeError> {
    let elements: Vec<&str> = split_unquoted(response, b',')
        .into_iter()
        .filter(|element| !element.trim().is_empty())
        .collect();
    let [element] = elements.as_slice() else {
        return Err(HandshakeError::BadDeflateResponse(
            "not exactly one extension answered",
        ));
    };
    let answer = match Parameters::parse(element) {
        Ok(Some(answer)) => answer,
        Ok(None) => {
            return Err(HandshakeError::BadDeflateResponse(
                "unknown, repeated or badly valued parameter",
            ))
        }
        Err(name) => return Err(HandshakeError::UnexpectedExtension(name)),
    };

    let server_cap = config.server_max_window_bits.clamp(8, 15);
    let client_cap = config.client_max_window_bits.clamp(8, 15);
    if config.server_no_context_takeover && !answer.server_no_context_takeover {
        return Err(HandshakeError::BadDeflateResponse(
            "server_no_context_takeover was asked for and not accepted",
        ));
    }
    let server_bits = match answer.server_max_window_bits {
        Some(bits) if bits > server_cap => {
            return Err(HandshakeError::BadDeflateResponse(
                "server_max_window_bits above the one offered",
            ))
        }
        Some(bits) => bits,
        None if server_cap < 15 => {
            return Err(HandshakeError::BadDeflateResponse(
                "server_max_window_bits was offered and not accepted",
            ))
        }
        None => 15,
    };
    let client_bits = match answer.client_max_window_bits {
        Some(None) => {
            return Err(HandshakeError::BadDeflateResponse(
                "client_max_window_bits answered without a value",
            ))
        }
        Some(Some(bits)) if bits > client_cap => {
            return Err(HandshakeError::BadDeflateResponse(
                "client_max_window_bits above the one offered",
            ))
        }
        Some(Some(bits)) => bits,
        None => client_cap,
    };
    Ok(DeflateParams {
        server_no_context_takeover: answer.server_no_context_takeover,
        client_no_context_takeover: answer.client_no_context_takeover,
        server_max_window_bits: server_bits,
        client_max_window_bits: client_bits,
    })
}

/// Compresses outgoing messages: raw deflate, each message ended by a sync flush whose
/// `00 00 ff ff` is removed (RFC 7692 §7.2.1).
pub struct Deflater {
    compress: Compress,
    /// Our side agreed to no context takeover: forget the history after each message.
    reset_each: bool,
}

impl Deflater {
    /// A compressor for our side of `params` at zlib `level` (clamped to 0..=9).
    pub fn new(params: &DeflateParams, role: Role, level: u32) -> Deflater {
        let (bits, reset_each) = match role {
            Role::Server => (
                params.server_max_window_bits,
                params.server_no_context_takeover,
            ),
            Role::Client => (
                params.client_max_window_bits,
                params.client_no_context_takeover,
            ),
        };
        let level = Compression::new(level.min(9));
        Deflater {
            compress: Compress::new_with_window_bits(level, false, zlib_bits(bits)),
            reset_each,
        }
    }

    /// Appends `payload`, compressed as one message, to `out`.
    pub fn compress(&mut self, payload: &[u8], out: &mut Vec<u8>) {
        if payload.is_empty() {
            // zlib writes nothing for a second sync flush with no new input, so an empty
            // message is the one byte RFC 7692 §7.2.3.6 allows: an empty stored block's
            // header, which the receiver's appended 00 00 ff ff completes.
            out.push(0x00);
            if self.reset_each {
                self.compress.reset();
            }
            return;
        }
        let start = out.len();
        let mut input = payload;
        loop {
            // Text and JSON shrink to well under half; the loop grows the space if not.
            out.reserve(input.len() / 2 + 64);
            let before_in = self.compress.total_in();
            let before_out = self.compress.total_out();
            let status = self.compress.compress_vec(input, out, FlushCompress::Sync);
            // zlib fails only on a corrupted stream state, which no input can cause.
            let status = status.expect("deflate with a valid state accepts any input");
            let consumed = (self.compress.total_in() - before_in) as usize;
            let produced = self.compress.total_out() - before_out;
            input = &input[consumed..];
            // The flush is complete once all input is in and zlib left output space unused.
            let room_left = out.len() < out.capacity();
            if input.is_empty() && room_left {
                break;
            }
            if status == Status::BufError || (consumed == 0 && produced == 0 && input.is_empty()) {
                break;
            }
        }
        debug_assert!(out[start..].ends_with(&TAIL), "sync flush ends 00 00 ff ff");
        if out[start..].ends_with(&TAIL) {
            out.truncate(out.len() - TAIL.len());
        }
        if self.reset_each {
            self.compress.reset();
        }
    }
}

/// Inflates incoming messages, a message at a time, possibly in pieces (fragments): call
/// [`Inflater::decompress`] for each piece, then [`Inflater::finish`] at the message's end.
/// A message that would inflate past `max` bytes is refused as soon as it does, having
/// allocated little more than `max`.
pub struct Inflater {
    decompress: Decompress,
    /// The peer agreed to no context takeover: start each message with an empty window.
    reset_each: bool,
    /// Bytes inflated for the current message.
    produced: usize,
    /// Compressed bytes seen for the current message.
    received: bool,
    /// The current message held a final (BFINAL) block; what follows it is ignored.
    ended: bool,
}

impl Inflater {
    /// A decompressor for the peer's side of `params`.
    pub fn new(params: &DeflateParams, role: Role) -> Inflater {
        let (bits, reset_each) = match role {
            Role::Server => (
                params.client_max_window_bits,
                params.client_no_context_takeover,
            ),
            Role::Client => (
                params.server_max_window_bits,
                params.server_no_context_takeover,
            ),
        };
        Inflater {
            decompress: Decompress::new_with_window_bits(false, zlib_bits(bits)),
            reset_each,
            produced: 0,
            received: false,
            ended: false,
        }
    }

    /// Inflates one piece of the current message onto `out`. `max` caps the message's
    /// inflated size: past it, `MessageTooBig` (its `size` is where inflating stopped, just
    /// past `max`). Data that does not inflate: `BadCompressedData`. After an error the
    /// connection is to be failed; the Inflater starts afresh if used again.
    pub fn decompress(
        &mut self,
        piece: &[u8],
        out: &mut Vec<u8>,
        max: usize,
    ) -> Result<(), ProtocolError> {
        if piece.is_empty() {
            return Ok(());
        }
        self.received = true;
        self.inflate(piece, out, max)
    }

    /// Ends the current message: feeds the `00 00 ff ff` its sender removed (RFC 7692
    /// §7.2.2), then resets the window if the peer does not take over context.
    pub fn finish(&mut self, out: &mut Vec<u8>, max: usize) -> Result<(), ProtocolError> {
        // A compressed message with no payload at all carries no block; inflating the bare
        // tail would leave a stored block half read, so there is nothing to do.
        let result = if self.received {
            self.inflate(&TAIL, out, max)
        } else {
            Ok(())
        };
        if result.is_ok() {
            if self.reset_each || self.ended {
                self.decompress.reset(false);
            }
            self.start_message();
        }
        result
    }

    fn start_message(&mut self) {
        self.produced = 0;
        self.received = false;
        self.ended = false;
    }

    /// Forgets everything after an error, so a later message cannot read a broken state.
    fn fail(&mut self, error: ProtocolError) -> Result<(), ProtocolError> {
        self.decompress.reset(false);
        self.start_message();
        Err(error)
    }

    fn inflate(
        &mut self,
        mut input: &[u8],
        out: &mut Vec<u8>,
        max: usize,
    ) -> Result<(), ProtocolError> {
        while !self.ended {
            // One byte past what is allowed: writing it is how "too big" shows.
            let room = max.saturating_sub(self.produced).saturating_add(1);
            let want = input
                .len()
                .saturating_mul(4)
                .clamp(MIN_INFLATE_STEP, MAX_INFLATE_STEP)
                .min(room);
            out.reserve(want);
            let before_in = self.decompress.total_in();
            let before_out = self.decompress.total_out();
            let status = self.decompress.decompress_uninit(
                input,
                &mut out.spare_capacity_mut()[..want],
                FlushDecompress::Sync,
            );
            let consumed = (self.decompress.total_in() - before_in) as usize;
            let written = (self.decompress.total_out() - before_out) as usize;
            // SAFETY: `written` counts the bytes the call wrote, contiguously from the start
            // of the spare capacity it was given (the same contract `decompress_vec` uses).
            unsafe { out.set_len(out.len() + written) };
            self.produced += written;
            input = &input[consumed..];

            let status = match status {
                Ok(status) => status,
                Err(_) => return self.fail(ProtocolError::BadCompressedData),
            };
            if self.produced > max {
                let size = self.produced as u64;
                out.truncate(out.len() - (self.produced - max));
                return self.fail(ProtocolError::MessageTooBig {
                    size,
                    max: max as u64,
                });
            }
            match status {
                Status::StreamEnd => self.ended = true,
                // Output space left over means zlib took all it could from the input.
                _ if written < want || (consumed == 0 && written == 0) => break,
                _ => {}
            }
        }
        Ok(())
    }
}

/// The window flate2 can run for `bits` negotiated (see the module note on 8).
fn zlib_bits(bits: u8) -> u8 {
    bits.clamp(9, 15)
}

/// Window bits as RFC 7692 §7.1.2 writes them: 8..=15, decimal, no leading zero.
fn window_bits(value: &str) -> Option<u8> {
    if value.is_empty() || value.len() > 2 || value.starts_with('0') {
        return None;
    }
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let bits: u8 = value.parse().ok()?;
    (8..=15).contains(&bits).then_some(bits)
}

/// Splits `s` on `sep` outside double-quoted strings (RFC 6455 §9.1 allows a parameter value
/// to be a quoted string).
fn split_unquoted(s: &str, sep: u8) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quoted = false;
    let mut escaped = false;
    let mut start = 0;
    for (at, b) in s.bytes().enumerate() {
        if escaped {
            escaped = false;
        } else if quoted && b == b'\\' {
            escaped = true;
        } else if b == b'"' {
            quoted = !quoted;
        } else if b == sep && !quoted {
            parts.push(&s[start..at]);
            start = at + 1;
        }
    }
    parts.push(&s[start..]);
    parts
}

/// A parameter value as a plain string: a token as is, a quoted string without its quotes
/// and escapes. `None` for an empty value or a broken quoted string.
fn unquote(value: &str) -> Option<String> {
    let Some(inner) = value.strip_prefix('"') else {
        return (!value.is_empty() && !value.contains('"')).then(|| value.to_owned());
    };
    let inner = inner.strip_suffix('"')?;
    let mut plain = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => plain.push(chars.next()?),
            '"' => return None,
            c => plain.push(c),
        }
    }
    Some(plain)
}
