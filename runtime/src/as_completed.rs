//! `as_completed`: the tasks of a set, one at a time, in the order they end (Python 3.13's
//! `async for task in asyncio.as_completed(tasks)`).
//!
//! Built on the completion listeners of [`core`](crate::task::core) like `gather` and `wait`: one
//! listener is registered on every task, so watching N tasks costs no waker per task; a task
//! that ends pushes its index on a lock-free queue, in the order the tasks end, and wakes the
//! one waiter. `next()` takes an index off that queue only when it returns, so a `next()`
//! dropped while it waits (its task cancelled) loses nothing.

use std::fmt;
use std::future::poll_fn;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use atomic_waker::AtomicWaker;
use concurrent_queue::ConcurrentQueue;

use crate::handle::any::AnyTask;
use crate::handle::task::Task;
use crate::id::TaskId;
use crate::task::state::Ended;
use crate::task::waiters::{CompletionListener, Listen};

/// Yields each of `tasks` as soon as it is done, in the order they end (Python's
/// `asyncio.as_completed`, in the async-iterator form of Python 3.13: the original tasks, so
/// the caller knows which one finished).
///
/// Iterate with [`AsCompleted::next`] (`while let Some(task) = done.next().await`) or as a
/// [`Stream`](futures_core::Stream). Each yielded task is done: its outcome is read with
/// `task.await` (at once) or [`Task::result`]. Tasks that panicked or were cancelled are
/// yielded too, when they end, like any other.
///
/// - Tasks that are already done when `as_completed` is called come first, in input order.
/// - The order is the order in which the tasks ended, as seen by the runtime; on the default
///   flavor it is deterministic.
/// - Each task is yielded once: duplicates (the same task twice, by [`Task::id`]) collapse to
///   the first occurrence, as Python's `as_completed` takes a set. The later handles are
///   dropped (a dropped handle only detaches).
/// - An empty input gives `None` at once.
/// - Tasks of different output types go in together as [`AnyTask`]s ([`Task::any`]): the
///   [`AnyTask`]s come out, equal (`==`) to the [`Task`] they stand for, whose value the typed
///   handle still gives. See [`CompletedHandle`].
/// - Dropping the [`AsCompleted`] (or stopping early) cancels nothing: the tasks not yet
///   yielded run on, detached unless other handles exist. There is no `timeout` argument: wrap
///   `next()` in [`wait_for`](crate::wait_for) or [`timeout`](crate::timeout) instead.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use std::time::Duration;
/// asyncio::run(async {
///     let tasks = [30, 10, 20].map(|ms| {
///         asyncio::spawn(async move {
///             asyncio::sleep(Duration::from_millis(ms)).await;
///             ms
///         })
///     });
///     let mut done = asyncio::as_completed(tasks);
///     let mut order = Vec::new();
///     while let Some(task) = done.next().await {
///         order.push(task.await.unwrap());
///     }
///     assert_eq!(order, [10, 20, 30]);
/// });
/// ```
pub fn as_completed<T, I>(tasks: I) -> AsCompleted<T, I::Item>
where
    T: Send + 'static,
    I: IntoIterator,
    I::Item: CompletedHandle<Output = T>,
{
    let mut tasks: Vec<I::Item> = tasks.into_iter().collect();
    dedup_by_id(&mut tasks);
    let completions = Arc::new(Completions {
        ended: ConcurrentQueue::unbounded(),
        waker: AtomicWaker::new(),
    });
    let listener: Arc<dyn CompletionListener> = completions.clone();
    let keys = tasks
        .iter()
        .enumerate()
        .map(
            |(index, task)| match task.erase().core().listen(listener.clone(), index) {
                Listen::Registered(key) => Some(key),
                Listen::AlreadyEnded(ended) => {
                    completions.completed(index, ended);
                    None
                }
            },
        )
        .collect();
    let remaining = tasks.len();
    AsCompleted {
        tasks: tasks.into_iter().map(Some).collect(),
        keys,
        completions,
        remaining,
        output: PhantomData,
    }
}

/// A task handle [`as_completed`] takes and yields back: a [`Task<T>`], or an [`AnyTask`] for
/// tasks of different output types (make one with [`Task::any`]). `Output` is what awaiting the
/// handle gives on success: `T`, and `()` for an `AnyTask`. Implemented for these two only.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let count = asyncio::spawn(async { 2u8 });
///     let name = asyncio::spawn(async { String::from("two") });
///     // Two output types: erase them to go into one array.
///     let mut done: asyncio::AsCompleted<(), asyncio::AnyTask> =
///         asyncio::as_completed([count.any(), name.any()]);
///     while let Some(task) = done.next().await {
///         if task == count {
///             assert_eq!(count.result(), Ok(2));
///         } else {
///             assert_eq!(name.result().unwrap(), "two");
///         }
///     }
/// });
/// ```
pub trait CompletedHandle: sealed::Sealed + Send + 'static {
    /// What awaiting the handle gives on success.
    type Output;
}

impl<T: Send + 'static> CompletedHandle for Task<T> {
    type Output = T;
}

impl CompletedHandle for AnyTask {
    type Output = ();
}

mod sealed {
    use crate::handle::any::AnyTask;
    use crate::handle::task::Task;
    use crate::id::TaskId;

    /// What `as_completed` needs of a handle; keeps `CompletedHandle` to the two handle types.
    pub trait Sealed {
        fn task_id(&self) -> TaskId;
        fn erase(&self) -> AnyTask;
    }

    impl<T: Send + 'static> Sealed for Task<T> {
        fn task_id(&self) -> TaskId {
            self.id()
        }
        fn erase(&self) -> AnyTask {
            self.any()
        }
    }

    impl Sealed for AnyTask {
        fn task_id(&self) -> TaskId {
            self.id()
        }
        fn erase(&self) -> AnyTask {
            self.clone()
        }
    }
}

