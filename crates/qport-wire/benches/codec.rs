//! Codec benchmarks: qport-wire against a `memcpy` of the same bytes and against the
//! kdbplus crate (0.3.9, feature `ipc`) on the same data in the same message shape.
//!
//! One criterion group per case; every function in a group has `Throughput::Bytes` of the
//! same (uncompressed) message length, so throughputs and ratios within a group compare
//! like with like. Every iteration makes a new owned result and drops it, baselines
//! included.
//!
//! kdbplus has a public serializer (`Query::serialize` on `K`: the body, then a copy behind
//! the header, compressed when the peer is not local) but no public in-memory decoder: its
//! decoder and decompressor are private and run only inside `QStream::receive_message`. Its
//! decoding is therefore timed as a receive from a Unix socket that already holds the whole
//! message, next to the same receive followed by qport's `deserialize` (`qport/receive`) and
//! the receive of the bytes alone (`socket/receive`). kdbplus reads a body with repeated
//! `read` calls into the start of its buffer, so a body that arrives in more than one read
//! is corrupted; queueing the whole message first (a send buffer set with `SO_SNDBUFFORCE`,
//! which needs root or `CAP_NET_ADMIN`) makes it arrive in one. Without that, or off Linux,
//! the socket functions are skipped and the run says so.
//!
//! Memory: by default the run keeps freed memory in glibc's heap (`mallopt`: no `mmap` for
//! large blocks, no trimming), so a new large buffer reuses pages already mapped, as in a
//! long-running server; each big allocation otherwise costs fresh page faults, which on a
//! small VM are slow and noisy enough to hide the codec. `QPORT_BENCH_ALLOCATOR=fresh`
//! keeps glibc's defaults instead.
//!
//! After a `cargo bench` run, a markdown summary (mean times, GB/s, ratios to `memcpy` and
//! to kdbplus) is printed from criterion's estimates; BENCHMARKS.md is made from it.

use std::future::Future;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant, SystemTime};

use chrono::DateTime;
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput};
use kdbplus::ipc::{Query, K, KDB_TIMESTAMP_OFFSET};
use kdbplus::qattribute::NONE;
use qport_value::{Symbol, Table, Value, Vector};
use qport_wire::{
    compress_message, compress_message_on_threads, decompress_message, MAX_MESSAGE_LEN,
};

const FLOATS: usize = 10_000_000;
const ROWS: usize = 1_000_000;
const LIST_ITEMS: usize = 100_000;
const TIL: i64 = 1_000_000;
/// kdbplus's message type for an async message, as qport's `serialize` (-8!) writes.
const ASYNC: u8 = 0;

fn main() {
    let started = SystemTime::now();
    let allocator = configure_allocator();
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();

    let floats = float_vector_case();
    let table = table_case();
    let list = general_list_case();
    let til = til_case();
    let largest = [&floats, &table, &list, &til]
        .iter()
        .map(|case| case.message.len())
        .max()
        .unwrap_or(0);
    let mut link = socket::Link::open(largest);
    if let Err(why) = &link {
        eprintln!("socket receive functions skipped: {why}");
    }

    let mut reports = Vec::new();
    for case in [&floats, &table, &list] {
        reports.push(plain_group(&mut criterion, link.as_mut().ok(), case));
    }
    drop(floats);
    drop(list);
    for (name, case) in [("compress_til_1m", &til), ("compress_table_1m", &table)] {
        reports.push(compression_group(
            &mut criterion,
            link.as_mut().ok(),
            name,
            case,
        ));
    }

    criterion.final_summary();
    let args: Vec<String> = std::env::args().collect();
    let benching =
        args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test" || a == "--list");
    if benching {
        summary::print(&reports, started, allocator);
    }
}

/// Keeps freed memory mapped unless `QPORT_BENCH_ALLOCATOR=fresh`; says which it did.
fn configure_allocator() -> &'static str {
    if std::env::var("QPORT_BENCH_ALLOCATOR").as_deref() == Ok("fresh") {
        return "fresh: glibc's defaults (large blocks are mmap'ed, so each is page-faulted anew)";
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt only changes glibc's tuning; nothing has been allocated in bulk yet.
        let set = unsafe {
            libc::mallopt(libc::M_MMAP_MAX, 0) == 1
                && libc::mallopt(libc::M_TRIM_THRESHOLD, libc::c_int::MAX) == 1
        };
        if set {
            return "warm: glibc keeps freed memory mapped (M_MMAP_MAX 0, no trimming)";
        }
    }
    "fresh: this allocator could not be told to keep freed memory"
}

