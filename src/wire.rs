//! The JSON wire format, written by hand so that it is byte for byte what
//! `aws-sdk-ssooidc` sends and so that the body is allocated exactly once.
//!
//! A request lists its members in the alphabetical order of their wire names
//! (the order the SDK's serializer uses). The same list drives three writers: one
//! that measures the exact length (in `json_len()`, and in `to_json()` before
//! it allocates), one that writes the bytes (in `to_json()`), and serde's
//! [`Serialize`](serde::Serialize).

use std::convert::Infallible;

/// One member's value, borrowed from the request.
#[derive(Clone, Copy)]
pub enum Value<'a> {
    /// A JSON string. Secrets are exposed here, by reference, only for the writer.
    Str(&'a str),
    /// A JSON array of strings (`scope`).
    List(&'a [String]),
}

/// Never shows the value: it may be a secret.
impl std::fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Value([REDACTED])")
    }
}

/// Receives a request's members, in wire order.
pub trait Visit {
    type Error;
    fn member(&mut self, key: &'static str, value: Value<'_>) -> Result<(), Self::Error>;
}

/// Implemented by every request: lists its present members in wire order.
pub trait Members {
    fn visit<V: Visit>(&self, visitor: &mut V) -> Result<(), V::Error>;
}

/// How many extra bytes escaping adds for each byte, following serde_json's compact
/// formatter: `"` and `\` take a backslash, `\b \f \n \r \t` have short forms, other
/// control characters become `\u00XX`. Everything else (including `/`, DEL and
/// non-ASCII) is written as it is.
const EXTRA: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = 5;
        byte += 1;
    }
    table[0x08] = 1;
    table[0x09] = 1;
    table[0x0a] = 1;
    table[0x0c] = 1;
    table[0x0d] = 1;
    table[b'"' as usize] = 1;
    table[b'\\' as usize] = 1;
    table
};

/// The length of `s` as a JSON string, quotes included.
fn quoted_len(s: &str) -> usize {
    // Most values need no escape: find that out eight bytes at a time.
    if skip_plain(s.as_bytes(), 0) == s.len() {
        return s.len() + 2;
    }
    let extra: usize = s.bytes().map(|b| usize::from(EXTRA[usize::from(b)])).sum();
    s.len() + extra + 2
}

/// The index of the first byte at or after `from` that ends a plain run inside a
/// string (`"`, `\\` or a control character), or `input.len()`. Eight bytes at
/// a time for the first 32 (the bit tricks serde_json uses; the first flagged
/// byte of a word is the one): most names and short values end there. Then
/// sixteen bytes at a time while no byte of the block ends the run (branch-free,
/// so vector code: long tokens pass at a fraction of an instruction a byte);
/// then eight at a time again, then byte by byte for the last few.
// Bitwise `|` on purpose: without branches the block loop compiles to vector code.
#[allow(clippy::needless_bitwise_bool)]
#[inline]
pub(crate) fn skip_plain(input: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    // The eight bytes at `i`: `None` past the end, else where the run ends in
    // them, if it does.
    let word_end = |i: usize| {
        let chunk = input.get(i..i + 8)?;
        let word = u64::from_le_bytes([
            chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
        ]);
        let quote = has_zero(word ^ (ONES * u64::from(b'"')));
        let backslash = has_zero(word ^ (ONES * u64::from(b'\\')));
        let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
        let found = quote | backslash | control;
        // The lowest flag is exact (a borrow can only flag bytes above a real
        // match): its byte is the first that ends the run.
        Some((found != 0).then(|| i + (found.trailing_zeros() / 8) as usize))
    };
    let mut i = from;
    // Four words first: member names, codes and short values end within them,
    // where a block that sees the end has to be read again a word at a time.
    for _ in 0..4 {
        match word_end(i) {
            Some(Some(end)) => return end,
            Some(None) => i += 8,
            None => break,
        }
    }
    while let Some(block) = input
        .get(i..i + 16)
        .and_then(|block| <&[u8; 16]>::try_from(block).ok())
    {
        // Per byte, zero exactly for `"`, `\\` and 0x00..=0x1f (`min` of two
        // `xor`s and a saturating `sub`): the form that compiles to 15
        // instructions a block, loop included, where `==` and `<` gave 21.
        let mut lanes = [0u8; 16];
        for (lane, &b) in lanes.iter_mut().zip(block) {
            *lane = (b ^ b'"').min(b ^ b'\\').min(b.saturating_sub(0x1f));
        }
        let stop = lanes.iter().fold(false, |stop, &lane| stop | (lane == 0));
        if stop {
            break;
        }
        i += 16;
    }
    while let Some(end) = word_end(i) {
        if let Some(end) = end {
            return end;
        }
        i += 8;
    }
    while let Some(&b) = input.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            return i;
        }
        i += 1;
    }
    i
}

/// Adds up the exact length of the JSON text.
pub(crate) struct Measure {
    len: usize,
    /// True while no string seen so far needs an escape.
    plain: bool,
}

impl Visit for Measure {
    type Error = Infallible;
    fn member(&mut self, key: &'static str, value: Value<'_>) -> Result<(), Infallible> {
        // `"key":` plus the comma before every member but the first; the braces
        // are counted in `measure`.
        self.len += key.len() + 3 + 1;
        match value {
            Value::Str(s) => self.add_str(s),
            Value::List(items) => {
                // `[` `]` and the commas between items
                self.len += 2 + items.len().saturating_sub(1);
                for item in items {
                    self.add_str(item);
                }
            }
        }
        Ok(())
    }
}

