//! `gather`: run several tasks at once and collect their results in argument order.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use crate::cancel::forward;
use crate::error::TaskError;
use crate::handle::any::AnyTask;
use crate::handle::task::Task;
use crate::spawn::IntoTask;
use crate::task::erased::ErasedCore;
use crate::watch::{stop_watching, Until, Watch};

/// The children of a gather, seen without their types.
trait Children {
    fn count(&self) -> usize;
    fn core(&self, index: usize) -> &dyn ErasedCore;
    fn any(&self, index: usize) -> AnyTask;
}

impl Children for [AnyTask] {
    fn count(&self) -> usize {
        self.len()
    }
    fn core(&self, index: usize) -> &dyn ErasedCore {
        &**self[index].core()
    }
    fn any(&self, index: usize) -> AnyTask {
        self[index].clone()
    }
}

impl<T: Send + 'static> Children for [Task<T>] {
    fn count(&self) -> usize {
        self.len()
    }
    fn core(&self, index: usize) -> &dyn ErasedCore {
        self[index].erased()
    }
    fn any(&self, index: usize) -> AnyTask {
        self[index].to_any()
    }
}

/// The waiting machinery shared by the tuple and the dynamic forms.
struct Gathering {
    watch: Option<Arc<Watch>>,
    keys: Vec<Option<usize>>,
    return_exceptions: bool,
    finished: bool,
}

impl Gathering {
    fn new() -> Self {
        Gathering {
            watch: None,
            keys: Vec::new(),
            return_exceptions: false,
            finished: false,
        }
    }

    /// `Ready(Ok)` when every child has ended; `Ready(Err(i))` at the first failure (child `i`)
    /// unless exceptions are returned as values.
    fn poll(
        &mut self,
        cx: &mut Context<'_>,
        children: &(impl Children + ?Sized),
    ) -> Poll<Result<(), usize>> {
        let watch = match &self.watch {
            Some(watch) => watch.clone(),
            None => {
                let until = if self.return_exceptions {
                    Until::AllEnded
                } else {
                    Until::FirstFailure
                };
                let tasks = (0..children.count()).map(|index| children.core(index));
                let (watch, keys) = Watch::start(tasks, until, cx.waker());
                self.keys = keys;
                self.watch = Some(watch.clone());
                watch
            }
        };
        watch.register(cx.waker());
        if !self.return_exceptions {
            if let Some(index) = watch.first_failure() {
                self.finish(children);
                return Poll::Ready(Err(index));
            }
        }
        if watch.ended() == children.count() {
            self.finish(children);
            return Poll::Ready(Ok(()));
        }
        Poll::Pending
    }

    /// Stops listening; the children that have not ended run on, detached (GAT-02).
    fn finish(&mut self, children: &(impl Children + ?Sized)) {
        self.finished = true;
        self.deregister(children);
    }

    fn deregister(&mut self, children: &(impl Children + ?Sized)) {
        stop_watching(
            &mut self.keys,
            (0..children.count()).map(|index| children.core(index)),
        );
    }

    /// Dropped before the end: cancel every child that is still running, with the message of
    /// the cancellation in progress (GAT-04, GAT-06).
    fn abandon(&mut self, children: &(impl Children + ?Sized)) {
        if self.finished {
            return;
        }
        self.finished = true;
        self.deregister(children);
        for index in 0..children.count() {
            if !children.core(index).header().is_done() {
                forward::forward(children.any(index).core().clone());
            }
        }
    }
}

/// A tuple of tasks that [`gather`] can wait for: `(Task<A>, Task<B>, ...)`, up to 16.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// fn both<G: asyncio::GatherTuple>(tasks: G) -> asyncio::Gather<G> {
///     asyncio::gather(tasks)
/// }
/// asyncio::run(async {
///     let pair = (asyncio::spawn(async { 1 }), asyncio::spawn(async { 'b' }));
///     assert_eq!(both(pair).await, Ok((1, 'b')));
/// });
/// ```
pub trait GatherTuple {
    /// `(A, B, ...)`.
    type Output;
    /// `(Result<A, TaskError>, Result<B, TaskError>, ...)`.
    type Settled;
    #[doc(hidden)]
    fn erase(&self) -> Vec<AnyTask>;
    #[doc(hidden)]
    fn take_values(self) -> Result<Self::Output, TaskError>;
    #[doc(hidden)]
    fn take_settled(self) -> Self::Settled;
}