/// One message shape: the qport value, the equivalent kdbplus object and the message.
struct Case {
    name: &'static str,
    value: Value,
    k: K,
    message: Vec<u8>,
}

impl Case {
    /// Serializes `value` and checks that kdbplus sends exactly the same bytes for `k` and
    /// that qport reads its own message back, so both sides do the same work.
    fn new(name: &'static str, value: Value, k: K) -> Case {
        let message = qport_wire::serialize(&value).expect("qport serializes the case");
        assert!(
            kdbplus_serialize(&k) == message,
            "{name}: kdbplus and qport must send the same bytes"
        );
        assert!(
            qport_wire::deserialize(&message).expect("qport reads its message") == value,
            "{name}: qport must read back what it sent"
        );
        Case {
            name,
            value,
            k,
            message,
        }
    }
}

/// What the summary needs to know about a group.
struct Report {
    group: &'static str,
    message_len: usize,
    notes: Vec<String>,
    functions: Vec<&'static str>,
    /// qport against kdbplus measured in alternation (see [`alternating`]).
    pairs: Vec<Paired>,
}

/// One comparison measured in alternation.
struct Paired {
    /// The qport function (its kdbplus counterpart does the same work).
    function: &'static str,
    /// kdbplus's time ÷ qport's, per pair: median, lowest, highest.
    median: f64,
    low: f64,
    high: f64,
}

/// How many pairs [`alternating`] measures.
const PAIRS: usize = 21;

/// The speed-up of qport over kdbplus, measured in alternation: `PAIRS` times, `time`
/// runs `iters` iterations of qport's function (`true`) and of kdbplus's (`false`), one
/// right after the other, the first of the two alternating. Criterion measures each
/// function for seconds, one after the other, and this VM runs at two speeds in spells
/// of about half a second, so a ratio of two criterion means can compare a fast spell
/// with a slow one; a pair's two halves share their spell.
fn alternating(function: &'static str, mut time: impl FnMut(bool, u64) -> Duration) -> Paired {
    // Enough iterations per half for about 5 ms.
    let once = time(true, 1).max(Duration::from_micros(1));
    let iters = (Duration::from_millis(5).as_nanos() / once.as_nanos()).clamp(1, 100_000) as u64;
    let mut ratios: Vec<f64> = (0..PAIRS)
        .map(|i| {
            let (qport, kdbplus) = if i % 2 == 0 {
                let q = time(true, iters);
                (q, time(false, iters))
            } else {
                let k = time(false, iters);
                (time(true, iters), k)
            };
            kdbplus.as_secs_f64() / qport.as_secs_f64()
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    Paired {
        function,
        median: ratios[PAIRS / 2],
        low: ratios[0],
        high: ratios[PAIRS - 1],
    }
}

/// [`alternating`] of two in-memory functions: qport's and kdbplus's.
fn alternating_functions<A, B>(
    function: &'static str,
    mut qport: impl FnMut() -> A,
    mut kdbplus: impl FnMut() -> B,
) -> Paired {
    alternating(function, |is_qport, iters| {
        if is_qport {
            timed(iters, &mut qport)
        } else {
            timed(iters, &mut kdbplus)
        }
    })
}

/// Times `iters` runs of `f`.
fn timed<T>(iters: u64, mut f: impl FnMut() -> T) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        drop(black_box(f()));
    }
    start.elapsed()
}

/// xorshift64*: deterministic data without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// 100 distinct ticker-like symbols.
fn symbol_names() -> Vec<String> {
    (0..100).map(|i| format!("SYM{i:02}")).collect()
}

