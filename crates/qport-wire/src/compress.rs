//! kdb+'s IPC compression, byte-exact, and the sender's policy.
//!
//! The stream is groups of one control byte and up to 8 items; bit k (LSB first) of the
//! control byte says whether item k is a literal byte (0) or a back-reference (1): two
//! bytes, a slot in a 256-entry table of earlier positions keyed by the XOR of two
//! adjacent bytes, and a count of extra bytes beyond the 2 the reference always copies.
//! Positions are offsets into the uncompressed message, so they start at 8.
//!
//! kdb+ does not check compressed data on receipt; `decompress` does: a reference to an
//! empty slot, a copy past the declared length and running out of input are all errors.

use crate::error::WireError;
use crate::header::{Compression, Header, HEADER_LEN};

/// kdb+ compresses only messages longer than this (header included).
pub const COMPRESSION_THRESHOLD: usize = 2000;

/// Where the compressed stream starts for each layout.
const STREAM_START_32: usize = HEADER_LEN + 4;
const STREAM_START_64: usize = HEADER_LEN + 8;

/// Compresses a whole uncompressed message as kdb+ does, or `None` where kdb+ would send it
/// as it is: 2000 bytes or less, or not compressible to under half its size.
pub fn compress_message(message: &[u8]) -> Option<Vec<u8>> {
    if message.len() <= COMPRESSION_THRESHOLD {
        return None;
    }
    let header = Header::parse(message[..HEADER_LEN].try_into().ok()?).ok()?;
    if header.compression != Compression::None || header.length != message.len() as u64 {
        return None;
    }
    compress_unchecked(message, header)
}

/// The sender's rule: compress when the peer's capability allows it, the peer is not on
/// this host (kdb+ never compresses to localhost or over a Unix socket), the message is
/// over 2000 bytes and the result is under half. A caller that wants compression on a
/// local link anyway (tests, `-18!`) passes `peer_is_local = false`.
pub fn compress_for_peer(
    message: &[u8],
    peer_can_decompress: bool,
    peer_is_local: bool,
) -> Option<Vec<u8>> {
    if !peer_can_decompress || peer_is_local {
        return None;
    }
    compress_message(message)
}

fn compress_unchecked(x: &[u8], header: Header) -> Option<Vec<u8>> {
    let n = x.len();
    let layout = if n as u64 > u64::from(u32::MAX) {
        Compression::Compressed64
    } else {
        Compression::Compressed32
    };
    let stream_start = match layout {
        Compression::Compressed64 => STREAM_START_64,
        _ => STREAM_START_32,
    };
    // The output may never reach half the input; a group needs at most 1 + 8 × 2 bytes,
    // so checking room for one whole group at each group start is enough.
    let capacity = n / 2;
    if capacity < stream_start + 17 {
        return None;
    }
    let group_limit = capacity - 17;
    let mut out = vec![0u8; capacity];
    // Each slot holds a position (shifted up 8 bits; 0 = empty) and the byte found there,
    // so a look-up needs one load, not a load of the position and then of its byte.
    let mut table = [0u64; 256];
    let entry = |position: usize, byte: u8| (position as u64) << 8 | u64::from(byte);
    let mut d = stream_start;
    // A literal's position enters the table only after the next look-up (0 = none).
    let mut pending_slot = 0usize;
    let mut pending_entry = 0u64;
    let mut s = HEADER_LEN;
    let mut h = 0usize;
    let lookup_end = n - 2; // look-ups need 3 bytes left: s + 3 <= n
    while s < n {
        // A group: a control byte, then up to 8 items, its bits saying which are matches.
        if d > group_limit {
            return None;
        }
        let control = d;
        d += 1;
        let mut flags = 0u8;
        for bit in 0..8 {
            if s >= n {
                break;
            }
            let byte = x[s];
            let mut found = 0u64;
            if s < lookup_end {
                h = usize::from(byte ^ x[s + 1]);
                found = table[h];
            }
            if pending_entry != 0 {
                table[pending_slot] = pending_entry;
                pending_entry = 0;
            }
            // Same first byte and same XOR of the first two: the first two bytes match.
            if found != 0 && found as u8 == byte {
                let p = (found >> 8) as usize;
                table[h] = entry(s, byte);
                flags |= 1 << bit;
                let extra = match_extension(x, p + 2, s + 2);
                s += 2 + extra;
                out[d] = h as u8;
                out[d + 1] = extra as u8;
                d += 2;
            } else {
                pending_slot = h;
                pending_entry = entry(s, byte);
                out[d] = byte;
                d += 1;
                s += 1;
            }
        }
        out[control] = flags;
    }
    out.truncate(d);
    let compressed = Header {
        compression: layout,
        length: d as u64,
        ..header
    };
    let mut head = compressed.to_bytes();
    head[0] = x[0];
    if header.big_endian {
        head[4..8].copy_from_slice(&(d as u32).to_be_bytes());
    }
    out[..HEADER_LEN].copy_from_slice(&head);
    match layout {
        Compression::Compressed64 => out[HEADER_LEN..STREAM_START_64]
            .copy_from_slice(&endian_u64(n as u64, header.big_endian)),
        _ => out[HEADER_LEN..STREAM_START_32]
            .copy_from_slice(&endian_u32(n as u32, header.big_endian)),
    }
    Some(out)
}

