//! Support for the macros of the `asyncio` crate. Not part of the public API: names here may
//! change in any release.
//!
//! The function-like macros expand to calls of the functions below (see `asyncio-macros`);
//! the attributes call only public API (`RunConfig::new().run(main())`). Each function is a
//! thin wrapper over the public API whose bounds are phrased for good error messages (traits
//! of this module carrying `#[diagnostic::on_unimplemented]`). `spawn!` calls the public
//! `spawn` / `spawn_named` itself, so that its errors name them.

use std::future::Future;

use crate::{Task, TaskError};

pub use crate::gather;

/// What `spawn!(..., name = ...)` passes its name through (`spawn!(f, name = n)` is
/// `spawn_named(f, task_name(n))`): the name as a `String`, asking "is it a string?" with
/// [`TaskName`]'s message. (The future goes to [`crate::spawn`] / [`crate::spawn_named`]
/// as it is, so that a future that is not `Send` is reported against `asyncio::spawn`, an item
/// the user can look up, and a value that is not a future gets the compiler's own "is not a
/// future" error with its "use parentheses to call this function" help.)
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let task = asyncio::spawn_named(async {}, asyncio::__private::task_name(format!("w{}", 1)));
///     assert_eq!(task.name(), "w1");
/// });
/// ```
pub fn task_name<N: TaskName>(name: N) -> String {
    name.into_name()
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

/// A value `try_gather!` accepts: a future (spawned as a new task) or a [`Task`] (kept as it
/// is), whose output is a `Result`. The trait exists for its error message.
#[diagnostic::on_unimplemented(
    message = "`try_gather!` expects futures or tasks that return a `Result`, but `{Self}` is not one",
    label = "expected a future or an `asyncio::Task` whose output is `Result<T, E>`",
    note = "`try_gather!` stops every child at the first `Err`; for children that return other \
            values, use `gather!`",
    note = "if this is an `async fn`, call it: `try_gather!(work())`, not `try_gather!(work)`"
)]
pub trait TryGatherArg: Sized {
    /// The `Ok` type of the output.
    type Ok;
    /// The `Err` type of the output.
    type Err;
    /// Spawns the future, or returns the task itself.
    #[track_caller]
    fn into_task(self) -> Task<Result<Self::Ok, Self::Err>>
    where
        Self: Send + 'static,
        Self::Ok: Send + 'static,
        Self::Err: Send + 'static;
}

impl<T, E> TryGatherArg for Task<Result<T, E>> {
    type Ok = T;
    type Err = E;
    fn into_task(self) -> Task<Result<T, E>>
    where
        Self: Send + 'static,
        T: Send + 'static,
        E: Send + 'static,
    {
        self
    }
}

impl<F> TryGatherArg for F
where
    F: Future,
    F::Output: TryGatherOutput,
{
    type Ok = <F::Output as TryGatherOutput>::Ok;
    type Err = <F::Output as TryGatherOutput>::Err;
    #[track_caller]
    fn into_task(self) -> Task<Result<Self::Ok, Self::Err>>
    where
        Self: Send + 'static,
        Self::Ok: Send + 'static,
        Self::Err: Send + 'static,
    {
        crate::spawn(async move { self.await.into_result() })
    }
}

/// The output of a future `try_gather!` accepts: a `Result`. The trait exists for its error
/// message (a bound `F: Future<Output = Result<T, E>>` would give the compiler's type-mismatch
/// error instead).
#[diagnostic::on_unimplemented(
    message = "`try_gather!` expects children that return a `Result`, but this one returns `{Self}`",
    label = "this child's output is not a `Result<T, E>`",
    note = "`try_gather!` stops every child at the first `Err`; for children that return other \
            values, use `gather!`"
)]
pub trait TryGatherOutput {
    /// `T` of `Result<T, E>`.
    type Ok;
    /// `E` of `Result<T, E>`.
    type Err;
    /// The result itself.
    fn into_result(self) -> Result<Self::Ok, Self::Err>;
}

impl<T, E> TryGatherOutput for Result<T, E> {
    type Ok = T;
    type Err = E;
    fn into_result(self) -> Result<T, E> {
        self
    }
}

/// What `try_gather!` calls on each argument, in order, before [`try_gather`]: spawns a
/// future, keeps a task.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use asyncio::__private::{try_gather, try_into_task};
/// use asyncio::TaskError;
/// asyncio::run(async {
///     let existing = asyncio::spawn(async { Ok::<_, TaskError>(1) });
///     let both = try_gather((try_into_task(existing), try_into_task(async { Ok("two") })));
///     assert_eq!(both.await, Ok((1, "two")));
/// });
/// ```
#[track_caller]
pub fn try_into_task<A, T, E>(arg: A) -> Task<Result<T, E>>
where
    A: TryGatherArg<Ok = T, Err = E> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    arg.into_task()
}

/// An error type `try_gather!` can return: one that a child's panic or cancellation converts
/// into. The trait exists for its error message.
#[diagnostic::on_unimplemented(
    message = "`try_gather!` needs an error type that a panic or a cancellation converts into, \
               but `{Self}` does not implement `From<asyncio::TaskError>`",
    label = "the children's error type",
    note = "use `Box<dyn std::error::Error + Send + Sync>`, or implement \
            `From<asyncio::TaskError>` for your error type"
)]
pub trait TryGatherError: From<TaskError> {}

impl<E: From<TaskError>> TryGatherError for E {}

/// What `try_gather!(a, b, ...)` calls: [`crate::try_gather`], with a bound phrased for the
/// error type's message.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// asyncio::run(async {
///     let none: Result<(), asyncio::TaskError> = asyncio::__private::try_gather(()).await;
///     assert_eq!(none, Ok(()));
/// });
/// ```
pub fn try_gather<E, G>(children: G) -> crate::TryGather<G, E>
where
    G: crate::TryGatherTuple<E>,
    E: TryGatherError,
{
    crate::try_gather(children)
}
