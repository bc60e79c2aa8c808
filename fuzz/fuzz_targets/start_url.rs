//! Start-URL resolution never panics on any start URL, status or `Location`,
//! and what it gives back (a resolved URL, an error) never shows what came
//! after a `?` or `#` of the `Location`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssooidc_token::login::{resolve_start_url, StartUrlError, StartUrlStep};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The start URL, the region, two statuses, then the `Location` before a
    // marker in its query.
    let mut parts = text.splitn(4, '\n');
    let start_url = parts.next().unwrap_or_default();
    let region = parts.next().filter(|r| !r.is_empty());
    let statuses = parts.next().unwrap_or_default().as_bytes();
    let before = parts.next().unwrap_or_default();
    let location = format!("{before}?SECRETMARKER");
    // The marker counts only where it is in the query alone.
    let shown_elsewhere = start_url.contains("SECRETMARKER") || before.contains("SECRETMARKER");
    let status = |i: usize| {
        u16::from_le_bytes([
            statuses.get(2 * i).copied().unwrap_or(0),
            statuses.get(2 * i + 1).copied().unwrap_or(0),
        ]) % 600
    };
    let mut step = resolve_start_url(start_url, region);
    for i in 0..3 {
        match step {
            Ok(StartUrlStep::Probe(probe)) => {
                assert!(i < 2, "more than a HEAD and a GET");
                step = probe.on_answer(status(i), Some(&location));
            }
            Ok(StartUrlStep::Resolved(resolved)) => {
                assert!(!resolved.url().contains("SECRETMARKER") || shown_elsewhere);
                break;
            }
            Err(err) => {
                let shown = format!("{err} {err:?}");
                assert!(
                    !shown.contains("SECRETMARKER") || shown_elsewhere,
                    "{shown}"
                );
                assert!(!matches!(err, StartUrlError::Transport(_)));
                break;
            }
        }
    }
});
