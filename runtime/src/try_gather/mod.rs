//! `try_gather`: gather children that fail with a value (`Err`), and stop them all at the
//! first failure.
//!
//! Where `gather` treats only a panic or a cancellation as a failure and lets
//! the other children run on (Python's `gather`), `try_gather` takes children that return
//! `Result<T, E>`: the first `Err`, panic or cancellation, in completion order, cancels every
//! other child, waits until they have all stopped (their destructors and cleanup have run), and
//! only then returns that failure. No child outlives the call: this is a task group's rule,
//! applied to `gather`'s shape.
//!
//! The children are watched by one completion listener that records the order in which they
//! end, so "first" means first to end, also on the thread pool, and each child's outcome is

mod gathering;
mod tuple;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use self::gathering::{abandon, TryChildren, TryGathering};
use self::tuple::collect_one;
pub use self::tuple::TryGatherTuple;
use crate::error::TaskError;
use crate::handle::any::AnyTask;
use crate::handle::task::Task;
use crate::spawn::IntoTask;
use crate::task::erased::ErasedCore;

/// Waits for a tuple of tasks that return `Result<_, E>` and gives their `Ok` values in
/// argument order; what `try_gather!(a, b, ...)` calls after turning each argument into a task.
///
/// - `Ok((a, b, ...))` once every child has returned `Ok`;
/// - at the first failure, in completion order (a child's `Err`, or its panic or cancellation
///   converted with `E::from(TaskError)`), every other child is cancelled, and `Err` is
///   returned once they have all stopped: no child outlives the call;
/// - dropping the future before it is done cancels every child still running, as `gather` does.
///
/// An existing task given as a child is cancelled like the others when one fails.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use std::time::Duration;
/// type Error = Box<dyn std::error::Error + Send + Sync>;
/// asyncio::run(async {
///     let slow = asyncio::spawn(async {
///         asyncio::sleep(Duration::from_secs(3600)).await;
///         Ok::<_, Error>("slow")
///     });
///     let refused = asyncio::spawn(async { Err::<u8, Error>("refused".into()) });
///     let watched = asyncio::AnyTask::from(&slow);
///     let err = asyncio::try_gather((refused, slow)).await.unwrap_err();
///     assert_eq!(err.to_string(), "refused");
///     assert!(watched.cancelled()); // stopped before try_gather returned
/// });
/// ```
pub fn try_gather<E, G>(children: G) -> TryGather<G, E>
where
    G: TryGatherTuple<E>,
    E: From<TaskError>,
{
    let erased = children.erase();
    TryGather {
        children: TupleChildren {
            values: G::no_values(),
            tasks: children,
            erased,
        },
        gathering: TryGathering::new(E::from),
    }
}

struct TupleChildren<G: TryGatherTuple<E>, E> {
    tasks: G,
    values: G::Values,
    erased: Vec<AnyTask>,
}

impl<G: TryGatherTuple<E>, E> TryChildren<E> for TupleChildren<G, E> {
    fn count(&self) -> usize {
        self.erased.len()
    }
    fn core(&self, index: usize) -> &dyn ErasedCore {
        &**self.erased[index].core()
    }
    fn any(&self, index: usize) -> AnyTask {
        self.erased[index].clone()
    }
    fn collect(&mut self, index: usize) -> Result<(), Result<E, TaskError>> {
        self.tasks.collect(&mut self.values, index)
    }
}

/// The future returned by [`try_gather`]: `Result<(A, B, ...), E>`.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::TaskError;
/// asyncio::run(async {
///     let one = asyncio::spawn(async { Ok::<u8, TaskError>(1) });
///     let g: asyncio::TryGather<(asyncio::Task<Result<u8, TaskError>>,), TaskError> =
///         asyncio::try_gather((one,));
///     assert_eq!(g.await, Ok((1,)));
/// });
/// ```
#[must_use = "try_gather's children run anyway; await it to get their results"]
pub struct TryGather<G: TryGatherTuple<E>, E> {
    children: TupleChildren<G, E>,
    gathering: TryGathering<E>,
}

// Nothing in it is ever pinned: the values and the error are plain data moved out at the end.
impl<G: TryGatherTuple<E>, E> Unpin for TryGather<G, E> {}

