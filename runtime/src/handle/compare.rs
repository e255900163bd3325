//! Conveniences between the two kinds of task handle: the explicit erasure that lets tasks of
//! different output types share one collection ([`Task::any`]), comparisons across the two
//! kinds, and the spawn order that sorts them.

use std::cmp::Ordering;

use super::any::AnyTask;
use super::task::Task;

impl<T: Send + 'static> Task<T> {
    /// This task as an [`AnyTask`], the handle with the output type erased: how tasks of
    /// different output types go into one [`wait`](crate::wait) or
    /// [`as_completed`](crate::as_completed), or into one collection of your own. The same as
    /// `AnyTask::from(&task)`; the `Task` stays usable (its value is read through it).
    ///
    /// An array or `Vec` holds one type, so `wait([a.into(), b.into()])` over a `Task<u8>` and a
    /// `Task<String>` cannot tell which type `into()` should make; `wait([a.any(), b.any()])`
    /// says it. Python needs no such step (its lists hold any object); in tokio the same job is
    /// done by a `JoinSet` of one output type, or by `AbortHandle`s, which cannot be awaited.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use std::time::Duration;
    /// asyncio::run(async {
    ///     let count = asyncio::spawn(async { 3u8 });
    ///     let page = asyncio::spawn(async {
    ///         asyncio::sleep(Duration::from_millis(5)).await;
    ///         String::from("<html>")
    ///     });
    ///     let (done, pending) = asyncio::wait([count.any(), page.any()]).await;
    ///     assert_eq!((done.len(), pending.len()), (2, 0));
    ///     assert_eq!(count.result(), Ok(3)); // the typed handles still give the values
    ///     assert_eq!(page.result().unwrap(), "<html>");
    ///     assert!(done.contains(&count.any()));
    /// });
    /// ```
    pub fn any(&self) -> AnyTask {
        self.to_any()
    }
}

/// Handles are ordered by spawn order: the order of their [`TaskId`](crate::TaskId)s, which
/// come from one process-wide counter as tasks are created (on `multi_thread`, tasks spawned at
/// the same moment on two threads are ordered as the counter served them). Sorting what
/// [`all_tasks`](crate::all_tasks) returns gives the tasks in the order they were spawned.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let first = asyncio::spawn_named(asyncio::yield_now(), "first");
///     let second = asyncio::spawn_named(asyncio::yield_now(), "second");
///     let mut all: Vec<asyncio::AnyTask> = asyncio::all_tasks().into_iter().collect();
///     all.sort(); // spawn order; the main task was created first
///     let names: Vec<String> = all.iter().map(|t| t.name()).collect();
///     assert_eq!(names[1..], ["first", "second"]);
///     assert_eq!(all[0], asyncio::current_task().unwrap());
///     assert!(first.any() < second.any());
/// });
/// ```
impl Ord for AnyTask {
    fn cmp(&self, other: &Self) -> Ordering {
        self.id().cmp(&other.id())
    }
}

impl PartialOrd for AnyTask {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Task handles are ordered by spawn order, as [`AnyTask`]s are.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let mut tasks = vec![asyncio::spawn(async { 2 }), asyncio::spawn(async { 1 })];
///     tasks.reverse();
///     tasks.sort();
///     assert!(tasks[0].id() < tasks[1].id());
/// });
/// ```
impl<T> Ord for Task<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.id().cmp(&other.id())
    }
}

impl<T> PartialOrd for Task<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// An [`AnyTask`] equals a [`Task`] of the same task: which task of a mixed
/// [`as_completed`](crate::as_completed) or [`wait`](crate::wait) ended can be asked with `==`.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let number = asyncio::spawn(async { 1u32 });
///     let text = asyncio::spawn(async { "one" });
///     let mut done = asyncio::as_completed([number.any(), text.any()]);
///     let first = done.next().await.unwrap();
///     assert!(first == number && first != text);
///     assert!(number == first);
/// });
/// ```
impl<T> PartialEq<Task<T>> for AnyTask {
    fn eq(&self, other: &Task<T>) -> bool {
        self.id() == other.id()
    }
}

impl<T> PartialEq<AnyTask> for Task<T> {
    fn eq(&self, other: &AnyTask) -> bool {
        self.id() == other.id()
    }
}
