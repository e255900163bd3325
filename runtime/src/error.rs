//! Why a task did not produce a value.

use std::error::Error;
use std::fmt;
use std::sync::Arc;

/// The ways a task can end without a value, and the misuse of asking too early.
///
/// Every awaiter of a task, and every [`Task::result`](crate::Task::result) call, gets the same
/// error (cloned), with the cancellation message if there was one.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::TaskError;
/// asyncio::run(async {
///     let task = asyncio::spawn(asyncio::sleep(std::time::Duration::from_secs(10)));
///     task.cancel_with("shutting down");
///     match task.await {
///         Err(TaskError::Cancelled(c)) => assert_eq!(c.message(), Some("shutting down")),
///         other => panic!("unexpected {other:?}"),
///     }
/// });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskError {
    /// The task was cancelled (Python's `CancelledError`).
    Cancelled(Cancelled),
    /// The task panicked; the panic was caught and did not affect anything else.
    Panicked(Panicked),
    /// The task is not done yet (Python's `InvalidStateError`), or a task awaited itself.
    InvalidState,
}

impl TaskError {
    /// `true` for [`TaskError::Cancelled`].
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let task = asyncio::spawn(async {});
    ///     task.cancel();
    ///     assert!(task.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self, TaskError::Cancelled(_))
    }

    /// `true` for [`TaskError::Panicked`].
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let task = asyncio::spawn(async { panic!("boom") });
    ///     assert!(task.await.unwrap_err().is_panicked());
    /// });
    /// ```
    pub fn is_panicked(&self) -> bool {
        matches!(self, TaskError::Panicked(_))
    }
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Cancelled(c) => fmt::Display::fmt(c, f),
            TaskError::Panicked(p) => fmt::Display::fmt(p, f),
            TaskError::InvalidState => f.write_str("task result is not set: the task is not done"),
        }
    }
}

impl Error for TaskError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            TaskError::Cancelled(c) => Some(c),
            TaskError::Panicked(p) => Some(p),
            TaskError::InvalidState => None,
        }
    }
}

impl From<Cancelled> for TaskError {
    fn from(c: Cancelled) -> Self {
        TaskError::Cancelled(c)
    }
}

/// A cancellation, with the message given to [`cancel_with`](crate::Task::cancel_with), if any.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let task = asyncio::spawn(asyncio::sleep(std::time::Duration::from_secs(10)));
///     task.cancel();
///     let asyncio::TaskError::Cancelled(c) = task.await.unwrap_err() else { unreachable!() };
///     assert_eq!(c.message(), None);
///     assert_eq!(c.to_string(), "task was cancelled");
/// });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cancelled {
    message: Option<Arc<str>>,
}

impl Cancelled {
    pub(crate) fn new(message: Option<Arc<str>>) -> Self {
        Cancelled { message }
    }

    /// The message, shared (for a re-raise).
    pub(crate) fn into_message(self) -> Option<Arc<str>> {
        self.message
    }

    /// The message of the cancellation request that was delivered (the first one, CAN-04).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let task = asyncio::spawn(asyncio::yield_now());
    ///     task.cancel_with("a");
    ///     task.cancel_with("b");
    ///     let asyncio::TaskError::Cancelled(c) = task.await.unwrap_err() else { unreachable!() };
    ///     assert_eq!(c.message(), Some("a"));
    /// });
    /// ```
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
}

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(m) => write!(f, "task was cancelled: {m}"),
            None => f.write_str("task was cancelled"),
        }
    }
}

impl Error for Cancelled {}

/// A panic caught inside a task.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let task = asyncio::spawn(async { panic!("bad input") });
///     let asyncio::TaskError::Panicked(p) = task.await.unwrap_err() else { unreachable!() };
///     assert_eq!(p.message(), "bad input");
/// });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Panicked {
    message: Arc<str>,
}

impl Panicked {
    pub(crate) fn from_payload(payload: &(dyn std::any::Any + Send)) -> Self {
        let message: Arc<str> = if let Some(s) = payload.downcast_ref::<&'static str>() {
            Arc::from(*s)
        } else if let Some(s) = payload.downcast_ref::<String>() {
            Arc::from(s.as_str())
        } else {
            Arc::from("Box<dyn Any>")
        };
        Panicked { message }
    }

    /// The panic message (`"Box<dyn Any>"` when the payload was not a string).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let err = asyncio::spawn(async { panic!("n = {}", 3) }).await.unwrap_err();
    ///     let asyncio::TaskError::Panicked(p) = err else { unreachable!() };
    ///     assert_eq!(p.message(), "n = 3");
    /// });
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Panicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task panicked: {}", self.message)
    }
}

impl Error for Panicked {}

/// [`wait_for`](crate::wait_for) ran out of time (Python's `TimeoutError`).
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use std::time::Duration;
/// asyncio::run(async {
///     let r = asyncio::wait_for(asyncio::sleep(Duration::from_secs(10)), Duration::from_millis(1)).await;
///     assert_eq!(r, Err(asyncio::TimeoutError));
///     assert_eq!(asyncio::TimeoutError.to_string(), "deadline elapsed");
/// });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct TimeoutError;

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline elapsed")
    }
}

impl Error for TimeoutError {}
