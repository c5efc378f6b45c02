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

use std::mem::MaybeUninit;

use crate::error::WireError;
use crate::header::{Compression, Header, HEADER_LEN};

pub mod chunks;

use chunks::Plan;

/// kdb+ compresses only messages longer than this (header included).
pub const COMPRESSION_THRESHOLD: usize = 2000;

/// Where the compressed stream starts for each layout.
const STREAM_START_32: usize = HEADER_LEN + 4;
const STREAM_START_64: usize = HEADER_LEN + 8;

/// Compresses a whole uncompressed message as kdb+ does, or `None` where kdb+ would send it
/// as it is: 2000 bytes or less, or not compressible to under half its size.
///
/// A message of 16 MiB or more is compressed on up to as many threads as the machine has
/// cores (see [`chunks`]); the bytes are the same as on one.
pub fn compress_message(message: &[u8]) -> Option<Vec<u8>> {
    compress_message_on_threads(message, chunks::available_threads())
}

/// [`compress_message`] on at most `threads` threads (1: on the caller's alone).
pub fn compress_message_on_threads(message: &[u8], threads: usize) -> Option<Vec<u8>> {
    if message.len() <= COMPRESSION_THRESHOLD {
        return None;
    }
    let header = Header::parse(message[..HEADER_LEN].try_into().ok()?).ok()?;
    if header.compression != Compression::None || header.length != message.len() as u64 {
        return None;
    }
    compress_unchecked(message, header, Plan::new(message.len(), threads))
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

/// The most input one item covers: a reference copies 2 + 255 bytes.
const MAX_ITEM_LEN: usize = 2 + 255;
/// The most input (compressing) or output (decompressing) one group of 8 items covers.
const MAX_GROUP_LEN: usize = 8 * MAX_ITEM_LEN;
/// The most stream one group takes: its control byte and 8 two-byte references.
const MAX_GROUP_STREAM: usize = 1 + 8 * 2;
/// The output room one group is written through.
pub(crate) type Group = [MaybeUninit<u8>; MAX_GROUP_STREAM];

fn compress_unchecked(x: &[u8], header: Header, plan: Plan) -> Option<Vec<u8>> {
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
    // The output may never reach half the input; checking room for one whole group at
    // each group start is enough.
    let capacity = n / 2;
    if capacity < stream_start + MAX_GROUP_STREAM {
        return None;
    }
    // Not zeroed first: every byte up to the final length is written exactly once (the
    // groups, then the header and the length), so a zero fill would be a wasted pass.
    let mut out: Vec<u8> = Vec::with_capacity(capacity);
    let room = &mut out.spare_capacity_mut()[..capacity];
    let mut groups = GroupedOut::new(room, stream_start, capacity - MAX_GROUP_STREAM);
    chunks::compress_stream(x, &mut groups, plan)?;
    let d = groups.finish();

    let compressed = Header {
        compression: layout,
        length: d as u64,
        ..header
    };
    let length = match layout {
        Compression::Compressed64 => endian_u64(n as u64, header.big_endian).to_vec(),
        _ => endian_u32(n as u32, header.big_endian).to_vec(),
    };
    let room = &mut out.spare_capacity_mut()[..capacity];
    for (slot, byte) in room
        .iter_mut()
        .zip(compressed.to_bytes().into_iter().chain(length))
    {
        slot.write(byte);
    }
    // SAFETY: the header and the length filled `..stream_start`, and `GroupedOut` wrote
    // every byte of `stream_start..d` (see its doc).
    unsafe { out.set_len(d) };
    Some(out)
}

/// Where the next item of a group goes, and the group's control byte so far (kept out of
/// memory until the group ends).
pub(crate) struct Item {
    pub k: usize,
    pub control: u8,
}

/// The group starting at `out[d]`, or `None` past `limit`, when the output has no room
/// for another group (kdb+ then sends the message as it is). Groups are written through
/// this fixed-size window, so the compiler sees that every write is in range and checks
/// nothing per item.
fn group_at(out: &mut [MaybeUninit<u8>], d: usize, limit: usize) -> Option<&mut Group> {
    if d > limit {
        return None;
    }
    out[d..].first_chunk_mut()
}

/// The compressed stream as kdb+ lays it out: each group's control byte and then its
/// items, written contiguously from `d` on, so every byte from the start up to
/// [`finish`](Self::finish)'s result is written exactly once. A group may be left open
/// between calls (`items` of it written, its control byte not yet).
pub(crate) struct GroupedOut<'o> {
    room: &'o mut [MaybeUninit<u8>],
    /// Where the open (or next) group starts: its control byte's place.
    d: usize,
    /// The last `d` a group may start at.
    limit: usize,
    /// How many items the open group has (0: none open).
    items: u32,
    item: Item,
}

