//! After signing, the stack the signer used holds no trace of the secret access
//! key, of the keys derived from it, of the session token or of the body (nor,
//! after a PKCE challenge or a new PKCE pair, of the verifier): RustCrypto's `hmac` builds its padded
//! key blocks (`key ^ 0x36`, `key ^ 0x5c`) and SHA-256 its message schedule in
//! stack temporaries that it does not wipe, so the signer wipes the stack it
//! used before it returns (`zeroize::zeroize_stack`).
//!
//! The signer runs on a thread of its own; right after it returns, the test
//! copies the 64 KiB of stack below its own frame (where the signer's frames
//! were) and looks for each secret: as it is, XORed with either HMAC pad, and
//! with its 4-byte words byte-swapped as SHA-256 reads them. Reading stack
//! memory that no live value owns is outside Rust's rules, which is why this
//! is a test of its own, and why it only ever reads.
#![allow(unsafe_code)]

use std::time::{Duration, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use ssooidc_token::{sign_for_service, SigningCredentials};
use zeroize::Zeroizing;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+STACKcanary+KEY0042";
const TOKEN: &str = "IQoJb3JpZ2luX2VjSTACKcanaryTOKEN0123456789abcdefghij";
const BODY_SECRET: &str = "aorvSTACKcanaryBODY0123456789abcdefghijklmn";
const SPAN: usize = 64 * 1024;

/// The address of a local in a frame of its own: where the caller's callees'
/// frames begin (the stack grows down on every target this runs on).
#[inline(never)]
fn frame_floor() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// 16-byte windows of every form a secret takes on the stack of HMAC-SHA256:
/// as it is, XORed with each pad, and each of those with its 4-byte words
/// byte-swapped (SHA-256's message schedule).
fn forms(name: &str, key: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (pad_name, pad) in [("", 0u8), (" ^ ipad", 0x36), (" ^ opad", 0x5c)] {
        let padded: Vec<u8> = key.iter().map(|b| b ^ pad).collect();
        // Windows at the block's own alignment (the key starts a block).
        for start in [0, 16] {
            if start + 16 <= padded.len() {
                out.push((
                    format!("{name}{pad_name} [{start}..]"),
                    padded[start..start + 16].to_vec(),
                ));
                out.push((
                    format!("{name}{pad_name} [{start}..] as words"),
                    as_words(&padded[start..start + 16]),
                ));
            }
        }
    }
    out
}

/// 16-byte windows of `secret` as it may sit anywhere in a message SHA-256
/// hashes: as it is, and with its 4-byte words byte-swapped at each of the 4
/// alignments the message's words may have against it.
fn message_forms(name: &str, secret: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![(name.to_owned(), secret[..16].to_vec())];
    for shift in 0..4 {
        out.push((
            format!("{name} as words, shifted {shift}"),
            as_words(&secret[shift..shift + 16]),
        ));
    }
    out
}

/// `bytes` with each 4-byte word byte-swapped, as SHA-256 loads a block.
fn as_words(bytes: &[u8]) -> Vec<u8> {
    bytes
        .chunks(4)
        .flat_map(|w| w.iter().rev().copied())
        .collect()
}

/// Copies the `SPAN` bytes of this thread's stack below the caller's callees'
/// first frame after `f` ran there; and what `f` returned.
fn stack_after<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> (Vec<u8>, T) {
    std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(move || {
            let mut copy = vec![0u8; SPAN];
            let floor = frame_floor();
            let out = f();
            // Read below `floor` byte by byte into memory allocated before.
            // Optimized, the loop makes no call; in a debug build its
            // iterator calls' frames overwrite the few hundred bytes just
            // below `floor` first (the signer's entry frames, above the
            // wiped area), so the debug run sees only the deeper frames.
            let base = floor - SPAN;
            for (i, byte) in copy.iter_mut().enumerate() {
                // SAFETY: `[base, floor)` lies within this thread's 1 MiB
                // stack (its guard page is at the far end), mapped and
                // readable; nothing else writes it while this thread runs.
                *byte = unsafe { std::ptr::read_volatile((base + i) as *const u8) };
            }
            (copy, out)
        })
        .unwrap()
        .join()
        .unwrap()
}

fn assert_none_left(what: &str, stack: &[u8], patterns: &[(String, Vec<u8>)]) {
    let found: Vec<&str> = patterns
        .iter()
        .filter(|(_, p)| stack.windows(p.len()).any(|w| w == p.as_slice()))
        .map(|(name, _)| name.as_str())
        .collect();
    assert!(
        found.is_empty(),
        "left on the stack after {what}: {found:?}"
    );
}

#[test]
fn signing_leaves_no_key_material_on_the_stack() {
    let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    // Computed here, on the test's own thread: nowhere near the stack looked at.
    let k_secret = format!("AWS4{SECRET}");
    let k_date = hmac(k_secret.as_bytes(), b"20231114");
    let k_region = hmac(&k_date, b"us-east-1");
    let k_service = hmac(&k_region, b"sso-oauth");
    let k_signing = hmac(&k_service, b"aws4_request");
    let mut patterns = forms("\"AWS4\" + secret", k_secret.as_bytes());
    patterns.extend(forms("kDate", &k_date));
    patterns.extend(forms("kRegion", &k_region));
    patterns.extend(forms("kService", &k_service));
    patterns.extend(forms("kSigning", &k_signing));
    patterns.extend(message_forms("session token", TOKEN.as_bytes()));
    patterns.extend(message_forms("body", BODY_SECRET.as_bytes()));

    let (stack, ()) = stack_after(move || {
        let credentials = SigningCredentials::new("AKIDEXAMPLE", SECRET).with_session_token(TOKEN);
        let mut request = http::Request::post("https://oidc.us-east-1.amazonaws.com/token")
            .header("content-type", "application/json")
            .body(Zeroizing::new(
                format!(r#"{{"refreshToken":"{BODY_SECRET}"}}"#).into_bytes(),
            ))
            .unwrap();
        sign_for_service(&mut request, &credentials, "us-east-1", "sso-oauth", time).unwrap();
    });
    assert_none_left("signing", &stack, &patterns);
}

/// The PKCE challenge hashes the verifier: SHA-256 reads it as big-endian
/// words into a message schedule on the stack.
#[cfg(feature = "login")]
#[test]
fn the_pkce_challenge_leaves_no_verifier_on_the_stack() {
    const VERIFIER: &str = "STACKcanaryVERIFIERabcdefghijklmnopqrstuvwxyz0123456789";
    let patterns = forms("verifier", VERIFIER.as_bytes());
    let (stack, ()) = stack_after(|| {
        let pkce = ssooidc_token::login::Pkce::from_verifier(VERIFIER).unwrap();
        std::hint::black_box(pkce.challenge());
    });
    assert_none_left("the PKCE challenge", &stack, &patterns);
}

/// A new PKCE pair: its verifier is drawn, encoded and hashed on the stack.
#[cfg(feature = "login")]
#[test]
fn a_new_pkce_pair_leaves_no_verifier_on_the_stack() {
    use ssooidc_token::ExposeSecret;
    let (stack, pkce) = stack_after(|| ssooidc_token::login::Pkce::new().unwrap());
    let verifier = pkce.verifier().expose_secret().as_bytes();
    let mut patterns = forms("verifier", verifier);
    patterns.extend(message_forms("verifier", verifier));
    assert_none_left("a new PKCE pair", &stack, &patterns);
}
