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

/// How deep the tree of known elements `walk` is given may be.
const MAX_PATH: usize = 8;

/// The text of a known leaf element: its name, its content as it stands in
/// the input (entities not yet decoded), where it starts, and whether it is
/// plain text.
pub(crate) struct Leaf<'a> {
    name: &'static str,
    raw: &'a [u8],
    offset: usize,
    /// Nothing to decode: the content was one text event of quick-xml (which
    /// holds no `<` and no `&`), and the input holds no `]` (so no `]]>`).
    plain: bool,
}

impl Leaf<'_> {
    /// The element's local name, as the tree gives it (for errors).
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    /// Where the text starts in the input.
    pub(crate) fn offset(&self) -> usize {
        self.offset
    }

    /// The decoded text, in a `String` of exactly its length (see [`text`]).
    pub(crate) fn text(&self) -> Result<String, ParseError> {
        if self.plain {
            // Checked as UTF-8 before the copy, so an invalid text is never copied.
            return match std::str::from_utf8(self.raw) {
                Ok(text) => Ok(text.to_owned()),
                Err(_) => Err(ParseError::syntax(Syntax::InvalidUtf8, self.offset)),
            };
        }
        text(self.raw, self.offset)
    }

    /// `read` applied to the decoded text. Plain text is read where it stands:
    /// for values parsed into something else (a time, a number), no copy is made.
    pub(crate) fn read<T>(&self, read: impl FnOnce(&str) -> T) -> Result<T, ParseError> {
        if self.plain {
            return match std::str::from_utf8(self.raw) {
                Ok(text) => Ok(read(text)),
                Err(_) => Err(ParseError::syntax(Syntax::InvalidUtf8, self.offset)),
            };
        }
        Ok(read(&text(self.raw, self.offset)?))
    }
}