/// Case 1: 10,000,000 floats in [0, 1000).
fn float_vector_case() -> Case {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let floats: Vec<f64> = (0..FLOATS)
        .map(|_| (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * 1000.0)
        .collect();
    let k = K::new_float_list(floats.clone(), NONE);
    Case::new("float_vector_10m", Value::from(floats), k)
}

/// Case 2: a 1,000,000-row trade table: `sym` (100 distinct), `price`, `size`, `time` and
/// `id`, a general list of 8-character strings.
fn table_case() -> Case {
    let names = symbol_names();
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let mut sym = Vec::with_capacity(ROWS);
    let mut price = Vec::with_capacity(ROWS);
    let mut size = Vec::with_capacity(ROWS);
    let mut time = Vec::with_capacity(ROWS);
    let mut id = Vec::with_capacity(ROWS);
    // 2024.01.02D09:30:00 in nanoseconds since 2000.01.01, then increasing.
    let mut t: i64 = 8767 * 86_400_000_000_000 + 34_200_000_000_000;
    for i in 0..ROWS {
        sym.push(rng.below(100) as usize);
        price.push(100.0 + rng.below(10_000) as f64 / 100.0);
        size.push((1 + rng.below(100) as i64) * 100);
        t += rng.below(1_000_000) as i64;
        time.push(t);
        id.push(format!("ORD{:05}", i % 100_000));
    }
    let column_names = ["sym", "price", "size", "time", "id"];

    let symbols: Vec<Symbol> = names.iter().map(Symbol::new).collect();
    let table = Table::new(
        column_names.iter().map(Symbol::new).collect(),
        vec![
            Value::SymbolVector(sym.iter().map(|&i| symbols[i]).collect()),
            Value::from(price.clone()),
            Value::from(size.clone()),
            Value::TimestampVector(Vector::new(time.clone())),
            Value::list(id.iter().map(|s| Value::string(s.as_bytes()))),
        ],
    )
    .expect("a valid table");

    let columns = K::new_compound_list(vec![
        K::new_symbol_list(sym.iter().map(|&i| names[i].clone()).collect(), NONE),
        K::new_float_list(price, NONE),
        K::new_long_list(size, NONE),
        K::new_timestamp_list(
            time.iter()
                .map(|&t| DateTime::from_timestamp_nanos(t + KDB_TIMESTAMP_OFFSET))
                .collect(),
            NONE,
        ),
        K::new_compound_list(id.into_iter().map(|s| K::new_string(s, NONE)).collect()),
    ]);
    let k_names = K::new_symbol_list(column_names.iter().map(|s| s.to_string()).collect(), NONE);
    let k = K::new_dictionary(k_names, columns)
        .and_then(K::flip)
        .expect("a valid kdbplus table");
    Case::new("table_1m", Value::table(table), k)
}

/// Case 3: 100,000 small items cycling long, float, symbol, 5-char string, 3 longs, bool.
fn general_list_case() -> Case {
    let names = symbol_names();
    let symbols: Vec<Symbol> = names.iter().map(Symbol::new).collect();
    let mut items = Vec::with_capacity(LIST_ITEMS);
    let mut k_items = Vec::with_capacity(LIST_ITEMS);
    for i in 0..LIST_ITEMS {
        let n = i as i64;
        match i % 6 {
            0 => {
                items.push(Value::Long(n));
                k_items.push(K::new_long(n));
            }
            1 => {
                items.push(Value::Float(n as f64 * 0.25));
                k_items.push(K::new_float(n as f64 * 0.25));
            }
            2 => {
                items.push(Value::Symbol(symbols[i % 100]));
                k_items.push(K::new_symbol(names[i % 100].clone()));
            }
            3 => {
                let text = format!("s{:04}", i % 10_000);
                items.push(Value::string(text.as_bytes()));
                k_items.push(K::new_string(text, NONE));
            }
            4 => {
                items.push(Value::from(vec![n, n + 1, n + 2]));
                k_items.push(K::new_long_list(vec![n, n + 1, n + 2], NONE));
            }
            _ => {
                items.push(Value::Bool(i % 2 == 0));
                k_items.push(K::new_bool(i % 2 == 0));
            }
        }
    }
    Case::new(
        "general_list_100k",
        Value::list(items),
        K::new_compound_list(k_items),
    )
}

/// Case 4a: `til 1000000`.
fn til_case() -> Case {
    let longs: Vec<i64> = (0..TIL).collect();
    let k = K::new_long_list(longs.clone(), NONE);
    Case::new("til_1m", Value::from(longs), k)
}

/// Runs a future that never waits: kdbplus's serializer is `async` but does no I/O.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("a kdbplus future that does no I/O was not ready"),
    }
}

/// kdbplus's whole message for a local peer (never compressed).
fn kdbplus_serialize(k: &K) -> Vec<u8> {
    ready(k.serialize(ASYNC, true))
}

/// kdbplus's whole message for a remote peer: compressed when over 2000 bytes and the
/// result is under half.
fn kdbplus_serialize_compressed(k: &K) -> Vec<u8> {
    ready(k.serialize(ASYNC, false))
}

/// `memcpy` of the message into a new buffer, and into one allocated beforehand.
fn baselines(group: &mut BenchmarkGroup<'_, WallTime>, message: &[u8]) {
    group.bench_function("memcpy", |b| b.iter(|| black_box(message).to_vec()));
    let mut target = vec![0u8; message.len()];
    group.bench_function("memcpy_prealloc", |b| {
        b.iter(|| {
            target.copy_from_slice(black_box(message));
            black_box(target.as_mut_ptr());
        })
    });
}

