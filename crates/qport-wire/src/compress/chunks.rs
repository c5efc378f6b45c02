//! One message compressed on several threads, to exactly kdb+'s bytes.
//!
//! kdb+'s compressor is serial: each item depends on the table of earlier positions that
//! every item before it updated. So the message is cut into chunks (a few per thread, as
//! parts of a message compress at different speeds), and each chunk after the first is
//! compressed by whichever thread is free, from a guess at that state: an empty table a
//! little way before the chunk (the warm-up), which by the chunk's start holds the recent
//! positions. The thread records its whole state at checkpoints: at regular distances,
//! and wherever it reads an entry that is still a guess from the warm-up.
//!
//! The guess is checked, never trusted. The caller's thread compresses the first chunk
//! into the output, then takes each chunk's items in order: standing at a checkpoint
//! with a state like the thread's there, it copies the thread's items (regrouped: the
//! groups of 8 items start elsewhere) up to the first item it would have made otherwise,
//! makes that one itself, and carries on to the next checkpoint. The bytes are always
//! kdb+'s; a wrong guess costs only time. Where a chunk's items cannot be used at all,
//! the caller's thread compresses the rest serially and the others stop.
//!
//! Two states are alike enough when their pending inserts match and, for every table
//! slot where they differ, the first item reading that slot after the checkpoint comes
//! out the same with either entry (an item reads only its own slot, the XOR of its two
//! bytes, and then writes it). Those first reads are the recorded guessed reads, or are
//! found by walking the thread's items.

use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, OnceLock};
use std::thread;

use super::{
    match_extension, Compressor, Group, GroupedOut, GuessedReads, HEADER_LEN, MAX_GROUP_LEN,
    MAX_GROUP_STREAM,
};

/// The least input worth a chunk of its own: below this, the warm-up, starting a thread
/// and splicing cost too large a share of what a chunk saves.
const MIN_CHUNK: usize = 4 << 20;
/// The least message compressed on more than one thread: `til 1000000` (8 MB) measured
/// no faster on two.
const MIN_PARALLEL: usize = 16 << 20;
/// Chunks per thread: parts of a message compress at different speeds (a column of
/// random floats is slower per byte than one of timestamps), so threads take chunks as
/// they become free rather than one fixed share each.
const CHUNKS_PER_THREAD: usize = 2;
/// How far before its chunk a thread starts.
const WARM_UP: usize = 64 << 10;
/// The distance between a thread's regular checkpoints (where the serial compressor may
/// pick up its items again after making different ones).
const CHECKPOINT_GAP: usize = 16 << 10;
/// A bound on threads, whatever the machine has.
const MAX_THREADS: usize = 16;

/// How one message is cut up.
#[derive(Clone, Copy, Debug)]
pub(super) struct Plan {
    threads: usize,
    chunks: usize,
    warm_up: usize,
    checkpoint_gap: usize,
}

impl Plan {
    /// Up to `threads` threads for a message of [`MIN_PARALLEL`] bytes or more, and
    /// chunks of at least [`MIN_CHUNK`] bytes.
    pub fn new(len: usize, threads: usize) -> Plan {
        let most = len / MIN_CHUNK;
        let threads = match len >= MIN_PARALLEL {
            true => threads.min(MAX_THREADS).min(most).max(1),
            false => 1,
        };
        let chunks = match threads {
            1 => 1,
            _ => (threads * CHUNKS_PER_THREAD).min(most),
        };
        Plan {
            threads,
            chunks,
            warm_up: WARM_UP,
            checkpoint_gap: CHECKPOINT_GAP,
        }
    }
}

/// The cores this process may run on (asked once: the answer reads files under `/proc`
/// and `/sys`).
pub fn available_threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| thread::available_parallelism().map_or(1, |n| n.get()))
}

/// How the chunks after the first went.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Splices {
    /// Copied in from their threads.
    pub spliced: usize,
    /// Compressed again on the caller's thread (no checkpoint agreed).
    pub redone: usize,
}