impl<G: TryGatherTuple<E>, E> Future for TryGather<G, E> {
    type Output = Result<G::Output, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        std::task::ready!(this.gathering.poll(cx, &mut this.children))?;
        let values = std::mem::replace(&mut this.children.values, G::no_values());
        // Every child has given its value when none failed.
        Poll::Ready(
            G::output(values).ok_or_else(|| (this.gathering.convert)(TaskError::InvalidState)),
        )
    }
}

impl<G: TryGatherTuple<E>, E> Drop for TryGather<G, E> {
    fn drop(&mut self) {
        let TryGather {
            children,
            gathering,
        } = self;
        abandon(gathering, children);
    }
}

/// The dynamic form of [`try_gather`]: every item (a future, spawned now, or an existing
/// [`Task`]) returns `Result<T, E>`; `.await` gives the `Ok` values in input order, or the
/// first failure once every other child has been cancelled and has stopped. An empty input
/// gives `Ok(vec![])` at once.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let parsed = asyncio::try_gather_all(["1", "2", "3"].map(|s| async move {
///         s.parse::<u32>().map_err(|e| Box::<dyn std::error::Error + Send + Sync>::from(e))
///     }));
///     assert_eq!(parsed.await.unwrap(), [1, 2, 3]);
/// });
/// ```
pub fn try_gather_all<I, T, E>(tasks: I) -> TryGatherAll<T, E>
where
    I: IntoIterator,
    I::Item: IntoTask<Output = Result<T, E>>,
    T: Send + 'static,
    E: From<TaskError> + Send + 'static,
{
    let tasks: Vec<Task<Result<T, E>>> = tasks.into_iter().map(IntoTask::into_task).collect();
    TryGatherAll {
        children: VecChildren {
            values: std::iter::repeat_with(|| None).take(tasks.len()).collect(),
            tasks,
        },
        gathering: TryGathering::new(E::from),
    }
}

struct VecChildren<T: Send + 'static, E: Send + 'static> {
    tasks: Vec<Task<Result<T, E>>>,
    values: Vec<Option<T>>,
}

impl<T: Send + 'static, E: Send + 'static> TryChildren<E> for VecChildren<T, E> {
    fn count(&self) -> usize {
        self.tasks.len()
    }
    fn core(&self, index: usize) -> &dyn ErasedCore {
        self.tasks[index].erased()
    }
    fn any(&self, index: usize) -> AnyTask {
        self.tasks[index].to_any()
    }
    fn collect(&mut self, index: usize) -> Result<(), Result<E, TaskError>> {
        collect_one(&self.tasks[index], &mut self.values[index])
    }
}

/// The future returned by [`try_gather_all`]: `Result<Vec<T>, E>`.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::TaskError;
/// asyncio::run(async {
///     let all: asyncio::TryGatherAll<u32, TaskError> =
///         asyncio::try_gather_all((1..=2).map(|i| async move { Ok(i) }));
///     assert_eq!(all.await, Ok(vec![1, 2]));
/// });
/// ```
#[must_use = "try_gather's children run anyway; await it to get their results"]
pub struct TryGatherAll<T: Send + 'static, E: Send + 'static> {
    children: VecChildren<T, E>,
    gathering: TryGathering<E>,
}

impl<T: Send + 'static, E: Send + 'static> Unpin for TryGatherAll<T, E> {}

impl<T: Send + 'static, E: Send + 'static> Future for TryGatherAll<T, E> {
    type Output = Result<Vec<T>, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        std::task::ready!(this.gathering.poll(cx, &mut this.children))?;
        let values = std::mem::take(&mut this.children.values);
        this.children.tasks.clear();
        Poll::Ready(
            values
                .into_iter()
                .collect::<Option<Vec<T>>>()
                .ok_or_else(|| (this.gathering.convert)(TaskError::InvalidState)),
        )
    }
}

impl<T: Send + 'static, E: Send + 'static> Drop for TryGatherAll<T, E> {
    fn drop(&mut self) {
        let TryGatherAll {
            children,
            gathering,
            ..
        } = self;
        abandon(gathering, children);
    }
}