impl Measure {
    fn add_str(&mut self, s: &str) {
        let quoted = quoted_len(s);
        self.plain &= quoted == s.len() + 2;
        self.len += quoted;
    }
}

/// The exact serialized length of a request's JSON, and whether any string in it
/// needs escaping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    pub(crate) len: usize,
    pub(crate) plain: bool,
}

pub(crate) fn measure(members: &impl Members) -> Layout {
    let mut m = Measure {
        len: 2,
        plain: true,
    };
    let Ok(()) = members.visit(&mut m);
    // The first member has no comma before it.
    if m.len > 2 {
        m.len -= 1;
    }
    Layout {
        len: m.len,
        plain: m.plain,
    }
}

/// Writes the JSON text into a buffer that was allocated at its final size.
struct Write<'b> {
    out: &'b mut Vec<u8>,
    first: bool,
    plain: bool,
}

impl Write<'_> {
    fn string(&mut self, s: &str) {
        self.out.push(b'"');
        if self.plain {
            self.out.extend_from_slice(s.as_bytes());
        } else {
            escape_into(self.out, s.as_bytes());
        }
        self.out.push(b'"');
    }
}

impl Visit for Write<'_> {
    type Error = Infallible;
    fn member(&mut self, key: &'static str, value: Value<'_>) -> Result<(), Infallible> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
        match value {
            Value::Str(s) => self.string(s),
            Value::List(items) => {
                self.out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(b',');
                    }
                    self.string(item);
                }
                self.out.push(b']');
            }
        }
        Ok(())
    }
}

fn escape_into(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if EXTRA[usize::from(b)] == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        start = i + 1;
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => {
                let [hi, lo] = crate::hex::lower(b);
                out.extend_from_slice(&[b'\\', b'u', b'0', b'0', hi, lo]);
            }
        }
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Writes `members` as compact JSON into a new vector of exactly `layout.len` bytes:
/// one allocation, never grown, so no partial copy of a secret is left behind by a
/// reallocation.
pub(crate) fn write(members: &impl Members, layout: Layout) -> Vec<u8> {
    write_with_tail(members, layout, b"")
}

/// [`write`], with `tail` (raw JSON text: `,"name":value` for each member kept
/// from a file this crate does not interpret) placed before the closing brace, in
/// the same single allocation. `layout.len` must count `tail`.
pub(crate) fn write_with_tail(members: &impl Members, layout: Layout, tail: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(layout.len);
    out.push(b'{');
    let mut writer = Write {
        out: &mut out,
        first: true,
        plain: layout.plain,
    };
    let Ok(()) = members.visit(&mut writer);
    out.extend_from_slice(tail);
    out.push(b'}');
    debug_assert_eq!(out.len(), layout.len, "measured and written lengths differ");
    debug_assert_eq!(out.capacity(), layout.len, "the body was reallocated");
    out
}

/// Feeds the members to a serde map serializer.
struct SerdeMap<M>(M);

impl<M: serde::ser::SerializeMap> Visit for SerdeMap<M> {
    type Error = M::Error;
    fn member(&mut self, key: &'static str, value: Value<'_>) -> Result<(), M::Error> {
        match value {
            Value::Str(s) => self.0.serialize_entry(key, s),
            Value::List(items) => self.0.serialize_entry(key, items),
        }
    }
}

/// Serializes a request's members as a serde map, in wire order: the same
/// member list `to_json` writes, for every request type.
pub(crate) fn serialize<M: Members, S: serde::Serializer>(
    members: &M,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap as _;
    let mut count = Count(0);
    let Ok(()) = members.visit(&mut count);
    let mut map = SerdeMap(serializer.serialize_map(Some(count.0))?);
    members.visit(&mut map)?;
    map.0.end()
}

/// Counts the members, for serde's map length hint.
struct Count(usize);

impl Visit for Count {
    type Error = Infallible;
    fn member(&mut self, _: &'static str, _: Value<'_>) -> Result<(), Infallible> {
        self.0 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::skip_plain;

    fn naive(input: &[u8], from: usize) -> usize {
        input[from..]
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .map_or(input.len(), |at| from + at)
    }

    /// Every byte value at every position of words read whole and of the
    /// byte-by-byte tail, with a second candidate after it (a borrow from the
    /// first can flag the bytes above it), from several starts.
    #[test]
    fn skip_plain_finds_the_first_end_of_a_run() {
        for len in [0, 1, 7, 8, 9, 16, 23, 24, 32, 33, 47, 48, 57, 71] {
            for from in [0, 1, 5].into_iter().filter(|&f| f <= len) {
                for pos in 0..len {
                    for b in 0..=255u8 {
                        for second in [b'a', b'"', 0x01, 0x21, 0x23, 0x5d, 0xff] {
                            let mut v = vec![b'a'; len];
                            v[pos] = b;
                            if pos + 1 < len {
                                v[pos + 1] = second;
                            }
                            assert_eq!(skip_plain(&v, from), naive(&v, from), "{v:?} from {from}");
                        }
                    }
                }
            }
        }
    }
}