/// Compresses all of `x` after its header into `out`, in `plan.chunks` chunks on
/// `plan.threads` threads (the caller's one of them). `None` when the output runs out of
/// room.
pub(super) fn compress_stream(x: &[u8], out: &mut GroupedOut, plan: Plan) -> Option<Splices> {
    let n = x.len();
    let mut lz = Compressor::new(x, HEADER_LEN);
    if plan.chunks <= 1 {
        out.run_groups(&mut lz, n)?;
        out.run_until(&mut lz, n)?;
        return Some(Splices::default());
    }
    let body = n - HEADER_LEN;
    // Chunk i runs from bounds[i] to bounds[i + 1].
    let bounds: Vec<usize> = (0..plan.chunks)
        .map(|i| HEADER_LEN + body / plan.chunks * i)
        .chain([n])
        .collect();
    // Chunks after the first are taken in order by whichever thread is free. This thread
    // splices each run in as soon as it has it, and takes chunks itself only while runs
    // are being used: on data where they are not (say, a long run of one byte, where
    // every reference is 257 bytes and no thread's items ever start where the serial
    // ones do), it compresses serially and stops the others.
    let next_chunk = AtomicUsize::new(1);
    let stop = AtomicBool::new(false);
    let claim = || {
        let i = next_chunk.fetch_add(1, Ordering::Relaxed);
        (i < plan.chunks && !stop.load(Ordering::Relaxed)).then_some(i)
    };
    let compress = |i: usize| compress_chunk(x, bounds[i], bounds[i + 1], plan, &stop);
    let (sender, receiver) = mpsc::channel::<(usize, ChunkRun)>();
    thread::scope(|scope| {
        for _ in 1..plan.threads {
            let sender = sender.clone();
            // A thread that cannot be started leaves its share to the others.
            let _ = thread::Builder::new()
                .name("qport-compress".into())
                .spawn_scoped(scope, move || {
                    while let Some(i) = claim() {
                        if sender.send((i, compress(i))).is_err() {
                            break;
                        }
                    }
                });
        }
        // Once every helper is done, receiving fails rather than waits.
        drop(sender);
        let give_up = || stop.store(true, Ordering::Relaxed);
        let spliced = splice_in_order(out, &mut lz, &bounds, &receiver, claim, compress, give_up);
        stop.store(true, Ordering::Relaxed);
        let splices = spliced?;
        out.run_until(&mut lz, n)?;
        Some(splices)
    })
}

/// The caller's part of [`compress_stream`]: the first chunk straight into `out`, then
/// each later chunk's run spliced in, in order.
fn splice_in_order<'a>(
    out: &mut GroupedOut,
    lz: &mut Compressor<'a>,
    bounds: &[usize],
    receiver: &mpsc::Receiver<(usize, ChunkRun<'a>)>,
    claim: impl Fn() -> Option<usize>,
    compress: impl Fn(usize) -> ChunkRun<'a>,
    give_up: impl Fn(),
) -> Option<Splices> {
    out.run_groups(lz, bounds[1])?;
    let chunks = bounds.len() - 1;
    let mut runs: Vec<Option<ChunkRun>> = (0..chunks).map(|_| None).collect();
    let mut splices = Splices::default();
    let mut speculating = true;
    for i in 1..chunks {
        let run = loop {
            if let Some(run) = runs[i].take() {
                break Some(run);
            }
            if speculating {
                if let Some(j) = claim() {
                    runs[j] = Some(compress(j));
                    continue;
                }
            }
            // Chunk i is a helper's (or nobody's, once stopped): wait for it.
            match receiver.recv() {
                Ok((j, run)) => runs[j] = Some(run),
                Err(_) => break None,
            }
        };
        let spliced = match run {
            Some(run) => splice(out, lz, &run)?,
            None => Spliced::default(),
        };
        if spliced.to_end {
            splices.spliced += 1;
        } else {
            splices.redone += 1;
        }
        if !spliced.copied && speculating {
            speculating = false;
            give_up();
        }
    }
    Some(splices)
}

