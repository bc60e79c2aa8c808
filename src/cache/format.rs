//! The JSON of a cache file: known members read ignoring case, unknown members kept
//! as raw text, and the file written back in one exact-size zeroizing buffer.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::{CacheError, CacheErrorKind};
use crate::error::{ParseError, ParseErrorKind, Syntax};
use crate::json::Reader;
use crate::time::{parse_rfc3339, rfc3339_z, Zones};
use crate::wire::{self, Members};

/// Members of a file that this crate does not interpret, kept so that rewriting
/// the file loses nothing another tool put there (as the Go SDK does). Held as raw
/// JSON text, `,"name":value` per member, in one zeroizing allocation: another
/// tool's member may be a secret.
#[derive(Clone, Default)]
pub(crate) struct Unknown(Option<Zeroizing<Box<[u8]>>>);

impl Unknown {
    pub(crate) fn bytes(&self) -> &[u8] {
        self.0.as_deref().map_or(&[], |b| &b[..])
    }
}

/// Shows how many bytes are kept, never what they are.
impl fmt::Debug for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Unknown({} bytes)", self.bytes().len())
    }
}

/// Why a walk over an object's members stopped: a member's value broke a
/// rule, or the JSON did.
enum Stop {
    Member(CacheError),
    Syntax(ParseError),
}

/// Walks the object where `r` stands: each of `names` (matched ignoring ASCII
/// case, as `aws-config` does) may appear once and counts as absent when
/// `null`, and `read` is called with its index to read its value; any other
/// member goes to `unknown`, with the offset of its key.
fn walk_members<'a>(
    r: &mut Reader<'a>,
    names: &[&'static str],
    mut read: impl FnMut(usize, &mut Reader<'a>) -> Result<(), CacheError>,
    mut unknown: impl FnMut(&mut Reader<'a>, usize) -> Result<(), ParseError>,
) -> Result<(), Stop> {
    let mut seen = [false; 8];
    debug_assert!(names.len() <= seen.len());
    let mut failure = None;
    let result = r.object(|r, key| {
        let known = key.as_bytes().and_then(|k| {
            names
                .iter()
                .position(|n| n.as_bytes().eq_ignore_ascii_case(k))
        });
        let Some(i) = known else {
            return unknown(r, key.offset);
        };
        let outcome = if std::mem::replace(&mut seen[i], true) {
            Err(CacheError::for_member(CacheErrorKind::Duplicate, names[i]))
        } else if r.null() {
            Ok(())
        } else {
            read(i, r)
        };
        outcome.map_err(|err| {
            failure = Some(err);
            // Only a signal to stop: the error returned is `failure`.
            ParseError::syntax(Syntax::ExpectedValue, key.offset)
        })
    });
    match (result, failure) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(failure)) => Err(Stop::Member(failure)),
        (Err(err), None) => Err(Stop::Syntax(err)),
    }
}