impl<'o> GroupedOut<'o> {
    fn new(room: &'o mut [MaybeUninit<u8>], d: usize, limit: usize) -> Self {
        debug_assert!(limit + MAX_GROUP_STREAM <= room.len());
        GroupedOut {
            room,
            d,
            limit,
            items: 0,
            item: Item { k: 1, control: 0 },
        }
    }

    /// Whole groups while `lz.s < stop` and a whole group's input is left; the open group
    /// must be closed. `None` when the output runs out of room.
    pub fn run_groups(&mut self, lz: &mut Compressor, stop: usize) -> Option<()> {
        debug_assert_eq!(self.items, 0);
        let mut local = lz.cursor();
        let (mut d, limit, out) = (self.d, self.limit, &mut *self.room);
        let n = local.x.len();
        let mut room = true;
        while local.s < stop && local.s + MAX_GROUP_LEN <= n {
            let Some(group) = group_at(out, d, limit) else {
                room = false;
                break;
            };
            let item = local.fast_group(group, 1, 0, &mut NotRecorded);
            group[0].write(item.control);
            d += item.k;
        }
        local.park();
        self.d = d;
        room.then_some(())
    }

    /// Items until `lz.s >= target` (at most the input's length): whole groups where they
    /// cannot pass `target`, one item at a time around them, so that a position `target`
    /// where an item starts is stopped at exactly.
    pub fn run_until(&mut self, lz: &mut Compressor, target: usize) -> Option<()> {
        debug_assert!(target <= lz.x.len());
        while lz.s < target && self.items != 0 {
            self.push_item(lz)?;
        }
        if lz.s + MAX_GROUP_LEN <= target {
            self.run_groups(lz, target + 1 - MAX_GROUP_LEN)?;
        }
        while lz.s < target {
            self.push_item(lz)?;
        }
        Some(())
    }

    /// Encodes one item at `lz.s` (which must be before the end).
    pub fn push_item(&mut self, lz: &mut Compressor) -> Option<()> {
        let bit = self.open()?;
        let group = open_window(self.room, self.d);
        let mut cursor = lz.cursor();
        if cursor.s + MAX_ITEM_LEN <= cursor.x.len() {
            cursor.fast_item(group, &mut self.item, bit, 0, &mut NotRecorded);
        } else {
            cursor.tail_item(group, &mut self.item, bit);
        }
        cursor.park();
        self.item_done();
        Some(())
    }

    /// Appends an item already encoded elsewhere: a literal byte, or a reference's slot
    /// and extra length.
    pub fn push_encoded(&mut self, encoded: &[u8]) -> Option<()> {
        let bit = self.open()?;
        let k = self.item.k;
        let group = open_window(self.room, self.d);
        match *encoded {
            [byte] => {
                group[k].write(byte);
            }
            [slot, extra] => {
                group[k].write(slot);
                group[k + 1].write(extra);
                self.item.control |= bit;
            }
            _ => return None,
        };
        self.item.k += encoded.len();
        self.item_done();
        Some(())
    }

