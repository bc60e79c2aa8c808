//! Waiting for blocking work without blocking an async executor, whatever the
//! runtime: a thread does the work and wakes the task (feature `reqwest`).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

struct Shared<T> {
    /// The work's result, or its panic (resumed in the task that awaits it).
    done: Option<std::thread::Result<T>>,
    waker: Option<Waker>,
}

/// The result of `work`, run on a thread of its own. Dropping the future does
/// not stop the work: it runs to its end, and its result is dropped. A panic in
/// the work is resumed where the future is polled.
pub(super) struct OnThread<T> {
    shared: Arc<Mutex<Shared<T>>>,
}

impl<T: Send + 'static> OnThread<T> {
    /// Starts `work` on a new thread.
    ///
    /// # Errors
    /// The [`std::io::Error`] of the system refusing a thread (where
    /// `std::thread::spawn` would panic).
    pub(super) fn spawn(work: impl FnOnce() -> T + Send + 'static) -> std::io::Result<Self> {
        let shared = Arc::new(Mutex::new(Shared {
            done: None,
            waker: None,
        }));
        let theirs = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("ssooidc-wait".to_owned())
            .spawn(move || {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
                let mut shared = theirs.lock().unwrap_or_else(PoisonError::into_inner);
                shared.done = Some(result);
                if let Some(waker) = shared.waker.take() {
                    waker.wake();
                }
            })?;
        Ok(Self { shared })
    }
}

impl<T> Future for OnThread<T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        match shared.done.take() {
            Some(Ok(result)) => return Poll::Ready(result),
            // A panic in the work is the awaiting task's panic, not a task
            // left waiting for ever.
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => {}
        }
        shared.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::OnThread;

    #[test]
    fn gives_the_result_and_resumes_a_panic() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert_eq!(runtime.block_on(OnThread::spawn(|| 6 * 7).unwrap()), 42);
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            runtime.block_on(OnThread::spawn(|| -> u8 { panic!("in the work") }).unwrap())
        }));
        let message = panicked.unwrap_err();
        assert_eq!(message.downcast_ref::<&str>(), Some(&"in the work"));
    }
}