use sealed::Sealed as _;

/// Keeps the first handle of each task, in input order.
fn dedup_by_id<H: CompletedHandle>(tasks: &mut Vec<H>) {
    // Sorting ids, as `wait` does: linear on the usual ascending input, no hash set.
    let mut order: Vec<(TaskId, usize)> = tasks
        .iter()
        .enumerate()
        .map(|(index, task)| (task.task_id(), index))
        .collect();
    order.sort_unstable();
    if order.windows(2).all(|pair| pair[0].0 != pair[1].0) {
        return;
    }
    let mut keep = vec![true; tasks.len()];
    for pair in order.windows(2) {
        if pair[0].0 == pair[1].0 {
            // Sorted by (id, index): the later index of an equal pair is the duplicate.
            keep[pair[1].1] = false;
        }
    }
    let mut keep = keep.into_iter();
    tasks.retain(|_| keep.next().unwrap_or(true));
}

/// The shared part: the indices of the tasks that have ended, in the order they ended.
struct Completions {
    ended: ConcurrentQueue<usize>,
    waker: AtomicWaker,
}

impl CompletionListener for Completions {
    fn completed(&self, index: usize, _ended: Ended) {
        // Unbounded and never closed: the push cannot fail.
        let _ = self.ended.push(index);
        self.waker.wake();
    }
}

/// The tasks of [`as_completed`], yielded in the order they end: [`next`](Self::next), or a
/// [`Stream`](futures_core::Stream) of [`Task<T>`] (of [`AnyTask`] when `H` is `AnyTask`: see
/// [`CompletedHandle`]).
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let mut done: asyncio::AsCompleted<u8> =
///         asyncio::as_completed([asyncio::spawn(async { 1 }), asyncio::spawn(async { 2 })]);
///     assert_eq!(done.len(), 2);
///     let first = done.next().await.unwrap();
///     assert!(first.done());
///     assert_eq!(done.len(), 1);
/// });
/// ```
#[must_use = "as_completed does nothing unless iterated with next()"]
pub struct AsCompleted<T: Send + 'static, H: CompletedHandle = Task<T>> {
    /// The handles, taken out as they are yielded.
    tasks: Vec<Option<H>>,
    /// The listener's key on each task, while registered.
    keys: Vec<Option<usize>>,
    completions: Arc<Completions>,
    /// How many tasks have not been yielded yet.
    remaining: usize,
    output: PhantomData<fn() -> T>,
}

impl<T: Send + 'static, H: CompletedHandle<Output = T>> AsCompleted<T, H> {
    /// The next task to end, once it has ended; `None` when every task has been yielded.
    ///
    /// Cancellation-safe: if the task awaiting `next()` is cancelled while it waits, no task is
    /// lost, and a later `next()` yields it.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use std::time::Duration;
    /// asyncio::run(async {
    ///     let slow = asyncio::spawn(asyncio::sleep(Duration::from_millis(20)));
    ///     let fast = asyncio::spawn(async {});
    ///     let mut done = asyncio::as_completed([slow.clone(), fast.clone()]);
    ///     assert_eq!(done.next().await.unwrap().id(), fast.id());
    ///     assert_eq!(done.next().await.unwrap().id(), slow.id());
    ///     assert!(done.next().await.is_none());
    /// });
    /// ```
    pub async fn next(&mut self) -> Option<H> {
        poll_fn(|cx| self.poll_next_task(cx)).await
    }

    /// How many tasks are still to be yielded.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let task = asyncio::spawn(async {});
    ///     let done = asyncio::as_completed([task.clone(), task]); // the same task twice
    ///     assert_eq!(done.len(), 1);
    /// });
    /// ```
    pub fn len(&self) -> usize {
        self.remaining
    }

    /// Whether every task has been yielded.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let done = asyncio::as_completed(Vec::<asyncio::Task<()>>::new());
    /// assert!(done.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.remaining == 0
    }

    fn poll_next_task(&mut self, cx: &mut Context<'_>) -> Poll<Option<H>> {
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        // Register first, then look: a completion between the two still wakes us.
        self.completions.waker.register(cx.waker());
        match self.completions.ended.pop() {
            Ok(index) => {
                self.keys[index] = None;
                self.remaining -= 1;
                let task = self.tasks[index].take();
                debug_assert!(task.is_some(), "each task ends once");
                Poll::Ready(task)
            }
            Err(_) => Poll::Pending,
        }
    }
}

impl<T: Send + 'static, H: CompletedHandle<Output = T> + Unpin> futures_core::Stream
    for AsCompleted<T, H>
{
    type Item = H;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<H>> {
        self.get_mut().poll_next_task(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl<T: Send + 'static, H: CompletedHandle<Output = T> + Unpin> futures_core::FusedStream
    for AsCompleted<T, H>
{
    fn is_terminated(&self) -> bool {
        self.remaining == 0
    }
}

impl<T: Send + 'static, H: CompletedHandle> Drop for AsCompleted<T, H> {
    fn drop(&mut self) {
        // Only the listeners go; the tasks run on.
        for (key, task) in self.keys.iter_mut().zip(&self.tasks) {
            if let (Some(key), Some(task)) = (key.take(), task) {
                let task = task.erase();
                if !task.done() {
                    task.core().remove_waiter(key);
                }
            }
        }
    }
}

impl<T: Send + 'static, H: CompletedHandle> fmt::Debug for AsCompleted<T, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompleted")
            .field("remaining", &self.remaining)
            .finish_non_exhaustive()
    }
}