/// Reads a cache file's object ([`walk_members`]'s rules for `names`), and
/// keeps everything else raw in the returned [`Unknown`].
pub(crate) fn read_members(
    input: &[u8],
    names: &[&'static str],
    read: impl FnMut(usize, &mut Reader<'_>) -> Result<(), CacheError>,
) -> Result<Unknown, CacheError> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut reader = Reader::new(input);
    let walked = walk_members(&mut reader, names, read, |r, at| {
        r.skip()?;
        spans.push((at, r.position()));
        Ok(())
    })
    .and_then(|()| reader.end().map_err(Stop::Syntax));
    match walked {
        Ok(()) => {}
        Err(Stop::Member(err)) => return Err(err),
        Err(Stop::Syntax(err)) => return Err(CacheError::new(CacheErrorKind::Syntax).source(err)),
    }
    if spans.is_empty() {
        return Ok(Unknown::default());
    }
    let len = spans.iter().map(|(start, end)| end - start + 1).sum();
    let mut raw = Vec::with_capacity(len);
    for (start, end) in spans {
        raw.push(b',');
        raw.extend_from_slice(&input[start..end]);
    }
    debug_assert_eq!(raw.len(), raw.capacity());
    Ok(Unknown(Some(Zeroizing::new(raw.into_boxed_slice()))))
}

/// [`read_members`] for an object nested in a file (`object`, the member
/// holding it, names its syntax errors), read where `r` stands, in the same
/// pass: unknown members are skipped, not kept.
#[cfg_attr(not(feature = "portal"), allow(dead_code))]
pub(crate) fn read_nested<'a>(
    r: &mut Reader<'a>,
    object: &'static str,
    names: &[&'static str],
    read: impl FnMut(usize, &mut Reader<'a>) -> Result<(), CacheError>,
) -> Result<(), CacheError> {
    walk_members(r, names, read, |r, _| r.skip()).map_err(|stop| match stop {
        Stop::Member(err) => err,
        Stop::Syntax(err) => syntax_in(object, err),
    })
}

fn not_string(name: &'static str) -> CacheError {
    CacheError::for_member(CacheErrorKind::NotString, name)
}

fn syntax_in(name: &'static str, err: ParseError) -> CacheError {
    CacheError::for_member(CacheErrorKind::Syntax, name).source(err)
}

/// A string member.
pub(crate) fn string(r: &mut Reader<'_>, name: &'static str) -> Result<String, CacheError> {
    if !r.at_string() {
        return Err(not_string(name));
    }
    r.string().map_err(|err| syntax_in(name, err))
}

/// A non-empty string member.
pub(crate) fn non_empty(r: &mut Reader<'_>, name: &'static str) -> Result<String, CacheError> {
    let value = string(r, name)?;
    if value.is_empty() {
        return Err(CacheError::for_member(CacheErrorKind::Empty, name));
    }
    Ok(value)
}

/// A secret member, decoded straight into zeroizing memory.
pub(crate) fn secret(r: &mut Reader<'_>, name: &'static str) -> Result<SecretString, CacheError> {
    if !r.at_string() {
        return Err(not_string(name));
    }
    r.secret().map_err(|err| syntax_in(name, err))
}

/// A time member, in any form the four tools ever wrote: `Z`, `UTC`, offsets,
/// fractions. It must also be writable back (1970 to 9999).
pub(crate) fn time(r: &mut Reader<'_>, name: &'static str) -> Result<SystemTime, CacheError> {
    if !r.at_string() {
        return Err(not_string(name));
    }
    // Read where it stands when it has no escape (no copy), else decoded.
    r.string_as(
        |text| Some(time_of(text, name)),
        |text| time_of(&text, name),
    )
    .map_err(|err| syntax_in(name, err))?
}

/// [`time`]'s reading of the text.
fn time_of(text: &str, name: &'static str) -> Result<SystemTime, CacheError> {
    let out_of_range = || CacheError::for_member(CacheErrorKind::OutOfRange, name);
    let Some(time) = parse_rfc3339(text.as_bytes(), Zones::Lenient) else {
        // Before 1970 the reader gives no time: a timestamp all the same if it
        // reads with a year of the same kind (leap or not) in range.
        return Err(if is_timestamp_of_another_year(text.as_bytes()) {
            out_of_range()
        } else {
            CacheError::for_member(CacheErrorKind::Timestamp, name)
        });
    };
    if rfc3339_z(time).is_none() {
        // A timestamp, but one the cache cannot write back (after 9999).
        return Err(out_of_range());
    }
    Ok(time)
}

/// Whether `text` is a timestamp once its year (four digits) is replaced by
/// 2000 or 2001, whichever is a leap year when it is.
fn is_timestamp_of_another_year(text: &[u8]) -> bool {
    let Some(year) = text
        .get(..4)
        .filter(|y| y.iter().all(u8::is_ascii_digit))
        .and_then(|y| std::str::from_utf8(y).ok()?.parse::<u32>().ok())
    else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let mut other = text.to_vec();
    other[..4].copy_from_slice(if leap { b"2000" } else { b"2001" });
    parse_rfc3339(&other, Zones::Lenient).is_some()
}

/// An array-of-strings member.
pub(crate) fn strings(r: &mut Reader<'_>, name: &'static str) -> Result<Vec<String>, CacheError> {
    r.strings().map_err(|err| match err.kind() {
        ParseErrorKind::Syntax(Syntax::ExpectedArray | Syntax::ExpectedString) => not_string(name),
        _ => syntax_in(name, err),
    })
}

/// A required member that was absent.
pub(crate) fn required<T>(slot: Option<T>, name: &'static str) -> Result<T, CacheError> {
    slot.ok_or_else(|| CacheError::for_member(CacheErrorKind::Missing, name))
}

/// `time` as the cache writes it. Every time this crate holds was checked to be
/// writable when it came in (builder, file, response).
pub(crate) fn timestamp(time: SystemTime) -> [u8; 20] {
    rfc3339_z(time).unwrap_or(*b"9999-12-31T23:59:59Z")
}

/// `time` brought into the range the cache can write (1970 to 9999), for
/// times computed from a response: one before 1970 becomes 1970's first second
/// (a clock set before 1970 does not make a token last until 9999), one after
/// 9999 its last.
pub(crate) fn writable(time: SystemTime) -> SystemTime {
    if rfc3339_z(time).is_some() {
        return time;
    }
    if time < UNIX_EPOCH {
        return UNIX_EPOCH;
    }
    parse_rfc3339(b"9999-12-31T23:59:59Z", Zones::Rfc3339).unwrap_or(time)
}

/// The file's bytes: the known members, then the kept unknown ones, compact, in
/// one allocation of exactly the right size, wiped when dropped.
pub(crate) fn write(members: &impl Members, unknown: &Unknown) -> Zeroizing<Vec<u8>> {
    let mut layout = wire::measure(members);
    layout.len += unknown.bytes().len();
    Zeroizing::new(wire::write_with_tail(members, layout, unknown.bytes()))
}