/// Walks `input` and calls `leaf(index, text)` for each element of the tree
/// `roots` that is a [`Element::leaf`] (elements are known by their local
/// names, from the root). No tree deeper than 8.
pub(crate) fn walk(
    input: &[u8],
    roots: &'static [Element],
    mut leaf: impl FnMut(usize, Leaf<'_>) -> Result<(), ParseError>,
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
    let (forbidden, bracket, ascii) = scan(input);
    if let Some(at) = forbidden {
        return Err(ParseError::syntax(Syntax::XmlForbiddenCharacter, base + at));
    }
    walk_from(input, base, roots, !bracket, &mut leaf)?;
    // The whole document is UTF-8, not only the leaves read (whose errors the
    // walk reports with their element's name): names, attribute values,
    // comments and text between elements too.
    if !ascii {
        if let Err(err) = std::str::from_utf8(input) {
            return Err(ParseError::syntax(
                Syntax::InvalidUtf8,
                base + err.valid_up_to(),
            ));
        }
    }
    Ok(())
}

/// The offset of the first character XML 1.0's `Char` production excludes (as
/// [`forbidden_character`]), whether `input` holds a `]`, and whether it is all
/// ASCII: all from the same first pass.
fn scan(input: &[u8]) -> (Option<usize>, bool, bool) {
    // A cheap branch-free pass first (vector code), of three reductions:
    // - the least of `(b ^ \n) - 1`, which is below 0x1F exactly for the
    //   control bytes but line feed;
    // - the union of the bytes, whose high bit says a byte is not ASCII;
    // - the least of `b ^ ]`, which is zero exactly when a `]` is there.
    // Indented ASCII documents, the usual answer, stop there.
    let mut control = u8::MAX;
    let mut union = 0u8;
    let mut bracket = u8::MAX;
    for &b in input {
        control = control.min((b ^ b'\n').wrapping_sub(1));
        union |= b;
        bracket = bracket.min(b ^ b']');
    }
    let bracket = bracket == 0;
    let ascii = union & 0x80 == 0;
    if control >= 0x1f && ascii {
        return (None, bracket, ascii);
    }
    (forbidden_character(input), bracket, ascii)
}

/// The offset of the first character XML 1.0's `Char` production excludes:
/// C0 controls but tab, line feed and carriage return, and U+FFFE, U+FFFF.
fn forbidden_character(input: &[u8]) -> Option<usize> {
    // A branch-free pass first; the exact place is looked for only when there
    // is a candidate (a control byte, or 0xEF, the first byte of U+FFFE, U+FFFF
    // and of ordinary characters).
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
/// a quoted value without `<`, references that resolve, and no duplicate, by
/// name or by expanded name (namespace and local part). Namespace declarations
/// follow Namespaces in XML 1.0: a prefix is bound to a namespace name, never
/// to nothing; `xmlns` is never declared, nor its namespace bound; `xml` only
/// to its own namespace, which no other prefix (nor the default) takes.
/// `name_checked`: the name is already known to be valid (it is one of the
/// known elements' names).
fn check_tag(
    start: &quick_xml::events::BytesStart<'_>,
    at: usize,
    name_checked: bool,
    prefixes: &mut Prefixes,
    level: usize,
) -> Result<(), ParseError> {
    let bad = || ParseError::syntax(Syntax::InvalidXml, at);
    let name = start.name().into_inner();
    if !name_checked && !is_name(name) {
        return Err(bad());
    }
    // White space before each attribute: after the name, and after each value.
    let raw = start.attributes_raw();
    // Most tags have no attribute at all (nothing, or only white space, after
    // the name): nothing more to check. The root of every STS answer declares
    // this namespace, and nothing else: known to pass the checks below (a test
    // runs them on it), it is not taken apart again. Neither declares a prefix.
    if is_white_space(raw) || raw == STS_NAMESPACE {
        return if name_checked || prefixes.qualified_name_ok(name) {
            Ok(())
        } else {
            Err(bad())
        };
    }
    if raw.first().is_some_and(|b| !b.is_ascii_whitespace()) {
        return Err(bad());
    }
    let mut quote = None;
    let mut values = 0usize;
    for (i, &b) in raw.iter().enumerate() {
        match quote {
            Some(q) if b == q => {
                quote = None;
                values += 1;
                if raw.get(i + 1).is_some_and(|n| !n.is_ascii_whitespace()) {
                    return Err(bad());
                }
            }
            None if b == b'"' || b == b'\'' => quote = Some(b),
            _ => {}
        }
    }
    let mut attributes = start.attributes();
    // Each attribute that reads has one quoted value (and a name, checked
    // below, holds no quote): with one value at most, there is no second name
    // to compare, and quick-xml's list of the names seen is not allocated.
    attributes.with_checks(values > 1);
    // The prefixes this tag declares apply to its own name and attributes:
    // declarations first, then every prefixed name.
    let mut declared = false;
    for attribute in attributes.clone() {
        let attribute = attribute.map_err(|_| bad())?;
        let value: &[u8] = &attribute.value;
        let key = attribute.key.into_inner();
        if !is_name(key) || value.contains(&b'<') {
            return Err(bad());
        }
        value_pieces(value).map_err(|_| bad())?;
        if let Some(prefix) = key.strip_prefix(b"xmlns:") {
            // Namespaces in XML 1.0, section 3.
            let namespace = namespace_name(value).ok_or_else(bad)?;
            if namespace.is_empty()
                || prefix == b"xmlns"
                || !is_ncname(prefix)
                || (prefix == b"xml") != (namespace == XML_NAMESPACE)
                || namespace == XMLNS_NAMESPACE
            {
                return Err(bad());
            }
            prefixes.declare(level, prefix, namespace);
            declared = true;
        } else if key == b"xmlns" {
            let namespace = namespace_name(value).ok_or_else(bad)?;
            if namespace == XML_NAMESPACE || namespace == XMLNS_NAMESPACE {
                return Err(bad());
            }
        }
    }
    if !(name_checked || prefixes.qualified_name_ok(name)) {
        return Err(bad());
    }
    if !declared && !raw.contains(&b':') {
        return Ok(());
    }
    // Every prefixed attribute name declared, and no two attributes with the
    // same namespace and local part (section 6.3). Unprefixed ones are in no
    // namespace: quick-xml has compared their names already.
    let mut expanded: Vec<(&[u8], &[u8])> = Vec::new();
    for attribute in attributes {
        let key = attribute.map_err(|_| bad())?.key.into_inner();
        if key == b"xmlns" || key.starts_with(b"xmlns:") {
            continue;
        }
        if !prefixes.qualified_name_ok(key) {
            return Err(bad());
        }
        let Some(colon) = key.iter().position(|&b| b == b':') else {
            continue;
        };
        let (namespace, local) = (prefixes.namespace(&key[..colon]), &key[colon + 1..]);
        if expanded.contains(&(namespace, local)) {
            return Err(bad());
        }
        expanded.push((namespace, local));
    }
    Ok(())
}

/// The namespace `xml` is bound to, by definition.
const XML_NAMESPACE: &[u8] = b"http://www.w3.org/XML/1998/namespace";
/// The namespace of `xmlns` itself, which no prefix may be bound to.
const XMLNS_NAMESPACE: &[u8] = b"http://www.w3.org/2000/xmlns/";

/// A namespace declaration's value as the namespace name it gives: references
/// decoded, and each tab, line feed, carriage return or CR LF written as such
/// read as one space (XML 1.0 sections 2.11 and 3.3.3). `None` if a reference
/// does not resolve.
fn namespace_name(value: &[u8]) -> Option<Vec<u8>> {
    let mut name = Vec::with_capacity(value.len());
    let mut after_cr = false;
    pieces_of(value, true, |piece| match piece {
        Piece::Raw(raw) => {
            for &b in raw {
                if !(after_cr && b == b'\n') {
                    name.push(if matches!(b, b'\t' | b'\n' | b'\r') {
                        b' '
                    } else {
                        b
                    });
                }
                after_cr = b == b'\r';
            }
        }
        Piece::Char(c) => {
            after_cr = false;
            name.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
    })
    .ok()?;
    Some(name)
}

/// The namespace prefixes the open elements declare (`xmlns:p="…"`), each with
/// the nesting level of the element that declares it. STS answers declare
/// none: the list then stays empty and allocates nothing.
#[derive(Default)]
struct Prefixes {
    /// Level, prefix, namespace name.
    declared: Vec<(usize, Box<[u8]>, Vec<u8>)>,
}

impl Prefixes {
    fn declare(&mut self, level: usize, prefix: &[u8], namespace: Vec<u8>) {
        self.declared.push((level, prefix.into(), namespace));
    }

    /// The namespace name `prefix` is bound to here (the innermost
    /// declaration); empty for a prefix without one, which
    /// [`qualified_name_ok`](Self::qualified_name_ok) refuses first.
    fn namespace(&self, prefix: &[u8]) -> &[u8] {
        if prefix == b"xml" {
            return XML_NAMESPACE;
        }
        self.declared
            .iter()
            .rev()
            .find(|(_, p, _)| **p == *prefix)
            .map_or(&[], |(_, _, namespace)| namespace)
    }

    /// The element at `level` has closed: its declarations end with it.
    fn close(&mut self, level: usize) {
        while self.declared.last().is_some_and(|(at, _, _)| *at >= level) {
            self.declared.pop();
        }
    }

    /// A name without `:`, or `prefix:local` with a declared prefix (or
    /// `xml`, bound by definition) and both parts without `:`.
    fn qualified_name_ok(&self, name: &[u8]) -> bool {
        let Some(colon) = name.iter().position(|&b| b == b':') else {
            return true;
        };
        let (prefix, local) = (&name[..colon], &name[colon + 1..]);
        is_ncname(prefix)
            && is_ncname(local)
            && (prefix == b"xml" || self.declared.iter().any(|(_, p, _)| **p == *prefix))
    }
}

/// A name without `:` (Namespaces in XML's `NCName`).
fn is_ncname(name: &[u8]) -> bool {
    is_name(name) && !name.contains(&b':')
}

/// The attributes of the root of STS answers, as STS writes them.
const STS_NAMESPACE: &[u8] = b" xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"";

/// Whether `bytes` is all ASCII white space (as `u8::is_ascii_whitespace`).
/// The texts between elements are short (a line feed and an indentation):
/// a table and an early exit.
fn is_white_space(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| CLASS[usize::from(b)] & WHITE != 0)
}

/// XML 1.0's `Name` production (fifth edition): a table for ASCII (which
/// lets every non-ASCII byte through), then, for a name that is not all ASCII,
/// its characters.
fn is_name(name: &[u8]) -> bool {
    match name.split_first() {
        // One pass over the rest, without an early exit.
        Some((&first, rest)) => {
            CLASS[usize::from(first)] & NAME_START != 0
                && rest
                    .iter()
                    .fold(NAME_CHAR, |all, &b| all & CLASS[usize::from(b)])
                    != 0
                && (name.is_ascii() || is_unicode_name(name))
        }
        None => false,
    }
}

/// [`is_name`] for a name with a non-ASCII character: UTF-8, and each
/// character one `NameStartChar` or `NameChar` allows.
#[cold]
fn is_unicode_name(name: &[u8]) -> bool {
    let Ok(name) = std::str::from_utf8(name) else {
        return false;
    };
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start_char) && chars.all(is_name_char)
}

/// XML 1.0's `NameStartChar`.
fn is_name_start_char(c: char) -> bool {
    matches!(c,
        ':' | 'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

/// XML 1.0's `NameChar`.
fn is_name_char(c: char) -> bool {
    is_name_start_char(c)
        || matches!(c,
            '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// May start a name.
const NAME_START: u8 = 1;
/// May continue a name.
const NAME_CHAR: u8 = 2;
/// ASCII white space (as `u8::is_ascii_whitespace`).
const WHITE: u8 = 4;

/// `NAME_START | NAME_CHAR` for ASCII letters, `_`, `:` and every non-ASCII
/// byte; `NAME_CHAR` for digits, `-` and `.`; `WHITE` for ASCII white space.
const CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut c: u8 = 0;
    loop {
        table[c as usize] = if c.is_ascii_alphabetic() || c == b'_' || c == b':' || !c.is_ascii() {
            NAME_START | NAME_CHAR
        } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
            NAME_CHAR
        } else if c.is_ascii_whitespace() {
            WHITE
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

/// An element the walk knows: its local name, and what it is.
pub(crate) struct Element {
    name: &'static str,
    kind: Kind,
}

enum Kind {
    /// An element whose text is read: the index `leaf` is called with.
    Leaf(usize),
    /// An element on the way to others (none of the same name).
    Parent(&'static [Element]),
}

impl Element {
    /// An element whose text is read, as `leaf(index, ..)`. `name` is a valid
    /// name without `:`.
    pub(crate) const fn leaf(name: &'static str, index: usize) -> Self {
        Self {
            name,
            kind: Kind::Leaf(index),
        }
    }

    /// An element on the way to `children`. `name` is a valid name without `:`.
    pub(crate) const fn parent(name: &'static str, children: &'static [Element]) -> Self {
        Self {
            name,
            kind: Kind::Parent(children),
        }
    }
}

/// The element of `elements` named `name`: the lengths are compared first
/// (they tell the names of an answer apart), the bytes then.
fn find(elements: &'static [Element], name: &[u8]) -> Option<(usize, &'static Element)> {
    elements
        .iter()
        .enumerate()
        .find(|(_, e)| e.name.len() == name.len() && e.name.as_bytes() == name)
}

/// The element of `elements` a start tag named `name` opens, and whether its
/// whole name matched. Elements are known by local name; the whole name is
/// compared first: the known names hold no `:`, so when it matches it is its
/// own local name, and a valid name (no further check needed).
fn known_element(
    elements: &'static [Element],
    name: &[u8],
) -> (Option<(usize, &'static Element)>, bool) {
    match find(elements, name) {
        None => match name.iter().position(|&b| b == b':') {
            Some(colon) => (find(elements, &name[colon + 1..]), false),
            None => (None, false),
        },
        found => (found, true),
    }
}

/// Whether the tree is one `walk` takes: at most `MAX_PATH` deep, at most 32
/// children to an element, names valid and without `:`, no two siblings of
/// the same name.
fn well_formed_tree(elements: &[Element], depth: usize) -> bool {
    depth < MAX_PATH
        && elements.len() <= 32
        && elements.iter().enumerate().all(|(i, e)| {
            is_name(e.name.as_bytes())
                && !e.name.contains(':')
                && elements[..i].iter().all(|o| o.name != e.name)
                && match e.kind {
                    Kind::Leaf(_) => true,
                    Kind::Parent(children) => well_formed_tree(children, depth + 1),
                }
        })
}

fn walk_from(
    input: &[u8],
    base: usize,
    roots: &'static [Element],
    no_bracket: bool,
    leaf: &mut impl FnMut(usize, Leaf<'_>) -> Result<(), ParseError>,
) -> Result<(), ParseError> {
    debug_assert!(well_formed_tree(roots, 0));
    let mut reader = Reader::from_reader(input);
    let config = reader.config_mut();
    // `--` inside a comment is malformed XML.
    config.check_comments = true;
    // quick-xml's defaults, which this reader relies on: a text event holds no
    // `&` (a reference that does not close is an error), and an end tag is
    // that of the element last opened (so its name, as that of the start tag,
    // is checked to be a name).
    config.allow_dangling_amp = false;
    config.check_end_names = true;
    config.allow_unmatched_ends = false;
    config.expand_empty_elements = false;
    let mut first = true;
    // For each open known element, from the root, the elements known under
    // it (the root's entry: the roots); `unknown` counts the open elements
    // below the last known one. On the stack: no tree is deeper than
    // `MAX_PATH`.
    let mut open: [&'static [Element]; MAX_PATH] = [&[]; MAX_PATH];
    open[0] = roots;
    // For each open known element, the known elements already opened in it
    // (a bit for each, by index): a known element appears once in its parent,
    // parents included, so two `<Credentials>` blocks are not merged into one.
    let mut seen = [0u32; MAX_PATH];
    let mut depth = 0usize;
    let mut unknown = 0usize;
    let mut root_seen = false;
    let mut prefixes = Prefixes::default();
    loop {
        let at = base + position(&reader);
        let event = reader.read_event().map_err(|_| xml_error(&reader, base))?;
        let outside = depth == 0 && unknown == 0;
        let was_first = std::mem::take(&mut first);
        let empty = matches!(event, Event::Empty(_));
        match event {
            // `<Leaf/>` is `<Leaf></Leaf>`: empty text, as the SDK reads it.
            Event::Start(tag) | Event::Empty(tag) => {
                let (known, whole) = if unknown > 0 {
                    (None, false)
                } else {
                    known_element(open[depth], tag.name().into_inner())
                };
                let level = depth + unknown;
                check_tag(&tag, at, whole, &mut prefixes, level)?;
                if !empty && level >= MAX_DEPTH {
                    return Err(ParseError::syntax(Syntax::TooDeep, at));
                }
                if outside {
                    if root_seen {
                        return Err(ParseError::syntax(Syntax::TrailingCharacters, at));
                    }
                    root_seen = true;
                }
                if let Some((index, element)) = known {
                    let bit = 1u32 << index;
                    if seen[depth] & bit != 0 {
                        return Err(duplicate(element.name, at));
                    }
                    seen[depth] |= bit;
                }
                match known.map(|(_, e)| (e.name, &e.kind)) {
                    Some((name, &Kind::Leaf(index))) => {
                        let offset = base + position(&reader);
                        let (raw, plain) = if empty {
                            (&[][..], true)
                        } else {
                            let (from, to, plain) = read_leaf(&mut reader, base)?;
                            (&input[from..to], plain && no_bracket)
                        };
                        prefixes.close(level);
                        let leaf_text = Leaf {
                            name,
                            raw,
                            offset,
                            plain,
                        };
                        leaf(index, leaf_text)?;
                    }
                    _ if empty => prefixes.close(level),
                    _ if unknown > 0 => unknown += 1,
                    Some((_, &Kind::Parent(children))) => {
                        depth += 1;
                        open[depth] = children;
                        seen[depth] = 0;
                    }
                    None => unknown = 1,
                }
            }
            // Its name is that of the start tag (quick-xml checks it), which
            // was checked.
            Event::End(_) => {
                if unknown > 0 {
                    unknown -= 1;
                } else {
                    depth = depth.saturating_sub(1);
                }
                prefixes.close(depth + unknown);
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
            // Most text between elements is indentation.
            Event::Text(text) if is_white_space(&text) => {}
            other => check_other(&other, outside, was_first, at)?,
        }
    }
}

/// Reads a leaf's content, up to its end tag (as quick-xml's `read_to_end`
/// would: the start tag was just read): its span in the input, and whether it
/// was nothing but text. Every end tag is that of the element last opened, so
/// the leaf's is the first at its level.
fn read_leaf(reader: &mut Reader<&[u8]>, base: usize) -> Result<(usize, usize, bool), ParseError> {
    let from = position(reader);
    let mut depth = 0usize;
    let mut text_only = true;
    loop {
        let to = position(reader);
        match reader.read_event().map_err(|_| xml_error(reader, base))? {
            Event::End(_) if depth == 0 => return Ok((from, to, text_only)),
            Event::End(_) => depth -= 1,
            Event::Start(_) => {
                depth += 1;
                text_only = false;
            }
            Event::Text(_) => {}
            // As `read_to_end`: quick-xml's own error, at its error position.
            Event::Eof => return Err(xml_error(reader, base)),
            _ => text_only = false,
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
        // (Text of white space only is let through before.)
        Event::Text(text) if outside && !text.iter().all(u8::is_ascii_whitespace) => {
            fail(Syntax::ContentOutsideRoot)
        }
        Event::Text(text)
            if text.windows(3).any(|w| w == b"]]>") || pieces(text, |_| {}).is_err() =>
        {
            fail(Syntax::InvalidXml)
        }
        Event::Decl(_) if !was_first => fail(Syntax::InvalidXml),
        Event::Decl(decl) if !is_xml_declaration(decl) => fail(Syntax::InvalidXml),
        // `PITarget`: a name, but not `xml` in any case (quick-xml ends the
        // target at the first white space, so what follows starts with it).
        Event::PI(pi) if !is_name(pi.target()) || pi.target().eq_ignore_ascii_case(b"xml") => {
            fail(Syntax::InvalidXml)
        }
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

/// XML 1.0's `XMLDecl`, between `<?` and `?>`: `xml`, then `version="1.x"`,
/// then optionally `encoding="EncName"`, then optionally `standalone="yes"`
/// or `"no"`, in that order, each after white space, with either quote.
fn is_xml_declaration(decl: &[u8]) -> bool {
    fn space(rest: &[u8]) -> &[u8] {
        rest.trim_ascii_start()
    }
    /// ` name = "value"` at the start of `rest`: the value and what follows.
    fn pseudo_attribute<'a>(rest: &'a [u8], name: &[u8]) -> Option<(&'a [u8], &'a [u8])> {
        let after = space(rest);
        if after.len() == rest.len() {
            return None;
        }
        let after = space(after.strip_prefix(name)?);
        let after = space(after.strip_prefix(b"=")?);
        let (&quote, after) = after.split_first()?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let end = after.iter().position(|&b| b == quote)?;
        Some((&after[..end], &after[end + 1..]))
    }
    let Some(rest) = decl.strip_prefix(b"xml") else {
        return false;
    };
    let Some((version, mut rest)) = pseudo_attribute(rest, b"version") else {
        return false;
    };
    let version_ok = version
        .strip_prefix(b"1.")
        .is_some_and(|minor| !minor.is_empty() && minor.iter().all(u8::is_ascii_digit));
    if !version_ok {
        return false;
    }
    if let Some((encoding, after)) = pseudo_attribute(rest, b"encoding") {
        let name_ok = encoding.split_first().is_some_and(|(first, tail)| {
            first.is_ascii_alphabetic()
                && tail
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        });
        if !name_ok {
            return false;
        }
        rest = after;
    }
    if let Some((standalone, after)) = pseudo_attribute(rest, b"standalone") {
        if standalone != b"yes" && standalone != b"no" {
            return false;
        }
        rest = after;
    }
    space(rest).is_empty()
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
fn pieces<'a>(raw: &'a [u8], piece: impl FnMut(Piece<'a>)) -> Result<(), (Syntax, usize)> {
    pieces_of(raw, false, piece)
}

/// [`pieces`] of an attribute value, where `]]>` is allowed (XML 1.0's
/// `AttValue` excludes only `<`, `&` and the quote; `<` is refused before).
fn value_pieces(raw: &[u8]) -> Result<(), (Syntax, usize)> {
    pieces_of(raw, true, |_| {})
}

/// The reference that starts `raw` (at a `&`): its length up to the `;` and the
/// character it stands for. A character reference may hold any number of
/// (leading zero) digits; an entity name is one of the five XML defines.
fn reference(raw: &[u8]) -> Option<(usize, char)> {
    let body = &raw[1..];
    let len = if body.first() == Some(&b'#') {
        body.iter()
            .skip(1)
            .position(|b| !b.is_ascii_hexdigit() && *b != b'x')
            .map(|n| n + 1)?
    } else {
        body.iter().take(5).position(|b| !b.is_ascii_alphabetic())?
    };
    if body.get(len) != Some(&b';') {
        return None;
    }
    let name = &body[..len];
    let c = match name {
        b"lt" => '<',
        b"gt" => '>',
        b"amp" => '&',
        b"apos" => '\'',
        b"quot" => '"',
        _ => char_reference(name)?,
    };
    Some((len + 2, c))
}

fn pieces_of<'a>(
    raw: &'a [u8],
    attribute: bool,
    mut piece: impl FnMut(Piece<'a>),
) -> Result<(), (Syntax, usize)> {
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
                let (len, c) = reference(&raw[i..]).ok_or((Syntax::InvalidXmlReference, i))?;
                piece(Piece::Char(c));
                i += len;
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
            b']' if !attribute && raw[i..].starts_with(b"]]>") => {
                return Err((Syntax::InvalidXml, i))
            }
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
fn text(raw: &[u8], offset: usize) -> Result<String, ParseError> {
    let invalid = |bytes: Vec<u8>| {
        crate::secret::wipe_vec(bytes);
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
fn duplicate(element: &'static str, offset: usize) -> ParseError {
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

    /// XML's `Name`, by `xmlparser` (the parser under `roxmltree`).
    fn name_reference(name: &[u8]) -> bool {
        use xmlparser::XmlCharExt;
        let Ok(name) = std::str::from_utf8(name) else {
            return false;
        };
        let mut chars = name.chars();
        chars.next().is_some_and(|c| c.is_xml_name_start()) && chars.all(|c| c.is_xml_name())
    }

    /// The reader as it was before its scans were fused and its checks
    /// narrowed to what quick-xml leaves open: the differential below holds
    /// the new one to it.
    mod former {
        use super::super::{
            char_reference, forbidden_character, is_name, pieces, position, to_usize, xml_error,
            MAX_DEPTH, MAX_PATH,
        };
        use crate::error::{ParseError, Syntax};
        use quick_xml::events::Event;
        use quick_xml::Reader;

        pub(super) fn walk(
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

        pub(super) fn check_tag(
            start: &quick_xml::events::BytesStart<'_>,
            at: usize,
        ) -> Result<(), ParseError> {
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

        fn is_white_space(bytes: &[u8]) -> bool {
            bytes.iter().fold(true, |all, &b| {
                all & (u8::from(b == b' ') | u8::from(b.wrapping_sub(b'\t') < 5 && b != 0x0b) != 0)
            })
        }

        // The reference keeps its one loop, as it was written.
        #[allow(clippy::too_many_lines)]
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
                        if !outside && unknown == 0 {
                            let name = empty.local_name().into_inner();
                            let path = &stack[..depth];
                            let ends_here = paths.iter().position(|p| {
                                p.len() == depth + 1
                                    && p[..depth] == *path
                                    && p[depth].as_bytes() == name
                            });
                            if let Some(index) = ends_here {
                                leaf(index, &[], base + position(&reader))?;
                            }
                        }
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
                Event::DocType(_) | Event::PI(_) | Event::CData(_) | Event::GeneralRef(_)
                    if outside =>
                {
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
        fn is_name_matches_reference(v in near(b"aZ_:-.09 =\"\x80\xC3\xA9\x97\xB7\xCC\x80\xE2\x80\xBF", 16)) {
            prop_assert_eq!(is_name(&v), name_reference(&v));
        }

        #[test]
        fn is_white_space_matches_reference(v in near(b" \t\n\r\x0b\x0cx", 16)) {
            prop_assert_eq!(is_white_space(&v), v.iter().all(u8::is_ascii_whitespace));
        }

        #[test]
        fn scan_matches_reference(v in near(b"<a>]\t\n\r \x01\x1f\xEF\xBF\xBE\xBF", 80)) {
            prop_assert_eq!(scan(&v), (forbidden_reference(&v), v.contains(&b']'), v.is_ascii()));
        }

        #[test]
        fn has_markup_matches_reference(v in near(b"ab&<]", 40)) {
            prop_assert_eq!(has_markup(&v), v.iter().any(|b| b"&<]".contains(b)));
        }
    }

    /// Paths as the STS answers' (shared names, leaves at two levels, a name
    /// the fragments below prefix), for the former reader...
    const PATHS: [&[&str]; 5] = [
        &["R", "S", "C", "K"],
        &["R", "S", "C", "T"],
        &["R", "S", "U", "A"],
        &["R", "S", "I"],
        &["R", "M", "Q"],
    ];

    /// ...and as a tree, for this one.
    const TREE: &[Element] = &[Element::parent(
        "R",
        &[
            Element::parent(
                "S",
                &[
                    Element::parent("C", &[Element::leaf("K", 0), Element::leaf("T", 1)]),
                    Element::parent("U", &[Element::leaf("A", 2)]),
                    Element::leaf("I", 3),
                ],
            ),
            Element::parent("M", &[Element::leaf("Q", 4)]),
        ],
    )];

    /// Pieces of documents, well formed or not, around those paths.
    const FRAGMENTS: &[&str] = &[
        "<R>",
        "</R>",
        "<S>",
        "</S>",
        "<C>",
        "</C>",
        "<K>",
        "</K>",
        "<T>",
        "</T>",
        "<U>",
        "</U>",
        "<A>",
        "</A>",
        "<I>",
        "</I>",
        "<M>",
        "</M>",
        "<Q>",
        "</Q>",
        "<x:C>",
        "</x:C>",
        "<x:C xmlns:x=\"u\">",
        "<R xmlns:x=\"u\">",
        "<a:b:K>",
        "</a:b:K>",
        "<R xmlns=\"u\">",
        "<R a='1' b=\"2\">",
        "<R a='1' a='2'>",
        "<R a=\"1\"b=\"2\">",
        "<S a=\"&lt;\">",
        "<S a=\"&no;\">",
        "<S a=\"<\">",
        "<Z>",
        "</Z>",
        "<Z/>",
        "<K/>",
        "<1K>",
        "</1K>",
        "</K >",
        "<K >",
        "text",
        "sec&#43;ret",
        "&amp;",
        "&bad;",
        "&#0;",
        "&",
        "]",
        "]]>",
        "<![CDATA[c]]>",
        "<!--c-->",
        "<!--a--b-->",
        "<?pi x?>",
        "<?xml version=\"1.0\"?>",
        "<!DOCTYPE R>",
        " ",
        "\n  ",
        "\t",
        "\u{c}",
        "\u{1}",
        "é",
        "\u{fffe}",
        "\u{feff}",
    ];

    /// Texts for the leaves of well-formed documents.
    const TEXTS: &[&str] = &[
        "text",
        "sec&#43;ret",
        "&amp;",
        "&bad;",
        "]",
        "]]>",
        "<!--c-->",
        "<![CDATA[<c>]]>",
        "<Z/>",
        " ",
        "é",
        "\u{1}",
    ];

    /// Documents of fragments, mostly in an order that nests.
    fn document() -> impl Strategy<Value = Vec<u8>> {
        let well_formed = prop::collection::vec(prop::sample::select(TEXTS), 0..4)
            .prop_flat_map(|texts| {
                let body = texts.concat();
                prop_oneof![
                    Just(format!("<R><S><C><K>{body}</K><T>t</T></C><I>{body}</I></S><M><Q>q</Q></M></R>")),
                    Just(format!("<R xmlns=\"u\">\n <S>\n  <x:C><K>{body}</K></x:C>\n <U><A>{body}</A></U></S>\n</R>\n")),
                ]
            })
            .prop_map(String::into_bytes);
        let pieces = prop::collection::vec(prop::sample::select(FRAGMENTS), 0..24)
            .prop_map(|f| f.concat().into_bytes());
        let raw_byte = (pieces.clone(), any::<prop::sample::Index>(), any::<u8>()).prop_map(
            |(mut v, at, b)| {
                if !v.is_empty() {
                    let i = at.index(v.len());
                    v[i] = b;
                }
                v
            },
        );
        prop_oneof![2 => well_formed, 3 => pieces, 1 => raw_byte]
    }

    /// What a walk reports: each leaf (index, decoded text or error), then
    /// its result.
    type Trace = (
        Vec<(usize, Result<String, ParseError>)>,
        Result<(), ParseError>,
    );

    fn trace_new(input: &[u8]) -> Trace {
        let mut leaves = Vec::new();
        let result = walk(input, TREE, |index, leaf| {
            let text = leaf.text();
            let read = leaf.read(str::to_owned);
            assert_eq!(text, read);
            leaves.push((index, text));
            Ok(())
        });
        (leaves, result)
    }

    fn trace_former(input: &[u8]) -> Trace {
        let mut leaves = Vec::new();
        let result = former::walk(input, &PATHS, |index, raw, at| {
            leaves.push((index, text(raw, at)));
            Ok(())
        });
        (leaves, result)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        #[test]
        fn walk_matches_former(v in document()) {
            same_as_former(&v);
        }
    }

    /// Whether `roxmltree` refuses `doc` for a rule of Namespaces in XML (an
    /// undeclared prefix, a name with two), which the former reader did not
    /// check.
    fn namespace_error(doc: &[u8]) -> bool {
        let Ok(text) = std::str::from_utf8(doc) else {
            return false;
        };
        matches!(
            roxmltree::Document::parse(text.trim_start_matches('\u{feff}')),
            Err(roxmltree::Error::UnknownNamespace(..)
                | roxmltree::Error::InvalidElementNamePrefix(..)
                | roxmltree::Error::UnexpectedXmlnsUri(..)
                | roxmltree::Error::InvalidXmlPrefixUri(..))
        )
    }

    /// Whether `roxmltree` refuses `doc` (a document that is not UTF-8 is not
    /// well formed).
    fn strict_refuses(doc: &[u8]) -> bool {
        std::str::from_utf8(doc).map_or(true, |text| {
            roxmltree::Document::parse(text.trim_start_matches('\u{feff}')).is_err()
        })
    }

    /// The walk reports what the former one did, but where it refuses for a
    /// rule the former one did not check (Namespaces in XML, a known element
    /// repeated, UTF-8 outside the leaves, a declaration's or a processing
    /// instruction's form): then it stops no later than the former one,
    /// having reported a part of what it reported.
    fn same_as_former(doc: &[u8]) {
        let (new, former) = (trace_new(doc), trace_former(doc));
        if new == former {
            return;
        }
        let text = String::from_utf8_lossy(doc);
        let err = new.1.as_ref().expect_err("refused");
        // Refused at a tag that holds a prefixed name (roxmltree may meet
        // another error first, so its verdict alone does not decide).
        let tag = err
            .offset()
            .and_then(|at| doc.get(at..))
            .map(|rest| &rest[..rest.iter().position(|&b| b == b'>').unwrap_or(rest.len())]);
        let namespace = err.kind() == &ParseErrorKind::Syntax(Syntax::InvalidXml)
            && (namespace_error(doc)
                || tag.is_some_and(|t| t.starts_with(b"<") && t.contains(&b':')));
        let repeated = err.kind() == &ParseErrorKind::Duplicate;
        // Refused for a newer rule: roxmltree refuses the document too, or
        // (roxmltree takes some truncated documents) the refusal is at a
        // processing instruction or declaration, whose grammar the former
        // reader did not check (`tests/sts_strict_xml.rs` holds the accepted
        // forms to roxmltree's verdicts).
        let newer_rule = matches!(
            err.kind(),
            ParseErrorKind::Syntax(Syntax::InvalidXml | Syntax::InvalidUtf8)
        ) && (strict_refuses(doc) || tag.is_some_and(|t| t.starts_with(b"<?")));
        assert!(
            namespace || repeated || newer_rule,
            "{text}: {new:?} != {former:?}"
        );
        // A document that is not UTF-8 outside its leaves is refused once it
        // has been walked: at its first invalid byte.
        let not_utf8 = err.kind() == &ParseErrorKind::Syntax(Syntax::InvalidUtf8)
            && std::str::from_utf8(doc).is_err();
        if let (Err(former_err), false) = (&former.1, not_utf8) {
            assert!(
                err.offset() <= former_err.offset(),
                "{text}: {new:?} != {former:?}"
            );
        }
        assert!(
            former.0.starts_with(&new.0),
            "{text}: {new:?} != {former:?}"
        );
    }

    #[test]
    fn the_sts_namespace_passes_the_attribute_checks() {
        let tag = [b"AssumeRoleResponse", STS_NAMESPACE].concat();
        let start = quick_xml::events::BytesStart::from_content(
            String::from_utf8(tag).unwrap(),
            "AssumeRoleResponse".len(),
        );
        assert_eq!(start.attributes_raw(), STS_NAMESPACE);
        assert!(former::check_tag(&start, 0).is_ok());
        // And a tag that differs from it in any way is checked in full.
        let other = quick_xml::events::BytesStart::from_content(
            "AssumeRoleResponse xmlns=\"u\" xmlns=\"u\"",
            "AssumeRoleResponse".len(),
        );
        assert!(check_tag(&other, 0, true, &mut Prefixes::default(), 0).is_err());
    }

    #[test]
    fn walk_matches_former_on_fixed_cases() {
        for doc in [
            "<R><S><C><K>v</K></C></S></R>",
            "\u{feff}<R><S><x:C><K>a&amp;b</K></x:C></S></R>",
            "<R><S><C><K>a]]>b</K></C></S></R>",
            "<R><S><C><K>a]b</K></C></S></R>",
            "<R><S><C><K>a<Z/>b</K></C></S></R>",
            "<R><S><C><K><K>x</K></K></C></S></R>",
            "<R><S><C><K>x</C></S></R>",
            "<R><S><C><K>x",
            "<R><S></1S></R>",
            "<R><S><C a=\"1\" a=\"2\"></C></S></R>",
            "<R><S><C a=\"1\"></C></S></R>",
            "<R><S><C/><I>é</I></S></R>",
            "<R><S><C><T>t</T></C><C><T>u</T></C></S></R>",
        ] {
            same_as_former(doc.as_bytes());
        }
    }

    fn accepted(doc: &str) -> bool {
        walk(doc.as_bytes(), TREE, |_, _| Ok(())).is_ok()
    }

    /// Namespaces in XML: a prefix is declared on the element or an ancestor
    /// (or is `xml`), for element and attribute names alike; a declaration
    /// ends with its element; a name has one `:` at most; a prefix is never
    /// bound to nothing. `roxmltree` agrees on each.
    #[test]
    fn prefixes_must_be_declared_in_scope() {
        let cases = [
            ("<R><S><x:C><K>v</K></x:C></S></R>", false),
            ("<R xmlns:x=\"u\"><S><x:C><K>v</K></x:C></S></R>", true),
            ("<R><S><x:C xmlns:x=\"u\"><K>v</K></x:C></S></R>", true),
            ("<R><S><C x:a=\"1\"><K>v</K></C></S></R>", false),
            (
                "<R><S><C x:a=\"1\" xmlns:x=\"u\"><K>v</K></C></S></R>",
                true,
            ),
            ("<R><S><C xml:lang=\"en\"><K>v</K></C></S></R>", true),
            ("<R><S><x:E xmlns:x=\"u\"/><x:C/></S></R>", false),
            ("<R><S><A xmlns:x=\"u\"></A><x:C/></S></R>", false),
            ("<R><S><A xmlns:x=\"u\"><x:B/></A></S></R>", true),
            ("<R xmlns:a=\"u\"><S><a:b:C/></S></R>", false),
            ("<R><S><U><V><x:W/></V></U></S></R>", false),
        ];
        for (doc, ok) in cases {
            assert_eq!(accepted(doc), ok, "{doc}");
            assert_eq!(
                roxmltree::Document::parse(doc).is_ok(),
                ok,
                "roxmltree: {doc}"
            );
        }
        // Stricter than roxmltree (which follows Namespaces in XML 1.1 here):
        // a prefix bound to nothing is refused, as 1.0 says.
        assert!(!accepted("<R xmlns:x=\"\"><S/></R>"));
    }
}
