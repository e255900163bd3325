//! Sleeping and yielding. Deadlines (`wait_for`, `timeout`) are in `timeout.rs`.

use std::future::Future;
use std::task::Poll;
use std::time::Duration;

use crate::backend;

/// Suspends the current task for `duration` (Python's `asyncio.sleep`). Cancelling the task
/// interrupts the sleep at once.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use std::time::{Duration, Instant};
/// asyncio::run(async {
///     let start = Instant::now();
///     asyncio::sleep(Duration::from_millis(5)).await;
///     assert!(start.elapsed() >= Duration::from_millis(5));
/// });
/// ```
pub async fn sleep(duration: Duration) {
    backend::sleep(duration).await;
}

/// Lets every other ready task run, then resumes: Python's `asyncio.sleep(0)`. It is a
/// suspension point, so a pending cancellation is delivered here.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let task = asyncio::spawn(async { 1 });
///     assert!(!task.done());
///     asyncio::yield_now().await; // the task gets its turn
///     assert!(task.done());
/// });
/// ```
pub async fn yield_now() {
    YieldNow(false).await;
}

/// Wakes itself and returns `Pending` once, which puts the task at the back of the run queue.
pub(crate) struct YieldNow(bool);

impl YieldNow {
    pub(crate) fn new() -> Self {
        YieldNow(false)
    }
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
