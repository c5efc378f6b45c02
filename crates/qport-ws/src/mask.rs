//! Payload masking (RFC 6455 §5.3): XOR with a 4-byte key, applied in place, in pieces.

/// Bytes handled per step of the main loop. A fixed-length XOR against a repeated key is a
/// loop the compiler turns into whole vector registers.
const BLOCK: usize = 32;

/// Payloads from this length up are worth the wider vector registers. Below it they save a
/// few nanoseconds, less than the first 256-bit instruction costs on a core that was idle
/// (seen in the profile of one connection's echo: 60% of the masking time on that one
/// instruction, for a 1 KiB message).
#[cfg(target_arch = "x86_64")]
const WIDE_FROM: usize = 4096;

/// XORs `data` with `mask`, where `data` starts `offset` bytes into the frame payload (so a
/// payload can be unmasked in pieces as it arrives). Masking twice with the same key and
/// offset gives the bytes back.
pub fn apply_mask(data: &mut [u8], mask: [u8; 4], offset: usize) {
    // The key byte for payload byte `offset + i` is `mask[(offset + i) % 4]`: rotating the
    // key once lets every later step start at key byte 0.
    let key = u32::from_be_bytes(mask)
        .rotate_left(8 * (offset % 4) as u32)
        .to_be_bytes();
    #[cfg(target_arch = "x86_64")]
    if data.len() >= WIDE_FROM && std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        unsafe { mask_avx2(data, key) };
        return;
    }
    mask_from_key_start(data, key);
}

/// The same loop compiled for 256-bit registers: the baseline x86-64 target has only 128-bit
/// ones, which halves the speed on a large payload.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn mask_avx2(data: &mut [u8], key: [u8; 4]) {
    mask_from_key_start(data, key);
}

/// XORs `data` with `key` repeated, starting at key byte 0.
#[inline(always)]
fn mask_from_key_start(data: &mut [u8], key: [u8; 4]) {
    let mut block_key = [0u8; BLOCK];
    for (i, byte) in block_key.iter_mut().enumerate() {
        *byte = key[i % 4];
    }
    let mut blocks = data.chunks_exact_mut(BLOCK);
    for block in &mut blocks {
        for (byte, k) in block.iter_mut().zip(block_key) {
            *byte ^= k;
        }
    }
    // BLOCK is a multiple of 8, so the tail starts at key byte 0 too; most messages are
    // short, so its 8-byte words are worth a loop of their own.
    let mut words = blocks.into_remainder().chunks_exact_mut(8);
    for word in &mut words {
        for (byte, k) in word.iter_mut().zip(block_key) {
            *byte ^= k;
        }
    }
    for (byte, k) in words.into_remainder().iter_mut().zip(block_key) {
        *byte ^= k;
    }
}
