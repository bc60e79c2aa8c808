//! Waiting for blocking work without blocking an async executor, whatever the
//! runtime: a thread does the work and wakes the task (feature `reqwest`).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

struct Shared<T> {
    done: Option<T>,
    waker: Option<Waker>,
}

/// The result of `work`, run on a thread of its own. Dropping the future does
/// not stop the work: it runs to its end, and its result is dropped.
pub(super) struct OnThread<T> {
    shared: Arc<Mutex<Shared<T>>>,
}

impl<T: Send + 'static> OnThread<T> {
    pub(super) fn spawn(work: impl FnOnce() -> T + Send + 'static) -> Self {
        let shared = Arc::new(Mutex::new(Shared {
            done: None,
            waker: None,
        }));
        let theirs = Arc::clone(&shared);
        std::thread::spawn(move || {
            let result = work();
            let mut shared = theirs.lock().unwrap_or_else(PoisonError::into_inner);
            shared.done = Some(result);
            if let Some(waker) = shared.waker.take() {
                waker.wake();
            }
        });
        Self { shared }
    }
}

impl<T> Future for OnThread<T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(result) = shared.done.take() {
            return Poll::Ready(result);
        }
        shared.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}
