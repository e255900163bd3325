//! How a task group fails ([`TaskGroupError`], every failure in completion order), and why it
//! refuses a child ([`TaskGroupClosed`]).

use std::error::Error;
use std::fmt;
use std::sync::Arc;

use crate::error::{Panicked, TaskError};

/// Every failure of a [`task_group`](crate::task_group), in completion order: Python's `ExceptionGroup`.
///
/// A failure is a panic (of a child or of the body) or the `Err` of a child spawned with
/// [`TaskGroup::spawn_fallible`](crate::TaskGroup::spawn_fallible); [`failures`](Self::failures) lists them all, the user's errors
/// as the `Box<dyn Error + Send + Sync>` they were converted into, which can be downcast.
/// [`errors`](Self::errors) lists the panics alone, as [`TaskError`]s.
///
/// Cloning shares the user's errors (a `Box<dyn Error>` cannot be cloned), as copies of a
/// Python exception group share their exceptions; two `TaskGroupError`s are equal when their
/// panics are equal and they hold the same user errors (a clone and its original).
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let err = asyncio::task_group(|tg| async move {
///         tg.spawn(async { panic!("boom") });
///     })
///     .await
///     .unwrap_err();
///     assert_eq!(err.errors().len(), 1);
///     assert_eq!(err.to_string(), "unhandled errors in a TaskGroup (1 sub-exception)");
/// });
/// ```
#[derive(Clone, Debug)]
pub struct TaskGroupError {
    /// The panics among the failures, for [`errors`](Self::errors).
    errors: Vec<TaskError>,
    failures: Arc<Vec<TaskGroupFailure>>,
}

/// One failure of a [`task_group`](crate::task_group), as listed by [`TaskGroupError::failures`].
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::TaskGroupFailure;
/// asyncio::run(async {
///     let err = asyncio::task_group(|tg| async move {
///         tg.spawn_fallible(async { "x".parse::<u32>() });
///     })
///     .await
///     .unwrap_err();
///     let TaskGroupFailure::Err(error) = &err.failures()[0] else { unreachable!() };
///     assert!(error.downcast_ref::<std::num::ParseIntError>().is_some());
///     assert_eq!(err.failures()[0].to_string(), "invalid digit found in string");
/// });
/// ```
#[derive(Debug)]
pub enum TaskGroupFailure {
    /// A child or the body panicked (the panic was caught).
    Panicked(Panicked),
    /// A child spawned with [`TaskGroup::spawn_fallible`](crate::TaskGroup::spawn_fallible) returned this error.
    Err(Box<dyn Error + Send + Sync>),
}

impl fmt::Display for TaskGroupFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskGroupFailure::Panicked(p) => fmt::Display::fmt(p, f),
            TaskGroupFailure::Err(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl TaskGroupError {
    pub(super) fn new(failures: Vec<TaskGroupFailure>) -> Self {
        let errors = failures
            .iter()
            .filter_map(|failure| match failure {
                TaskGroupFailure::Panicked(p) => Some(TaskError::Panicked(p.clone())),
                TaskGroupFailure::Err(_) => None,
            })
            .collect();
        TaskGroupError {
            errors,
            failures: Arc::new(failures),
        }
    }

    /// Every failure, in the order they happened: the panics and the `Err`s of fallible
    /// children.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use asyncio::TaskGroupFailure;
    /// #[derive(Debug)]
    /// struct Refused;
    /// impl std::fmt::Display for Refused {
    ///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    ///         f.write_str("refused")
    ///     }
    /// }
    /// impl std::error::Error for Refused {}
    ///
    /// asyncio::run(async {
    ///     let err = asyncio::task_group(|tg| async move {
    ///         tg.spawn_fallible(async { Err::<(), _>(Refused) });
    ///     })
    ///     .await
    ///     .unwrap_err();
    ///     match &err.failures()[0] {
    ///         TaskGroupFailure::Err(e) => assert!(e.is::<Refused>()),
    ///         other => panic!("unexpected {other}"),
    ///     }
    ///     assert!(err.errors().is_empty()); // no panic
    /// });
    /// ```
    pub fn failures(&self) -> &[TaskGroupFailure] {
        &self.failures
    }

    /// Every failure, owned: the user's errors as the `Box`es one can
    /// [`downcast`](Box::downcast). `Err(self)` if a clone of this error is alive, since the
    /// clones share them.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use asyncio::TaskGroupFailure;
    /// asyncio::run(async {
    ///     let err = asyncio::task_group(|tg| async move {
    ///         tg.spawn_fallible(async { "x".parse::<u8>() });
    ///     })
    ///     .await
    ///     .unwrap_err();
    ///     let copy = err.clone();
    ///     let err = err.try_into_failures().unwrap_err(); // `copy` shares them
    ///     drop(copy);
    ///     let mut failures = err.try_into_failures().unwrap();
    ///     let Some(TaskGroupFailure::Err(error)) = failures.pop() else { unreachable!() };
    ///     let parse_error: Box<std::num::ParseIntError> = error.downcast().unwrap();
    ///     assert_eq!(parse_error.to_string(), "invalid digit found in string");
    /// });
    /// ```
    pub fn try_into_failures(self) -> Result<Vec<TaskGroupFailure>, TaskGroupError> {
        let TaskGroupError { errors, failures } = self;
        Arc::try_unwrap(failures).map_err(|failures| TaskGroupError { errors, failures })
    }

    /// The panics among the failures, in the order they happened (each a
    /// [`TaskError::Panicked`]); the `Err`s of fallible children are in
    /// [`failures`](Self::failures).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let err = asyncio::task_group(|_tg| async { panic!("body") }).await.unwrap_err();
    ///     assert!(err.errors()[0].is_panicked());
    /// });
    /// ```
    pub fn errors(&self) -> &[TaskError] {
        &self.errors
    }

    /// The panics, owned (see [`errors`](Self::errors)).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let err = asyncio::task_group(|_tg| async { panic!("body") }).await.unwrap_err();
    ///     assert_eq!(err.into_errors().len(), 1);
    /// });
    /// ```
    pub fn into_errors(self) -> Vec<TaskError> {
        self.errors
    }

    fn has_user_errors(&self) -> bool {
        self.failures
            .iter()
            .any(|failure| matches!(failure, TaskGroupFailure::Err(_)))
    }
}

impl PartialEq for TaskGroupError {
    fn eq(&self, other: &Self) -> bool {
        self.errors == other.errors
            && self.failures.len() == other.failures.len()
            && (Arc::ptr_eq(&self.failures, &other.failures)
                || (!self.has_user_errors() && !other.has_user_errors()))
    }
}

impl Eq for TaskGroupError {}

impl fmt::Display for TaskGroupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.failures.len();
        write!(
            f,
            "unhandled errors in a TaskGroup ({n} sub-exception{})",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for TaskGroupError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self.failures.first()? {
            // The first failure is a panic: the first of `errors`.
            TaskGroupFailure::Panicked(_) => self.errors.first().map(|e| e as _),
            TaskGroupFailure::Err(e) => Some(&**e as _),
        }
    }
}

/// [`TaskGroup::try_spawn`](crate::TaskGroup::try_spawn) on a group that has ended or is shutting down after a failure.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let tg = asyncio::task_group(|tg| async move { tg }).await.unwrap();
///     let err = tg.try_spawn(async {}).unwrap_err();
///     assert_eq!(err.to_string(), "the task group has finished");
/// });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskGroupClosed {
    /// The scope has returned.
    Finished,
    /// A child failed; the group is cancelling its children.
    ShuttingDown,
}

impl fmt::Display for TaskGroupClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TaskGroupClosed::Finished => "the task group has finished",
            TaskGroupClosed::ShuttingDown => "the task group is shutting down after a failure",
        })
    }
}

impl std::error::Error for TaskGroupClosed {}
