//! The XML reader for STS answers (feature `sts`), on `quick-xml`.
//!
//! `quick-xml` walks the structure and never copies text (the input is a slice,
//! so its events borrow from it). The text of the leaves this crate reads is
//! then decoded here, by the same rules as `json.rs`: measured first, written
//! into one allocation of its exact length, and wiped if it turns out to be
//! invalid. Nothing read from the input is ever put into an error: errors carry
//! a byte offset and the element names this crate knows.

use quick_xml::events::Event;
use quick_xml::Reader;
use zeroize::Zeroize;

use crate::error::{ParseError, ParseErrorKind, Syntax};

/// How deeply elements may nest before the input is refused.
const MAX_DEPTH: usize = 32;

/// The longest path `walk` is given.
const MAX_PATH: usize = 8;

/// Walks `input` and calls `leaf(index, raw_text, offset)` for each element whose
/// path (element local names from the root) is `paths[index]`. The raw text is
/// the element's content as it stands in the input (entities not yet decoded).
pub(crate) fn walk(
    input: &[u8],
    paths: &[&[&'static str]],
    mut leaf: impl FnMut(usize, &[u8], usize) -> Result<(), ParseError>,
) -> Result<(), ParseError> {
    // A UTF-8 byte-order mark is skipped here, so that the spans quick-xml reports
    // index `input` as it is read (with the mark left in, they would be 3 bytes
    // early); `base` puts the offsets in errors back on the original body.
    let (input, base) = match input.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, 3),
        None => (input, 0),
    };
    // One mark at most: a second is text before the root (and quick-xml would
    // skip it too, shifting every span by 3 bytes).
    if input.starts_with(b"\xEF\xBB\xBF") {
        return Err(ParseError::syntax(Syntax::ContentOutsideRoot, base));
    }
    if let Some(at) = forbidden_character(input) {
        return Err(ParseError::syntax(Syntax::XmlForbiddenCharacter, base + at));
    }
    walk_from(input, base, paths, &mut leaf)
}

/// The offset of the first character XML 1.0's `Char` production excludes:
/// C0 controls but tab, line feed and carriage return, and U+FFFE, U+FFFF.
fn forbidden_character(input: &[u8]) -> Option<usize> {
    // A cheap branch-free pass first (vector code): any control byte but line
    // feed (`(b ^ \n) - 1 < 0x1F` holds exactly for those), or any non-ASCII
    // byte. Indented ASCII documents, the usual answer, stop there.
    let mut suspect = 0u8;
    for &b in input {
        suspect |= u8::from((b ^ b'\n').wrapping_sub(1) < 0x1f) | (b & 0x80);
    }
    if suspect == 0 {
        return None;
    }
    // Then a finer one; the exact place is looked for only when there is a
    // candidate (a control byte, or 0xEF, the first byte of U+FFFE, U+FFFF and
    // of ordinary characters).
    let mut candidate = 0u8;
    for &b in input {
        let control =
            u8::from(b < 0x20) & u8::from(b != b'\t') & u8::from(b != b'\n') & u8::from(b != b'\r');
        candidate |= control | u8::from(b == 0xEF);
    }
    if candidate == 0 {
        return None;
    }
    input.iter().enumerate().find_map(|(i, &b)| {
        let control = b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r');
        let nonchar = b == 0xEF
            && input.get(i + 1) == Some(&0xBF)
            && matches!(input.get(i + 2), Some(0xBE | 0xBF));
        (control || nonchar).then_some(i)
    })
}

