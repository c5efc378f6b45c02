//! The messages the load sends: JSON text, an array of trade records whose fields vary from
//! record to record, cut to the message size. Deflate then has real work to do: the keys and
//! the structure repeat, the prices, sizes, times and ids do not.

use std::fmt::Write;
use std::sync::Arc;

use qport_ws::deflate::{DeflateParams, Deflater, Role};

const SYMBOLS: [&str; 8] = [
    "AAPL", "MSFT", "AMZN", "GOOG", "NVDA", "TSLA", "META", "IBM",
];

/// Distinct messages per size: each connection cycles through them, so no message is
/// compressed right after an identical one.
pub const POOL_LEN: usize = 32;

/// `POOL_LEN` different messages of exactly `size` bytes (ASCII, so valid UTF-8 however cut).
pub fn pool(size: usize) -> Arc<[Arc<[u8]>]> {
    (0..POOL_LEN as u64)
        .map(|seed| Arc::from(message(size, seed).into_bytes()))
        .collect()
}

/// Compressed size ÷ size of the pool's first message at zlib level 1, compressed alone
/// (no history from earlier messages): how much work deflate has with this text.
pub fn deflate_ratio(size: usize) -> f64 {
    let text = message(size, 0);
    let mut deflater = Deflater::new(&DeflateParams::default(), Role::Client, 1);
    let mut out = Vec::new();
    deflater.compress(text.as_bytes(), &mut out);
    out.len() as f64 / text.len().max(1) as f64
}

fn message(size: usize, seed: u64) -> String {
    let mut random = Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut text = String::with_capacity(size + 160);
    text.push('[');
    while text.len() < size {
        if text.len() > 1 {
            text.push(',');
        }
        let r = random.next();
        let _ = write!(
            text,
            r#"{{"sym":"{}","price":{}.{:02},"size":{},"side":"{}","time":"2024-05-02T{:02}:{:02}:{:02}.{:06}","id":"{:010x}"}}"#,
            SYMBOLS[(r % 8) as usize],
            10 + (r >> 8) % 990,
            (r >> 20) % 100,
            100 * (1 + (r >> 28) % 50),
            if r >> 40 & 1 == 0 { "B" } else { "S" },
            9 + (r >> 41) % 7,
            (r >> 44) % 60,
            (r >> 50) % 60,
            random.next() % 1_000_000,
            random.next() >> 24,
        );
    }
    text.push(']');
    text.truncate(size);
    text
}

/// xorshift64: the same messages on every run.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_have_the_size_asked_for_and_differ() {
        for size in [16, 1024, 16384, 65536] {
            let messages = pool(size);
            assert!(messages.iter().all(|m| m.len() == size));
            assert!(messages.iter().all(|m| std::str::from_utf8(m).is_ok()));
            assert_ne!(messages[0], messages[1]);
        }
    }

    #[test]
    fn text_compresses_but_not_to_nothing() {
        let ratio = deflate_ratio(16384);
        assert!(ratio > 0.2 && ratio < 0.7, "{ratio}");
    }
}