/// Cases 1-3: serialize and deserialize, qport and kdbplus.
fn plain_group(criterion: &mut Criterion, link: Option<&mut socket::Link>, case: &Case) -> Report {
    let mut group = criterion.benchmark_group(case.name);
    group.throughput(Throughput::Bytes(case.message.len() as u64));
    baselines(&mut group, &case.message);
    group.bench_function("qport/serialize", |b| {
        b.iter(|| qport_wire::serialize(black_box(&case.value)).expect("serializes"))
    });
    group.bench_function("qport/deserialize", |b| {
        b.iter(|| qport_wire::deserialize(black_box(&case.message)).expect("deserializes"))
    });
    group.bench_function("kdbplus/serialize", |b| {
        b.iter(|| kdbplus_serialize(black_box(&case.k)))
    });
    let mut functions = vec![
        "memcpy",
        "memcpy_prealloc",
        "qport/serialize",
        "qport/deserialize",
        "kdbplus/serialize",
    ];
    let mut notes = vec![format!(
        "message: {} bytes; kdbplus's serialized bytes are identical to qport's",
        case.message.len()
    )];
    let mut pairs = vec![alternating_functions(
        "qport/serialize",
        || qport_wire::serialize(black_box(&case.value)).expect("ok"),
        || kdbplus_serialize(black_box(&case.k)),
    )];
    if let Some(link) = link {
        link.check(&case.message, &case.message, &case.value);
        receive_functions(&mut group, link, &case.message);
        functions.extend(RECEIVE_FUNCTIONS);
        pairs.push(alternating_receive(link, &case.message));
    } else {
        notes.push("socket receive functions skipped (see the run's log)".into());
    }
    group.finish();
    Report {
        group: case.name,
        message_len: case.message.len(),
        notes,
        functions,
        pairs,
    }
}

/// Receiving `message`, qport against kdbplus, in alternation.
fn alternating_receive(link: &mut socket::Link, message: &[u8]) -> Paired {
    alternating("qport/receive", |qport, iters| {
        let receiver = match qport {
            true => socket::Receiver::Qport,
            false => socket::Receiver::Kdbplus,
        };
        link.time(iters, message, receiver)
    })
}

/// Case 4: kdb+ compression of a message and its decompression.
fn compression_group(
    criterion: &mut Criterion,
    link: Option<&mut socket::Link>,
    name: &'static str,
    case: &Case,
) -> Report {
    let message = &case.message;
    let compressed = compress_message(message).expect("the case compresses to under half");
    let plain = decompress_message(&compressed, MAX_MESSAGE_LEN).expect("decompresses");
    assert!(
        plain == *message,
        "{name}: decompression restores the message"
    );
    let kdbplus_compressed = kdbplus_serialize_compressed(&case.k);
    let mut notes = vec![
        format!(
            "message: {} bytes, compressed: {} bytes ({:.1}%)",
            message.len(),
            compressed.len(),
            100.0 * compressed.len() as f64 / message.len() as f64
        ),
        if kdbplus_compressed == compressed {
            "kdbplus's compressed bytes are identical to qport's".to_string()
        } else {
            format!(
                "kdbplus's compressed bytes differ from qport's ({} bytes)",
                kdbplus_compressed.len()
            )
        },
        "throughput is counted on the uncompressed message for every function".into(),
    ];

    let mut group = criterion.benchmark_group(name);
    group.throughput(Throughput::Bytes(message.len() as u64));
    baselines(&mut group, message);
    group.bench_function("qport/compress", |b| {
        b.iter(|| compress_message(black_box(message)).expect("compresses"))
    });
    group.bench_function("qport/compress (1 thread)", |b| {
        b.iter(|| compress_message_on_threads(black_box(message), 1).expect("compresses"))
    });
    group.bench_function("qport/decompress", |b| {
        b.iter(|| decompress_message(black_box(&compressed), MAX_MESSAGE_LEN).expect("ok"))
    });
    group.bench_function("qport/serialize+compress", |b| {
        b.iter(|| qport_wire::compress(black_box(&case.value)).expect("compresses"))
    });
    group.bench_function("qport/serialize+compress (1 thread)", |b| {
        b.iter(|| {
            let message = qport_wire::serialize(black_box(&case.value)).expect("serializes");
            compress_message_on_threads(&message, 1).expect("compresses")
        })
    });
    group.bench_function("kdbplus/serialize+compress", |b| {
        b.iter(|| kdbplus_serialize_compressed(black_box(&case.k)))
    });
    group.bench_function("qport/decompress+deserialize", |b| {
        b.iter(|| qport_wire::deserialize(black_box(&compressed)).expect("deserializes"))
    });
    let mut functions = vec![
        "memcpy",
        "memcpy_prealloc",
        "qport/compress",
        "qport/compress (1 thread)",
        "qport/decompress",
        "qport/serialize+compress",
        "qport/serialize+compress (1 thread)",
        "kdbplus/serialize+compress",
        "qport/decompress+deserialize",
    ];
    let mut pairs = vec![alternating_functions(
        "qport/serialize+compress",
        || qport_wire::compress(black_box(&case.value)).expect("ok"),
        || kdbplus_serialize_compressed(black_box(&case.k)),
    )];
    if let Some(link) = link {
        link.check(&compressed, message, &case.value);
        receive_functions(&mut group, link, &compressed);
        functions.extend(RECEIVE_FUNCTIONS);
        notes.push("the socket functions receive the compressed message".into());
        pairs.push(alternating_receive(link, &compressed));
    } else {
        notes.push("socket receive functions skipped (see the run's log)".into());
    }
    group.finish();
    Report {
        group: name,
        message_len: message.len(),
        notes,
        functions,
        pairs,
    }
}

