//! Creating tasks: Python's `asyncio.create_task`.

use std::future::Future;

use crate::handle::any::AnyTask;
use crate::handle::task::Task;
use crate::id::TaskId;
use crate::runtime::cell::TaskCell;
use crate::task::header::TaskName;

/// Schedules `future` as a new task of the running runtime and returns its handle at once
/// (Python's `asyncio.create_task`); what `spawn!(future)` calls.
///
/// On the default flavor the task starts only when the spawner reaches an `.await` that
/// suspends, and tasks start in the order they were spawned. Dropping the returned handle
/// detaches the task: it runs on, and shutdown still cancels and awaits it.
///
/// # Panics
/// When no runtime is running on this thread: start one with `#[asyncio::async_main]` or
/// `asyncio::run`.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let task = asyncio::spawn(async { "hello" });
///     assert!(!task.done()); // not started: main has not suspended yet
///     assert_eq!(task.await, Ok("hello"));
/// });
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> Task<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    spawn_inner(future, None)
}

/// [`spawn`] with a name (Python's `create_task(coro, name=...)`); what
/// `spawn!(future, name = "...")` calls.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let task = asyncio::spawn_named(async {}, "worker");
///     assert_eq!(task.name(), "worker");
/// });
/// ```
#[track_caller]
pub fn spawn_named<F>(future: F, name: impl Into<String>) -> Task<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    spawn_inner(future, Some(Box::new(name.into())))
}

// `#[track_caller]` from the public functions down to the panic: a `spawn!` outside a runtime
// reports the user's line, not this file's.
#[track_caller]
fn spawn_inner<F>(future: F, name: Option<TaskName>) -> Task<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let spawned = crate::runtime::with_runtime(|rt| {
        let id = TaskId::next();
        let (_, cell) = rt
            .registry
            .insert_with(id, |key| TaskCell::new(id, name, rt.clone(), key, future));
        // The handle is counted before the task can run: a task that completes with no handle
        // drops its value at once (nobody could read it).
        let task = Task::from_cell(cell.clone());
        rt.scheduler.push(cell);
        task
    });
    // A `match`, not `unwrap_or_else(|| panic!(..))`: a closure would not carry the caller's
    // location.
    match spawned {
        Some(task) => task,
        None => panic!(
            "asyncio::spawn (spawn!) needs a running asyncio runtime on this thread: start one \
             with #[asyncio::async_main] on main, #[asyncio::async_test] on a test, or \
             asyncio::run(...)"
        ),
    }
}

/// Something that can become a task: a future (spawned) or an existing [`Task`] (used as is,
/// not spawned again). `gather!` and [`gather_all`](crate::gather_all) accept both.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::IntoTask;
/// asyncio::run(async {
///     let spawned = async { 1 }.into_task();
///     let same = spawned.clone().into_task();
///     assert_eq!(spawned.id(), same.id());
/// });
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is neither a future nor an `asyncio::Task`",
    label = "expected a future (e.g. `work()` or `async {{ ... }}`) or a `Task`",
    note = "if this is an `async fn`, call it: `work()`, not `work`"
)]
pub trait IntoTask {
    /// The task's output.
    type Output;
    /// Spawns the future, or returns the task itself.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use asyncio::IntoTask;
    /// asyncio::run(async {
    ///     let task = async { 3 }.into_task();
    ///     assert_eq!(task.await, Ok(3));
    /// });
    /// ```
    #[track_caller]
    fn into_task(self) -> Task<Self::Output>;
}

impl<T> IntoTask for Task<T> {
    type Output = T;
    fn into_task(self) -> Task<T> {
        self
    }
}

impl<F> IntoTask for F
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    type Output = F::Output;
    #[track_caller]
    fn into_task(self) -> Task<F::Output> {
        spawn(self)
    }
}

/// The task that is running on this thread right now (Python's `current_task()`), or `None`
/// outside any task (ALL-02).
///
/// ```
/// # use asyncio_runtime as asyncio;
/// assert!(asyncio::current_task().is_none());
/// asyncio::run(async {
///     let me = asyncio::current_task().unwrap();
///     let child = asyncio::spawn(async { asyncio::current_task().unwrap().id() });
///     assert_ne!(child.await.unwrap(), me.id());
/// });
/// ```
pub fn current_task() -> Option<AnyTask> {
    AnyTask::current()
}

/// Every task of the running runtime that is not done yet, the current one included (Python's
/// `all_tasks()`, ALL-01). A snapshot: tasks leave it as soon as they end. Empty outside a
/// runtime.
///
/// A set has no order (Python's is a set too); [`AnyTask`] is [`Ord`] by spawn order, so
/// sorting the tasks lists them in the order they were spawned.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let task = asyncio::spawn(asyncio::sleep(std::time::Duration::from_secs(10)));
///     let all = asyncio::all_tasks();
///     assert!(all.contains(&asyncio::current_task().unwrap()));
///     assert!(all.contains(&asyncio::AnyTask::from(&task)));
///
///     let mut in_spawn_order: Vec<_> = all.into_iter().collect();
///     in_spawn_order.sort();
///     assert_eq!(in_spawn_order, [asyncio::current_task().unwrap(), task.any()]);
///     task.cancel();
/// });
/// ```
pub fn all_tasks() -> std::collections::HashSet<AnyTask> {
    crate::runtime::with_runtime(|rt| rt.registry.live_set()).unwrap_or_default()
}