/// A start tag well formed: a valid name, and every attribute with a valid name,
/// a quoted value without `<`, references that resolve, and no duplicate.
fn check_tag(start: &quick_xml::events::BytesStart<'_>, at: usize) -> Result<(), ParseError> {
    let bad = || ParseError::syntax(Syntax::InvalidXml, at);
    if !is_name(start.name().into_inner()) {
        return Err(bad());
    }
    // White space before each attribute: after the name, and after each value.
    let raw = start.attributes_raw();
    // Most tags have no attribute at all (nothing, or only white space, after
    // the name): nothing more to check.
    if is_white_space(raw) {
        return Ok(());
    }
    if raw.first().is_some_and(|b| !b.is_ascii_whitespace()) {
        return Err(bad());
    }
    let mut quote = None;
    for (i, &b) in raw.iter().enumerate() {
        match quote {
            Some(q) if b == q => {
                quote = None;
                if raw.get(i + 1).is_some_and(|n| !n.is_ascii_whitespace()) {
                    return Err(bad());
                }
            }
            None if b == b'"' || b == b'\'' => quote = Some(b),
            _ => {}
        }
    }
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|_| bad())?;
        let value: &[u8] = &attribute.value;
        if !is_name(attribute.key.into_inner()) || value.contains(&b'<') {
            return Err(bad());
        }
        pieces(value, |_| {}).map_err(|_| bad())?;
    }
    Ok(())
}

/// Whether `bytes` is all ASCII white space (as `u8::is_ascii_whitespace`):
/// one pass without an early exit.
fn is_white_space(bytes: &[u8]) -> bool {
    bytes.iter().fold(true, |all, &b| {
        all & (u8::from(b == b' ') | u8::from(b.wrapping_sub(b'\t') < 5 && b != 0x0b) != 0)
    })
}

/// XML's `Name` production, for ASCII; any non-ASCII character is let through
/// (the input is checked as UTF-8 where it is read).
fn is_name(name: &[u8]) -> bool {
    match name.split_first() {
        // One pass over the rest, without an early exit.
        Some((&first, rest)) => {
            NAME_CLASS[usize::from(first)] & NAME_START != 0
                && rest
                    .iter()
                    .fold(NAME_CHAR, |all, &b| all & NAME_CLASS[usize::from(b)])
                    != 0
        }
        None => false,
    }
}

/// May start a name.
const NAME_START: u8 = 1;
/// May continue a name.
const NAME_CHAR: u8 = 2;

/// `NAME_START | NAME_CHAR` for ASCII letters, `_`, `:` and every non-ASCII
/// byte; `NAME_CHAR` for digits, `-` and `.`.
const NAME_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut c: u8 = 0;
    loop {
        table[c as usize] = if c.is_ascii_alphabetic() || c == b'_' || c == b':' || !c.is_ascii() {
            NAME_START | NAME_CHAR
        } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
            NAME_CHAR
        } else {
            0
        };
        if c == u8::MAX {
            break;
        }
        c += 1;
    }
    table
};