macro_rules! gather_tuple {
    ($($name:ident $var:ident),*) => {
        impl<$($name: Send + 'static),*> GatherTuple for ($(Task<$name>,)*) {
            type Output = ($($name,)*);
            type Settled = ($(Result<$name, TaskError>,)*);
            fn erase(&self) -> Vec<AnyTask> {
                let ($($var,)*) = self;
                vec![$($var.to_any()),*]
            }
            fn take_values(self) -> Result<Self::Output, TaskError> {
                let ($($var,)*) = self;
                Ok(($($var.take_outcome()?,)*))
            }
            #[allow(clippy::unused_unit)]
            fn take_settled(self) -> Self::Settled {
                let ($($var,)*) = self;
                ($($var.take_outcome(),)*)
            }
        }
    };
}

gather_tuple!();
gather_tuple!(A a);
gather_tuple!(A a, B b);
gather_tuple!(A a, B b, C c);
gather_tuple!(A a, B b, C c, D d);
gather_tuple!(A a, B b, C c, D d, E e);
gather_tuple!(A a, B b, C c, D d, E e, F f);
gather_tuple!(A a, B b, C c, D d, E e, F f, G g);
gather_tuple!(A a, B b, C c, D d, E e, F f, G g, H h);
gather_tuple!(A a, B b, C c, D d, E e, F f, G g, H h, I i);
gather_tuple!(A a, B b, C c, D d, E e, F f, G g, H h, I i, J j);
gather_tuple!(A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k);
gather_tuple!(A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l);
gather_tuple!(A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l, M m);
gather_tuple!(A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l, M m, N n);
gather_tuple!(A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l, M m, N n, O o);
gather_tuple!(A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l, M m, N n, O o, P p);

/// Waits for a tuple of tasks and gives their values in argument order (Python's
/// `asyncio.gather`); what `gather!(a, b, ...)` calls after turning each argument into a task.
///
/// - `Ok((a, b, ...))` once all have ended with values (GAT-01);
/// - `Err(e)` at the first failure (panic or cancellation of a child), at once; the other
///   children keep running (GAT-02);
/// - [`Gather::return_exceptions`] gives every outcome instead (GAT-03);
/// - dropping the future before it is done cancels every child still running (GAT-04/06).
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let a = asyncio::spawn(async { 1 });
///     let b = asyncio::spawn(async { "two" });
///     assert_eq!(asyncio::gather((a, b)).await, Ok((1, "two")));
/// });
/// ```
pub fn gather<G: GatherTuple>(children: G) -> Gather<G> {
    let erased = children.erase();
    Gather {
        children: Some(children),
        erased,
        gathering: Gathering::new(),
    }
}

/// The future returned by [`gather`].
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let g: asyncio::Gather<(asyncio::Task<u8>,)> = asyncio::gather((asyncio::spawn(async { 1 }),));
///     assert_eq!(g.await, Ok((1,)));
/// });
/// ```
#[must_use = "gather's children run anyway; await it to get their results"]
pub struct Gather<G: GatherTuple> {
    children: Option<G>,
    erased: Vec<AnyTask>,
    gathering: Gathering,
}

impl<G: GatherTuple> Gather<G> {
    /// Gives each child's outcome, `Ok` or `Err`, instead of stopping at the first failure
    /// (Python's `return_exceptions=True`).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let ok = asyncio::spawn(async { 1 });
    ///     let bad = asyncio::spawn(async { panic!("bad") });
    ///     let (a, b): (Result<i32, _>, Result<(), _>) =
    ///         asyncio::gather((ok, bad)).return_exceptions().await;
    ///     assert_eq!(a, Ok(1));
    ///     assert!(b.unwrap_err().is_panicked());
    /// });
    /// ```
    pub fn return_exceptions(mut self) -> GatherSettled<G> {
        self.gathering.return_exceptions = true;
        GatherSettled { inner: self }
    }
}

impl<G: GatherTuple + Unpin> Future for Gather<G> {
    type Output = Result<G::Output, TaskError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        match std::task::ready!(this.gathering.poll(cx, &this.erased[..])) {
            Ok(()) => Poll::Ready(
                this.children
                    .take()
                    .expect("gather polled after completion")
                    .take_values(),
            ),
            Err(index) => {
                drop(this.children.take());
                Poll::Ready(Err(this.erased[index]
                    .error()
                    .unwrap_or(TaskError::InvalidState)))
            }
        }
    }
}