/// How many bytes after a 2-byte match also match, at most 255 and not past the end.
/// Matches in real messages are mostly short, so a byte loop beats wider compares.
#[inline]
fn match_extension(x: &[u8], from: usize, to: usize) -> usize {
    let limit = (x.len() - to).min(255);
    let (a, b) = (&x[from..from + limit], &x[to..to + limit]);
    a.iter().zip(b).take_while(|(p, q)| p == q).count()
}

fn endian_u32(value: u32, big_endian: bool) -> [u8; 4] {
    if big_endian {
        value.to_be_bytes()
    } else {
        value.to_le_bytes()
    }
}

fn endian_u64(value: u64, big_endian: bool) -> [u8; 8] {
    if big_endian {
        value.to_be_bytes()
    } else {
        value.to_le_bytes()
    }
}

/// The uncompressed message for a compressed one (flag 1 or 2), at most `max_len` bytes.
pub fn decompress_message(message: &[u8], max_len: u64) -> Result<Vec<u8>, WireError> {
    let header = Header::of_message(message, max_len)?;
    let stream_start = match header.compression {
        Compression::None => return Err(WireError::Malformed("message is not compressed")),
        Compression::Compressed32 => STREAM_START_32,
        Compression::Compressed64 => STREAM_START_64,
    };
    let size_field = &message[HEADER_LEN..stream_start];
    let total = if size_field.len() == 4 {
        let b: [u8; 4] = size_field.try_into().unwrap_or_default();
        u64::from(if header.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    } else {
        let b: [u8; 8] = size_field.try_into().unwrap_or_default();
        if header.big_endian {
            u64::from_be_bytes(b)
        } else {
            u64::from_le_bytes(b)
        }
    };
    if total < HEADER_LEN as u64 + 2 {
        return Err(WireError::CorruptCompression(
            "uncompressed length too small",
        ));
    }
    if total > max_len {
        return Err(WireError::Limit {
            what: "uncompressed message length",
            size: total,
            max: max_len,
        });
    }
    // Each stream byte yields at most 257 output bytes (a reference of 2 + 255), so a
    // stream cannot honestly declare more than that: refuse before allocating.
    let stream = &message[stream_start..];
    if total - HEADER_LEN as u64 > stream.len() as u64 * 257 {
        return Err(WireError::CorruptCompression(
            "declared length exceeds what the data can hold",
        ));
    }
    let total = usize::try_from(total).map_err(|_| WireError::Limit {
        what: "uncompressed message length",
        size: total,
        max: usize::MAX as u64,
    })?;
    let mut out = vec![0u8; total];
    expand(stream, &mut out)?;
    let plain = Header {
        compression: Compression::None,
        length: total as u64,
        ..header
    };
    let mut head = plain.to_bytes();
    head[0] = message[0];
    if header.big_endian {
        head[4..8].copy_from_slice(&(total as u32).to_be_bytes());
    }
    out[..HEADER_LEN].copy_from_slice(&head);
    Ok(out)
}

/// Runs the stream into `out[8..]`.
fn expand(stream: &[u8], out: &mut [u8]) -> Result<(), WireError> {
    let total = out.len();
    let mut table = [0usize; 256];
    let mut s = HEADER_LEN;
    let mut p = HEADER_LEN;
    let mut d = 0;
    let mut flags = 0u8;
    let mut bit = 0u8;
    let ran_out = WireError::CorruptCompression("stream ends before the declared length");
    while s < total {
        if bit == 0 {
            flags = *stream.get(d).ok_or_else(|| ran_out.clone())?;
            d += 1;
            bit = 1;
        }
        if flags & bit != 0 {
            let (&slot, &extra) = stream
                .get(d)
                .zip(stream.get(d + 1))
                .ok_or_else(|| ran_out.clone())?;
            d += 2;
            let r = table[slot as usize];
            if r == 0 {
                return Err(WireError::CorruptCompression("reference to an empty slot"));
            }
            let len = 2 + extra as usize;
            if s + len > total {
                return Err(WireError::CorruptCompression(
                    "reference copies past the end",
                ));
            }
            // r < s always holds (the table only holds earlier positions); the source may
            // overlap the destination, which must then repeat byte by byte.
            if r + len <= s {
                out.copy_within(r..r + len, s);
            } else {
                for i in 0..len {
                    out[s + i] = out[r + i];
                }
            }
            // Hash the pairs up to the first two copied bytes, then skip the rest of the match.
            while p + 1 < s + 2 {
                table[(out[p] ^ out[p + 1]) as usize] = p;
                p += 1;
            }
            s += len;
            p = s;
        } else {
            out[s] = *stream.get(d).ok_or_else(|| ran_out.clone())?;
            d += 1;
            s += 1;
            while p + 1 < s {
                table[(out[p] ^ out[p + 1]) as usize] = p;
                p += 1;
            }
        }
        bit = bit.wrapping_shl(1);
    }
    Ok(())
}
