//! The canary probe shared by the memory test binaries: a global allocator that,
//! while armed, scans every block before it is freed (and every block a
//! reallocation moves: its `realloc` always moves) for a canary planted in every
//! secret. Each test binary includes it with `#[path = "common/probe.rs"] mod probe;`
//! and so gets its own allocator.

#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Letters and digits only, so it is valid inside a code verifier and a JWT.
pub const CANARY: &[u8] = b"Zq7CANARYw0Pm3Xv";

static ARMED: AtomicBool = AtomicBool::new(false);
static LEAKS: AtomicUsize = AtomicUsize::new(0);
static SCANNED: AtomicUsize = AtomicUsize::new(0);
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
/// The sizes of the first blocks found holding the canary (no allocation in
/// the allocator: a fixed table).
static LEAK_SIZES: [AtomicUsize; 32] = [const { AtomicUsize::new(0) }; 32];

struct Probe;

pub fn contains_canary(block: &[u8]) -> bool {
    block.windows(CANARY.len()).any(|w| w == CANARY)
}

/// # Safety
/// `ptr` must point to `size` readable bytes.
unsafe fn inspect(ptr: *mut u8, size: usize) {
    if ARMED.load(Ordering::SeqCst) {
        SCANNED.fetch_add(1, Ordering::SeqCst);
        if contains_canary(std::slice::from_raw_parts(ptr, size)) {
            let n = LEAKS.fetch_add(1, Ordering::SeqCst);
            if let Some(slot) = LEAK_SIZES.get(n) {
                slot.store(size, Ordering::SeqCst);
            }
        }
    }
}

unsafe impl GlobalAlloc for Probe {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // Zeroed, so that a canary in a block is one written there since, never
        // stale bytes from an earlier (for example a positive control's) block.
        System.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        inspect(ptr, layout.size());
        System.dealloc(ptr, layout);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Always move, so that every block a reallocation leaves behind is inspected.
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        let new = System.alloc_zeroed(new_layout);
        if !new.is_null() {
            std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            inspect(ptr, layout.size());
            System.dealloc(ptr, layout);
        }
        new
    }
}

#[global_allocator]
static GLOBAL: Probe = Probe;

/// Runs `f` with the probe armed and returns how many freed blocks held the canary.
pub fn leaks_during(f: impl FnOnce()) -> usize {
    leaked_sizes_during(f).len()
}

/// Runs `f` with the probe armed and returns the size of each freed block that
/// held the canary.
pub fn leaked_sizes_during(f: impl FnOnce()) -> Vec<usize> {
    let _guard = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    LEAKS.store(0, Ordering::SeqCst);
    for size in &LEAK_SIZES {
        size.store(0, Ordering::SeqCst);
    }
    let scanned_before = SCANNED.load(Ordering::SeqCst);
    /// Disarms the probe when `f` returns or panics.
    struct Disarm;
    impl Drop for Disarm {
        fn drop(&mut self) {
            ARMED.store(false, Ordering::SeqCst);
        }
    }
    ARMED.store(true, Ordering::SeqCst);
    let disarm = Disarm;
    f();
    drop(disarm);
    assert!(
        SCANNED.load(Ordering::SeqCst) > scanned_before,
        "the probe saw no freed block"
    );
    let leaks = LEAKS.load(Ordering::SeqCst);
    let mut sizes: Vec<usize> = LEAK_SIZES
        .iter()
        .take(leaks)
        .map(|size| size.load(Ordering::SeqCst))
        .collect();
    // Past the table's length, the count still counts.
    sizes.resize(leaks, 0);
    sizes
}

/// A secret of `len` bytes made of repeated canaries (and `-` filler), written into
/// a `String` of capacity `capacity` without any reallocation.
pub fn secret_string(len: usize, capacity: usize) -> String {
    let mut s = String::with_capacity(capacity);
    while s.len() + CANARY.len() <= len {
        s.push_str(std::str::from_utf8(CANARY).unwrap());
    }
    while s.len() < len {
        s.push('-');
    }
    assert_eq!(s.capacity(), capacity);
    s
}
