//! A small JSON reader for token responses, error bodies and request bodies.
//!
//! It exists because `serde_json` decodes an escaped string through an internal
//! scratch buffer that grows and is never wiped: a secret written as
//! `"ab\/cd"` would leave copies in freed memory. Here every string is measured
//! first, then decoded into one allocation of its exact length; a string that
//! fails to decode is wiped before its buffer is freed. Nothing read from the
//! input is ever put into an error message: errors carry byte offsets and the
//! names this crate knows.

use secrecy::{SecretBox, SecretString};
use zeroize::Zeroize;

use crate::error::{ParseError, ParseErrorKind, Syntax};

/// 2^63, the first `f64` past `i64::MAX` (exact).
const TWO_TO_63: f64 = 9_223_372_036_854_775_808.0;

/// How deeply unknown values may nest before the input is refused.
const MAX_DEPTH: usize = 64;

/// The longest member name this crate knows; longer keys are unknown.
const KEY_CAPACITY: usize = 32;

pub(crate) struct Reader<'a> {
    input: &'a [u8],
    /// `input` as text, when it is all UTF-8 (checked once, up front): then
    /// every string is a slice of it, and is not checked again. Otherwise each
    /// string is checked on its own, so that the error names the member.
    text: Option<&'a str>,
    pos: usize,
}

/// A member name, decoded into a small stack buffer (keys may hold escapes too).
pub(crate) struct Key {
    bytes: [u8; KEY_CAPACITY],
    len: Option<usize>,
    /// Where the key starts, for error messages that must not echo it.
    pub(crate) offset: usize,
}

impl Key {
    /// The decoded name, or `None` if it is longer than any name this crate knows.
    pub(crate) fn as_bytes(&self) -> Option<&[u8]> {
        self.len.map(|len| &self.bytes[..len])
    }
}

