//! Hex digits, and the percent-encoding built on them: one table and one
//! encoder for every place the crate writes either (SigV4, the STS form, the
//! authorize URL, JSON escapes, cache file names).

/// Lower-case digits: hashes, signatures, file names, JSON `\u00XX` escapes.
const LOWER: &[u8; 16] = b"0123456789abcdef";

/// `b` as two lower-case hex digits.
pub(crate) fn lower(b: u8) -> [u8; 2] {
    [LOWER[usize::from(b >> 4)], LOWER[usize::from(b & 0xf)]]
}

/// `b` as `%XX`, with the upper-case digits RFC 3986 (section 2.1) and SigV4
/// ask for.
#[cfg(any(feature = "login", feature = "sigv4"))]
fn percent(b: u8) -> [u8; 3] {
    const UPPER: &[u8; 16] = b"0123456789ABCDEF";
    [
        b'%',
        UPPER[usize::from(b >> 4)],
        UPPER[usize::from(b & 0xf)],
    ]
}

/// Percent-encodes `value`: bytes that `keep` accepts stay as they are, every
/// other byte becomes `%XX`. The output goes to `put` in order, as runs of kept
/// bytes and escapes, so that the caller's sink (a hasher, an exact-size
/// zeroizing buffer) receives it without a copy in between.
#[cfg(feature = "sigv4")]
pub(crate) fn percent_encode(value: &[u8], keep: impl Fn(u8) -> bool, mut put: impl FnMut(&[u8])) {
    let mut run = 0;
    for (i, &b) in value.iter().enumerate() {
        if keep(b) {
            continue;
        }
        put(&value[run..i]);
        put(&percent(b));
        run = i + 1;
    }
    put(&value[run..]);
}

/// [`percent_encode`] of everything but RFC 3986's unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`), appended to `out`.
#[cfg(any(feature = "login", feature = "sigv4"))]
pub(crate) fn percent_encode_unreserved_into(out: &mut String, value: &str) {
    /// Appends encoded bytes: unreserved characters and `%XX` escapes, all
    /// ASCII, so the check passes and the bytes go in with one copy (the
    /// byte-by-byte branch is only there so that nothing can be lost).
    fn flush(out: &mut String, encoded: &[u8]) {
        match std::str::from_utf8(encoded) {
            Ok(text) => out.push_str(text),
            Err(_) => out.extend(encoded.iter().map(|&b| char::from(b))),
        }
    }
    // Encoded on the stack a block at a time: a store per byte, where pushing
    // each character onto the `String` checks its capacity and width each time.
    let mut block = [0u8; 256];
    let mut len = 0;
    for b in value.bytes() {
        if len + 3 > block.len() {
            flush(out, &block[..len]);
            len = 0;
        }
        if crate::validation::unreserved_byte(b) {
            block[len] = b;
            len += 1;
        } else {
            block[len..len + 3].copy_from_slice(&percent(b));
            len += 3;
        }
    }
    flush(out, &block[..len]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_is_two_lower_case_digits() {
        for b in 0..=255u8 {
            assert_eq!(lower(b), *format!("{b:02x}").as_bytes());
        }
    }

    #[cfg(any(feature = "login", feature = "sigv4"))]
    #[test]
    fn text_percent_encodes_as_byte_by_byte() {
        use std::fmt::Write as _;
        // Multi-byte characters next to each other, at either end, between
        // unreserved runs, and across the encoder's blocks: every byte of each
        // escaped, nothing else.
        for text in [
            "",
            "a",
            "é",
            "éé",
            "aé",
            "éa",
            "a日本b",
            "😀 x+y/z~",
            "%2B",
            "-._~AZaz09",
        ] {
            let mut plain = String::new();
            for b in text.bytes() {
                if crate::validation::unreserved_byte(b) {
                    plain.push(char::from(b));
                } else {
                    write!(plain, "%{b:02X}").unwrap();
                }
            }
            let mut out = String::from("prefix:");
            percent_encode_unreserved_into(&mut out, text);
            assert_eq!(out, format!("prefix:{plain}"), "{text:?}");
        }
    }

    #[cfg(any(feature = "login", feature = "sigv4"))]
    #[test]
    fn every_byte_percent_encodes_as_the_plain_definition_does() {
        for b in 0..=255u8 {
            let mut out = String::new();
            percent_encode_unreserved_into(
                &mut out,
                std::str::from_utf8(&[b]).unwrap_or("\u{fffd}"),
            );
            if b.is_ascii() {
                let plain = if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                };
                assert_eq!(out, plain);
            }
        }
        let mut out = String::new();
        percent_encode_unreserved_into(&mut out, "a b/é~");
        assert_eq!(out, "a%20b%2F%C3%A9~");
    }
}
