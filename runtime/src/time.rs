//! Sleeping, yielding, and timeouts.

use std::future::{Future, IntoFuture};
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use crate::backend;
use crate::cancel::all_ended::StopAll;
use crate::context;
use crate::error::TimeoutError;

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

/// Awaits `future` for at most `timeout` (Python's `asyncio.wait_for`).
///
/// When `future` is a [`Task`](crate::Task) (Python 3.12's reading, where `wait_for` is
/// `async with timeout(): await task`): on timeout the task is cancelled and awaited, so its
/// cleanup has run when `wait_for` returns (TMO-01). Then the task's outcome decides: ended
/// cancelled, `Err(TimeoutError)`; caught the cancellation and returned a value, or failed while
/// being cancelled, `Ok` with that outcome. A zero timeout does the same at once: the result of
/// a task that is already done, else the task cancelled and awaited.
///
/// Any other future is dropped on timeout; the tasks it was awaiting are cancelled and
/// `wait_for` waits for them to stop before returning `Err(TimeoutError)`. A zero timeout does
/// not poll it at all (Python: the coroutine never runs). If the task calling `wait_for` is
/// cancelled, the cancellation is forwarded to the awaited task (TMO-03). A timeout too long
/// for [`Instant`](std::time::Instant) to hold (`Duration::MAX`) never expires.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use std::time::Duration;
/// asyncio::run(async {
///     let slow = asyncio::spawn(asyncio::sleep(Duration::from_secs(10)));
///     let r = asyncio::wait_for(slow.clone(), Duration::from_millis(10)).await;
///     assert_eq!(r, Err(asyncio::TimeoutError));
///     assert!(slow.cancelled()); // cancelled and stopped before wait_for returned
///
///     let fast = asyncio::wait_for(async { 7 }, Duration::from_secs(1)).await;
///     assert_eq!(fast, Ok(7));
///
///     let done = asyncio::spawn(async { 8 });
///     asyncio::yield_now().await;
///     assert_eq!(asyncio::wait_for(done, Duration::ZERO).await, Ok(Ok(8)));
/// });
/// ```
pub async fn wait_for<F: IntoFuture>(
    future: F,
    timeout: Duration,
) -> Result<F::Output, TimeoutError> {
    let (future, task) = context::capture_awaited_task(|| future.into_future());
    let mut future = pin!(Some(future));
    if !timeout.is_zero() {
        let mut timer = pin!(backend::sleep(timeout));
        let output = std::future::poll_fn(|cx| {
            if let Some(inner) = future.as_mut().as_pin_mut() {
                if let Poll::Ready(value) = inner.poll(cx) {
                    return Poll::Ready(Some(value));
                }
            }
            timer.as_mut().poll(cx).map(|()| None)
        })
        .await;
        if let Some(value) = output {
            return Ok(value);
        }
    }
    if let Some(task) = task {
        // The future awaits `task`: cancel the task and keep awaiting it (unless it is the
        // task running this, whose future ends at once with `InvalidState`).
        if context::current_task_id() != Some(task.id()) {
            task.cancel();
        }
        let inner = future.as_pin_mut().expect("not dropped");
        let output = inner.await;
        return if task.cancelled() {
            Err(TimeoutError)
        } else {
            Ok(output)
        };
    }
    let forwarded = context::drop_forwarding(None, || future.as_mut().set(None));
    StopAll::new(forwarded).await;
    Err(TimeoutError)
}
