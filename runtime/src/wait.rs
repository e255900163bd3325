//! `wait`: watch a set of tasks until a condition holds, without ever cancelling them.

use std::collections::HashSet;

use crate::id::TaskId;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::backend::{self, Sleep};
use crate::handle::any::AnyTask;
use crate::handle::task::Task;
use crate::watch::{stop_watching, Until, Watch};

/// When [`wait`] returns (Python's `return_when`).
///
/// ```
/// # use asyncio_runtime as asyncio;
/// assert_eq!(asyncio::ReturnWhen::default(), asyncio::ReturnWhen::AllCompleted);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ReturnWhen {
    /// When every task has ended (the default).
    #[default]
    AllCompleted,
    /// When any task has ended.
    FirstCompleted,
    /// When any task has panicked, or else when all have ended. A cancelled task does not count
    /// as an exception, as in Python.
    FirstException,
}

/// A task handle that [`wait`] accepts: [`Task`], [`AnyTask`], or a reference to either.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let a = asyncio::spawn(async { 1 });
///     let b = asyncio::spawn(async { 2 });
///     let (done, pending) = asyncio::wait([&a, &b]).await;
///     assert_eq!((done.len(), pending.len()), (2, 0));
///     assert_eq!(a.result(), Ok(1));
/// });
/// ```
pub trait Waitable: Eq + Hash {
    /// The task as an [`AnyTask`].
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use asyncio::Waitable;
    /// asyncio::run(async {
    ///     let task = asyncio::spawn(async {});
    ///     assert_eq!(task.to_any_task().id(), task.id());
    /// });
    /// ```
    fn to_any_task(&self) -> AnyTask;
}

impl<T: Send + 'static> Waitable for Task<T> {
    fn to_any_task(&self) -> AnyTask {
        self.to_any()
    }
}

impl Waitable for AnyTask {
    fn to_any_task(&self) -> AnyTask {
        self.clone()
    }
}

impl<W: Waitable> Waitable for &W {
    fn to_any_task(&self) -> AnyTask {
        (**self).to_any_task()
    }
}

/// Waits for the tasks until `return_when` holds or the timeout passes, and returns
/// `(done, pending)` (Python's `asyncio.wait`). It never cancels anything: not on timeout, and
/// not when the task awaiting it is cancelled (ALL-08). Errors stay inside the tasks; inspect
/// them with [`Task::result`] or [`AnyTask::error`]. Duplicates collapse. An empty input returns
/// at once with two empty sets (divergence: Python raises `ValueError`, ALL-07).
///
/// The input is one collection of one handle type: `[&a, &b]` for tasks of one output type,
/// and [`AnyTask`]s for tasks of different output types, made with [`Task::any`]
/// (`[a.into(), b.into()]` does not say which type `into` should make).
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use std::time::Duration;
/// asyncio::run(async {
///     let quick = asyncio::spawn(async { 1 });
///     let slow = asyncio::spawn(async {
///         asyncio::sleep(Duration::from_secs(10)).await;
///         String::from("late")
///     });
///     // A Task<i32> and a Task<String>: erased to AnyTask to share one array.
///     let (done, pending) = asyncio::wait([quick.any(), slow.any()])
///         .timeout(Duration::from_millis(10))
///         .await;
///     assert_eq!((done.len(), pending.len()), (1, 1));
///     assert!(done.contains(&quick.any()) && pending.contains(&slow.any()));
///     assert!(!slow.cancelled()); // wait never cancels
///     slow.cancel();
/// });
/// ```
pub fn wait<I>(tasks: I) -> Wait<I::Item>
where
    I: IntoIterator,
    I::Item: Waitable,
{
    let mut items: Vec<(I::Item, AnyTask)> = tasks
        .into_iter()
        .map(|item| {
            let any = item.to_any_task();
            (item, any)
        })
        .collect();
    // Python's wait takes a set: each task once. Duplicates are found by sorting the ids rather
    // than with a hash set: tasks usually come in the order they were spawned (ids ascending), so
    // this is a linear, cache-friendly pass; a hash set of 1M ids was most of `wait`'s cost.
    let mut order: Vec<(TaskId, usize)> = items
        .iter()
        .enumerate()
        .map(|(index, (_, task))| (task.id(), index))
        .collect();
    order.sort_unstable();
    if order.windows(2).any(|pair| pair[0].0 == pair[1].0) {
        let mut keep = vec![false; items.len()];
        // The first occurrence of each id is kept, as a set built in order would.
        let mut previous = None;
        for &(id, index) in &order {
            if previous != Some(id) {
                keep[index] = true;
                previous = Some(id);
            }
        }
        let mut keep = keep.into_iter();
        items.retain(|_| keep.next().unwrap_or(false));
    }
    Wait {
        items,
        timeout: None,
        return_when: ReturnWhen::AllCompleted,
        state: None,
    }
}

