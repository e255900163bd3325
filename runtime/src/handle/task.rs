//! `Task<T>`: the handle to a spawned task.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::hash::{Hash, Hasher};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::any::{debug_task, AnyTask};
use crate::cancel::{self, forward, Request};
use crate::context;
use crate::error::TaskError;
use crate::id::TaskId;
use crate::task::core::Core;
use crate::task::erased::{CoreOwner, ErasedCore};

/// A handle to a task: Python's `asyncio.Task`.
///
/// - [`cancel`](Self::cancel) requests cancellation; it is delivered at the task's next
///   suspension point.
/// - `task.await` waits for the end and gives `Result<T, TaskError>`. To await a task more than
///   once, clone the handle (possible when `T: Clone`); every await gets the same outcome.
/// - Awaiting forwards cancellation: if the future awaiting the task is dropped before the task
///   ends (for instance because the awaiting task was cancelled), the task is cancelled too,
///   with the same message. [`shield`](crate::shield) awaits without forwarding.
/// - Dropping a handle that is not being awaited detaches: the task runs on.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let task = asyncio::spawn(async { 6 * 7 });
///     let again = task.clone();
///     assert_eq!(task.await, Ok(42));
///     assert_eq!(again.result(), Ok(42));
///     assert_eq!(again.await, Ok(42));
/// });
/// ```
pub struct Task<T> {
    cell: Arc<dyn CoreOwner<Output = T>>,
}

impl<T> Task<T> {
    pub(crate) fn from_cell(cell: Arc<dyn CoreOwner<Output = T>>) -> Self {
        cell.core().header().add_handle();
        Task { cell }
    }

    fn core(&self) -> &Core<T> {
        self.cell.core()
    }

    /// Requests cancellation (Python's `cancel()`): `false` iff the task is already done.
    ///
    /// The request is delivered at the task's next suspension point: its future is dropped
    /// there, so destructors run. A task cancelled before its first step never runs its body.
    /// [`cancelled`](Self::cancelled) and [`done`](Self::done) stay `false` until the task has
    /// actually stopped.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let task = asyncio::spawn(async { unreachable!("never runs") });
    ///     assert!(task.cancel());
    ///     assert!(!task.cancelled());
    ///     assert!(task.clone().await.unwrap_err().is_cancelled());
    ///     assert!(task.cancelled());
    ///     assert!(!task.cancel()); // already done
    /// });
    /// ```
    pub fn cancel(&self) -> bool {
        cancel::request(&self.cell, Request::default())
    }

    /// Requests cancellation with a message (Python's `cancel(msg)`). If several requests
    /// arrive before delivery, one cancellation is delivered, with the first message; every
    /// awaiter and every [`result`](Self::result) call sees it.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let task = asyncio::spawn(asyncio::sleep(std::time::Duration::from_secs(10)));
    ///     task.cancel_with("shutting down");
    ///     let asyncio::TaskError::Cancelled(c) = task.await.unwrap_err() else { unreachable!() };
    ///     assert_eq!(c.message(), Some("shutting down"));
    /// });
    /// ```
    pub fn cancel_with(&self, message: impl Into<String>) -> bool {
        cancel::request(&self.cell, Request::new(Some(Arc::from(message.into()))))
    }

    /// `true` once the task has ended cancelled.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let task = asyncio::spawn(asyncio::yield_now());
    ///     task.cancel();
    ///     assert!(!task.cancelled());
    ///     let _ = task.clone().await;
    ///     assert!(task.cancelled());
    /// });
    /// ```
    pub fn cancelled(&self) -> bool {
        self.core().header().is_cancelled()
    }

    /// `true` once the task has ended: with a value, cancelled or panicked.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let task = asyncio::spawn(async { 1 });
    ///     assert!(!task.done());
    ///     asyncio::yield_now().await;
    ///     assert!(task.done());
    /// });
    /// ```
    pub fn done(&self) -> bool {
        self.core().header().is_done()
    }

    /// The task's name: the one given to [`spawn_named`](crate::spawn_named), else `Task-N`.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     assert_eq!(asyncio::spawn_named(async {}, "worker").name(), "worker");
    ///     assert!(asyncio::spawn(async {}).name().starts_with("Task-"));
    /// });
    /// ```
    pub fn name(&self) -> String {
        self.core().header().name()
    }

    /// The task's process-wide id.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let task = asyncio::spawn(async {});
    ///     assert_eq!(asyncio::AnyTask::from(&task).id(), task.id());
    /// });
    /// ```
    pub fn id(&self) -> TaskId {
        self.core().header().id()
    }

    /// Python's `cancelling()`: the number of cancellation requests received.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let task = asyncio::spawn(asyncio::yield_now());
    ///     task.cancel_with("a");
    ///     task.cancel_with("b");
    ///     assert_eq!(task.cancelling(), 2);
    /// });
    /// ```
    pub fn cancelling(&self) -> usize {
        self.core().header().cancelling()
    }

    /// Python's `exception()` generalised: the task's error once it has ended with one,
    /// `None` while it runs or after it produced a value.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let task = asyncio::spawn(async { panic!("boom") });
    ///     assert_eq!(task.error(), None);
    ///     asyncio::yield_now().await;
    ///     assert!(task.error().unwrap().is_panicked());
    /// });
    /// ```
    pub fn error(&self) -> Option<TaskError>
    where
        T: Send + 'static,
    {
        self.cell.error()
    }