    /// Appends a whole group already encoded elsewhere, its items `encoded[..n]` where `n`
    /// is 8 plus the references in `control`; `encoded` may run on, only its first 16
    /// bytes are read (a fixed-size copy is cheaper than an exact one). The open group must
    /// be closed.
    pub fn push_group(&mut self, control: u8, encoded: &[u8; 16]) -> Option<()> {
        debug_assert_eq!(self.items, 0);
        let group = group_at(self.room, self.d, self.limit)?;
        group[0].write(control);
        for (slot, &byte) in group[1..].iter_mut().zip(encoded) {
            slot.write(byte);
        }
        self.d += 1 + 8 + control.count_ones() as usize;
        Some(())
    }

    /// Whether no group is open.
    pub fn at_group_start(&self) -> bool {
        self.items == 0
    }

    /// Opens a group if none is, checking there is room for it; the next item's bit.
    fn open(&mut self) -> Option<u8> {
        if self.items == 0 {
            if self.d > self.limit {
                return None;
            }
            self.item = Item { k: 1, control: 0 };
        }
        Some(1 << self.items)
    }

    fn item_done(&mut self) {
        self.items += 1;
        if self.items == 8 {
            self.close();
        }
    }

    fn close(&mut self) {
        self.room[self.d].write(self.item.control);
        self.d += self.item.k;
        self.items = 0;
    }

    /// Closes the open group; the stream's end.
    fn finish(mut self) -> usize {
        if self.items != 0 {
            self.close();
        }
        self.d
    }
}

/// The open group's window: `d <= limit` while a group is open, and
/// `limit + MAX_GROUP_STREAM <= room.len()`.
fn open_window(room: &mut [MaybeUninit<u8>], d: usize) -> &mut Group {
    let window = &mut room[d..d + MAX_GROUP_STREAM];
    window.try_into().expect("a group's window fits")
}

/// The compressor's state between items: everything the rest of the stream depends on.
#[derive(Clone)]
pub(crate) struct Compressor<'a> {
    /// The whole uncompressed message.
    pub x: &'a [u8],
    /// The next position to encode.
    pub s: usize,
    /// Per slot, the last position entered and the byte found there, as
    /// `position << 8 | byte` (0 = empty): a look-up then needs one load, not a load of
    /// the position and then one of its byte.
    pub table: [u64; 256],
    /// A literal's position enters the table only after the next look-up; this is that
    /// insert. After a reference it repeats the reference's own insert, which is then
    /// harmless, so it can be applied unconditionally (no branch).
    pub pending_slot: u8,
    pub pending_entry: u64,
}

impl<'a> Compressor<'a> {
    /// A compressor that starts at `s` with an empty table, as kdb+'s does at the
    /// message's first byte after the header.
    pub fn new(x: &'a [u8], s: usize) -> Self {
        Compressor {
            x,
            s,
            table: [0; 256],
            pending_slot: 0,
            pending_entry: 0,
        }
    }

    /// The state to encode with, until [`Cursor::park`] puts it back.
    #[inline(always)]
    fn cursor(&mut self) -> Cursor<'a, '_> {
        Cursor {
            x: self.x,
            s: self.s,
            table: &mut self.table,
            pending_slot: self.pending_slot,
            pending_entry: self.pending_entry,
            home: (&mut self.s, &mut self.pending_slot, &mut self.pending_entry),
        }
    }
}