/// What a chunk's thread leaves: its state at each checkpoint and at its end, and its
/// items from its start, with the control bytes apart (so they can be regrouped).
struct ChunkRun<'a> {
    /// In the order they were taken, so by position.
    checkpoints: Vec<Checkpoint<'a>>,
    /// Table entries below this are the thread's guesses: made before its first
    /// checkpoint, in the warm-up, where its items need not be the serial compressor's.
    guessed_below: u64,
    /// Per slot, the checkpoint taken where the thread first read a guessed entry of it.
    guessed_read: [Option<usize>; 256],
    end: Checkpoint<'a>,
    /// The items, then 16 zero bytes so that a whole group can be read as 16 bytes.
    items: Vec<u8>,
    /// One control byte per 8 items, then a zero byte.
    controls: Vec<u8>,
}

/// A thread's state between two items.
struct Checkpoint<'a> {
    lz: Compressor<'a>,
    /// Items made before this point.
    item: usize,
    /// Their bytes.
    offset: usize,
}

/// A thread's checkpoints: at regular distances, and at each look-up that reads a
/// guessed entry (the one place where the thread's items may part from the serial
/// compressor's).
struct Checkpoints<'a> {
    checkpoints: Vec<Checkpoint<'a>>,
    guessed_below: u64,
    guessed_read: [Option<usize>; 256],
    /// Items and their bytes before the current group.
    item: usize,
    offset: usize,
}

impl<'a> GuessedReads<'a> for Checkpoints<'a> {
    const RECORDED: bool = true;

    fn guessed_read(&mut self, lz: Compressor<'a>, bit: u8, k: usize) {
        let slot = usize::from(lz.x[lz.s] ^ lz.x[lz.s + 1]);
        self.guessed_read[slot].get_or_insert(self.checkpoints.len());
        self.checkpoints.push(Checkpoint {
            lz,
            item: self.item + bit.trailing_zeros() as usize,
            offset: self.offset + k,
        });
    }
}

/// Compresses whole groups from a little before `from` until at or past `to` (or until
/// no whole group's input is left; the caller's thread does the end of the message).
fn compress_chunk<'a>(
    x: &'a [u8],
    from: usize,
    to: usize,
    plan: Plan,
    stop: &AtomicBool,
) -> ChunkRun<'a> {
    let n = x.len();
    let start = from.saturating_sub(plan.warm_up).max(HEADER_LEN);
    let mut lz = Compressor::new(x, start);
    // An item takes at most one byte per input byte it covers, and the last group starts
    // before `to`; room for its window and the 16 bytes after the items.
    let capacity = (to - start) + MAX_GROUP_LEN + MAX_GROUP_STREAM + 16;
    let mut items: Vec<u8> = Vec::with_capacity(capacity);
    let mut controls: Vec<u8> = Vec::with_capacity(capacity / 8 + 2);
    let mut offset = 0;
    // Nothing is reported during the warm-up (every entry there is a guess).
    let mut reads = Checkpoints {
        checkpoints: Vec::new(),
        guessed_below: 0,
        guessed_read: [None; 256],
        item: 0,
        offset: 0,
    };
    let mut next = from;
    let room = &mut items.spare_capacity_mut()[..capacity];
    loop {
        let until = next.min(to);
        let below = reads.guessed_below;
        let mut cursor = lz.cursor();
        while cursor.s < until && cursor.s + MAX_GROUP_LEN <= n {
            let window = &mut room[offset..offset + MAX_GROUP_STREAM];
            let group: &mut Group = window.try_into().expect("the room holds every group");
            (reads.item, reads.offset) = (controls.len() * 8, offset);
            let item = cursor.fast_group(group, 0, below, &mut reads);
            controls.push(item.control);
            offset += item.k;
        }
        cursor.park();
        if lz.s >= to || lz.s + MAX_GROUP_LEN > n || stop.load(Ordering::Relaxed) {
            break;
        }
        if reads.checkpoints.is_empty() {
            reads.guessed_below = (lz.s as u64) << 8;
        }
        reads.checkpoints.push(Checkpoint {
            lz: lz.clone(),
            item: controls.len() * 8,
            offset,
        });
        next = lz.s.saturating_add(plan.checkpoint_gap);
    }
    room[offset..offset + 16].fill(MaybeUninit::new(0));
    // SAFETY: the groups wrote every byte of `..offset`, each its items contiguously, and
    // the 16 bytes after them were just written.
    unsafe { items.set_len(offset + 16) };
    let end = Checkpoint {
        item: controls.len() * 8,
        lz,
        offset,
    };
    controls.push(0);
    ChunkRun {
        checkpoints: reads.checkpoints,
        guessed_below: reads.guessed_below,
        guessed_read: reads.guessed_read,
        end,
        items,
        controls,
    }
}

