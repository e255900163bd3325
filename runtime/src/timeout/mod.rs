//! Deadlines: [`Timeout`] (Python's `asyncio.timeout()`) for a block of awaits, here, and
//! `wait_for` (Python's `asyncio.wait_for`) for one future or task, in `wait_for.rs`.

pub(crate) mod wait_for;

use std::future::{Future, IntoFuture};
use std::pin::pin;

use std::sync::{Mutex, PoisonError};

use crate::sync::{AtomicBool, Ordering};
use std::task::Poll;
use std::time::{Duration, Instant};

use atomic_waker::AtomicWaker;

use crate::backend::{self, Sleep};
use crate::cancel::deliver::Delivery;
use crate::cancel::own::{OwnCancel, Verdict};
use crate::cancel::Request;
use crate::error::TimeoutError;

/// A deadline for a block of awaits: Python's `async with asyncio.timeout(delay) as cm:`.
///
/// [`run`](Self::run) awaits the block; when the deadline passes, the *current task* is
/// cancelled, so the block sees an ordinary cancellation at its current await (a
/// [`catch_cancel`](crate::catch_cancel) inside it catches it, with `cancelling() == 1`, TMO-04).
/// When that cancellation leaves the block, `run` turns it into `Err(TimeoutError)` and the
/// task's `cancelling()` count goes back down. A cancellation from outside, before or after the
/// deadline, propagates as a cancellation, not a timeout (TMO-05). The deadline can be moved
/// while the block runs ([`reschedule`](Self::reschedule)); `None` means no deadline.
///
/// Compared with [`wait_for`](crate::wait_for): the block runs in the current task (no task is
/// created), and the scope can be rescheduled and asked whether it [`expired`](Self::expired).
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use std::time::Duration;
/// asyncio::run(async {
///     let cm = asyncio::timeout(Duration::from_millis(20));
///     let r = cm.run(asyncio::sleep(Duration::from_secs(10))).await;
///     assert_eq!(r, Err(asyncio::TimeoutError));
///     assert!(cm.expired());
///     assert_eq!(asyncio::current_task().unwrap().cancelling(), 0);
/// });
/// ```
pub struct Timeout {
    deadline: Mutex<Option<Instant>>,
    expired: AtomicBool,
    changed: AtomicWaker,
}

/// A [`Timeout`] that expires `delay` from now; `None` for no deadline (Python's
/// `asyncio.timeout(delay)`). A delay too long for [`Instant`] to hold (`Duration::MAX`) is no
/// deadline either.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use std::time::Duration;
/// asyncio::run(async {
///     let r = asyncio::timeout(None).run(asyncio::sleep(Duration::from_millis(1))).await;
///     assert_eq!(r, Ok(()));
/// });
/// ```
pub fn timeout(delay: impl Into<Option<Duration>>) -> Timeout {
    timeout_at(delay.into().and_then(|d| Instant::now().checked_add(d)))
}

/// A [`Timeout`] that expires at `deadline`; `None` for no deadline (Python's
/// `asyncio.timeout_at(when)`).
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use std::time::{Duration, Instant};
/// asyncio::run(async {
///     let cm = asyncio::timeout_at(Some(Instant::now() + Duration::from_millis(5)));
///     assert!(cm.run(asyncio::sleep(Duration::from_secs(10))).await.is_err());
/// });
/// ```
pub fn timeout_at(deadline: Option<Instant>) -> Timeout {
    Timeout {
        deadline: Mutex::new(deadline),
        expired: AtomicBool::new(false),
        changed: AtomicWaker::new(),
    }
}

