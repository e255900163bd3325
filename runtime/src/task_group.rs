//! `task_group`: structured concurrency, Python's `asyncio.TaskGroup`.
//!
//! Why a closure scope (`task_group(|tg| async move { ... }).await`) rather than a handle with
//! `spawn` and `join` like tokio's `JoinSet`: Python's TaskGroup must be able to cancel the
//! *body* of the `async with` block when a child fails (TG-02), and must join every child even
//! when the body leaves early. A scope owns the body's future, so it can do both, and cannot be
//! forgotten: children never outlive the scope (dropping it cancels them), as in trio/anyio
//! nurseries. `JoinSet` leaves failure policy to the caller and aborts children on drop without
//! waiting for them; here a failure cancels the siblings and the body, every failure is
//! reported together, and the scope returns only when every child has stopped.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::Poll;

use atomic_waker::AtomicWaker;

use crate::cancel::own::{request_on, OwnCancel, Verdict};
use crate::contain;
use crate::context;
use crate::error::{Panicked, TaskError};
use crate::task::any::AnyTask;
use crate::task::core::{CompletionListener, Ended, Listen};
use crate::task::handle::Task;

/// Runs `body` with a [`TaskGroup`] and returns once the body and every child have ended:
/// Python's `async with asyncio.TaskGroup() as tg:`.
///
/// - Children are spawned with [`TaskGroup::spawn`]; the scope waits for all of them, also
///   those spawned by other children while it is waiting (TG-01).
/// - The first child failure (a panic, or the `Err` of a child spawned with
///   [`TaskGroup::spawn_fallible`]) cancels every other child and the body, which sees an
///   ordinary cancellation at its current await; then the scope returns
///   `Err(TaskGroupError)` with every failure, in completion order (TG-02, TG-03). A panic of
///   the body joins that list (TG-04). A cancelled child is not a failure.
/// - If the task running the scope is cancelled, the children are cancelled, waited for, and the
///   cancellation propagates (TG-06). Dropping an unfinished scope cancels its children.
///
/// # Why a scope, and how it compares
/// A closure scope rather than a handle with `spawn`/`join`: the group must be able to cancel
/// the *body* when a child fails, and to join every child even when the body leaves early; a
/// scope owns the body's future, so it can do both, and it cannot be forgotten. Like trio and
/// anyio nurseries, children never outlive the scope. Compared with tokio's `JoinSet`: a
/// `JoinSet` leaves the failure policy to the caller and, when dropped, aborts its tasks without
/// waiting for them; `task_group` cancels siblings and body on the first failure, reports every
/// failure together, and returns only once every child has stopped. Compared with Python's
/// `TaskGroup`: the same rules; the `ExceptionGroup` is a [`TaskGroupError`], and a body that
/// returns normally gives `Ok(value)`.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use std::time::Duration;
/// asyncio::run(async {
///     let (a, b) = asyncio::task_group(|tg| async move {
///         let a = tg.spawn(async { asyncio::sleep(Duration::from_millis(3)).await; "a" });
///         let b = tg.spawn(async { "b" });
///         (a, b)
///     })
///     .await
///     .unwrap();
///     // Both children are done when the scope returns.
///     assert_eq!((a.result(), b.result()), (Ok("a"), Ok("b")));
/// });
/// ```
pub async fn task_group<F, Fut>(body: F) -> Result<Fut::Output, TaskGroupError>
where
    F: FnOnce(TaskGroup) -> Fut,
    Fut: Future,
{
    let group = TaskGroup {
        state: Arc::new(GroupState::default()),
    };
    let _close_on_drop = CloseOnDrop(group.state.clone());
    let mut body = pin!(Some(body(group.clone())));
    let mut scope = OwnCancel::default();
    let mut output = None;
    let mut entered = false;

    // Phase 1: the body, which the group cancels if a child fails.
    std::future::poll_fn(|cx| {
        if !entered {
            entered = true;
            scope.enter();
            let mut inner = group.state.lock();
            inner.owner = scope.task().cloned();
            inner.owner_requested = scope.requested_flag();
            inner.body_running = true;
        }
        group.state.waker.register(cx.waker());
        let Some(future) = body.as_mut().as_pin_mut() else {
            return Poll::Ready(());
        };
        let polled = if scope.pending_here() {
            Ok(Poll::Pending) // raised at the body's current await, without polling it
        } else {
            catch_unwind(AssertUnwindSafe(|| future.poll(cx)))
        };
        match polled {
            Ok(Poll::Ready(value)) => {
                // The body's destructor is user code: a panic there is a failure of the body.
                match contain::catch(|| body.as_mut().set(None)) {
                    Ok(()) => output = Some(value),
                    Err(panic) => {
                        if let Err(second) = contain::drop_caught(value) {
                            contain::report("", "a task group body's value", &second);
                        }
                        group.state.lock().body_running = false;
                        group.state.fail(TaskGroupFailure::Panicked(panic));
                    }
                }
                Poll::Ready(())
            }
            Err(payload) => {
                let error = TaskGroupFailure::Panicked(Panicked::from_payload(&*payload));
                contain::drop_payload(payload);
                if let Err(second) = contain::catch(|| body.as_mut().set(None)) {
                    contain::report("", "a task group body's destructor", &second);
                }
                // The body has ended: its failure cancels the children, not the task running it
                // (Python's TaskGroup cancels its parent only for a child's failure).
                group.state.lock().body_running = false;
                group.state.fail(error);
                Poll::Ready(())
            }
            Ok(Poll::Pending) => match scope.after_pending() {
                Verdict::Continue => Poll::Pending,
                Verdict::Ours => {
                    // The tasks the body was awaiting are cancelled too; children among them
                    // are joined below.
                    let _ = context::drop_forwarding(None, || body.as_mut().set(None));
                    Poll::Ready(())
                }
            },
        }
    })
    .await;
    // From here on a failure no longer cancels this task; withdraw a request that raced in.
    group.state.lock().body_running = false;
    scope.withdraw();
    scope.leave();

    // Phase 2: join every child.
    std::future::poll_fn(|cx| {
        group.state.waker.register(cx.waker());
        if group.state.lock().live == 0 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;

    let failures = {
        let mut inner = group.state.lock();
        inner.closed = true;
        std::mem::take(&mut inner.failures)
    };
    match output {
        Some(value) if failures.is_empty() => Ok(value),
        _ => Err(TaskGroupError::new(failures)),
    }
}

/// The handle given to a [`task_group`] body: spawns children into the group. Cheap to clone;
/// pass it to children so they can spawn siblings.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let total = asyncio::task_group(|tg| async move {
///         let inner = tg.clone();
///         let parent = tg.spawn(async move { inner.spawn(async { 2 }).await.unwrap() * 10 });
///         parent.await.unwrap()
///     })
///     .await;
///     assert_eq!(total, Ok(20));
/// });
/// ```
#[derive(Clone)]
pub struct TaskGroup {
    state: Arc<GroupState>,
}

/// [`TaskGroup::try_spawn`] on a group that has ended or is shutting down after a failure.
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

impl TaskGroup {
    /// Spawns `future` as a child of the group (Python's `tg.create_task`).
    ///
    /// # Panics
    /// If the group has finished or is shutting down (Python raises `RuntimeError`); use
    /// [`try_spawn`](Self::try_spawn) to get an error instead.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let r = asyncio::task_group(|tg| async move { tg.spawn(async { 1 }) }).await.unwrap();
    ///     assert_eq!(r.result(), Ok(1));
    /// });
    /// ```
    pub fn spawn<F>(&self, future: F) -> Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.try_spawn(future)
            .unwrap_or_else(|closed| panic!("TaskGroup::spawn: {closed}"))
    }

    /// Spawns `future` as a child, or says why the group does not take new children.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     asyncio::task_group(|tg| async move {
    ///         assert!(tg.try_spawn(async {}).is_ok());
    ///     })
    ///     .await
    ///     .unwrap();
    /// });
    /// ```
    pub fn try_spawn<F>(&self, future: F) -> Result<Task<F::Output>, TaskGroupClosed>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawn_child(future, None)
    }

    /// [`spawn`](Self::spawn) with a name (Python's `tg.create_task(coro, name=...)`).
    ///
    /// # Panics
    /// As [`spawn`](Self::spawn).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     asyncio::task_group(|tg| async move {
    ///         let task = tg.spawn_named(async {}, "fetch-1");
    ///         assert_eq!(task.name(), "fetch-1");
    ///     })
    ///     .await
    ///     .unwrap();
    /// });
    /// ```
    pub fn spawn_named<F>(&self, future: F, name: impl Into<String>) -> Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.try_spawn_named(future, name)
            .unwrap_or_else(|closed| panic!("TaskGroup::spawn_named: {closed}"))
    }

    /// [`try_spawn`](Self::try_spawn) with a name.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let tg = asyncio::task_group(|tg| async move { tg }).await.unwrap();
    ///     assert!(tg.try_spawn_named(async {}, "late").is_err());
    /// });
    /// ```
    pub fn try_spawn_named<F>(
        &self,
        future: F,
        name: impl Into<String>,
    ) -> Result<Task<F::Output>, TaskGroupClosed>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawn_child(future, Some(name.into()))
    }

    /// Spawns a child that fails with a value: its `Err` is a failure of the group exactly as a
    /// panic is. The other children and the body are cancelled, and the scope returns
    /// `Err(TaskGroupError)` with the error, converted into a `Box<dyn Error + Send + Sync>`,
    /// among its [`failures`](TaskGroupError::failures) (where it can be downcast), in
    /// completion order with the other failures.
    ///
    /// The task gives the child's `Ok` value. A child that returns `Err` hands its error to the
    /// group and ends cancelled, with the message `"returned an error, handed to the task
    /// group: {error}"`: a task can only end with a value, a panic or a cancellation, and the
    /// error itself is in the [`TaskGroupError`].
    ///
    /// # Panics
    /// As [`spawn`](Self::spawn), if the group has finished or is shutting down.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use std::time::Duration;
    /// asyncio::run(async {
    ///     let err = asyncio::task_group(|tg| async move {
    ///         let ok = tg.spawn_fallible(async { Ok::<_, std::io::Error>(1) });
    ///         tg.spawn_fallible(async {
    ///             asyncio::sleep(Duration::from_millis(5)).await;
    ///             Err::<(), _>(std::io::Error::other("connection refused"))
    ///         });
    ///         assert_eq!(ok.await, Ok(1));
    ///         asyncio::sleep(Duration::from_secs(3600)).await; // cancelled by the failure
    ///     })
    ///     .await
    ///     .unwrap_err();
    ///     let asyncio::TaskGroupFailure::Err(error) = &err.failures()[0] else { unreachable!() };
    ///     assert_eq!(error.downcast_ref::<std::io::Error>().unwrap().to_string(), "connection refused");
    /// });
    /// ```
    pub fn spawn_fallible<F, T, E>(&self, future: F) -> Task<T>
    where
        F: Future<Output = Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: Into<Box<dyn Error + Send + Sync>>,
    {
        let state = self.state.clone();
        let child = async move {
            let error: Box<dyn Error + Send + Sync> = match future.await {
                Ok(value) => return value,
                Err(error) => error.into(),
            };
            // Requested before the group cancels its children, so that this message wins.
            if let Some(me) = context::current_task() {
                me.cancel_with(format!(
                    "returned an error, handed to the task group: {error}"
                ));
            }
            state.fail(TaskGroupFailure::Err(error));
            // Ends here, cancelled: the error is the group's now.
            std::future::pending::<T>().await
        };
        self.spawn_child(child, None)
            .unwrap_or_else(|closed| panic!("TaskGroup::spawn_fallible: {closed}"))
    }

    fn spawn_child<F>(
        &self,
        future: F,
        name: Option<String>,
    ) -> Result<Task<F::Output>, TaskGroupClosed>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // Checked, spawned and counted under the group's lock: a failure (which snapshots the
        // children to cancel under the same lock) either sees this child or is seen here. A
        // child that ends at once is only told to the group once adopted, below.
        let (task, index) = {
            let mut inner = self.state.lock();
            self.state.check_open(&inner)?;
            let task = match name {
                None => crate::spawn(future),
                Some(name) => crate::spawn_named(future, name),
            };
            inner.children.push(task.to_any());
            inner.live += 1;
            (task, inner.children.len() - 1)
        };
        self.state.listen(index);
        Ok(task)
    }
}