/// A [`Compressor`] at work: its scalars copied out, which the compiler keeps in
/// registers (worked on through a `&mut Compressor`, they were stored and reloaded at
/// every item: measured 20% slower), and its table borrowed.
pub(crate) struct Cursor<'a, 't> {
    x: &'a [u8],
    s: usize,
    table: &'t mut [u64; 256],
    pending_slot: u8,
    pending_entry: u64,
    /// Where `park` puts the scalars back.
    home: (&'t mut usize, &'t mut u8, &'t mut u64),
}

/// Told of each look-up that finds an entry older than `below` (an argument of
/// [`Cursor::fast_group`]), with the compressor's state as it is before that item
/// changes anything: the item is `bit` of its group and starts `k` bytes into it.
pub(crate) trait GuessedReads<'a> {
    /// Whether the compressor tells at all (it does not for [`NotRecorded`]).
    const RECORDED: bool;
    fn guessed_read(&mut self, state: Compressor<'a>, bit: u8, k: usize);
}

/// No record: the serial compressor's.
pub(crate) struct NotRecorded;

impl GuessedReads<'_> for NotRecorded {
    const RECORDED: bool = false;
    fn guessed_read(&mut self, _: Compressor<'_>, _: u8, _: usize) {}
}

impl<'a> Cursor<'a, '_> {
    /// The compressor's whole state, as it is between items. Out of line and cold: it is
    /// called rarely, and inlined it made the compiler keep the scalars in memory.
    #[cold]
    #[inline(never)]
    fn snapshot(x: &'a [u8], s: usize, table: &[u64; 256], pending: (u8, u64)) -> Compressor<'a> {
        Compressor {
            x,
            s,
            table: *table,
            pending_slot: pending.0,
            pending_entry: pending.1,
        }
    }

    /// Puts the scalars back into the compressor.
    #[inline(always)]
    fn park(self) {
        *self.home.0 = self.s;
        *self.home.1 = self.pending_slot;
        *self.home.2 = self.pending_entry;
    }

    /// A whole group of 8 items into `group[first..]`, where a whole group's input is
    /// left (`s + MAX_GROUP_LEN <= x.len()`).
    #[inline(always)]
    pub fn fast_group<R: GuessedReads<'a>>(
        &mut self,
        group: &mut Group,
        first: usize,
        below: u64,
        reads: &mut R,
    ) -> Item {
        // What makes `fast_item`'s unchecked reads sound, so checked in release builds
        // too: one predicted compare per group.
        assert!(self.s + MAX_GROUP_LEN <= self.x.len());
        // Written out 8 times rather than looped: each item then has its own branches,
        // which the branch predictor tells apart, and the loop counter goes (measured
        // 12% faster).
        let mut item = Item {
            k: first,
            control: 0,
        };
        self.fast_item(group, &mut item, 1, below, reads);
        self.fast_item(group, &mut item, 2, below, reads);
        self.fast_item(group, &mut item, 4, below, reads);
        self.fast_item(group, &mut item, 8, below, reads);
        self.fast_item(group, &mut item, 16, below, reads);
        self.fast_item(group, &mut item, 32, below, reads);
        self.fast_item(group, &mut item, 64, below, reads);
        self.fast_item(group, &mut item, 128, below, reads);
        item
    }