/// How the serial compressor, standing at a checkpoint, compares with the thread.
enum Verdict {
    /// It makes the same items as the thread up to the run's end.
    SameToEnd,
    /// The same items up to this checkpoint (an empty-slot read), then a different one.
    SameUntil(usize),
    /// Its state differs where that may matter.
    Differs,
}

/// What splicing one run in did.
#[derive(Default)]
struct Spliced {
    /// Some of the run's items were copied.
    copied: bool,
    /// Its end was reached that way (its end state taken over).
    to_end: bool,
}

/// Copies `run`'s items into `out` wherever the serial compressor `lz` would have made the
/// same ones, and compresses the rest itself: brought to a checkpoint, it takes the run's
/// items from there up to where they first differ (or to the end), then makes the
/// differing item itself and goes on to the next checkpoint. `None` when the output ran
/// out of room.
fn splice<'a>(
    out: &mut GroupedOut,
    lz: &mut Compressor<'a>,
    run: &ChunkRun<'a>,
) -> Option<Spliced> {
    let mut copied = false;
    let mut i = 0;
    while let Some(checkpoint) = run.checkpoints.get(i) {
        i += 1;
        let at = &checkpoint.lz;
        if at.s < lz.s {
            continue;
        }
        out.run_until(lz, at.s)?;
        if lz.s != at.s {
            continue;
        }
        match verdict(lz, run, checkpoint) {
            Verdict::Differs => {}
            Verdict::SameToEnd => {
                copy_items(out, run, checkpoint, &run.end)?;
                *lz = taken_over(lz, at, &run.end.lz);
                return Some(Spliced {
                    copied: true,
                    to_end: true,
                });
            }
            Verdict::SameUntil(k) => {
                let until = &run.checkpoints[k];
                copy_items(out, run, checkpoint, until)?;
                copied |= until.item > checkpoint.item;
                *lz = taken_over(lz, at, &until.lz);
                out.push_item(lz)?;
                i = k + 1;
            }
        }
    }
    Some(Spliced {
        copied,
        to_end: false,
    })
}

/// The thread's state `later`, as the serial compressor has it: where the tables differed
/// at checkpoint `at` and `later` holds no entry from since, the slot was not written in
/// between, and the serial compressor's value stands.
fn taken_over<'a>(
    lz: &Compressor<'a>,
    at: &Compressor<'a>,
    later: &Compressor<'a>,
) -> Compressor<'a> {
    let since = (at.s as u64) << 8;
    let mut state = later.clone();
    for (slot, (&serial, &guessed)) in lz.table.iter().zip(&at.table).enumerate() {
        if serial != guessed && later.table[slot] < since {
            state.table[slot] = serial;
        }
    }
    state
}

