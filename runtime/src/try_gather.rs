//! `try_gather`: gather children that fail with a value (`Err`), and stop them all at the
//! first failure.
//!
//! Where [`gather`](crate::gather) treats only a panic or a cancellation as a failure and lets
//! the other children run on (Python's `gather`), `try_gather` takes children that return
//! `Result<T, E>`: the first `Err`, panic or cancellation, in completion order, cancels every
//! other child, waits until they have all stopped (their destructors and cleanup have run), and
//! only then returns that failure. No child outlives the call: this is a task group's rule,
//! applied to `gather`'s shape.
//!
//! The children are watched by one completion listener that records the order in which they
//! end, so "first" means first to end, also on the thread pool, and each child's outcome is
//! read once, as it arrives: an `Ok` value is kept, the first failure decides the result.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use atomic_waker::AtomicWaker;

use crate::context;
use crate::error::TaskError;
use crate::spawn::IntoTask;
use crate::task::any::AnyTask;
use crate::task::core::{CompletionListener, Ended, ErasedCore, Listen};
use crate::task::handle::Task;
use crate::watch::stop_watching;

/// The children of a `try_gather`, seen through what the waiting needs.
trait TryChildren<E> {
    fn count(&self) -> usize;
    fn core(&self, index: usize) -> &dyn ErasedCore;
    fn any(&self, index: usize) -> AnyTask;
    /// Reads the outcome of child `index`, which has ended: keeps an `Ok` value, gives back the
    /// child's `Err` or its `TaskError`.
    fn collect(&mut self, index: usize) -> Result<(), Result<E, TaskError>>;
}

/// The order in which the children end: one listener registered on every child.
struct Arrivals {
    ended: Mutex<Vec<usize>>,
    waker: AtomicWaker,
}

