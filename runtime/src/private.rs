//! Support for the macros of the `asyncio` crate. Not part of the public API: names here may
//! change in any release.
//!
//! The macros expand to calls of the functions below (see `asyncio-macros`). Each one is a
//! thin wrapper over the public API whose bounds are phrased for good error messages: the
//! "is it a future?" question is asked through a trait of this module carrying
//! `#[diagnostic::on_unimplemented]`, and `Send + 'static` is asked separately, so that a
//! non-`Send` future gets the compiler's own "future cannot be sent between threads safely"
//! explanation instead of a misleading "not a future". The output type is a separate
//! parameter (`F: SpawnFuture<Output = T>`, returning `Task<T>`) rather than the projection
//! `Task<F::Output>`: with the projection in the signature, the compiler reports the failed
//! `Future` bound behind the trait, without the trait's message.

use std::future::Future;

use crate::Task;

pub use crate::{gather, Flavor, RunConfig};

/// What `#[async_main]` and `#[async_test]` call: runs `main` on a new runtime configured by
/// `config`, and returns its output.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::__private::{run, RunConfig};
/// assert_eq!(run(RunConfig::new(), async { 1 + 1 }), 2);
/// ```
pub fn run<F: Future>(config: RunConfig, main: F) -> F::Output {
    config.run(main)
}

/// A value `spawn!` accepts: any future. The trait exists for its error message.
#[diagnostic::on_unimplemented(
    message = "`spawn!` expects a future, but `{Self}` is not a future",
    label = "expected a future, e.g. `work()` or `async {{ ... }}`",
    note = "if this is an `async fn`, call it: `spawn!(work())`, not `spawn!(work)`"
)]
pub trait SpawnFuture: Sized {
    /// The future's output.
    type Output;
    /// Spawns the future as a task, named or not.
    #[track_caller]
    fn spawn_task(self, name: Option<String>) -> Task<Self::Output>
    where
        Self: Send + 'static,
        Self::Output: Send + 'static;
}

impl<F: Future> SpawnFuture for F {
    type Output = F::Output;
    #[track_caller]
    fn spawn_task(self, name: Option<String>) -> Task<F::Output>
    where
        Self: Send + 'static,
        Self::Output: Send + 'static,
    {
        match name {
            Some(name) => crate::spawn_named(self, name),
            None => crate::spawn(self),
        }
    }
}

/// What `spawn!(future)` calls: [`crate::spawn`].
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let task = asyncio::__private::spawn(async { 7 });
///     assert_eq!(task.await, Ok(7));
/// });
/// ```
#[track_caller]
pub fn spawn<F, T>(future: F) -> Task<T>
where
    F: SpawnFuture<Output = T> + Send + 'static,
    T: Send + 'static,
{
    future.spawn_task(None)
}

/// What `spawn!(future, name = ...)` calls: [`crate::spawn_named`].
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let task = asyncio::__private::spawn_named(async {}, format!("worker-{}", 1));
///     assert_eq!(task.name(), "worker-1");
/// });
/// ```
#[track_caller]
pub fn spawn_named<F, T, N>(future: F, name: N) -> Task<T>
where
    F: SpawnFuture<Output = T> + Send + 'static,
    T: Send + 'static,
    N: TaskName,
{
    future.spawn_task(Some(name.into_name()))
}

/// A value `spawn!(..., name = ...)` accepts as a name: any string type.
#[diagnostic::on_unimplemented(
    message = "a task name is a string, but `{Self}` is not",
    label = "expected a string, e.g. `\"worker\"` or `format!(\"worker-{{i}}\")`"
)]
pub trait TaskName {
    /// The name as a `String`.
    fn into_name(self) -> String;
}

// One impl per string type rather than a blanket `impl<T: Into<String>>`: with the blanket
// impl, the compiler reports the failed `String: From<T>` instead of this trait's message.
macro_rules! task_name {
    ($($ty:ty),*) => {
        $(impl TaskName for $ty {
            fn into_name(self) -> String {
                self.into()
            }
        })*
    };
}

task_name!(
    &str,
    &mut str,
    &String,
    String,
    Box<str>,
    std::borrow::Cow<'_, str>,
    char
);

/// A value `gather!` accepts: a future (spawned as a new task) or a [`Task`] (kept as it is,
/// not spawned again). Like [`crate::IntoTask`], without the `Send` bound in the impl, so
/// that the two mistakes get their own messages.
#[diagnostic::on_unimplemented(
    message = "`gather!` expects futures or tasks, but `{Self}` is neither",
    label = "expected a future (e.g. `work()` or `async {{ ... }}`) or an `asyncio::Task`",
    note = "if this is an `async fn`, call it: `gather!(work())`, not `gather!(work)`"
)]
pub trait GatherArg: Sized {
    /// The task's output.
    type Output;
    /// Spawns the future, or returns the task itself.
    #[track_caller]
    fn into_task(self) -> Task<Self::Output>
    where
        Self: Send + 'static,
        Self::Output: Send + 'static;
}

impl<T> GatherArg for Task<T> {
    type Output = T;
    fn into_task(self) -> Task<T>
    where
        Self: Send + 'static,
        T: Send + 'static,
    {
        self
    }
}

impl<F: Future> GatherArg for F {
    type Output = F::Output;
    #[track_caller]
    fn into_task(self) -> Task<F::Output>
    where
        Self: Send + 'static,
        F::Output: Send + 'static,
    {
        crate::spawn(self)
    }
}

/// What `gather!` calls on each argument, in order, before [`gather`]: spawns a future, keeps
/// a task.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::__private::{gather, into_task};
/// asyncio::run(async {
///     let existing = asyncio::spawn(async { 1 });
///     let both = gather((into_task(existing), into_task(async { "two" })));
///     assert_eq!(both.await, Ok((1, "two")));
/// });
/// ```
#[track_caller]
pub fn into_task<A, T>(arg: A) -> Task<T>
where
    A: GatherArg<Output = T> + Send + 'static,
    T: Send + 'static,
{
    arg.into_task()
}
