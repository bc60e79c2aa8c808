//! Writers racing readers: every read sees a whole file (the old one or the new
//! one), no temporary file is left behind, and the file stays 0600.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use ssooidc_token::cache::{CacheKey, CachedToken, TokenCache};
use ssooidc_token::ExposeSecret;

#[path = "common/temp_dir.rs"]
mod temp_dir;
use temp_dir::TempDir;

const WRITERS: usize = 4;
const STORES_PER_WRITER: usize = 250;
const READERS: usize = 4;

fn token(writer: usize, n: usize) -> CachedToken {
    // Each store differs in size too, so a torn read would show.
    CachedToken::builder()
        .access_token(format!("access-{writer}-{n}-{}", "x".repeat(n % 97)))
        .expires_at(UNIX_EPOCH + Duration::from_secs(1_700_000_000 + n as u64))
        .refresh_token(format!("refresh-{writer}-{n}"))
        .client_id("client")
        .client_secret("secret")
        .build()
        .unwrap()
}

#[test]
fn a_thousand_stores_racing_readers_never_show_a_partial_file() {
    let dir = TempDir::new("race");
    let cache = TokenCache::new(dir.path());
    let key = CacheKey::session("race");
    cache.store(&key, &token(0, 0)).unwrap();
    let done = AtomicBool::new(false);
    let reads = AtomicUsize::new(0);
    // Stores begun and stores ended: a read that finds more stores begun by
    // its end than ended by its start overlapped one of them (or, within the
    // two counter loads around it, came within one atomic load of one).
    let (begun, ended) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let overlapped = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let readers: Vec<_> = (0..READERS)
            .map(|_| {
                scope.spawn(|| {
                    while !done.load(Ordering::SeqCst) {
                        let ended_before = ended.load(Ordering::SeqCst);
                        let loaded = cache
                            .load(&key)
                            .expect("a reader got an error")
                            .expect("the file is always there");
                        if begun.load(Ordering::SeqCst) > ended_before {
                            overlapped.fetch_add(1, Ordering::Relaxed);
                        }
                        // The members come from one store, never from two.
                        let access = loaded.access_token().expose_secret();
                        let refresh = loaded.refresh_token().unwrap().expose_secret();
                        let mut parts = access.splitn(4, '-');
                        let (_, writer, n) = (parts.next(), parts.next(), parts.next());
                        assert_eq!(
                            refresh,
                            format!("refresh-{}-{}", writer.unwrap(), n.unwrap())
                        );
                        reads.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let (cache, key, begun, ended) = (&cache, &key, &begun, &ended);
                scope.spawn(move || {
                    for n in 1..=STORES_PER_WRITER {
                        let token = token(writer, n);
                        begun.fetch_add(1, Ordering::SeqCst);
                        cache.store(key, &token).expect("a store failed");
                        ended.fetch_add(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }
        done.store(true, Ordering::SeqCst);
        for reader in readers {
            reader.join().unwrap();
        }
    });
    assert!(
        reads.load(Ordering::Relaxed) > 0,
        "the readers read nothing"
    );
    // Without a read during a store, the race above proved nothing.
    assert!(
        overlapped.load(Ordering::Relaxed) > 0,
        "no read overlapped a store"
    );
    assert_eq!(dir.names(), [key.file_name()], "a temporary file was left");
    let last = cache.load(&key).unwrap().unwrap();
    assert!(last
        .access_token()
        .expose_secret()
        .contains(&format!("-{STORES_PER_WRITER}-")));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(cache.token_path(&key))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