/// The shape of a string literal, found without decoding it.
struct Scanned {
    /// Index of the first byte after the opening quote.
    start: usize,
    /// Index of the closing quote.
    end: usize,
    /// Length once decoded.
    decoded_len: usize,
    escaped: bool,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Self {
            input,
            text: std::str::from_utf8(input).ok(),
            pos: 0,
        }
    }

    fn error(&self, syntax: Syntax) -> ParseError {
        ParseError::syntax(syntax, self.pos)
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.input.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.input.get(self.pos).copied()
    }

    fn expect(&mut self, byte: u8, syntax: Syntax) -> Result<(), ParseError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(syntax))
        }
    }

    /// The offset of the next byte to read: right after a value just read or
    /// skipped, so `input[key.offset..position()]` is a member's raw text.
    #[cfg_attr(not(feature = "cache"), allow(dead_code))]
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// Whether the next value is a string (nothing is consumed but whitespace).
    #[cfg_attr(not(feature = "cache"), allow(dead_code))]
    pub(crate) fn at_string(&mut self) -> bool {
        self.peek() == Some(b'"')
    }

    /// Only whitespace may follow the value.
    pub(crate) fn end(&mut self) -> Result<(), ParseError> {
        if self.peek().is_some() {
            return Err(self.error(Syntax::TrailingCharacters));
        }
        Ok(())
    }

    /// Reads an object, calling `member` with each key; `member` must consume the
    /// value (read it or [`skip`](Self::skip) it).
    pub(crate) fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, &Key) -> Result<(), ParseError>,
    ) -> Result<(), ParseError> {
        self.expect(b'{', Syntax::ExpectedObject)?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(self.error(Syntax::ExpectedKey));
            }
            let key = self.key()?;
            self.expect(b':', Syntax::ExpectedColon)?;
            member(self, &key)?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.error(Syntax::ExpectedCommaOrEnd)),
            }
        }
    }

    fn key(&mut self) -> Result<Key, ParseError> {
        let offset = self.pos;
        let scanned = self.scan_string()?;
        // Member names must be UTF-8 as values must (escapes are ASCII, and lone
        // surrogates are refused by the scan), whether or not the name is one
        // this crate knows.
        self.check_utf8(&scanned)?;
        let mut key = Key {
            bytes: [0; KEY_CAPACITY],
            len: None,
            offset,
        };
        if scanned.decoded_len <= KEY_CAPACITY {
            let mut len = 0;
            self.decode(&scanned, |part| {
                key.bytes[len..len + part.len()].copy_from_slice(part);
                len += part.len();
            });
            key.len = Some(len);
        }
        self.pos = scanned.end + 1;
        Ok(key)
    }

    /// Whether the next value is `null` (consumed if so).
    pub(crate) fn null(&mut self) -> bool {
        if self.peek() == Some(b'n') && self.input[self.pos..].starts_with(b"null") {
            self.pos += 4;
            return true;
        }
        false
    }

    /// Reads a string into a `String` of exactly its decoded length.
    pub(crate) fn string(&mut self) -> Result<String, ParseError> {
        if self.peek() != Some(b'"') {
            return Err(self.error(Syntax::ExpectedString));
        }
        let scanned = self.scan_string()?;
        self.scanned_string(&scanned)
    }

    /// The `String` of a string `scan_string` has just scanned; moves past it.
    fn scanned_string(&mut self, scanned: &Scanned) -> Result<String, ParseError> {
        // Without escapes, the string is a slice of the text (checked once):
        // copied as it is, at its exact length.
        if !scanned.escaped {
            if let Some(text) = self.text.and_then(|t| t.get(scanned.start..scanned.end)) {
                self.pos = scanned.end + 1;
                return Ok(text.to_owned());
            }
        }
        let mut bytes = Vec::with_capacity(scanned.decoded_len);
        self.decode(scanned, |part| bytes.extend_from_slice(part));
        debug_assert_eq!(bytes.len(), bytes.capacity());
        let at = scanned.start;
        self.pos = scanned.end + 1;
        String::from_utf8(bytes).map_err(|err| {
            // The bytes may be a secret's: wipe them before they are freed.
            crate::secret::wipe_vec(err.into_bytes());
            ParseError::syntax(Syntax::InvalidUtf8, at)
        })
    }

    /// Reads a string as `known` names it (no allocation), else as `owned` makes
    /// it from the decoded `String`.
    pub(crate) fn string_as<T>(
        &mut self,
        known: impl FnOnce(&str) -> Option<T>,
        owned: impl FnOnce(String) -> T,
    ) -> Result<T, ParseError> {
        if self.peek() != Some(b'"') {
            return Err(self.error(Syntax::ExpectedString));
        }
        let scanned = self.scan_string()?;
        if !scanned.escaped {
            let text = self.text.and_then(|t| t.get(scanned.start..scanned.end));
            if let Some(value) = text.and_then(known) {
                self.pos = scanned.end + 1;
                return Ok(value);
            }
        }
        self.scanned_string(&scanned).map(owned)
    }

    /// A scanned string's raw text is UTF-8: known when the whole input is,
    /// else checked here.
    fn check_utf8(&self, scanned: &Scanned) -> Result<(), ParseError> {
        if self.text.is_none()
            && std::str::from_utf8(&self.input[scanned.start..scanned.end]).is_err()
        {
            return Err(ParseError::syntax(Syntax::InvalidUtf8, scanned.start));
        }
        Ok(())
    }

    /// Reads a string straight into a zeroizing secret: one exact-size allocation,
    /// no scratch copy.
    pub(crate) fn secret(&mut self) -> Result<SecretString, ParseError> {
        let string = self.string()?;
        // Exact capacity, so this does not reallocate.
        Ok(SecretBox::new(string.into_boxed_str()))
    }

    /// Reads an array of strings.
    pub(crate) fn strings(&mut self) -> Result<Vec<String>, ParseError> {
        self.expect(b'[', Syntax::ExpectedArray)?;
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(items);
        }
        loop {
            items.push(self.string()?);
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(items);
                }
                _ => return Err(self.error(Syntax::ExpectedCommaOrEnd)),
            }
        }
    }

    /// Reads a whole number that fits an `i32`.
    pub(crate) fn integer(&mut self) -> Result<i32, ParseError> {
        self.whole_number()
    }

    /// Reads a whole number that fits an `i64` (epoch seconds).
    #[cfg_attr(not(feature = "login"), allow(dead_code))]
    pub(crate) fn long(&mut self) -> Result<i64, ParseError> {
        self.whole_number()
    }

    /// A number read as the SDK reads it into an integer member: an integer
    /// as written; one with a fraction or an exponent as an `f64`, taken when
    /// that is a whole number (`3600.0`, `3.6e3`), as `aws-smithy-types`'
    /// lossless conversion does. A fraction is `ExpectedInteger`; a value
    /// that does not fit is `IntegerOutOfRange`.
    fn whole_number<T: TryFrom<i64>>(&mut self) -> Result<T, ParseError> {
        if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return Err(self.error(Syntax::ExpectedInteger));
        }
        let start = self.pos;
        self.scan_number()?;
        let text = std::str::from_utf8(&self.input[start..self.pos]).unwrap_or_default();
        let out_of_range = || ParseError::syntax(Syntax::IntegerOutOfRange, start);
        let value = if text.contains(['.', 'e', 'E']) {
            let float: f64 = text.parse().map_err(|_| out_of_range())?;
            // `1e400` reads as infinity: beyond any integer, not a fraction.
            if !float.is_finite() {
                return Err(out_of_range());
            }
            if float.fract() != 0.0 {
                return Err(ParseError::syntax(Syntax::ExpectedInteger, start));
            }
            // `i64`'s range is [-2^63, 2^63): both ends are exact in `f64`.
            // (Checked before the cast, which saturates: 2^63 would become
            // `i64::MAX`, which converts back to 2^63.)
            if !(-TWO_TO_63..TWO_TO_63).contains(&float) {
                return Err(out_of_range());
            }
            // Exact: a whole number in range.
            #[allow(clippy::cast_possible_truncation)]
            let whole = float as i64;
            whole
        } else {
            text.parse().map_err(|_| out_of_range())?
        };
        T::try_from(value).map_err(|_| out_of_range())
    }

    /// Skips any JSON value, checking its syntax.
    pub(crate) fn skip(&mut self) -> Result<(), ParseError> {
        self.skip_at(0)
    }

    fn skip_at(&mut self, depth: usize) -> Result<(), ParseError> {
        if depth >= MAX_DEPTH {
            return Err(self.error(Syntax::TooDeep));
        }
        match self.peek() {
            Some(b'"') => {
                let scanned = self.scan_string()?;
                self.check_utf8(&scanned)?;
                self.pos = scanned.end + 1;
                Ok(())
            }
            Some(b'{') => self.object(|reader, _| reader.skip_at(depth + 1)),
            Some(b'[') => {
                self.pos += 1;
                if self.peek() == Some(b']') {
                    self.pos += 1;
                    return Ok(());
                }
                loop {
                    self.skip_at(depth + 1)?;
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(());
                        }
                        _ => return Err(self.error(Syntax::ExpectedCommaOrEnd)),
                    }
                }
            }
            Some(b'-' | b'0'..=b'9') => self.scan_number(),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            _ => Err(self.error(Syntax::ExpectedValue)),
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), ParseError> {
        if self.input[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.error(Syntax::ExpectedValue))
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn scan_number(&mut self) -> Result<(), ParseError> {
        let digits = |reader: &mut Self| {
            let start = reader.pos;
            while reader.input.get(reader.pos).is_some_and(u8::is_ascii_digit) {
                reader.pos += 1;
            }
            reader.pos > start
        };
        if self.input.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match self.input.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.error(Syntax::InvalidNumber)),
        }
        if self.input.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.error(Syntax::InvalidNumber));
            }
        }
        if let Some(b'e' | b'E') = self.input.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.input.get(self.pos) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error(Syntax::InvalidNumber));
            }
        }
        Ok(())
    }

    /// Finds the end of the string literal at `self.pos` (which is its opening
    /// quote), checks every escape, and measures the decoded length. Allocates
    /// nothing, and leaves `self.pos` where it was.
    fn scan_string(&self) -> Result<Scanned, ParseError> {
        let start = self.pos + 1;
        let mut i = start;
        let mut decoded_len = 0;
        let mut escaped = false;
        loop {
            let Some(&b) = self.input.get(i) else {
                return Err(ParseError::syntax(Syntax::UnterminatedString, self.pos));
            };
            match b {
                b'"' => {
                    return Ok(Scanned {
                        start,
                        end: i,
                        decoded_len,
                        escaped,
                    })
                }
                b'\\' => {
                    escaped = true;
                    let (consumed, produced) = self.scan_escape(i)?;
                    i += consumed;
                    decoded_len += produced;
                }
                0x00..=0x1f => return Err(ParseError::syntax(Syntax::ControlCharacter, i)),
                _ => {
                    let run_end = crate::wire::skip_plain(self.input, i + 1);
                    decoded_len += run_end - i;
                    i = run_end;
                }
            }
        }
    }

    /// Checks the escape at `at` (a backslash): returns how many input bytes it
    /// takes and how many UTF-8 bytes it stands for.
    fn scan_escape(&self, at: usize) -> Result<(usize, usize), ParseError> {
        match self.input.get(at + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok((2, 1)),
            Some(b'u') => {
                let unit = self.hex4(at + 2)?;
                match unit {
                    0xd800..=0xdbff => {
                        let low = (self.input.get(at + 6) == Some(&b'\\')
                            && self.input.get(at + 7) == Some(&b'u'))
                        .then(|| self.hex4(at + 8))
                        .transpose()?;
                        match low {
                            Some(0xdc00..=0xdfff) => Ok((12, 4)),
                            _ => Err(ParseError::syntax(Syntax::LoneSurrogate, at)),
                        }
                    }
                    0xdc00..=0xdfff => Err(ParseError::syntax(Syntax::LoneSurrogate, at)),
                    _ => Ok((6, char::from_u32(unit).map_or(3, char::len_utf8))),
                }
            }
            _ => Err(ParseError::syntax(Syntax::InvalidEscape, at)),
        }
    }

    fn hex4(&self, at: usize) -> Result<u32, ParseError> {
        let digits = self
            .input
            .get(at..at + 4)
            .ok_or_else(|| ParseError::syntax(Syntax::InvalidEscape, at))?;
        digits.iter().try_fold(0u32, |acc, &d| {
            let value = char::from(d)
                .to_digit(16)
                .ok_or_else(|| ParseError::syntax(Syntax::InvalidEscape, at))?;
            Ok(acc * 16 + value)
        })
    }

    /// Feeds the decoded bytes of a scanned (so known-valid) string to `push`.
    fn decode(&self, scanned: &Scanned, mut push: impl FnMut(&[u8])) {
        let raw = &self.input[scanned.start..scanned.end];
        if !scanned.escaped {
            push(raw);
            return;
        }
        let mut i = 0;
        let mut run = 0;
        while i < raw.len() {
            if raw[i] != b'\\' {
                i += 1;
                continue;
            }
            push(&raw[run..i]);
            let simple = match raw[i + 1] {
                b'b' => Some(0x08),
                b'f' => Some(0x0c),
                b'n' => Some(b'\n'),
                b'r' => Some(b'\r'),
                b't' => Some(b'\t'),
                b'u' => None,
                other => Some(other),
            };
            if let Some(byte) = simple {
                push(&[byte]);
                i += 2;
            } else {
                let unit = hex4_unchecked(&raw[i + 2..i + 6]);
                let (code_point, consumed) = if (0xd800..=0xdbff).contains(&unit) {
                    let low = hex4_unchecked(&raw[i + 8..i + 12]);
                    (0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00), 12)
                } else {
                    (unit, 6)
                };
                let mut buf = [0u8; 4];
                // Scanning rejected lone surrogates, so this is a valid char.
                let encoded = char::from_u32(code_point)
                    .unwrap_or('\u{fffd}')
                    .encode_utf8(&mut buf);
                push(encoded.as_bytes());
                buf.zeroize();
                i += consumed;
            }
            run = i;
        }
        push(&raw[run..]);
    }
}

fn hex4_unchecked(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |acc, &d| {
        acc * 16 + char::from(d).to_digit(16).unwrap_or(0)
    })
}

/// Reads an optional member of a response: `null` counts as absent (as the SDK
/// does); a second occurrence is refused.
pub(crate) fn optional<'a, T>(
    reader: &mut Reader<'a>,
    slot: &mut Option<T>,
    seen: &mut bool,
    name: &'static str,
    offset: usize,
    read: impl FnOnce(&mut Reader<'a>) -> Result<T, ParseError>,
) -> Result<(), ParseError> {
    if std::mem::replace(seen, true) {
        return Err(ParseError::new(
            ParseErrorKind::Duplicate,
            Some(name),
            Some(offset),
        ));
    }
    if !reader.null() {
        *slot = Some(read(reader).map_err(|e| e.in_member(name))?);
    }
    Ok(())
}

/// A required member that was absent.
#[cfg_attr(not(any(feature = "login", feature = "sts")), allow(dead_code))]
pub(crate) fn missing<T>(slot: Option<T>, name: &'static str) -> Result<T, ParseError> {
    slot.ok_or_else(|| ParseError::new(ParseErrorKind::Missing { grant: None }, Some(name), None))
}