impl<G: GatherTuple> Drop for Gather<G> {
    fn drop(&mut self) {
        self.gathering.abandon(&self.erased[..]);
    }
}

/// The future of [`Gather::return_exceptions`].
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let settled = asyncio::gather((asyncio::spawn(async { 1 }),)).return_exceptions();
///     assert_eq!(settled.await, (Ok(1),));
/// });
/// ```
#[must_use = "gather's children run anyway; await it to get their results"]
pub struct GatherSettled<G: GatherTuple> {
    inner: Gather<G>,
}

impl<G: GatherTuple + Unpin> Future for GatherSettled<G> {
    type Output = G::Settled;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut self.inner;
        let _ = std::task::ready!(this.gathering.poll(cx, &this.erased[..]));
        Poll::Ready(
            this.children
                .take()
                .expect("gather polled after completion")
                .take_settled(),
        )
    }
}

/// The dynamic form of gather (Python's `gather(*tasks)`): every item (a future, spawned now,
/// or an existing [`Task`]) runs as a task; `.await` gives their values in input order, or the
/// first failure. Same rules as [`gather`]; [`GatherAll::return_exceptions`] gives every
/// outcome.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let squares = asyncio::gather_all((1..=4).map(|i| async move { i * i })).await;
///     assert_eq!(squares, Ok(vec![1, 4, 9, 16]));
/// });
/// ```
pub fn gather_all<I>(tasks: I) -> GatherAll<<I::Item as IntoTask>::Output>
where
    I: IntoIterator,
    I::Item: IntoTask,
    <I::Item as IntoTask>::Output: Send + 'static,
{
    GatherAll {
        tasks: tasks.into_iter().map(IntoTask::into_task).collect(),
        gathering: Gathering::new(),
    }
}

/// The future returned by [`gather_all`].
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let all: asyncio::GatherAll<u32> = asyncio::gather_all((1..=2).map(|i| async move { i }));
///     assert_eq!(all.await, Ok(vec![1, 2]));
/// });
/// ```
#[must_use = "gather's children run anyway; await it to get their results"]
pub struct GatherAll<T: Send + 'static> {
    tasks: Vec<Task<T>>,
    gathering: Gathering,
}

impl<T: Send + 'static> GatherAll<T> {
    /// Gives each child's outcome instead of stopping at the first failure.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let outcomes = asyncio::gather_all([asyncio::spawn(async { 1 }), asyncio::spawn(async { panic!() })])
    ///         .return_exceptions()
    ///         .await;
    ///     assert_eq!(outcomes[0], Ok(1));
    ///     assert!(outcomes[1].as_ref().unwrap_err().is_panicked());
    /// });
    /// ```
    pub fn return_exceptions(mut self) -> GatherAllSettled<T> {
        self.gathering.return_exceptions = true;
        GatherAllSettled { inner: self }
    }
}

impl<T: Send + 'static> Future for GatherAll<T> {
    type Output = Result<Vec<T>, TaskError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        match std::task::ready!(this.gathering.poll(cx, &this.tasks[..])) {
            Ok(()) => Poll::Ready(
                std::mem::take(&mut this.tasks)
                    .into_iter()
                    .map(Task::take_outcome)
                    .collect(),
            ),
            Err(index) => {
                let error = this.tasks[index].error().unwrap_or(TaskError::InvalidState);
                this.tasks.clear();
                Poll::Ready(Err(error))
            }
        }
    }
}

impl<T: Send + 'static> Drop for GatherAll<T> {
    fn drop(&mut self) {
        self.gathering.abandon(&self.tasks[..]);
    }
}

/// The future of [`GatherAll::return_exceptions`].
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let settled = asyncio::gather_all([async { 1 }]).return_exceptions();
///     assert_eq!(settled.await, vec![Ok(1)]);
/// });
/// ```
#[must_use = "gather's children run anyway; await it to get their results"]
pub struct GatherAllSettled<T: Send + 'static> {
    inner: GatherAll<T>,
}

impl<T: Send + 'static> Future for GatherAllSettled<T> {
    type Output = Vec<Result<T, TaskError>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut self.inner;
        let _ = std::task::ready!(this.gathering.poll(cx, &this.tasks[..]));
        Poll::Ready(
            std::mem::take(&mut this.tasks)
                .into_iter()
                .map(Task::take_outcome)
                .collect(),
        )
    }
}
