//! Panics that nobody retrieved (Python's "Task exception was never retrieved"), and what `run`
//! does about them ([`UnhandledPanic`]).
//!
//! A task's panic is *retrieved* when some handle reads its error: awaiting the task, `result()`,
//! `error()`, a `gather`, a task group. While the runtime watches (`UnhandledPanic::Fail`), it
//! keeps the tasks that ended by a panic, and when `run` returns it fails if one of them was
//! never read: a detached task whose assertion failed does not let a test pass.

use std::sync::{Arc, PoisonError};

use crate::error::TaskError;
use crate::sync::Mutex;
use crate::task::erased::ErasedCore;

/// What [`RunConfig::run`](crate::RunConfig::run) does about a task that panicked when no one
/// retrieved its error (awaited it, asked `result()` or `error()`, gathered it, ran it in a task
/// group) by the time `run` returns.
///
/// - `Ignore` (the default of [`run`](crate::run) and `#[async_main]`): nothing more than the
///   panic message the panic hook printed; as in Python, where the loop only logs "Task exception
///   was never retrieved".
/// - `Fail` (the default of `#[async_test]`): `run` panics once shutdown is over, naming each
///   such task and its panic, so that a failed assertion inside a task nobody awaits fails the
///   test. tokio's `unhandled_panic = "shutdown_runtime"` is its closest relative; it stops the
///   runtime at the first panic of any task, awaited or not, where this waits for the end and
///   counts only the panics nobody looked at.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::{RunConfig, UnhandledPanic};
/// let outcome = std::panic::catch_unwind(|| {
///     RunConfig::new().unhandled_panic(UnhandledPanic::Fail).run(async {
///         drop(asyncio::spawn(async { panic!("lost") })); // detached: nobody reads it
///         asyncio::sleep(std::time::Duration::from_millis(10)).await;
///     })
/// });
/// assert!(outcome.is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum UnhandledPanic {
    /// Leave it to the panic hook's message.
    #[default]
    Ignore,
    /// `run` panics when it returns, naming every task whose panic nobody retrieved.
    Fail,
}

/// The tasks of one runtime that ended by a panic, kept while the runtime watches for panics
/// nobody retrieved (`UnhandledPanic::Fail`; nothing is kept otherwise).
pub(crate) struct PanickedTasks {
    watching: bool,
    tasks: Mutex<Vec<Arc<dyn ErasedCore>>>,
}

impl PanickedTasks {
    pub(crate) fn new(policy: UnhandledPanic) -> Self {
        PanickedTasks {
            watching: policy == UnhandledPanic::Fail,
            tasks: Mutex::new(Vec::new()),
        }
    }

    /// `task` ended by a panic.
    pub(crate) fn record(&self, task: Arc<dyn ErasedCore>) {
        if self.watching {
            self.lock().push(task);
        }
    }

    /// Fails `run` if a recorded panic was never retrieved: panics with one line per task.
    pub(crate) fn check(&self) {
        let lost: Vec<String> = self
            .lock()
            .iter()
            .filter(|task| task.header().state().panic_unread())
            .map(|task| match task.peek_error() {
                Some(TaskError::Panicked(p)) => {
                    format!("{} panicked: {}", task.header().name(), p.message())
                }
                _ => format!("{} panicked", task.header().name()),
            })
            .collect();
        if !lost.is_empty() {
            panic!(
                "asyncio::run: {} task(s) panicked and nobody retrieved the error \
                 (RunConfig::unhandled_panic is Fail, the default of #[async_test]; await the \
                 task, or set unhandled_panic = \"ignore\"):\n  {}",
                lost.len(),
                lost.join("\n  ")
            );
        }
    }

    fn lock(&self) -> crate::sync::MutexGuard<'_, Vec<Arc<dyn ErasedCore>>> {
        self.tasks.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
