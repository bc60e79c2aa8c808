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
/// zeroizing buffer, a `String`) receives it without a copy in between.
#[cfg(any(feature = "login", feature = "sigv4"))]
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
    percent_encode(
        value.as_bytes(),
        crate::validation::unreserved_byte,
        |piece| {
            // Every piece is ASCII: unreserved characters, or `%` and hex digits.
            out.extend(piece.iter().map(|&b| char::from(b)));
        },
    );
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
