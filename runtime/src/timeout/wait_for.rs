//! [`wait_for`](crate::wait_for): a deadline for one future (Python's `asyncio.wait_for`), and
//! `task.wait_for(timeout)`, the same on a task with one `Result`.

use std::error::Error;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use crate::backend;
use crate::cancel::deliver::Delivery;
use crate::cancel::{self, Request};
use crate::context;
use crate::error::{TaskError, TimeoutError};
use crate::handle::task::Task;

impl<T: Send + 'static> Task<T> {
    /// Awaits the task for at most `timeout`, with one `Result`: the value, or why there is
    /// none — [`WaitForError::Timeout`], or the task's own [`TaskError`] in
    /// [`WaitForError::Failed`]. Python's `await asyncio.wait_for(task, timeout)`, which raises
    /// `TimeoutError` or the task's exception from one `try`.
    ///
    /// It is [`wait_for(task, timeout)`](crate::wait_for) with the two layers of
    /// `Result<Result<T, TaskError>, TimeoutError>` merged, and the same semantics: on timeout
    /// the task is cancelled and awaited, so it has stopped (its cleanup has run) when this
    /// returns; then the task's outcome decides, as in Python 3.12: ended cancelled, `Timeout`;
    /// caught the cancellation and returned a value, that value; panicked while being
    /// cancelled, that panic. `Duration::ZERO` gives the outcome of a task that is done already
    /// and cancels and awaits one that is not; `Duration::MAX` never expires. If the task
    /// calling this is cancelled, the cancellation is forwarded to the awaited task, as
    /// `task.await` does. tokio's counterpart, `tokio::time::timeout(d, handle)`, gives the
    /// nested form, and leaves the task running on timeout.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use std::time::Duration;
    /// use asyncio::WaitForError;
    ///
    /// async fn fetch(ms: u64) -> String {
    ///     asyncio::sleep(Duration::from_millis(ms)).await;
    ///     format!("waited {ms} ms")
    /// }
    ///
    /// asyncio::run(async {
    ///     match asyncio::spawn(fetch(1)).wait_for(Duration::from_secs(5)).await {
    ///         Ok(page) => assert_eq!(page, "waited 1 ms"),
    ///         Err(e) => panic!("{e}"),
    ///     }
    ///
    ///     let slow = asyncio::spawn(fetch(3_600_000));
    ///     let error = slow.clone().wait_for(Duration::from_millis(5)).await.unwrap_err();
    ///     assert_eq!(error, WaitForError::Timeout);
    ///     assert_eq!(error.to_string(), "deadline elapsed");
    ///     assert!(slow.cancelled()); // cancelled, and stopped before wait_for returned
    ///
    ///     let crash = asyncio::spawn(async { panic!("bad page") });
    ///     let error = crash.wait_for(Duration::from_secs(5)).await.unwrap_err();
    ///     assert!(error.is_panicked());
    /// });
    /// ```
    pub async fn wait_for(self, timeout: Duration) -> Result<T, WaitForError> {
        match wait_for(self, timeout).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(WaitForError::Failed(error)),
            Err(TimeoutError) => Err(WaitForError::Timeout),
        }
    }
}

/// Why [`Task::wait_for`] gave no value: the time ran out, or the task ended without one.
///
/// A type of its own rather than a `Timeout` variant of [`TaskError`]: `task.await`,
/// [`Task::result`] and every other way to read a task cannot time out, and code that matches
/// a `TaskError` exhaustively (its three variants are the public contract) keeps compiling. It
/// converts from both errors, implements [`Error`], and `?` turns it into a
/// `Box<dyn Error>`. Not `#[non_exhaustive]`: the time ran out or it did not, so the two
/// variants are the whole story (a new way for a task to fail would be a new [`TaskError`]).
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use std::time::Duration;
/// use asyncio::{TaskError, WaitForError};
/// asyncio::run(async {
///     let task = asyncio::spawn(asyncio::sleep(Duration::from_secs(10)));
///     task.cancel_with("not needed");
///     match task.wait_for(Duration::from_secs(1)).await {
///         Ok(()) => unreachable!("cancelled"),
///         Err(WaitForError::Timeout) => unreachable!("it ended before the deadline"),
///         Err(WaitForError::Failed(TaskError::Cancelled(c))) => {
///             assert_eq!(c.message(), Some("not needed"))
///         }
///         Err(WaitForError::Failed(other)) => panic!("{other}"),
///     }
/// });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WaitForError {
    /// The time ran out: the task was cancelled and has stopped (Python's `TimeoutError`).
    Timeout,
    /// The task ended without a value before the time ran out (cancelled by someone else, or
    /// panicked), or panicked while being cancelled for the timeout.
    //
    // Not named `Task`: a variant of that name would make rustc spell every `Task` in the
    // users' error messages as `asyncio::Task` (its short names are only for unique names).
    Failed(TaskError),
}

impl WaitForError {
    /// `true` for [`WaitForError::Timeout`].
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use std::time::Duration;
    /// asyncio::run(async {
    ///     let slow = asyncio::spawn(asyncio::sleep(Duration::from_secs(10)));
    ///     assert!(slow.wait_for(Duration::from_millis(1)).await.unwrap_err().is_timeout());
    /// });
    /// ```
    pub fn is_timeout(&self) -> bool {
        matches!(self, WaitForError::Timeout)
    }

    /// `true` when the task ended cancelled by someone else, before the time ran out (a
    /// timeout is [`is_timeout`](Self::is_timeout), not this).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use std::time::Duration;
    /// asyncio::run(async {
    ///     let task = asyncio::spawn(asyncio::sleep(Duration::from_secs(10)));
    ///     task.cancel();
    ///     assert!(task.wait_for(Duration::from_secs(1)).await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self, WaitForError::Failed(e) if e.is_cancelled())
    }

    /// `true` when the task panicked.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use std::time::Duration;
    /// asyncio::run(async {
    ///     let task = asyncio::spawn(async { panic!("boom") });
    ///     assert!(task.wait_for(Duration::from_secs(1)).await.unwrap_err().is_panicked());
    /// });
    /// ```
    pub fn is_panicked(&self) -> bool {
        matches!(self, WaitForError::Failed(e) if e.is_panicked())
    }
}

impl fmt::Display for WaitForError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitForError::Timeout => fmt::Display::fmt(&TimeoutError, f),
            WaitForError::Failed(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl Error for WaitForError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            WaitForError::Timeout => None,
            WaitForError::Failed(e) => Some(e),
        }
    }
}

/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::{TaskError, WaitForError};
/// assert_eq!(WaitForError::from(TaskError::InvalidState), WaitForError::Failed(TaskError::InvalidState));
/// ```
impl From<TaskError> for WaitForError {
    fn from(error: TaskError) -> Self {
        WaitForError::Failed(error)
    }
}

/// ```
/// # use asyncio_runtime as asyncio;
/// assert!(asyncio::WaitForError::from(asyncio::TimeoutError).is_timeout());
/// ```
impl From<TimeoutError> for WaitForError {
    fn from(TimeoutError: TimeoutError) -> Self {
        WaitForError::Timeout
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
        if context::current_task_id() != Some(task.header().id()) {
            cancel::request(&task, Request::default());
        }
        let inner = future.as_pin_mut().expect("not dropped");
        let output = inner.await;
        return if task.header().is_cancelled() {
            Err(TimeoutError)
        } else {
            Ok(output)
        };
    }
    Delivery::start(Request::default(), || future.as_mut().set(None)).await;
    Err(TimeoutError)
}