    /// Awaits the task without forwarding cancellation: what [`shield`](crate::shield) uses.
    pub(crate) fn into_future_shielded(self) -> TaskFuture<T>
    where
        T: Send + 'static,
    {
        TaskFuture {
            task: Some(self),
            waiter: None,
            forward_cancel: false,
        }
    }

    /// The outcome of a task that has ended (`InvalidState` otherwise), consuming the handle.
    pub(crate) fn take_outcome(self) -> Result<T, TaskError> {
        self.core().take_outcome()
    }

    /// The outcome of a task that has ended (`InvalidState` otherwise), for a handle whose
    /// owner reads it exactly once and never again (`try_gather`, which must read each child as
    /// it ends, while holding the others): the value is moved out when this is the last handle,
    /// cloned otherwise, as `take_outcome` does.
    pub(crate) fn take_ended_outcome(&self) -> Result<T, TaskError> {
        self.core().take_outcome()
    }

    pub(crate) fn erased(&self) -> &dyn ErasedCore
    where
        T: Send + 'static,
    {
        &*self.cell
    }

    pub(crate) fn to_any(&self) -> AnyTask
    where
        T: Send + 'static,
    {
        AnyTask::from_core(self.cell.clone())
    }
}

impl<T: Clone> Task<T> {
    /// Python's `result()`, without blocking: the value or error of a task that has ended, or
    /// `Err(TaskError::InvalidState)` while it runs (RES-01).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let task = asyncio::spawn(async { "done" });
    ///     assert_eq!(task.result(), Err(asyncio::TaskError::InvalidState));
    ///     asyncio::yield_now().await;
    ///     assert_eq!(task.result(), Ok("done"));
    /// });
    /// ```
    pub fn result(&self) -> Result<T, TaskError> {
        self.core().result_cloned()
    }
}

impl<T: Clone> Clone for Task<T> {
    fn clone(&self) -> Self {
        self.core().new_handle_clone();
        Task {
            cell: self.cell.clone(),
        }
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        self.core().drop_handle();
    }
}

impl<T> PartialEq for Task<T> {
    fn eq(&self, other: &Self) -> bool {
        self.id() == other.id()
    }
}

impl<T> Eq for Task<T> {}

impl<T> Hash for Task<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id().hash(state);
    }
}

impl<T> fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_task(f, self.core().header())
    }
}

impl<T: Send + 'static> IntoFuture for Task<T> {
    type Output = Result<T, TaskError>;
    type IntoFuture = TaskFuture<T>;

    fn into_future(self) -> TaskFuture<T> {
        context::note_awaited_task(|| self.cell.clone());
        TaskFuture {
            task: Some(self),
            waiter: None,
            forward_cancel: true,
        }
    }
}

/// The future of `task.await` (from [`IntoFuture`]).
///
/// Dropping it after it has been polled and before the task ended cancels the task, with the
/// message of the cancellation that is dropping it, if any (CAN-09, CAN-13).
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use std::future::IntoFuture;
/// asyncio::run(async {
///     let future: asyncio::TaskFuture<u8> = asyncio::spawn(async { 7 }).into_future();
///     assert_eq!(future.await, Ok(7));
/// });
/// ```
pub struct TaskFuture<T: Send + 'static> {
    task: Option<Task<T>>,
    waiter: Option<usize>,
    forward_cancel: bool,
}

impl<T: Send + 'static> TaskFuture<T> {
    /// The task this future awaits (`None` once it has produced the outcome).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use std::future::IntoFuture;
    /// asyncio::run(async {
    ///     let task = asyncio::spawn(async {});
    ///     let id = task.id();
    ///     let future = task.into_future();
    ///     assert_eq!(future.task().map(|t| t.id()), Some(id));
    /// });
    /// ```
    pub fn task(&self) -> Option<&Task<T>> {
        self.task.as_ref()
    }
}

impl<T: Send + 'static> Future for TaskFuture<T> {
    type Output = Result<T, TaskError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let task = this
            .task
            .as_ref()
            .expect("TaskFuture polled after completion");
        // A task that is done is not the one running; only a first poll of an unfinished task
        // pays for the thread-local lookup.
        if this.waiter.is_none() && !task.done() {
            let id = task.id();
            if context::current_task_id() == Some(id) {
                // A task awaiting itself would wait forever (Python: RuntimeError).
                this.task = None;
                return Poll::Ready(Err(TaskError::InvalidState));
            }
        }
        let outcome = std::task::ready!(task.core().poll_value(cx, &mut this.waiter));
        this.task = None;
        Poll::Ready(outcome)
    }
}

impl<T: Send + 'static> Drop for TaskFuture<T> {
    fn drop(&mut self) {
        let (Some(key), Some(task)) = (self.waiter.take(), self.task.as_ref()) else {
            return;
        };
        task.erased().remove_waiter(key);
        if self.forward_cancel && !task.done() {
            forward::forward(task.cell.clone());
        }
    }
}

impl<T: Send + 'static> fmt::Debug for TaskFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskFuture")
            .field("task", &self.task)
            .finish()
    }
}

impl<T: Send + 'static> From<Task<T>> for AnyTask {
    fn from(task: Task<T>) -> Self {
        task.to_any()
    }
}

impl<T: Send + 'static> From<&Task<T>> for AnyTask {
    fn from(task: &Task<T>) -> Self {
        task.to_any()
    }
}