/// Whether the serial compressor `lz`, standing at checkpoint `from`'s position, makes
/// the same items from there as the chunk's thread did, and how far.
///
/// Their pending inserts must be the same, and so must the slot one goes to (it lands
/// only after the next look-up). Their tables may differ: a slot matters only where an
/// item reads it, which then writes it, the same for both. The first such reads are
/// replayed with the serial entry: where the thread's entry was a guess, the read was
/// recorded (`guessed_read`); where it was the thread's own (their items parted earlier),
/// it is found by walking the thread's items.
fn verdict(lz: &Compressor, run: &ChunkRun, from: &Checkpoint) -> Verdict {
    let (at, end) = (&from.lz, &run.end.lz);
    if lz.pending_slot != at.pending_slot || lz.pending_entry != at.pending_entry {
        return Verdict::Differs;
    }
    // Slots the thread wrote after the checkpoint; table entries are `position << 8 |
    // byte`. An item reads its slot before it writes it, so no other slot was read.
    let since = (at.s as u64) << 8;
    let written = |slot: usize| {
        end.table[slot] >= since
            || (usize::from(end.pending_slot) == slot && end.pending_entry >= since)
    };
    // The first checkpoint (an index) where the items part; `usize::MAX`: none.
    let mut until = usize::MAX;
    let mut own = [false; 256];
    for (slot, own) in own.iter_mut().enumerate() {
        let (serial, guessed) = (lz.table[slot], at.table[slot]);
        if serial == guessed {
            continue;
        }
        // The pending insert overwrites this slot in both, after the next look-up, which
        // may read it.
        if slot == usize::from(at.pending_slot) {
            return Verdict::Differs;
        }
        if !written(slot) {
            continue;
        }
        if guessed >= run.guessed_below {
            *own = true;
            continue;
        }
        let Some(k) = run.guessed_read[slot] else {
            return Verdict::Differs;
        };
        // A literal's insert lands only after the next look-up, so a next item of the
        // same slot reads the guessed entry too (and was recorded as well).
        let read = &run.checkpoints[k];
        let s = read.lz.s;
        let mut second = None;
        if !run.is_reference(read.item) && lz.x[s + 1] ^ lz.x[s + 2] == slot as u8 {
            let next = (k + 1..run.checkpoints.len()).find(|&j| run.checkpoints[j].lz.s > s);
            match next.filter(|&j| run.checkpoints[j].lz.s == s + 1) {
                Some(j) => second = Some(j),
                None => return Verdict::Differs,
            }
        }
        for k in std::iter::once(k).chain(second) {
            let read = &run.checkpoints[k];
            let extra = usize::from(run.items[read.offset + 1]);
            if !same_item(lz.x, read.lz.s, serial, run.is_reference(read.item), extra) {
                until = until.min(k);
            }
        }
    }
    if own.contains(&true) {
        if let Some(s) = run.first_difference(lz, from, own) {
            // The items are the same before `s`: up to the last checkpoint there.
            until = until.min(run.checkpoints.partition_point(|c| c.lz.s <= s) - 1);
        }
    }
    match until {
        usize::MAX => Verdict::SameToEnd,
        k => Verdict::SameUntil(k),
    }
}

/// How far the thread's items are walked to find the first reads of slots whose entries
/// differ (past it, the items are taken to differ).
const WALK_LIMIT: usize = 64 << 10;

impl ChunkRun<'_> {
    /// Whether the thread's item number `item` is a reference.
    fn is_reference(&self, item: usize) -> bool {
        self.controls[item / 8] >> (item % 8) & 1 == 1
    }

    /// Walks the thread's items from checkpoint `from` while a slot marked in `differing`
    /// has not been written; at each read of one, replays it with the serial entry. The
    /// position of the first item that comes out otherwise (or where the walk stops), or
    /// `None` if none does.
    fn first_difference(
        &self,
        lz: &Compressor,
        from: &Checkpoint,
        mut differing: [bool; 256],
    ) -> Option<usize> {
        let x = lz.x;
        let (mut s, mut item, mut offset) = (from.lz.s, from.item, from.offset);
        let mut left = differing.iter().filter(|&&d| d).count();
        // A literal's slot, written once the next item has read its own.
        let mut lands_next: Option<usize> = None;
        while left > 0 {
            if item >= self.end.item || s >= from.lz.s + WALK_LIMIT {
                return Some(s);
            }
            let reference = self.is_reference(item);
            let (slot, extra) = match reference {
                true => (
                    usize::from(self.items[offset]),
                    usize::from(self.items[offset + 1]),
                ),
                false => (usize::from(x[s] ^ x[s + 1]), 0),
            };
            if differing[slot] && !same_item(x, s, lz.table[slot], reference, extra) {
                return Some(s);
            }
            let written = match reference {
                true => Some(slot),
                false => lands_next.replace(slot),
            };
            if let Some(written) = written.filter(|&w| differing[w]) {
                differing[written] = false;
                left -= 1;
            }
            (s, offset) = match reference {
                true => (s + 2 + extra, offset + 2),
                false => (s + 1, offset + 1),
            };
            item += 1;
        }
        None
    }
}