const RECEIVE_FUNCTIONS: [&str; 3] = ["socket/receive", "qport/receive", "kdbplus/receive"];

/// Receiving `message` from a socket that already holds all of it: the bytes alone, then
/// decoded by qport, then by kdbplus (its only public decoding path).
fn receive_functions(
    group: &mut BenchmarkGroup<'_, WallTime>,
    link: &mut socket::Link,
    message: &[u8],
) {
    group.bench_function("socket/receive", |b| {
        b.iter_custom(|iters| link.time(iters, message, socket::Receiver::Bytes))
    });
    group.bench_function("qport/receive", |b| {
        b.iter_custom(|iters| link.time(iters, message, socket::Receiver::Qport))
    });
    group.bench_function("kdbplus/receive", |b| {
        b.iter_custom(|iters| link.time(iters, message, socket::Receiver::Kdbplus))
    });
}

#[cfg(target_os = "linux")]
mod socket {
    use std::hint::black_box;
    use std::io::{self, ErrorKind, Read, Write};
    use std::mem::MaybeUninit;
    use std::os::fd::AsRawFd;
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixListener, UnixStream};
    use std::time::{Duration, Instant};

    use kdbplus::ipc::{ConnectionMethod, QStream, K};
    use qport_value::Value;
    use qport_wire::receive::{DirectVector, DIRECT_HEAD_LEN, DIRECT_MIN_LEN};
    use qport_wire::{Header, HEADER_LEN};

    /// Which decoder a timed receive runs.
    #[derive(Clone, Copy)]
    pub enum Receiver {
        Bytes,
        Qport,
        Kdbplus,
    }

    /// A kdbplus client connected to a stand-in q process, and a plain socket pair for
    /// qport; both send ends can queue the largest message whole.
    pub struct Link {
        runtime: tokio::runtime::Runtime,
        kdbplus: QStream,
        to_kdbplus: UnixStream,
        to_qport: UnixStream,
        qport: UnixStream,
    }

    impl Link {
        pub fn open(largest: usize) -> Result<Link, String> {
            let buffer = largest * 2 + (8 << 20);
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_io()
                .build()
                .map_err(|e| format!("tokio runtime: {e}"))?;
            let (to_qport, qport) = UnixStream::pair().map_err(|e| e.to_string())?;
            queue_whole_messages(&to_qport, buffer)?;

            // kdbplus connects to kdb+'s abstract socket name for a port.
            let dir = std::env::var("QUDSPATH").unwrap_or_else(|_| "/tmp".into());
            let (listener, port) = (0..200u32)
                .find_map(|k| {
                    let port = (20_000 + (std::process::id() + k * 7919) % 40_000) as u16;
                    let name = format!("{dir}/kx.{port}");
                    let address = SocketAddr::from_abstract_name(name.as_bytes()).ok()?;
                    UnixListener::bind_addr(&address).ok().map(|l| (l, port))
                })
                .ok_or("no free abstract socket name for the stand-in q process")?;
            // The stand-in q process: read "user:password", the capability and a NUL, and
            // answer with capability 6.
            let server = std::thread::spawn(move || -> io::Result<UnixStream> {
                let (mut stream, _) = listener.accept()?;
                let mut byte = [1u8];
                while byte[0] != 0 {
                    stream.read_exact(&mut byte)?;
                }
                stream.write_all(&[6])?;
                Ok(stream)
            });
            let kdbplus = runtime
                .block_on(QStream::connect(
                    ConnectionMethod::UDS,
                    "",
                    port,
                    "qport:bench",
                ))
                .map_err(|e| format!("kdbplus connect: {e}"))?;
            let to_kdbplus = server
                .join()
                .map_err(|_| "the stand-in q process panicked".to_string())?
                .map_err(|e| format!("stand-in q process: {e}"))?;
            queue_whole_messages(&to_kdbplus, buffer)?;
            let mut link = Link {
                runtime,
                kdbplus,
                to_kdbplus,
                to_qport,
                qport,
            };
            // The largest message must fit in each send buffer at once: try a byte vector
            // message of that size both ways.
            let bytes = Value::ByteVector(vec![0u8; largest.saturating_sub(14)].into());
            let trial = qport_wire::serialize(&bytes).map_err(|e| e.to_string())?;
            send(&mut link.to_kdbplus, &trial)?;
            drop(link.receive_kdbplus());
            send(&mut link.to_qport, &trial)?;
            drop(link.receive_bytes());
            Ok(link)
        }

        /// Checks that both decoders read `message` (`plain` uncompressed) back to `value`:
        /// kdbplus by sending the same bytes again.
        pub fn check(&mut self, message: &[u8], plain: &[u8], value: &Value) {
            send(&mut self.to_kdbplus, message).expect("queues the message");
            let k = self.receive_kdbplus();
            assert!(
                super::kdbplus_serialize(&k) == plain,
                "kdbplus must receive what was sent"
            );
            send(&mut self.to_qport, message).expect("queues the message");
            let received = qport_wire::deserialize(&self.receive_bytes()).expect("decodes");
            assert!(received == *value, "qport must receive what was sent");
            send(&mut self.to_qport, message).expect("queues the message");
            assert!(
                self.receive_qport() == *value,
                "qport's receive path must agree"
            );
        }

        /// `iters` receives of `message`, each queued whole (untimed) before it is read.
        pub fn time(&mut self, iters: u64, message: &[u8], receiver: Receiver) -> Duration {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let to = match receiver {
                    Receiver::Kdbplus => &mut self.to_kdbplus,
                    _ => &mut self.to_qport,
                };
                send(to, message).expect("queues the message");
                let start = Instant::now();
                match receiver {
                    Receiver::Bytes => drop(black_box(self.receive_bytes())),
                    Receiver::Qport => drop(black_box(self.receive_qport())),
                    Receiver::Kdbplus => drop(black_box(self.receive_kdbplus())),
                }
                total += start.elapsed();
            }
            total
        }

        /// A whole message as a server would read it: the header, then the rest into a
        /// buffer of the header's length.
        fn receive_bytes(&mut self) -> Vec<u8> {
            let mut header = [0u8; HEADER_LEN];
            self.qport.read_exact(&mut header).expect("reads a header");
            let length = Header::parse(&header).expect("a valid header").length as usize;
            self.receive_rest(&header, length)
        }

        /// The rest of a `length`-byte message whose first bytes, `head`, were read.
        fn receive_rest(&mut self, head: &[u8], length: usize) -> Vec<u8> {
            let mut message = Vec::with_capacity(length);
            message.extend_from_slice(head);
            let rest = &mut message.spare_capacity_mut()[..length - head.len()];
            read_exact_uninit(&self.qport, rest).expect("reads the body");
            // SAFETY: the read wrote every byte after the head.
            unsafe { message.set_len(length) };
            message
        }

        /// A whole message received and decoded as qport's server does it: a big simple
        /// vector is read straight into its storage, anything else buffered and decoded.
        fn receive_qport(&mut self) -> Value {
            let mut head = [0u8; DIRECT_HEAD_LEN];
            self.qport
                .read_exact(&mut head[..HEADER_LEN])
                .expect("reads a header");
            let header = Header::parse(head[..HEADER_LEN].try_into().expect("8 bytes"));
            let length = header.expect("a valid header").length as usize;
            if length as u64 >= DIRECT_MIN_LEN {
                self.qport
                    .read_exact(&mut head[HEADER_LEN..])
                    .expect("reads a vector head");
                if let Some(mut direct) =
                    DirectVector::for_message(&head, qport_wire::MAX_MESSAGE_LEN)
                {
                    read_exact_uninit(&self.qport, direct.unfilled()).expect("reads the items");
                    direct.advance(length - DIRECT_HEAD_LEN);
                    return direct.finish().expect("complete").value;
                }
                let message = self.receive_rest(&head, length);
                return qport_wire::deserialize(&message).expect("decodes");
            }
            let message = self.receive_rest(&head[..HEADER_LEN], length);
            qport_wire::deserialize(&message).expect("decodes")
        }

        fn receive_kdbplus(&mut self) -> K {
            self.runtime
                .block_on(self.kdbplus.receive_message())
                .expect("kdbplus receives")
                .1
        }
    }

    /// Lets `stream` hold `bytes` unread (the kernel doubles the value asked for) and makes
    /// it non-blocking, so a message that does not fit fails instead of waiting.
    fn queue_whole_messages(stream: &UnixStream, bytes: usize) -> Result<(), String> {
        let value = libc::c_int::try_from(bytes / 2).map_err(|_| "message too large")?;
        // SAFETY: a valid socket descriptor and a c_int option value of the stated size.
        let status = unsafe {
            libc::setsockopt(
                stream.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_SNDBUFFORCE,
                (&value as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        if status != 0 {
            return Err(format!(
                "SO_SNDBUFFORCE (needs root or CAP_NET_ADMIN): {}",
                io::Error::last_os_error()
            ));
        }
        stream.set_nonblocking(true).map_err(|e| e.to_string())
    }

    /// Fills `room` from `stream` as a server's reads do (tokio's `ReadBuf`): `read(2)`
    /// straight into memory that was not zeroed first.
    fn read_exact_uninit(stream: &UnixStream, room: &mut [MaybeUninit<u8>]) -> io::Result<()> {
        let mut filled = 0;
        while filled < room.len() {
            let rest = &mut room[filled..];
            // SAFETY: a valid descriptor, and `rest` is writable memory of its length.
            let n = unsafe { libc::read(stream.as_raw_fd(), rest.as_mut_ptr().cast(), rest.len()) };
            match n {
                0 => return Err(ErrorKind::UnexpectedEof.into()),
                n if n < 0 => {
                    let error = io::Error::last_os_error();
                    if error.kind() != ErrorKind::Interrupted {
                        return Err(error);
                    }
                }
                n => filled += n as usize,
            }
        }
        Ok(())
    }

    fn send(stream: &mut UnixStream, message: &[u8]) -> Result<(), String> {
        let mut sent = 0;
        while sent < message.len() {
            match stream.write(&message[sent..]) {
                Ok(n) => sent += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    return Err(format!(
                        "the socket queued only {sent} of {} bytes",
                        message.len()
                    ))
                }
                Err(e) => return Err(e.to_string()),
            }
        }
        Ok(())
    }
}

#[cfg(not(target_os = "linux"))]
mod socket {
    use std::time::Duration;

    use qport_value::Value;

    #[derive(Clone, Copy)]
    pub enum Receiver {
        Bytes,
        Qport,
        Kdbplus,
    }

    /// Never made: kdbplus's receive path is timed only on Linux.
    pub enum Link {}

    impl Link {
        pub fn open(_largest: usize) -> Result<Link, String> {
            Err("the socket functions run only on Linux".into())
        }

        pub fn check(&mut self, _message: &[u8], _plain: &[u8], _value: &Value) {
            match *self {}
        }

        pub fn time(&mut self, _iters: u64, _message: &[u8], _receiver: Receiver) -> Duration {
            match *self {}
        }
    }
}

/// The markdown summary, read back from criterion's estimates of this run.
mod summary {
    use super::*;

    struct Estimate {
        mean_ns: f64,
        low_ns: f64,
        high_ns: f64,
    }

    /// Where criterion writes: $CRITERION_HOME, else the target directory's `criterion`.
    fn criterion_dir() -> Option<PathBuf> {
        if let Some(home) = std::env::var_os("CRITERION_HOME") {
            return Some(PathBuf::from(home));
        }
        if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
            return Some(Path::new(&target).join("criterion"));
        }
        // This binary is <target>/<profile>/deps/codec-<hash>.
        let exe = std::env::current_exe().ok()?;
        Some(exe.ancestors().nth(3)?.join("criterion"))
    }

    /// Criterion's directory name for an id.
    fn safe(id: &str) -> String {
        id.replace(['?', '"', '/', '\\', '*', '<', '>', ':', '|', '^'], "_")
    }

    /// The estimate of `group`/`function`, if it was written during this run.
    fn estimate(dir: &Path, group: &str, function: &str, since: SystemTime) -> Option<Estimate> {
        let path = dir
            .join(safe(group))
            .join(safe(function))
            .join("new")
            .join("estimates.json");
        if std::fs::metadata(&path).ok()?.modified().ok()? < since {
            return None;
        }
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
        let mean = &json["mean"];
        Some(Estimate {
            mean_ns: mean["point_estimate"].as_f64()?,
            low_ns: mean["confidence_interval"]["lower_bound"].as_f64()?,
            high_ns: mean["confidence_interval"]["upper_bound"].as_f64()?,
        })
    }

    fn ms(ns: f64) -> String {
        format!("{:.3} ms", ns / 1e6)
    }

    /// The kdbplus function doing the same work as a qport function.
    fn counterpart(function: &str) -> Option<&'static str> {
        match function {
            "qport/serialize" => Some("kdbplus/serialize"),
            "qport/receive" => Some("kdbplus/receive"),
            "qport/serialize+compress" | "qport/serialize+compress (1 thread)" => {
                Some("kdbplus/serialize+compress")
            }
            _ => None,
        }
    }

    pub fn print(reports: &[Report], since: SystemTime, allocator: &str) {
        let Some(dir) = criterion_dir() else {
            eprintln!("summary: criterion's output directory not found");
            return;
        };
        let mut out = format!("\nMemory: {allocator}.\n");
        for report in reports {
            let get = |f: &str| estimate(&dir, report.group, f, since);
            if report.functions.iter().all(|f| get(f).is_none()) {
                continue;
            }
            out += &format!("\n### {}\n\n", report.group);
            for note in &report.notes {
                out += &format!("- {note}\n");
            }
            out +=
                "\n| function | mean | 95% CI of mean | GB/s | × memcpy | speed-up vs kdbplus |\n";
            out += "| --- | ---: | ---: | ---: | ---: | ---: |\n";
            let memcpy = get("memcpy");
            for &function in &report.functions {
                let Some(e) = get(function) else {
                    out += &format!("| {function} | not run | | | | |\n");
                    continue;
                };
                let gbps = report.message_len as f64 / e.mean_ns;
                let vs_memcpy = memcpy
                    .as_ref()
                    .map_or("".into(), |m| format!("{:.2}×", m.mean_ns / e.mean_ns));
                let vs_kdbplus = counterpart(function)
                    .and_then(get)
                    .map_or("".into(), |k| format!("{:.2}×", k.mean_ns / e.mean_ns));
                out += &format!(
                    "| {function} | {} | {} – {} | {gbps:.2} | {vs_memcpy} | {vs_kdbplus} |\n",
                    ms(e.mean_ns),
                    ms(e.low_ns),
                    ms(e.high_ns),
                );
            }
            // Decoding alone, estimated by taking the bytes-only receive off each receive.
            if let (Some(bytes), Some(qport), Some(kdbplus)) = (
                get("socket/receive"),
                get("qport/receive"),
                get("kdbplus/receive"),
            ) {
                let q = qport.mean_ns - bytes.mean_ns;
                let k = kdbplus.mean_ns - bytes.mean_ns;
                // A receive that measured faster than the bytes-only one leaves no
                // estimate: the difference is within the noise of the read.
                let speed_up = if q > 0.0 {
                    format!("speed-up {:.2}×", k / q)
                } else {
                    "no speed-up to estimate (qport's receive measured faster than the \
                     bytes-only one)"
                        .into()
                };
                out += &format!(
                    "\nDecoding alone, estimated as receive − socket/receive: qport {}, \
                     kdbplus {}, {speed_up}.\n",
                    ms(q),
                    ms(k),
                );
            }
        }
        out += &format!(
            "\n### Speed-up vs kdbplus, measured in alternation\n\n\
             kdbplus's time ÷ qport's over {PAIRS} pairs, each pair one run of each, one \
             right after the other (see `alternating` in the bench):\n\n\
             | case | function | median | lowest – highest |\n| --- | --- | ---: | ---: |\n"
        );
        for report in reports {
            for pair in &report.pairs {
                out += &format!(
                    "| {} | {} | {:.2}× | {:.2}× – {:.2}× |\n",
                    report.group, pair.function, pair.median, pair.low, pair.high
                );
            }
        }
        println!("\n## Summary (mean of criterion's samples)\n{out}");
        let file = dir.join("codec-summary.md");
        match std::fs::write(&file, &out) {
            Ok(()) => println!("(also written to {})", file.display()),
            Err(e) => eprintln!("summary not written to {}: {e}", file.display()),
        }
    }
}
