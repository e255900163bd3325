//! `AnyTask`: a task handle with its output type erased.

use std::fmt;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use crate::cancel::{self, forward, Request};
use crate::context;
use crate::error::TaskError;
use crate::id::TaskId;
use crate::task::erased::ErasedCore;
use crate::task::header::Header;

/// A handle to a task of any output type, as returned by [`all_tasks`](crate::all_tasks) and
/// [`current_task`](crate::current_task).
///
/// Equal (and hashed) by task identity. Awaiting it waits for the task to end and gives `Ok(())`
/// or the task's error; like awaiting a [`Task`](crate::Task), dropping that await before the end cancels the
/// task (use [`wait`](crate::wait) to watch without that).
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let task = asyncio::spawn(async { 42 });
///     let any = asyncio::AnyTask::from(task.clone());
///     assert_eq!(any.id(), task.id());
///     assert_eq!(any.clone().await, Ok(()));
///     assert!(any.done() && !any.cancelled());
/// });
/// ```
pub struct AnyTask {
    core: Arc<dyn ErasedCore>,
    // Set while this handle is being awaited: where its waker sits in the task's waiter list.
    waiter: Option<usize>,
}

impl AnyTask {
    pub(crate) fn from_core(core: Arc<dyn ErasedCore>) -> Self {
        AnyTask { core, waiter: None }
    }

    pub(crate) fn core(&self) -> &Arc<dyn ErasedCore> {
        &self.core
    }

    /// The task being polled on this thread, if any.
    pub(crate) fn current() -> Option<AnyTask> {
        context::current().map(AnyTask::from_core)
    }

    /// Requests cancellation; `false` iff the task is already done. See [`Task::cancel`](crate::Task::cancel).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let any = asyncio::AnyTask::from(asyncio::spawn(asyncio::sleep(std::time::Duration::from_secs(10))));
    ///     assert!(any.cancel());
    ///     assert!(any.clone().await.unwrap_err().is_cancelled());
    ///     assert!(!any.cancel());
    /// });
    /// ```
    pub fn cancel(&self) -> bool {
        cancel::request(&self.core, Request::default())
    }

    /// Requests cancellation with a message. See [`Task::cancel_with`](crate::Task::cancel_with).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let any = asyncio::AnyTask::from(asyncio::spawn(asyncio::sleep(std::time::Duration::from_secs(10))));
    ///     any.cancel_with("stop");
    ///     let asyncio::TaskError::Cancelled(c) = any.await.unwrap_err() else { unreachable!() };
    ///     assert_eq!(c.message(), Some("stop"));
    /// });
    /// ```
    pub fn cancel_with(&self, message: impl Into<String>) -> bool {
        cancel::request(&self.core, Request::new(Some(Arc::from(message.into()))))
    }

    /// `true` once the task has ended cancelled.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let any = asyncio::AnyTask::from(asyncio::spawn(async {}));
    ///     any.cancel();
    ///     assert!(!any.cancelled()); // a request, delivered when the task next runs
    ///     let _ = any.clone().await;
    ///     assert!(any.cancelled());
    /// });
    /// ```
    pub fn cancelled(&self) -> bool {
        self.core.header().is_cancelled()
    }

    /// `true` once the task has ended, whichever way.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let any = asyncio::AnyTask::from(asyncio::spawn(async {}));
    ///     assert!(!any.done());
    ///     let _ = any.clone().await;
    ///     assert!(any.done());
    /// });
    /// ```
    pub fn done(&self) -> bool {
        self.core.header().is_done()
    }

    /// The task's name (`Task-N` unless it was given one).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let any = asyncio::AnyTask::from(asyncio::spawn_named(async {}, "worker"));
    ///     assert_eq!(any.name(), "worker");
    /// });
    /// ```
    pub fn name(&self) -> String {
        self.core.header().name()
    }

    /// The task's id.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let me = asyncio::current_task().unwrap();
    ///     assert_eq!(me.name(), format!("Task-{}", me.id()));
    /// });
    /// ```
    pub fn id(&self) -> TaskId {
        self.core.header().id()
    }

    /// The task's error once it has ended with one (`None` while running or after a value):
    /// Python's `exception()`, with cancellation reported as an error too.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let any = asyncio::AnyTask::from(asyncio::spawn(async { panic!("boom") }));
    ///     let _ = any.clone().await;
    ///     assert!(any.error().unwrap().is_panicked());
    /// });
    /// ```
    pub fn error(&self) -> Option<TaskError> {
        self.core.error()
    }

    /// Python's `cancelling()`: how many cancellation requests the task has received (minus
    /// [`uncancel`](Self::uncancel) calls).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let any = asyncio::AnyTask::from(asyncio::spawn(asyncio::yield_now()));
    ///     any.cancel();
    ///     any.cancel();
    ///     assert_eq!(any.cancelling(), 2);
    /// });
    /// ```
    pub fn cancelling(&self) -> usize {
        self.core.header().cancelling()
    }

    /// Python's `uncancel()`: decrements [`cancelling`](Self::cancelling) (never below 0) and
    /// returns the new count. It does not withdraw a request that has not been delivered yet.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let me = asyncio::current_task().unwrap();
    ///     assert_eq!(me.uncancel(), 0);
    /// });
    /// ```
    pub fn uncancel(&self) -> usize {
        self.core.header().uncancel()
    }
}

impl Clone for AnyTask {
    fn clone(&self) -> Self {
        AnyTask {
            core: self.core.clone(),
            waiter: None,
        }
    }
}

impl PartialEq for AnyTask {
    fn eq(&self, other: &Self) -> bool {
        self.id() == other.id()
    }
}

impl Eq for AnyTask {}

impl Hash for AnyTask {
    // Inlined into `all_tasks()`'s set building, where it is the whole cost.
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id().hash(state);
    }
}

impl fmt::Debug for AnyTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_task(f, self.core.header())
    }
}

pub(crate) fn debug_task(f: &mut fmt::Formatter<'_>, header: &Header) -> fmt::Result {
    let state = if header.is_cancelled() {
        "cancelled"
    } else if header.is_done() {
        "finished"
    } else {
        "pending"
    };
    write!(
        f,
        "<Task {state} name={:?} id={}>",
        header.name(),
        header.id()
    )
}

impl Future for AnyTask {
    type Output = Result<(), TaskError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if this.waiter.is_none() && context::current_task_id() == Some(this.id()) {
            return Poll::Ready(Err(TaskError::InvalidState));
        }
        this.core.poll_done(cx, &mut this.waiter)
    }
}

impl Drop for AnyTask {
    fn drop(&mut self) {
        if let Some(key) = self.waiter.take() {
            self.core.remove_waiter(key);
            if !self.done() {
                forward::forward(self.core.clone());
            }
        }
    }
}