impl Timeout {
    /// The current deadline (Python's `when()`).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// assert_eq!(asyncio::timeout(None).when(), None);
    /// ```
    pub fn when(&self) -> Option<Instant> {
        *self.deadline.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves the deadline, also while [`run`](Self::run) is waiting (Python's `reschedule()`).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use std::time::{Duration, Instant};
    /// asyncio::run(async {
    ///     let cm = asyncio::timeout(Duration::from_millis(1));
    ///     let r = cm
    ///         .run(async {
    ///             cm.reschedule(Some(Instant::now() + Duration::from_secs(60)));
    ///             asyncio::sleep(Duration::from_millis(20)).await;
    ///             "finished"
    ///         })
    ///         .await;
    ///     assert_eq!(r, Ok("finished"));
    ///     assert!(!cm.expired());
    /// });
    /// ```
    pub fn reschedule(&self, deadline: Option<Instant>) {
        *self.deadline.lock().unwrap_or_else(PoisonError::into_inner) = deadline;
        self.changed.wake();
    }

    /// `true` once the deadline has passed while the block was running (Python's `expired()`).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use std::time::Duration;
    /// asyncio::run(async {
    ///     let cm = asyncio::timeout(Duration::from_secs(60));
    ///     assert_eq!(cm.run(async { 1 }).await, Ok(1));
    ///     assert!(!cm.expired());
    /// });
    /// ```
    pub fn expired(&self) -> bool {
        self.expired.load(Ordering::Acquire)
    }

    /// Awaits `block` under this deadline. See [`Timeout`].
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use std::time::Duration;
    /// asyncio::run(async {
    ///     let cm = asyncio::timeout(Duration::from_millis(10));
    ///     let r = cm
    ///         .run(async {
    ///             match asyncio::catch_cancel(asyncio::sleep(Duration::from_secs(10))).await {
    ///                 Ok(()) => "slept",
    ///                 Err(cancelled) => {
    ///                     // Inside the block the deadline is an ordinary cancellation.
    ///                     assert_eq!(asyncio::current_task().unwrap().cancelling(), 1);
    ///                     cancelled.reraise().await
    ///                 }
    ///             }
    ///         })
    ///         .await;
    ///     assert_eq!(r, Err(asyncio::TimeoutError));
    /// });
    /// ```
    pub async fn run<F: IntoFuture>(&self, block: F) -> Result<F::Output, TimeoutError> {
        let mut block = pin!(Some(block.into_future()));
        let mut scope = OwnCancel::default();
        let mut timer: Option<(Instant, Sleep)> = None;
        let outcome = std::future::poll_fn(|cx| {
            scope.enter();
            self.changed.register(cx.waker());
            if !self.expired() {
                match self.when() {
                    None => timer = None,
                    Some(deadline) => {
                        if timer.as_ref().is_none_or(|(at, _)| *at != deadline) {
                            let delay = deadline.saturating_duration_since(Instant::now());
                            timer = Some((deadline, backend::sleep_boxed(delay)));
                        }
                        let (_, sleep) = timer.as_mut().expect("set above");
                        if sleep.as_mut().poll(cx).is_ready() {
                            self.expired.store(true, Ordering::Release);
                            timer = None;
                            scope.request();
                        }
                    }
                }
            }
            if scope.task().is_none() && scope.was_requested() {
                return Poll::Ready(None); // outside a task: just drop the block
            }
            // Unless a cancellation belongs at the block's current await, poll the block.
            if !scope.pending_here() {
                let inner = block
                    .as_mut()
                    .as_pin_mut()
                    .expect("polled after completion");
                if let Poll::Ready(value) = inner.poll(cx) {
                    scope.withdraw();
                    return Poll::Ready(Some(value));
                }
            }
            match scope.after_pending() {
                Verdict::Continue => Poll::Pending,
                Verdict::Ours => Poll::Ready(None),
            }
        })
        .await;
        scope.leave();
        match outcome {
            Some(value) => Ok(value),
            None => {
                Delivery::start(Request::default(), || block.as_mut().set(None)).await;
                Err(TimeoutError)
            }
        }
    }
}

impl std::fmt::Debug for Timeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Timeout")
            .field("when", &self.when())
            .field("expired", &self.expired())
            .finish()
    }
}