    /// Encodes the item at `s` into `group[item.k..]`, setting `bit` in the control byte
    /// for a reference, where at least `MAX_ITEM_LEN` bytes of input remain from `s`, so
    /// the look-up and the longest match need no end checks.
    #[inline(always)]
    fn fast_item<R: GuessedReads<'a>>(
        &mut self,
        group: &mut Group,
        item: &mut Item,
        bit: u8,
        below: u64,
        reads: &mut R,
    ) {
        let (x, s) = (self.x, self.s);
        debug_assert!(s + MAX_ITEM_LEN <= x.len());
        // SAFETY: s + MAX_ITEM_LEN <= x.len(): `fast_group` checks that a whole group's
        // input is left and each of its 8 items advances s by at most MAX_ITEM_LEN;
        // `push_item` checks for one item. (Checking these two reads measured 7-10%
        // slower.)
        let (byte, next) = unsafe { (*x.get_unchecked(s), *x.get_unchecked(s + 1)) };
        let h = byte ^ next;
        let found = self.table[usize::from(h)];
        if R::RECORDED && found < below {
            let pending = (self.pending_slot, self.pending_entry);
            reads.guessed_read(Self::snapshot(x, s, self.table, pending), bit, item.k);
        }
        self.table[usize::from(self.pending_slot)] = self.pending_entry;
        self.pending_slot = h;
        self.pending_entry = entry(s, byte);
        // Same first byte and same XOR of the first two: the first two bytes match.
        if found != 0 && found as u8 == byte {
            let p = (found >> 8) as usize;
            debug_assert!(p < s);
            self.table[usize::from(h)] = self.pending_entry;
            // A byte loop, not wider compares: the loop's exits are predicted, so the
            // next item's position does not wait for the compared data.
            let mut extra = 0;
            // SAFETY: extra < 255, so s + 2 + extra < s + MAX_ITEM_LEN <= x.len() (see
            // above), and p < s because the table only holds positions already passed.
            // (Checked indexing here measured 40-70% slower overall.)
            while extra < 255
                && unsafe { *x.get_unchecked(p + 2 + extra) == *x.get_unchecked(s + 2 + extra) }
            {
                extra += 1;
            }
            self.s = s + 2 + extra;
            emit_reference(group, item, bit, h, extra);
        } else {
            self.s = s + 1;
            emit_literal(group, item, byte);
        }
    }

    /// The same for any item, with the checks the end of the input needs.
    fn tail_item(&mut self, group: &mut Group, item: &mut Item, bit: u8) {
        let (x, s) = (self.x, self.s);
        let byte = x[s];
        // Look-ups need 3 bytes left; the last two bytes are literals, and as no look-up
        // follows them, the slot they are entered under does not matter.
        let (h, found) = match x.get(s + 2) {
            Some(_) => {
                let h = byte ^ x[s + 1];
                (h, self.table[usize::from(h)])
            }
            None => (0, 0),
        };
        self.table[usize::from(self.pending_slot)] = self.pending_entry;
        self.pending_slot = h;
        self.pending_entry = entry(s, byte);
        if found != 0 && found as u8 == byte {
            let p = (found >> 8) as usize;
            self.table[usize::from(h)] = self.pending_entry;
            let extra = match_extension(x, p + 2, s + 2);
            self.s = s + 2 + extra;
            emit_reference(group, item, bit, h, extra);
        } else {
            self.s = s + 1;
            emit_literal(group, item, byte);
        }
    }
}

/// Writes a back-reference item (table slot, extra length) and marks it in the group's
/// control byte.
#[inline(always)]
fn emit_reference(group: &mut Group, item: &mut Item, bit: u8, h: u8, extra: usize) {
    item.control |= bit;
    group[item.k].write(h);
    group[item.k + 1].write(extra as u8);
    item.k += 2;
}

/// Writes a literal item.
#[inline(always)]
fn emit_literal(group: &mut Group, item: &mut Item, byte: u8) {
    group[item.k].write(byte);
    item.k += 1;
}

/// A table entry: a position and the byte found there.
#[inline(always)]
fn entry(position: usize, byte: u8) -> u64 {
    (position as u64) << 8 | u64::from(byte)
}

/// How many bytes after a 2-byte match also match, at most 255 and not past the end.
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
    let compressed = CompressedMessage::parse(message, max_len)?;
    let total = compressed.total;
    // Not zeroed first: the stream writes every byte after the header, and clearing a
    // large reused buffer cost about a tenth of the decompression.
    let mut out: Vec<u8> = Vec::with_capacity(total);
    let spare = &mut out.spare_capacity_mut()[..total];
    spare[..HEADER_LEN].fill(MaybeUninit::new(0));
    compressed.expand_into(spare)?;
    // SAFETY: the header's bytes were written just above, and `expand_into` returns Ok
    // only once it has written every byte from HEADER_LEN up to `total` (see `expand`).
    unsafe { out.set_len(total) };
    out[..HEADER_LEN].copy_from_slice(&compressed.plain_header().to_bytes());
    Ok(out)
}

/// A compressed message, checked as far as can be without decompressing it.
pub(crate) struct CompressedMessage<'a> {
    pub header: Header,
    /// The uncompressed length, header included, within the caller's limit.
    pub total: usize,
    stream: &'a [u8],
}