/// Every failure of a [`task_group`], in completion order: Python's `ExceptionGroup`.
///
/// A failure is a panic (of a child or of the body) or the `Err` of a child spawned with
/// [`TaskGroup::spawn_fallible`]; [`failures`](Self::failures) lists them all, the user's errors
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

/// One failure of a [`task_group`], as listed by [`TaskGroupError::failures`].
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
    /// A child spawned with [`TaskGroup::spawn_fallible`] returned this error.
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
    fn new(failures: Vec<TaskGroupFailure>) -> Self {
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

#[derive(Default)]
struct GroupState {
    inner: Mutex<GroupInner>,
    /// Woken when a child ends in a way the scope cares about (failure, or the last one).
    waker: AtomicWaker,
    failed: AtomicBool,
}

#[derive(Default)]
struct GroupInner {
    children: Vec<AnyTask>,
    live: usize,
    failures: Vec<TaskGroupFailure>,
    closed: bool,
    body_running: bool,
    owner: Option<AnyTask>,
    owner_requested: Arc<AtomicBool>,
}

impl GroupState {
    fn lock(&self) -> MutexGuard<'_, GroupInner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn check_open(&self, inner: &GroupInner) -> Result<(), TaskGroupClosed> {
        if inner.closed {
            Err(TaskGroupClosed::Finished)
        } else if self.failed.load(Ordering::Acquire) {
            Err(TaskGroupClosed::ShuttingDown)
        } else {
            Ok(())
        }
    }

    /// Listens for the end of child `index` (counted in `live` already).
    fn listen(self: &Arc<Self>, index: usize) {
        let child = self.lock().children[index].clone();
        let listener: Arc<dyn CompletionListener> = self.clone();
        match child.core().listen(listener, index) {
            Listen::Registered(_) => {}
            Listen::AlreadyEnded(ended) => self.completed(index, ended),
        }
    }

    /// Records a failure; the first one cancels the other children and the body.
    fn fail(&self, failure: TaskGroupFailure) {
        let to_cancel = {
            let mut inner = self.lock();
            inner.failures.push(failure);
            if self.failed.swap(true, Ordering::AcqRel) {
                return;
            }
            // Under the lock: the body's end takes it to clear `body_running` and then withdraws
            // a request of ours, so it either sees this request or we see the body has ended.
            // (Sent after the siblings' cancels, a body that returned meanwhile withdrew
            // nothing, and the task running the scope ended cancelled.)
            if inner.body_running {
                request_on(inner.owner.as_ref(), &inner.owner_requested);
            }
            inner
                .children
                .iter()
                .filter(|c| !c.done())
                .cloned()
                .collect::<Vec<_>>()
        };
        for child in to_cancel {
            let _ = child.cancel();
        }
        self.waker.wake();
    }
}

impl CompletionListener for GroupState {
    fn completed(&self, index: usize, ended: Ended) {
        let (error, last) = {
            let mut inner = self.lock();
            inner.live -= 1;
            let panic = (ended == Ended::Panicked)
                .then(|| inner.children[index].error())
                .flatten();
            (panic, inner.live == 0)
        };
        if let Some(TaskError::Panicked(panic)) = error {
            self.fail(TaskGroupFailure::Panicked(panic));
        }
        if last {
            self.waker.wake();
        }
    }
}

/// Cancels the children of a scope that is dropped before it finished (no orphans).
struct CloseOnDrop(Arc<GroupState>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        let children = {
            let mut inner = self.0.lock();
            if inner.closed {
                return;
            }
            inner.closed = true;
            inner.children.clone()
        };
        for child in children.into_iter().filter(|c| !c.done()) {
            context::forward_cancel(child);
        }
    }
}