impl Arrivals {
    fn take(&self) -> Vec<usize> {
        std::mem::take(&mut *self.ended.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl CompletionListener for Arrivals {
    fn completed(&self, index: usize, _ended: Ended) {
        self.ended
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(index);
        self.waker.wake();
    }
}

/// The waiting machinery shared by the tuple and the dynamic forms.
struct TryGathering<E> {
    arrivals: Option<Arc<Arrivals>>,
    keys: Vec<Option<usize>>,
    ended: usize,
    /// The first failure; once set, the other children have been asked to stop.
    failure: Option<E>,
    failed: bool,
    finished: bool,
    /// `E::from`, taken where the bound is checked, so that the futures need no bound of their
    /// own (one misuse, one error).
    convert: fn(TaskError) -> E,
}

impl<E> TryGathering<E> {
    fn new(convert: fn(TaskError) -> E) -> Self {
        TryGathering {
            arrivals: None,
            keys: Vec::new(),
            ended: 0,
            failure: None,
            failed: false,
            finished: false,
            convert,
        }
    }

    fn start(&mut self, waker: &Waker, children: &impl TryChildren<E>) -> Arc<Arrivals> {
        let arrivals = Arc::new(Arrivals {
            ended: Mutex::new(Vec::new()),
            waker: AtomicWaker::new(),
        });
        arrivals.waker.register(waker);
        let listener: Arc<dyn CompletionListener> = arrivals.clone();
        self.keys = (0..children.count())
            .map(
                |index| match children.core(index).listen(listener.clone(), index) {
                    Listen::Registered(key) => Some(key),
                    Listen::AlreadyEnded(ended) => {
                        arrivals.completed(index, ended);
                        None
                    }
                },
            )
            .collect();
        self.arrivals = Some(arrivals.clone());
        arrivals
    }

    /// `Ready(Ok)` once every child has ended with a value; `Ready(Err)` with the first failure,
    /// once every child has ended.
    fn poll(
        &mut self,
        cx: &mut Context<'_>,
        children: &mut impl TryChildren<E>,
    ) -> Poll<Result<(), E>> {
        let arrivals = match &self.arrivals {
            Some(arrivals) => arrivals.clone(),
            None => self.start(cx.waker(), children),
        };
        // Registered before reading, so that a child ending meanwhile wakes this poll's waker.
        arrivals.waker.register(cx.waker());
        for index in arrivals.take() {
            self.ended += 1;
            if self.failed {
                continue; // stopped by us, or a later failure: the first one is reported
            }
            if let Err(failure) = children.collect(index) {
                self.failed = true;
                self.failure = Some(failure.unwrap_or_else(self.convert));
                for other in 0..children.count() {
                    if !children.core(other).header().is_done() {
                        let _ = children.any(other).cancel();
                    }
                }
            }
        }
        if self.ended < children.count() {
            return Poll::Pending;
        }
        self.finished = true;
        stop_watching(
            &mut self.keys,
            (0..children.count()).map(|index| children.core(index)),
        );
        Poll::Ready(self.failure.take().map_or(Ok(()), Err))
    }
}

/// A tuple of tasks that [`try_gather`] can wait for: `(Task<Result<A, E>>, Task<Result<B, E>>,
/// ...)`, up to 16, every child with the same error type `E`.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::TaskError;
/// fn both<G: asyncio::TryGatherTuple<TaskError>>(tasks: G) -> asyncio::TryGather<G, TaskError> {
///     asyncio::try_gather(tasks)
/// }
/// asyncio::run(async {
///     let pair = (
///         asyncio::spawn(async { Ok::<_, TaskError>(1) }),
///         asyncio::spawn(async { Ok::<_, TaskError>('b') }),
///     );
///     assert_eq!(both(pair).await, Ok((1, 'b')));
/// });
/// ```
pub trait TryGatherTuple<E> {
    /// `(A, B, ...)`.
    type Output;
    /// `(Option<A>, Option<B>, ...)`: the values received so far.
    #[doc(hidden)]
    type Values;
    #[doc(hidden)]
    fn erase(&self) -> Vec<AnyTask>;
    #[doc(hidden)]
    fn no_values() -> Self::Values;
    #[doc(hidden)]
    fn collect(&self, values: &mut Self::Values, index: usize) -> Result<(), Result<E, TaskError>>;
    #[doc(hidden)]
    fn output(values: Self::Values) -> Option<Self::Output>;
}

/// The value of child `index` once it has ended, or its failure.
fn collect_one<T, E>(
    task: &Task<Result<T, E>>,
    value: &mut Option<T>,
) -> Result<(), Result<E, TaskError>>
where
    T: Send + 'static,
    E: Send + 'static,
{
    match task.take_ended_outcome() {
        Ok(Ok(ok)) => {
            *value = Some(ok);
            Ok(())
        }
        Ok(Err(error)) => Err(Ok(error)),
        Err(error) => Err(Err(error)),
    }
}

macro_rules! try_gather_tuple {
    ($($name:ident $idx:tt),*) => {
        impl<ErrorType: Send + 'static, $($name: Send + 'static),*> TryGatherTuple<ErrorType>
            for ($(Task<Result<$name, ErrorType>>,)*)
        {
            type Output = ($($name,)*);
            type Values = ($(Option<$name>,)*);
            fn erase(&self) -> Vec<AnyTask> {
                vec![$(self.$idx.to_any()),*]
            }
            #[allow(clippy::unused_unit)]
            fn no_values() -> Self::Values {
                ($(None::<$name>,)*)
            }
            #[allow(unused_variables, clippy::match_single_binding)]
            fn collect(
                &self,
                values: &mut Self::Values,
                index: usize,
            ) -> Result<(), Result<ErrorType, TaskError>> {
                match index {
                    $($idx => collect_one(&self.$idx, &mut values.$idx),)*
                    _ => Ok(()),
                }
            }
            #[allow(clippy::unused_unit, unused_variables)]
            fn output(values: Self::Values) -> Option<Self::Output> {
                Some(($(values.$idx?,)*))
            }
        }
    };
}

try_gather_tuple!();
try_gather_tuple!(A 0);
try_gather_tuple!(A 0, B 1);
try_gather_tuple!(A 0, B 1, C 2);
try_gather_tuple!(A 0, B 1, C 2, D 3);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14);
try_gather_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15);

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
        self.erased[index].core()
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

/// `TryGathering::abandon` without the `From<TaskError>` bound, which `Drop` cannot have.
fn abandon<E>(gathering: &mut TryGathering<E>, children: &impl TryChildren<E>) {
    if gathering.finished {
        return;
    }
    gathering.finished = true;
    stop_watching(
        &mut gathering.keys,
        (0..children.count()).map(|index| children.core(index)),
    );
    for index in 0..children.count() {
        if !children.core(index).header().is_done() {
            context::forward_cancel(children.any(index));
        }
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