/// The future returned by [`wait`]; `.await` gives `(done, pending)`.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let task = asyncio::spawn(async {});
///     let waiting: asyncio::Wait<&asyncio::Task<()>> = asyncio::wait([&task]);
///     let (done, pending) = waiting.await;
///     assert!(done.contains(&&task) && pending.is_empty());
/// });
/// ```
#[must_use = "wait does nothing unless awaited"]
pub struct Wait<W> {
    items: Vec<(W, AnyTask)>,
    timeout: Option<Duration>,
    return_when: ReturnWhen,
    state: Option<Watching>,
}

struct Watching {
    watch: Arc<Watch>,
    keys: Vec<Option<usize>>,
    timer: Option<Sleep>,
}

impl<W> Wait<W> {
    /// Returns after `timeout` at the latest, with the tasks that have not ended in `pending`
    /// (not cancelled, ALL-06).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use std::time::Duration;
    /// asyncio::run(async {
    ///     let slow = asyncio::spawn(asyncio::sleep(Duration::from_millis(50)));
    ///     let (done, pending) = asyncio::wait([&slow]).timeout(Duration::from_millis(1)).await;
    ///     assert!(done.is_empty() && pending.len() == 1);
    ///     assert_eq!(slow.await, Ok(())); // still completes
    /// });
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Chooses when to return (default [`ReturnWhen::AllCompleted`], ALL-05).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use std::time::Duration;
    /// asyncio::run(async {
    ///     let fast = asyncio::spawn(async { 1 });
    ///     let slow = asyncio::spawn(asyncio::sleep(Duration::from_secs(10)));
    ///     let (done, pending) = asyncio::wait([fast.clone().into(), asyncio::AnyTask::from(&slow)])
    ///         .return_when(asyncio::ReturnWhen::FirstCompleted)
    ///         .await;
    ///     assert_eq!((done.len(), pending.len()), (1, 1));
    ///     slow.cancel();
    /// });
    /// ```
    pub fn return_when(mut self, return_when: ReturnWhen) -> Self {
        self.return_when = return_when;
        self
    }

    fn deregister(&mut self) {
        if let Some(state) = self.state.as_mut() {
            stop_watching(
                &mut state.keys,
                self.items.iter().map(|(_, task)| &**task.core()),
            );
        }
    }
}

impl<W: Waitable + Unpin> Future for Wait<W> {
    type Output = (HashSet<W>, HashSet<W>);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if this.state.is_none() {
            let until = match this.return_when {
                ReturnWhen::AllCompleted => Until::AllEnded,
                ReturnWhen::FirstCompleted => Until::FirstEnded,
                ReturnWhen::FirstException => Until::FirstPanic,
            };
            let tasks = this.items.iter().map(|(_, task)| &**task.core());
            let (watch, keys) = Watch::start(tasks, until, cx.waker());
            let timer = this.timeout.map(backend::sleep_boxed);
            this.state = Some(Watching { watch, keys, timer });
        }
        let state = this.state.as_mut().expect("set above");
        state.watch.register(cx.waker());
        let timed_out = state
            .timer
            .as_mut()
            .is_some_and(|t| t.as_mut().poll(cx).is_ready());
        if !(state.watch.satisfied() || timed_out) {
            return Poll::Pending;
        }
        let ended = state.watch.ended();
        this.deregister();
        let total = this.items.len();
        let mut done = HashSet::with_capacity(ended.min(total));
        let mut pending = HashSet::with_capacity(total.saturating_sub(ended));
        for (item, task) in std::mem::take(&mut this.items) {
            if task.done() {
                done.insert(item);
            } else {
                pending.insert(item);
            }
        }
        Poll::Ready((done, pending))
    }
}

impl<W> Drop for Wait<W> {
    fn drop(&mut self) {
        self.deregister();
    }
}
