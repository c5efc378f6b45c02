//! Writes the fuzz seeds `fuzz/seeds/decompress/compressed_vector_*.bin`: compressed
//! messages whose body is one simple vector of more than 1 MiB, the kind decoded by
//! decompressing straight into the vector. Each compresses to a few KiB, so the fuzzer can
//! mutate it; the corpus otherwise never reaches that size.
//!
//! `cargo run -p qport-wire --example compressed_vector_seeds`

use std::path::Path;

use qport_value::{Attribute, Value, Vector};
use qport_wire::{compress_message, encode_message, Capability, MessageKind};

fn cycle<T: Copy>(items: &[T], count: usize) -> Vec<T> {
    items.iter().copied().cycle().take(count).collect()
}

fn main() -> std::io::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/decompress");
    let sorted: Vec<i64> = (0..140_000).map(|i| i / 4096).collect();
    let seeds = [
        ("long", Value::from(cycle(&[1i64, -2, 3], 140_000))),
        (
            "long_sorted",
            Value::LongVector(Vector::with_attribute(sorted, Attribute::Sorted)),
        ),
        ("float", Value::from(cycle(&[1.5f64, 0.25], 140_000))),
        (
            "int",
            Value::IntVector(Vector::from(cycle(&[7i32, 0], 280_000))),
        ),
        // Its prefix 04 00 04 00 10 00 repeats its first pair: a reference inside it.
        (
            "bytes_0x100004",
            Value::ByteVector(Vector::from(cycle(&[7u8, 7, 8], 0x10_0004))),
        ),
    ];
    for (name, value) in seeds {
        let message =
            encode_message(&value, MessageKind::Sync, Capability::MAX).expect("a vector encodes");
        let compressed = compress_message(&message).expect("a cycle compresses");
        let path = dir.join(format!("compressed_vector_{name}.bin"));
        std::fs::write(&path, &compressed)?;
        println!("{} {} bytes", path.display(), compressed.len());
    }
    Ok(())
}