/// Whether a compressor that finds `entry` in the slot of the item at `s` makes the item
/// described: a literal, or a reference with `extra` bytes beyond 2 (its slot is the
/// item's own).
fn same_item(x: &[u8], s: usize, entry: u64, reference: bool, extra: usize) -> bool {
    let found = entry != 0 && entry as u8 == x[s];
    found == reference
        && (!reference || match_extension(x, (entry >> 8) as usize + 2, s + 2) == extra)
}

/// Appends the run's items from checkpoint `from` to `to` to `out`, whose open group may
/// be partly filled: item by item up to a group boundary, then 8 at a time with each new
/// control byte shifted together from two of the run's.
fn copy_items(
    out: &mut GroupedOut,
    run: &ChunkRun,
    from: &Checkpoint,
    to: &Checkpoint,
) -> Option<()> {
    let controls = &run.controls;
    let (mut item, mut offset, end) = (from.item, from.offset, to.item);
    let one = |out: &mut GroupedOut, item: usize, offset: usize| {
        let len = 1 + usize::from(controls[item / 8] >> (item % 8) & 1);
        out.push_encoded(&run.items[offset..offset + len])
            .map(|()| len)
    };
    while item < end && !out.at_group_start() {
        offset += one(out, item, offset)?;
        item += 1;
    }
    let shift = item % 8;
    while item + 8 <= end {
        let i = item / 8;
        let control = match shift {
            0 => controls[i],
            _ => controls[i] >> shift | controls[i + 1] << (8 - shift),
        };
        out.push_group(control, run.items[offset..].first_chunk()?)?;
        offset += 8 + control.count_ones() as usize;
        item += 8;
    }
    while item < end {
        offset += one(out, item, offset)?;
        item += 1;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The stream `compress_stream` writes for `x` under `plan`, and how the chunks went;
    /// `None` where it does not fit in half the input.
    fn stream(x: &[u8], plan: Plan) -> (Option<Vec<u8>>, Splices) {
        let capacity = x.len() / 2;
        let mut out = vec![0u8; capacity];
        let room: &mut [MaybeUninit<u8>] =
            // SAFETY: initialized bytes viewed as possibly-uninitialized ones; only
            // initialized bytes are written through the view.
            unsafe { std::slice::from_raw_parts_mut(out.as_mut_ptr().cast(), capacity) };
        let mut groups = GroupedOut::new(room, 12, capacity - MAX_GROUP_STREAM);
        match compress_stream(x, &mut groups, plan) {
            Some(splices) => {
                let d = groups.finish();
                out.truncate(d);
                (Some(out), splices)
            }
            None => (None, Splices::default()),
        }
    }

    fn serial(x: &[u8]) -> Option<Vec<u8>> {
        stream(x, Plan::new(x.len(), 1)).0
    }

    fn plan(chunks: usize, warm_up: usize, checkpoint_gap: usize) -> Plan {
        Plan {
            threads: 2,
            chunks,
            warm_up,
            checkpoint_gap,
        }
    }

    /// Bytes from a small deterministic generator: literal runs, copies of earlier
    /// stretches (near and far), runs of one byte, all mixed.
    fn mixed(len: usize, seed: u64) -> Vec<u8> {
        let mut state = seed | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut x = vec![0u8; 8];
        while x.len() < len {
            let r = next();
            let run = (r >> 8) as usize % 300 + 1;
            match r % 4 {
                0 => x.extend((0..run / 8).map(|_| next() as u8)),
                1 | 2 if x.len() > 16 => {
                    let from = (next() as usize) % (x.len() - 8);
                    for i in 0..run {
                        x.push(x[from + i % (x.len() - from)]);
                    }
                }
                _ => x.extend(std::iter::repeat_n(r as u8, run)),
            }
        }
        x.truncate(len);
        x
    }

    /// A message of `til count` longs.
    fn til(count: u64) -> Vec<u8> {
        let mut x = vec![1, 0, 0, 0, 0, 0, 0, 0, 7, 0];
        x.extend((count as u32).to_le_bytes());
        x.extend((0..count).flat_map(|i| i.to_le_bytes()));
        x
    }

    #[test]
    fn chunks_give_the_serial_bytes() {
        // The first two splice every chunk (asserted); in the other two the guesses are
        // often wrong: far copies in one; in the zeros every reference is 257 bytes long,
        // so a thread's items start at other positions than the serial ones, forever.
        let inputs = [
            (mixed(300_000, 7), true),
            (til(40_000), true),
            (mixed(123_457, 99), false),
            (vec![0; 200_000], false),
        ];
        for (x, every_chunk_spliced) in &inputs {
            let expected = serial(x);
            assert!(expected.is_some(), "each input compresses");
            for chunks in [2, 3, 5, 8] {
                for (warm_up, checkpoint_gap) in [(4096, 1024), (64 << 10, 16 << 10), (0, 64)] {
                    let (got, splices) = stream(x, plan(chunks, warm_up, checkpoint_gap));
                    let case = format!("{} bytes, {chunks} chunks, warm-up {warm_up}", x.len());
                    assert_eq!(got, expected, "{case}");
                    assert_eq!(splices.spliced + splices.redone, chunks - 1, "{case}");
                    if *every_chunk_spliced {
                        assert_eq!(splices.redone, 0, "{case}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_chunk_whose_guess_is_wrong_everywhere_is_compressed_again() {
        // "AB" before the chunk and again deep inside it, with nothing between whose pair
        // hashes to the slot of "AB" (0x41 ^ 0x42 = 3). The serial compressor makes the
        // second "AB" a reference; the chunk's thread, which never saw the first, a
        // literal, and its only checkpoint comes before that.
        let mut x = vec![0u8; 8];
        x.extend(b"ABAB");
        let filler = [0x10u8, 0x20, 0x30];
        while x.len() < 40_000 {
            x.extend(filler);
        }
        x.extend(b"AB");
        while x.len() < 60_000 {
            x.extend(filler);
        }
        let expected = serial(&x).expect("compresses");
        let (got, splices) = stream(&x, plan(2, 0, usize::MAX));
        assert_eq!(got.as_ref(), Some(&expected));
        assert_eq!(
            splices,
            Splices {
                spliced: 0,
                redone: 1
            }
        );
        // With a warm-up that reaches back to the first "AB", the guess is right.
        let (got, splices) = stream(&x, plan(2, 40_000, usize::MAX));
        assert_eq!(got, Some(expected));
        assert_eq!(splices.spliced, 1);
    }

    #[test]
    fn incompressible_input_is_refused_whatever_the_chunks() {
        let mut state = 0x1234_5678_9abc_def1u64;
        let x: Vec<u8> = (0..100_000)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 56) as u8
            })
            .collect();
        assert_eq!(serial(&x), None);
        assert_eq!(stream(&x, plan(4, 4096, 1024)).0, None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn any_plan_gives_the_serial_bytes(
            len in 3_000usize..80_000,
            seed in any::<u64>(),
            chunks in 2usize..9,
            warm_up in 0usize..20_000,
            checkpoint_gap in 1usize..20_000,
        ) {
            let x = mixed(len, seed);
            prop_assert_eq!(stream(&x, plan(chunks, warm_up, checkpoint_gap)).0, serial(&x));
        }
    }

    #[test]
    fn plans_cut_chunks_of_four_mebibytes_at_least() {
        let cut = |len, threads| {
            let plan = Plan::new(len, threads);
            (plan.threads, plan.chunks)
        };
        assert_eq!(cut(20 << 20, 8), (5, 5));
        assert_eq!(cut(100 << 20, 2), (2, 4));
        assert_eq!(cut(100 << 20, 1), (1, 1));
        assert_eq!(cut(12 << 20, 8), (1, 1));
    }
}
