//! The compact-JWT scan with AVX2, chosen at run time: the crate's one use of
//! `unsafe`, allowed here alone.
//!
//! Why it exists: the portable scan (SSE2 on x86-64) needs about a dozen
//! vector operations for every 16 bytes, because SSE2 has no byte shuffle, and
//! that alone made `build()` of a JWT-bearer request with a 1 KB assertion
//! twice the time of the AWS SDK's builder (issue 19, measured in
//! `benches/construction.rs`). With AVX2's `vpshufb`, two 16-entry tables
//! classify 32 bytes in six operations: about a quarter of the time.
//!
//! What is `unsafe`, and why it is sound:
//! - calling [`scan_avx2`], a `#[target_feature(enable = "avx2")]` function:
//!   [`compact_jwt`] does so only after `is_x86_feature_detected!("avx2")` said the
//!   CPU has AVX2 (the check is cached by std, so it costs one load);
//! - the unaligned loads: `_mm256_loadu_si256` of a `&[u8; 32]` and
//!   `_mm_loadu_si128` of a `&[u8; 16]`, so every byte read is in bounds, and
//!   `loadu` has no alignment requirement.
//!
//! Nothing else here is `unsafe`: the other intrinsics are safe to call
//! inside an AVX2 function.
#![allow(unsafe_code)]

use std::arch::x86_64::{
    __m256i, _mm256_adds_epu8, _mm256_and_si256, _mm256_andnot_si256, _mm256_broadcastsi128_si256,
    _mm256_cmpeq_epi8, _mm256_cmpgt_epi8, _mm256_extract_epi64, _mm256_loadu_si256,
    _mm256_min_epu8, _mm256_movemask_epi8, _mm256_or_si256, _mm256_sad_epu8, _mm256_set1_epi8,
    _mm256_setzero_si256, _mm256_shuffle_epi8, _mm256_srli_epi16, _mm_loadu_si128,
};

/// Bytes per block: one AVX2 register.
pub(super) const LANES: usize = 32;

/// Each lane's index.
// `as u8`: `u8::try_from` is not `const`, and every index is below 32.
#[allow(clippy::cast_possible_truncation)]
const INDEX: [u8; LANES] = {
    let mut t = [0u8; LANES];
    let mut i = 0;
    while i < LANES {
        t[i] = i as u8;
        i += 1;
    }
    t
};

/// The mark of a `.` in a byte's class: the only class value between 1 and 7.
const DOT: u8 = 1;

/// The table for a byte's high nibble: each row of the ASCII table whose
/// bytes are partly base64url gets a bit of its own (rows 4 and 6, the
/// letters `A`-`O` and `a`-`o` after `@` and `` ` ``, share one, as they have
/// the same gaps); every other row (control bytes and anything not ASCII) gets
/// all five, so any low nibble marks it. Row 2 (`-`, `.`) also carries
/// [`DOT`].
const HIGH: [u8; 16] = {
    let mut t = [0xF8; 16];
    t[2] = 0x08 | DOT;
    t[3] = 0x10;
    t[4] = 0x20;
    t[5] = 0x40;
    t[6] = 0x20;
    t[7] = 0x80;
    t
};

/// The table for a byte's low nibble: the bits of the rows in which that
/// column is not base64url or `.`, and [`DOT`] for `.`'s column; derived from
/// the definition, so `HIGH[h] & LOW[l]` is 0 for base64url, [`DOT`] for `.`
/// and at least 8 for anything else.
// `as u8`: `u8::try_from` is not `const`, and `h << 4 | l` is below 256.
#[allow(clippy::cast_possible_truncation)]
const LOW: [u8; 16] = {
    let mut t = [0u8; 16];
    let mut l = 0;
    while l < 16 {
        let mut h = 0;
        while h < 16 {
            let b = (h << 4 | l) as u8;
            let allowed = b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.';
            // Rows marked in full need no column.
            if !allowed && HIGH[h] != 0xF8 {
                t[l] |= HIGH[h] & 0xF8;
            }
            h += 1;
        }
        l += 1;
    }
    t[(b'.' & 0x0F) as usize] |= DOT;
    // Every column is not base64url in some marked row, so a row marked in
    // full meets a bit whatever its low nibble.
    let mut l = 0;
    while l < 16 {
        assert!(t[l] & 0xF8 != 0);
        l += 1;
    }
    t
};

/// Whether every byte of `v` is base64url or `.`, with 2 or 4 `.`s, when the
/// CPU has AVX2 and `v` fills at least one block; otherwise `None`, and the
/// caller scans portably.
pub(super) fn compact_jwt(v: &[u8]) -> Option<bool> {
    if v.len() < LANES || !std::arch::is_x86_feature_detected!("avx2") {
        return None;
    }
    // SAFETY: the CPU has AVX2 (checked just above).
    Some(unsafe { scan_avx2(v) })
}

