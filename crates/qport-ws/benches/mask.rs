//! Masking throughput: `apply_mask` against the byte-at-a-time loop that RFC 6455 §5.3
//! describes, on payloads from one small message to a large one, at a 4-aligned and an odd
//! offset into the frame.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use qport_ws::mask::apply_mask;

const SIZES: [usize; 5] = [16, 125, 1024, 64 * 1024, 1024 * 1024];
const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// The definition: payload byte `i` XOR key byte `(offset + i) % 4`.
fn naive_mask(data: &mut [u8], mask: [u8; 4], offset: usize) {
    for (i, byte) in data.iter_mut().enumerate() {
        *byte ^= mask[(offset + i) % 4];
    }
}

fn mask(c: &mut Criterion) {
    for offset in [0, 3] {
        let mut group = c.benchmark_group(format!("mask/offset{offset}"));
        for size in SIZES {
            let mut data: Vec<u8> = (0..size).map(|i| i as u8).collect();
            group.throughput(Throughput::Bytes(size as u64));
            group.bench_function(BenchmarkId::new("naive", size), |b| {
                b.iter(|| naive_mask(black_box(&mut data), black_box(KEY), black_box(offset)))
            });
            group.bench_function(BenchmarkId::new("apply_mask", size), |b| {
                b.iter(|| apply_mask(black_box(&mut data), black_box(KEY), black_box(offset)))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, mask);
criterion_main!(benches);