impl<'a> CompressedMessage<'a> {
    /// The compressed message (flag 1 or 2) `message`, whose uncompressed length is at
    /// most `max_len` and no more than its stream can produce.
    pub fn parse(message: &'a [u8], max_len: u64) -> Result<CompressedMessage<'a>, WireError> {
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
        Ok(CompressedMessage {
            header,
            total,
            stream,
        })
    }

    /// The header of the uncompressed message.
    pub fn plain_header(&self) -> Header {
        Header {
            compression: Compression::None,
            length: self.total as u64,
            ..self.header
        }
    }

    /// Decompresses into `out`, `total` bytes whose first 8 (the header's place) are left
    /// alone. On `Ok` every byte after them has been written.
    pub fn expand_into(&self, out: &mut [MaybeUninit<u8>]) -> Result<(), WireError> {
        debug_assert_eq!(out.len(), self.total);
        expand(self.stream, out, self.total)
    }

    /// The first `N` bytes after the header, decompressed on their own (for a look at
    /// what the message holds before deciding where to decompress it).
    pub fn first_bytes<const N: usize>(&self) -> Result<[u8; N], WireError> {
        // Room for the longest item that can start before byte N.
        let mut out = vec![MaybeUninit::new(0u8); HEADER_LEN + N + MAX_ITEM_LEN];
        let until = HEADER_LEN + N;
        if self.total < until {
            return Err(WireError::CorruptCompression(
                "uncompressed length too small",
            ));
        }
        expand(self.stream, &mut out, until)?;
        let mut first = [0u8; N];
        for (byte, written) in first.iter_mut().zip(&out[HEADER_LEN..until]) {
            // SAFETY: `expand` wrote every byte up to `until`.
            *byte = unsafe { written.assume_init() };
        }
        Ok(first)
    }
}

/// Runs the stream into `out[8..]` until at least `out[..until]` is written. On `Ok`, every
/// byte of `out[8..until]` has been written: each item writes the bytes from `s` on and
/// advances `s` past them, and the loops end only when `s` reaches `until` (a reference
/// that would pass the end of `out` is an error). Bytes are read back only below `s`, so
/// only written bytes are ever read.
fn expand(stream: &[u8], out: &mut [MaybeUninit<u8>], until: usize) -> Result<(), WireError> {
    let total = out.len();
    debug_assert!(until <= total);
    // The last position entered per slot (0 = empty), then 256 dummy slots that take the
    // inserts a literal right after a reference would otherwise need a branch to skip.
    let mut table = [0usize; 512];
    let mut s = HEADER_LEN;
    // The byte at `s - 1` when the last item was a literal, whose pair is hashed once the
    // next byte is known; `NO_PAIR` after a reference (bytes inside a reference, after
    // its first, are never hashed).
    let mut prev = NO_PAIR;
    let mut d = 0;

    // The two kinds of item, shared by the fast and the careful loop. (Macros, not
    // methods on a state struct: with the state in local variables the compiler keeps
    // it in registers, which it did not do for a struct.)
    macro_rules! literal {
        ($byte:expr) => {{
            let byte = $byte;
            out[s] = MaybeUninit::new(byte);
            table[prev ^ usize::from(byte)] = s - 1;
            prev = usize::from(byte);
            s += 1;
        }};
    }
    macro_rules! reference {
        ($slot:expr, $extra:expr, $check_end:expr) => {{
            let slot = usize::from($slot);
            let r = table[slot];
            if r == 0 {
                return Err(WireError::CorruptCompression("reference to an empty slot"));
            }
            let len = 2 + usize::from($extra);
            if $check_end && s + len > total {
                return Err(WireError::CorruptCompression(
                    "reference copies past the end",
                ));
            }
            // The pairs up to the first two copied bytes are hashed: the first only after
            // a literal, the second is `out[r], out[r + 1]`, whose XOR is `slot` itself.
            // SAFETY: r < s, and every byte below s (from HEADER_LEN) has been written.
            let first = unsafe { out[r].assume_init() };
            table[prev ^ usize::from(first)] = s - 1;
            table[slot] = s;
            // r < s always (the table only holds earlier positions). The source may
            // overlap the destination, which must then repeat byte by byte.
            if r + len <= s {
                copy_apart(out, r, s, len);
            } else {
                for i in 0..len {
                    out[s + i] = out[r + i];
                }
            }
            s += len;
            prev = NO_PAIR;
        }};
    }

    // While a whole group's stream and output fit, nothing can run out or copy past the
    // end, and the group is read through a fixed-size window the compiler checks once.
    while s + MAX_GROUP_LEN <= total && d + MAX_GROUP_STREAM <= stream.len() {
        let group: &[u8; MAX_GROUP_STREAM] = stream[d..d + MAX_GROUP_STREAM]
            .try_into()
            .unwrap_or(&[0; MAX_GROUP_STREAM]);
        let flags = group[0];
        let mut k = 1;
        // Written out 8 times rather than looped, as in the compressor (measured 5-11%
        // faster).
        macro_rules! item {
            ($bit:expr) => {{
                if flags & $bit == 0 {
                    literal!(group[k]);
                    k += 1;
                } else {
                    reference!(group[k], group[k + 1], false);
                    k += 2;
                }
            }};
        }
        item!(1);
        item!(2);
        item!(4);
        item!(8);
        item!(16);
        item!(32);
        item!(64);
        item!(128);
        d += k;
    }

    // The rest, checking every read and write.
    let ran_out = || WireError::CorruptCompression("stream ends before the declared length");
    let mut flags = 0u8;
    let mut bit = 0u8;
    while s < until {
        if bit == 0 {
            flags = *stream.get(d).ok_or_else(ran_out)?;
            d += 1;
            bit = 1;
        }
        if flags & bit != 0 {
            let (&slot, &extra) = stream.get(d).zip(stream.get(d + 1)).ok_or_else(ran_out)?;
            d += 2;
            reference!(slot, extra, true);
        } else {
            let byte = *stream.get(d).ok_or_else(ran_out)?;
            d += 1;
            literal!(byte);
        }
        bit = bit.wrapping_shl(1);
    }
    Ok(())
}

/// `prev` in `expand` when the last item was a reference: XORed with any byte it gives a
/// dummy slot, 256 or above.
const NO_PAIR: usize = 0x100;

/// Copies `out[r..r + len]` to `out[s..s + len]`, given `2 <= len` and `r + len <= s`, as
/// two overlapping fixed-size moves (a run of 8-byte moves when longer). References are
/// mostly short, where a `copy_within` call costs more than the copy itself; and reading
/// exactly the source range, not whole words past its end, keeps loads from straddling
/// several recent stores, which the CPU cannot forward from (measured faster than copying
/// 8-byte chunks).
#[inline(always)]
fn copy_apart(out: &mut [MaybeUninit<u8>], r: usize, s: usize, len: usize) {
    fn get<const N: usize>(x: &[MaybeUninit<u8>], i: usize) -> [MaybeUninit<u8>; N] {
        x[i..i + N].try_into().unwrap_or([MaybeUninit::new(0); N])
    }
    fn put<const N: usize>(x: &mut [MaybeUninit<u8>], i: usize, v: [MaybeUninit<u8>; N]) {
        x[i..i + N].copy_from_slice(&v)
    }
    let (before, after) = out.split_at_mut(s);
    let (src, dst) = (&before[r..r + len], &mut after[..len]);
    if len >= 8 {
        let mut i = 0;
        while i + 8 < len {
            put(dst, i, get::<8>(src, i));
            i += 8;
        }
        put(dst, len - 8, get::<8>(src, len - 8));
    } else if len >= 4 {
        put(dst, 0, get::<4>(src, 0));
        put(dst, len - 4, get::<4>(src, len - 4));
    } else if len >= 2 {
        put(dst, 0, get::<2>(src, 0));
        put(dst, len - 2, get::<2>(src, len - 2));
    }
}