/// A byte's class, 32 at a time: `HIGH[b >> 4] & LOW[b & 15]`, with the low
/// table complemented (`NOT_LOW`): `vpshufb` gives 0 for a byte whose top bit
/// is set, and the complement of that 0 lets the high table's full mark
/// through, so no byte needs masking before its low-nibble lookup. Six
/// operations per 32 bytes.
#[target_feature(enable = "avx2")]
fn classify(x: __m256i, high: __m256i, not_low: __m256i) -> __m256i {
    let hi = _mm256_and_si256(_mm256_srli_epi16::<4>(x), _mm256_set1_epi8(0x0F));
    _mm256_andnot_si256(
        _mm256_shuffle_epi8(not_low, x),
        _mm256_shuffle_epi8(high, hi),
    )
}

/// Reads 32 bytes.
#[target_feature(enable = "avx2")]
fn load(block: &[u8; LANES]) -> __m256i {
    // SAFETY: `block` is 32 readable bytes, and `loadu` allows any alignment.
    unsafe { _mm256_loadu_si256(block.as_ptr().cast()) }
}

/// [`LOW`], complemented (see [`classify`]).
const NOT_LOW: [u8; 16] = {
    let mut t = LOW;
    let mut l = 0;
    while l < 16 {
        t[l] = !t[l];
        l += 1;
    }
    t
};

/// Reads one 16-byte table into both halves of a register (`vpshufb` looks up
/// within each half).
#[target_feature(enable = "avx2")]
fn table(t: &[u8; 16]) -> __m256i {
    // SAFETY: `t` is 16 readable bytes, and `loadu` allows any alignment.
    _mm256_broadcastsi128_si256(unsafe { _mm_loadu_si128(t.as_ptr().cast()) })
}

/// [`compact_jwt`]'s answer. Each lane adds up its bytes' classes with
/// saturation, so it ends at most 4 exactly when its bytes were base64url or
/// `.`, with at most 4 `.`s (more dots fail a compact JWT anyway); the dots
/// are then the lanes' sum. The last partial block is read as the 32 bytes
/// that end the value, its dots counted only in the lanes not seen before.
#[target_feature(enable = "avx2")]
fn scan_avx2(v: &[u8]) -> bool {
    let (high, not_low) = (table(&HIGH), table(&NOT_LOW));
    let (blocks, rest) = v.as_chunks::<LANES>();
    let mut sum = _mm256_setzero_si256();
    for block in blocks {
        sum = _mm256_adds_epu8(sum, classify(load(block), high, not_low));
    }
    if !rest.is_empty() {
        let last: &[u8; LANES] = v[v.len() - LANES..].try_into().expect("v fills a block");
        // Keep only the "not base64url" bits in the lanes already counted:
        // those whose index is below `seen`.
        let seen = i8::try_from(LANES - rest.len()).expect("less than a block");
        let new = _mm256_cmpgt_epi8(load(&INDEX), _mm256_set1_epi8(seen - 1));
        let keep = _mm256_or_si256(new, _mm256_set1_epi8(0xF8u8.cast_signed()));
        let class = _mm256_and_si256(classify(load(last), high, not_low), keep);
        sum = _mm256_adds_epu8(sum, class);
    }
    let small = _mm256_cmpeq_epi8(_mm256_min_epu8(sum, _mm256_set1_epi8(4)), sum);
    if _mm256_movemask_epi8(small) != -1 {
        return false;
    }
    let quarters = _mm256_sad_epu8(sum, _mm256_setzero_si256());
    let dots = _mm256_extract_epi64::<0>(quarters)
        + _mm256_extract_epi64::<1>(quarters)
        + _mm256_extract_epi64::<2>(quarters)
        + _mm256_extract_epi64::<3>(quarters);
    dots == 2 || dots == 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_classify_every_byte() {
        for b in 0..=255u8 {
            // As `classify` computes it: `vpshufb` gives 0 for a byte
            // whose top bit is set.
            let not_low = if b & 0x80 == 0 {
                NOT_LOW[usize::from(b & 15)]
            } else {
                0
            };
            let class = HIGH[usize::from(b >> 4)] & !not_low;
            let expected = if b == b'.' {
                DOT
            } else if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                0
            } else {
                assert!(class >= 8, "byte {b}: class {class}");
                continue;
            };
            assert_eq!(class, expected, "byte {b}");
        }
    }
}
