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
#[cfg(any(feature = "login", feature = "sigv4", feature = "portal"))]
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
/// zeroizing buffer, a byte buffer) receives it without a copy in between.
#[cfg(any(feature = "login", feature = "sigv4", feature = "portal"))]
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

/// How many bytes [`percent_encode_unreserved_onto`] appends for `value`.
#[cfg(any(feature = "login", feature = "sigv4", feature = "portal"))]
pub(crate) fn percent_encoded_len(value: &str) -> usize {
    value.len()
        + 2 * value
            .bytes()
            .filter(|&b| !crate::validation::unreserved_byte(b))
            .count()
}

/// [`percent_encode`] of everything but RFC 3986's unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`), appended to `out`: ASCII only. Reserve
/// [`percent_encoded_len`] first to grow `out` once.
#[cfg(any(feature = "login", feature = "sigv4", feature = "portal"))]
pub(crate) fn percent_encode_unreserved_onto(out: &mut Vec<u8>, value: &str) {
    percent_encode(
        value.as_bytes(),
        crate::validation::unreserved_byte,
        |piece| out.extend_from_slice(piece),
    );
}

/// Text assembled from strings and [`percent_encode_unreserved_onto`]'s ASCII:
/// UTF-8 by construction, so the check passes and nothing is copied (the
/// lossy branch is only there so that no path can panic).
#[cfg(any(feature = "login", feature = "sigv4", feature = "portal"))]
pub(crate) fn into_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// [`percent_encode_unreserved_onto`] into a new `String` of its exact size.
#[cfg(any(
    feature = "sigv4",
    all(test, any(feature = "login", feature = "portal"))
))]
pub(crate) fn percent_encode_unreserved(value: &str) -> String {
    let mut out = Vec::with_capacity(percent_encoded_len(value));
    percent_encode_unreserved_onto(&mut out, value);
    into_text(out)
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

    #[cfg(any(feature = "login", feature = "sigv4", feature = "portal"))]
    #[test]
    fn text_percent_encodes_as_byte_by_byte() {
        use std::fmt::Write as _;
        // Multi-byte characters next to each other, at either end, between
        // unreserved runs, and many of them: every byte of each escaped,
        // nothing else, and the length known beforehand exact.
        let long = "a/é".repeat(100);
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
            &long,
        ] {
            let mut plain = String::new();
            for b in text.bytes() {
                if crate::validation::unreserved_byte(b) {
                    plain.push(char::from(b));
                } else {
                    write!(plain, "%{b:02X}").unwrap();
                }
            }
            let mut out = b"prefix:".to_vec();
            percent_encode_unreserved_onto(&mut out, text);
            assert_eq!(into_text(out), format!("prefix:{plain}"), "{text:?}");
            assert_eq!(percent_encoded_len(text), plain.len(), "{text:?}");
            assert_eq!(percent_encode_unreserved(text), plain, "{text:?}");
        }
    }

    #[cfg(any(feature = "login", feature = "sigv4", feature = "portal"))]
    #[test]
    fn every_byte_percent_encodes_as_the_plain_definition_does() {
        for b in 0..=255u8 {
            let out = percent_encode_unreserved(std::str::from_utf8(&[b]).unwrap_or("\u{fffd}"));
            if b.is_ascii() {
                let plain = if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                };
                assert_eq!(out, plain);
            }
        }
        assert_eq!(percent_encode_unreserved("a b/é~"), "a%20b%2F%C3%A9~");
    }
}