fn walk_from(
    input: &[u8],
    base: usize,
    paths: &[&[&'static str]],
    leaf: &mut impl FnMut(usize, &[u8], usize) -> Result<(), ParseError>,
) -> Result<(), ParseError> {
    let mut reader = Reader::from_reader(input);
    // `--` inside a comment is malformed XML.
    reader.config_mut().check_comments = true;
    let mut first = true;
    // A stack of the open elements' names, while they are ones a path names;
    // `unknown` counts the open elements below the last known one.
    // Kept on the stack: no path is longer than `MAX_PATH`.
    debug_assert!(paths.iter().all(|p| p.len() <= MAX_PATH));
    let mut stack: [&'static str; MAX_PATH] = [""; MAX_PATH];
    let mut depth = 0usize;
    let mut unknown = 0usize;
    let mut root_seen = false;
    loop {
        let at = base + position(&reader);
        let event = reader.read_event().map_err(|_| xml_error(&reader, base))?;
        let outside = depth == 0 && unknown == 0;
        let was_first = std::mem::take(&mut first);
        match event {
            Event::Start(start) => {
                check_tag(&start, at)?;
                if depth + unknown >= MAX_DEPTH {
                    return Err(ParseError::syntax(Syntax::TooDeep, at));
                }
                if outside {
                    if root_seen {
                        return Err(ParseError::syntax(Syntax::TrailingCharacters, at));
                    }
                    root_seen = true;
                }
                let name = start.local_name().into_inner();
                if unknown > 0 {
                    unknown += 1;
                    continue;
                }
                let path = &stack[..depth];
                // The name's length first (it tells most paths apart at once),
                // then the prefix (`path` holds the very `&'static str`s of
                // `paths`, so it is compared by address before by content), the
                // name's bytes last. One pass: the first path
                // that ends here makes it a leaf, else the first that goes on
                // makes it a known element.
                let mut known = None;
                let mut leaf_index = None;
                for (index, p) in paths.iter().enumerate() {
                    let matches = p.len() > depth
                        && p[depth].len() == name.len()
                        && p[..depth]
                            .iter()
                            .zip(path)
                            .all(|(a, b)| std::ptr::eq(*a, *b) || a == b)
                        && p[depth].as_bytes() == name;
                    if !matches {
                        continue;
                    }
                    if p.len() == depth + 1 {
                        leaf_index = Some(index);
                        break;
                    }
                    known = known.or(Some(p[depth]));
                }
                if let Some(index) = leaf_index {
                    let text_at = base + position(&reader);
                    let span = reader
                        .read_to_end(start.name())
                        .map_err(|_| xml_error(&reader, base))?;
                    let (from, to) = (to_usize(span.start), to_usize(span.end));
                    leaf(index, &input[from..to], text_at)?;
                } else if let Some(known) = known {
                    stack[depth] = known;
                    depth += 1;
                } else {
                    unknown = 1;
                }
            }
            Event::End(end) => {
                if !is_name(end.name().into_inner()) {
                    return Err(ParseError::syntax(Syntax::InvalidXml, at));
                }
                if unknown > 0 {
                    unknown -= 1;
                } else {
                    depth = depth.saturating_sub(1);
                }
            }
            Event::Empty(empty) => {
                check_tag(&empty, at)?;
                if !outside {
                    continue;
                }
                if root_seen {
                    return Err(ParseError::syntax(Syntax::TrailingCharacters, at));
                }
                root_seen = true;
            }
            Event::Eof => {
                if !outside {
                    return Err(ParseError::syntax(Syntax::TruncatedXml, at));
                }
                if !root_seen {
                    return Err(ParseError::syntax(Syntax::ExpectedElement, at));
                }
                return Ok(());
            }
            other => check_other(&other, outside, was_first, at)?,
        }
    }
}

/// The events that carry nothing this crate reads, checked for well-formedness:
/// only white space, comments and a leading declaration outside the root; no
/// `]]>` in character data; references that resolve; no document type.
fn check_other(
    event: &Event<'_>,
    outside: bool,
    was_first: bool,
    at: usize,
) -> Result<(), ParseError> {
    let fail = |syntax| Err(ParseError::syntax(syntax, at));
    match event {
        // Most text between elements is indentation: one pass, no early exit.
        Event::Text(text) if is_white_space(text) => Ok(()),
        Event::Text(text) if outside && !text.iter().all(u8::is_ascii_whitespace) => {
            fail(Syntax::ContentOutsideRoot)
        }
        Event::Text(text)
            if text.windows(3).any(|w| w == b"]]>") || pieces(text, |_| {}).is_err() =>
        {
            fail(Syntax::InvalidXml)
        }
        Event::Decl(_) if !was_first => fail(Syntax::InvalidXml),
        Event::DocType(_) | Event::PI(_) | Event::CData(_) | Event::GeneralRef(_) if outside => {
            fail(Syntax::ContentOutsideRoot)
        }
        Event::DocType(_) => fail(Syntax::InvalidXml),
        Event::GeneralRef(reference) => {
            let name: &[u8] = reference;
            let known = matches!(name, b"lt" | b"gt" | b"amp" | b"apos" | b"quot");
            if known || char_reference(name).is_some() {
                Ok(())
            } else {
                fail(Syntax::InvalidXmlReference)
            }
        }
        // Comments anywhere, and processing instructions and CDATA between
        // elements.
        _ => Ok(()),
    }
}

fn position<R>(reader: &Reader<R>) -> usize {
    to_usize(reader.buffer_position())
}

fn to_usize(offset: u64) -> usize {
    usize::try_from(offset).unwrap_or(usize::MAX)
}

fn xml_error<R>(reader: &Reader<R>, base: usize) -> ParseError {
    // quick-xml's own error may quote the input: only its position is kept.
    ParseError::syntax(Syntax::InvalidXml, base + to_usize(reader.error_position()))
}

/// One piece of decoded text.
enum Piece<'a> {
    Raw(&'a [u8]),
    Char(char),
}

/// Calls `piece` with the decoded text of `raw`, in order: runs of plain text,
/// the characters entities and character references stand for, and CDATA
/// sections as they are (comments are skipped). Returns an error (with an offset into `raw`) for a
/// child element, an unknown entity or a bad character reference.
fn pieces<'a>(raw: &'a [u8], mut piece: impl FnMut(Piece<'a>)) -> Result<(), (Syntax, usize)> {
    // Most values (keys, tokens, ARNs) hold no markup at all: one branch-free
    // pass (vector code) says so, and the text is then taken as it stands.
    if !has_markup(raw) {
        piece(Piece::Raw(raw));
        return Ok(());
    }
    let mut i = 0;
    let mut run = 0;
    while i < raw.len() {
        match raw[i] {
            b'&' => {
                piece(Piece::Raw(&raw[run..i]));
                let end = raw[i..]
                    .iter()
                    .take(12)
                    .position(|&b| b == b';')
                    .ok_or((Syntax::InvalidXmlReference, i))?;
                let name = &raw[i + 1..i + end];
                let c = match name {
                    b"lt" => '<',
                    b"gt" => '>',
                    b"amp" => '&',
                    b"apos" => '\'',
                    b"quot" => '"',
                    _ => char_reference(name).ok_or((Syntax::InvalidXmlReference, i))?,
                };
                piece(Piece::Char(c));
                i += end + 1;
                run = i;
            }
            b'<' if raw[i..].starts_with(b"<!--") => {
                // A comment inside the text: skipped. `--` may only close it.
                piece(Piece::Raw(&raw[run..i]));
                let close = raw[i + 4..]
                    .windows(2)
                    .position(|w| w == b"--")
                    .filter(|&dash| raw[i + 4 + dash..].starts_with(b"-->"))
                    .ok_or((Syntax::InvalidXml, i))?;
                i += 4 + close + 3;
                run = i;
            }
            b'<' => {
                const OPEN: &[u8] = b"<![CDATA[";
                if !raw[i..].starts_with(OPEN) {
                    return Err((Syntax::UnexpectedElement, i));
                }
                piece(Piece::Raw(&raw[run..i]));
                let body = i + OPEN.len();
                let close = raw[body..]
                    .windows(3)
                    .position(|w| w == b"]]>")
                    .ok_or((Syntax::InvalidXml, i))?;
                piece(Piece::Raw(&raw[body..body + close]));
                i = body + close + 3;
                run = i;
            }
            b']' if raw[i..].starts_with(b"]]>") => return Err((Syntax::InvalidXml, i)),
            _ => i += 1,
        }
    }
    piece(Piece::Raw(&raw[run..]));
    Ok(())
}

/// Whether `raw` holds a byte that may start markup (`&`, `<`, `]`): one
/// branch-free pass (vector code).
fn has_markup(raw: &[u8]) -> bool {
    let mut markup = 0u8;
    for &b in raw {
        markup |= u8::from(b == b'&') | u8::from(b == b'<') | u8::from(b == b']');
    }
    markup != 0
}

/// `#123` or `#x7B`: a character XML allows.
fn char_reference(name: &[u8]) -> Option<char> {
    let digits = name.strip_prefix(b"#")?;
    let (digits, radix) = match digits.strip_prefix(b"x") {
        Some(hex) => (hex, 16),
        None => (digits, 10),
    };
    if digits.is_empty() {
        return None;
    }
    let value = digits.iter().try_fold(0u32, |acc, &d| {
        let digit = char::from(d).to_digit(radix)?;
        acc.checked_mul(radix)?.checked_add(digit)
    })?;
    let c = char::from_u32(value)?;
    // XML 1.0's Char production.
    let allowed =
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}');
    allowed.then_some(c)
}

/// Decodes an element's text into a `String` of exactly its decoded length: one
/// allocation, no scratch copy; wiped if it turns out not to be UTF-8.
pub(crate) fn text(raw: &[u8], offset: usize) -> Result<String, ParseError> {
    let invalid = |bytes: Vec<u8>| {
        let mut bytes = bytes;
        bytes.zeroize();
        ParseError::syntax(Syntax::InvalidUtf8, offset)
    };
    // Most values (keys, tokens, ARNs) hold no markup: they are their own text.
    // Checked as UTF-8 before the copy, so an invalid one is never copied.
    if !has_markup(raw) {
        return match std::str::from_utf8(raw) {
            Ok(text) => Ok(text.to_owned()),
            Err(_) => Err(ParseError::syntax(Syntax::InvalidUtf8, offset)),
        };
    }
    let mut len = 0;
    pieces(raw, |p| {
        len += match p {
            Piece::Raw(bytes) => bytes.len(),
            Piece::Char(c) => c.len_utf8(),
        }
    })
    .map_err(|(syntax, at)| ParseError::syntax(syntax, offset + at))?;
    let mut out = Vec::with_capacity(len);
    let _ = pieces(raw, |p| match p {
        Piece::Raw(bytes) => out.extend_from_slice(bytes),
        Piece::Char(c) => {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            buf.zeroize();
        }
    });
    debug_assert_eq!(out.len(), out.capacity());
    String::from_utf8(out).map_err(|err| invalid(err.into_bytes()))
}

/// An element appeared twice.
pub(crate) fn duplicate(element: &'static str, offset: usize) -> ParseError {
    ParseError::new(ParseErrorKind::Duplicate, Some(element), Some(offset))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// XML 1.0's `Char` production, byte by byte, as plainly as it reads.
    fn forbidden_reference(input: &[u8]) -> Option<usize> {
        (0..input.len()).find(|&i| {
            let b = input[i];
            let control = b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r';
            let nonchar =
                input[i..].starts_with(b"\xEF\xBF\xBE") || input[i..].starts_with(b"\xEF\xBF\xBF");
            control || nonchar
        })
    }

    fn name_reference(name: &[u8]) -> bool {
        let start = |b: u8| b.is_ascii_alphabetic() || b == b'_' || b == b':' || !b.is_ascii();
        match name.split_first() {
            Some((&first, rest)) => {
                start(first)
                    && rest
                        .iter()
                        .all(|&b| start(b) || b.is_ascii_digit() || b == b'-' || b == b'.')
            }
            None => false,
        }
    }

    /// Bytes drawn mostly from `alphabet`, sometimes any byte.
    fn near(alphabet: &'static [u8], max: usize) -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(
            prop_oneof![
                8 => prop::sample::select(alphabet),
                1 => any::<u8>(),
            ],
            0..max,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn forbidden_character_matches_reference(v in near(b"<a>\t\n\r \x01\x1f\xEF\xBF\xBE\xBF", 80)) {
            prop_assert_eq!(forbidden_character(&v), forbidden_reference(&v));
        }

        #[test]
        fn is_name_matches_reference(v in near(b"aZ_:-.09 =\"\x80\xC3", 16)) {
            prop_assert_eq!(is_name(&v), name_reference(&v));
        }

        #[test]
        fn is_white_space_matches_reference(v in near(b" \t\n\r\x0b\x0cx", 16)) {
            prop_assert_eq!(is_white_space(&v), v.iter().all(u8::is_ascii_whitespace));
        }

        #[test]
        fn has_markup_matches_reference(v in near(b"ab&<]", 40)) {
            prop_assert_eq!(has_markup(&v), v.iter().any(|b| b"&<]".contains(b)));
        }
    }
}
