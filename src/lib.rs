//! Python asyncio's task model for Rust: [`spawn!`], [`gather!`], cancellable awaitable
//! [tasks](Task), [`#[async_main]`](async_main).
//!
//! ```
//! use std::time::Duration;
//!
//! async fn work(n: u64) -> u64 {
//!     asyncio::sleep(Duration::from_millis(n)).await;
//!     n * 10
//! }
//!
//! #[asyncio::async_main]
//! async fn main() -> Result<(), asyncio::TaskError> {
//!     let background = asyncio::spawn!(work(5), name = "background");
//!     let (a, b) = asyncio::gather!(work(1), work(2)).await?;
//!     assert_eq!((a, b), (10, 20));
//!     assert_eq!(background.await?, 50);
//!     Ok(())
//! }
//! ```
//!
//! # The model in brief
//!
//! - A **task** is a future the runtime drives on its own: [`spawn!`] creates one and returns
//!   its [`Task<T>`](Task) handle at once. The handle can be awaited (by many: clone it),
//!   asked for its [`result`](Task::result) without waiting, [cancelled](Task::cancel), or
//!   dropped, which leaves the task running. [`AnyTask`] is the same handle with the output
//!   type erased ([`all_tasks`], [`current_task`], [`Task::any`]).
//! - **Cancellation is a request**, delivered at the task's next `.await` that suspends: the
//!   task's future is dropped there, so destructors are the `finally`. [`catch_cancel`] is
//!   `except CancelledError`. Awaiting a task forwards the awaiter's cancellation to it;
//!   [`shield`] does not, [`wait`] never cancels.
//! - **Entry points**: [`#[async_main]`](async_main) (Python's `asyncio.run(main())`) and
//!   [`#[async_test]`](async_test), or [`run`] and [`RunConfig`]. When `main` ends, every task
//!   still running is cancelled and awaited.
//! - **Many tasks**: [`gather!`], [`gather_all`], [`try_gather!`], [`wait`], [`as_completed`],
//!   [`task_group`] ([`TaskGroup`]); **time**: [`sleep`], [`wait_for`] and
//!   [`Task::wait_for`], [`timeout`]; **threads**: [`to_thread`]; **coordination**: [`Lock`],
//!   [`Event`], [`Condition`], [`Semaphore`], [`Barrier`], [`Queue`].
//!
//! The rest of this page is the
//! [guide](https://example.invalid/asyncio/blob/main/docs/guide.md): the model step by step,
//! and tables for readers coming from Python and from tokio. The case ids it cites (CAN-04,
//! TMO-06, ...) are listed in
//! [`docs/asyncio-cases.md`](https://example.invalid/asyncio/blob/main/docs/asyncio-cases.md).
//!
#![doc = include_str!("../docs/guide.md")]
//!
//! # The crates behind this one
//!
//! This crate re-exports the runtime (`asyncio-runtime`) and the macros (`asyncio-macros`);
//! depend on it alone. The macros find the runtime through this crate: the function-like
//! macros through `$crate`, so they work under any dependency name; the attributes through
//! `::asyncio`, or the path given with their `crate = "..."` option (see [`async_main`]).
#![forbid(unsafe_code)]

pub use asyncio_runtime::*;

/// Turns an `async fn` into a plain `fn` that runs it to completion on a new asyncio runtime
/// (Python's `asyncio.run(main())`), and returns its output.
///
/// ```
/// #[asyncio::async_main]
/// async fn main() {
///     let task = asyncio::spawn!(async { 6 * 7 });
///     assert_eq!(task.await, Ok(42));
/// }
/// ```
///
/// # Options
/// - `flavor = "current_thread"` (the default): Python's event loop. Every task runs on the
///   calling thread, a spawned task starts when its spawner reaches an `.await` that suspends,
///   tasks start in the order they were spawned, and runs are deterministic.
/// - `flavor = "multi_thread"`: tasks run on a pool of worker threads owned by this runtime;
///   every semantic holds except the start order.
/// - `worker_threads = N` (with `multi_thread` only, `N > 0`): the size of that pool (default:
///   the number of CPUs).
/// - `signals = false`: leave Ctrl-C alone (`RunConfig::signals(false)`). By default
///   (`signals = true`) the program handles it as Python's `asyncio.run` does: the first Ctrl-C
///   cancels `main` with the message `"SIGINT"`, every other task is then cancelled and
///   awaited so their cleanups run, and the process exits with status 130 if `main` ended
///   cancelled; a second Ctrl-C exits at once. The handler is active only while the function
///   runs on the process's main thread.
/// - `unhandled_panic = "ignore" | "fail"` ([`RunConfig::unhandled_panic`]): whether `run`
///   fails, once shutdown is over, when a task panicked and nobody retrieved its error (awaited
///   it, asked `result()` or `error()`, gathered it, ran it in a task group). `"ignore"` is the
///   default of `#[async_main]` (Python only logs "Task exception was never retrieved");
///   `"fail"` is the default of [`async_test`].
/// - `crate = "path"` or `crate = path`: where to find this crate when it is renamed or
///   re-exported, e.g. `crate = "my_asyncio"`.
///
/// ```
/// #[asyncio::async_main(flavor = "multi_thread", worker_threads = 2)]
/// async fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let sum = asyncio::spawn!(async { (1..=10).sum::<u32>() }).await?;
///     assert_eq!(sum, 55);
///     Ok(())
/// }
/// ```
///
/// ```
/// // A program that leaves Ctrl-C to the default action (or to a handler of its own).
/// #[asyncio::async_main(signals = false)]
/// async fn main() {
///     asyncio::yield_now().await;
/// }
/// ```
///
/// # Any function
/// The attribute works on any `async fn` without `self` or type parameters, not only `main`:
/// it keeps the attributes, doc comments, visibility, parameters (except on `main`) and the
/// return type (`()`, `Result<_, E>`, `!`, `impl Trait`). The body stays in an `async fn`
/// with the declared signature, so a body that does not match the return type is reported at
/// the body's expression, as for any function.
///
/// ```
/// /// Blocks the calling thread until the sum is computed.
/// #[asyncio::async_main]
/// pub async fn sum_later(a: u32, b: u32) -> u32 {
///     asyncio::yield_now().await;
///     a + b
/// }
///
/// assert_eq!(sum_later(2, 3), 5);
/// ```
///
/// # Expansion
/// `#[async_main] async fn main() -> R { body }` expands to
///
/// ```text
/// fn main() -> R {
///     #[allow(clippy::unused_async)]
///     async fn main() -> R { body }
///     ::asyncio::RunConfig::new().run(main())
/// }
/// ```
///
/// with, between `new()` and `run`, one call per option to the [`RunConfig`] method of the
/// same name, in the order `flavor`, `worker_threads`, `signals`:
/// `#[async_main(flavor = "multi_thread", worker_threads = 4)]` gives
/// `::asyncio::RunConfig::new().flavor(::asyncio::Flavor::MultiThread).worker_threads(4)`, and
/// `signals = false` adds `.signals(false)`. Only public API appears: the expansion is what
/// you could write by hand. A function that mentions `Self` (an associated function) keeps its
/// body in an `async move { body }` block instead, since an inner function cannot name `Self`.
///
/// # Errors
/// Misuse is reported as compile errors at the offending token, all at once, and the
/// function is still emitted: a function without `async`, parameters on `main`, type
/// parameters or `self`, an unknown option (the valid ones are listed), an option given
/// twice, a value of the wrong type (`signals` takes `true` or `false`), an unknown flavor,
/// `worker_threads` without `multi_thread` or equal to 0, a `crate` that is not a path, or an
/// item that is not a function.
pub use asyncio_macros::async_main;

/// Like [`async_main`], for tests: adds `#[test]`, and each test runs on its own new runtime
/// (the same options).
///
/// ```
/// #[asyncio::async_test]
/// async fn gather_keeps_argument_order() {
///     let (a, b) = asyncio::gather!(async { 1 }, async { 2 }).await.unwrap();
///     assert_eq!((a, b), (1, 2));
/// }
/// # fn main() {}
/// ```
///
/// Writing `#[test]` as well is an error: the attribute adds it.
///
/// A test never handles Ctrl-C (it shares its process with the other tests): the expansion
/// always calls `.signals(false)` on the `RunConfig`, after the options. `signals = false` is
/// accepted (it changes nothing); `signals = true` is a compile error.
///
/// ```
/// #[asyncio::async_test(flavor = "multi_thread", worker_threads = 2, signals = false)]
/// async fn runs_without_a_ctrl_c_handler() {
///     assert_eq!(asyncio::spawn!(async { 1 }).await, Ok(1));
/// }
/// # fn main() {}
/// ```
///
/// A test fails when a task panicked and nobody retrieved the error: a failed assertion inside
/// a task that the test never awaits does not let it pass (`unhandled_panic = "fail"`, the
/// expansion's `.unhandled_panic(UnhandledPanic::Fail)`; see [`UnhandledPanic`]). A test that
/// expects such panics says `unhandled_panic = "ignore"`. tokio's precedent is
/// `#[tokio::test(unhandled_panic = "shutdown_runtime")]`, which stops at the first panic of any
/// task; this waits for the end of the test and counts only the panics nobody looked at.
///
/// ```
/// #[asyncio::async_test(unhandled_panic = "ignore")]
/// async fn a_lost_panic_is_only_reported() {
///     drop(asyncio::spawn!(async { panic!("nobody awaits this") }));
///     asyncio::yield_now().await;
/// }
/// # fn main() {}
/// ```
pub use asyncio_macros::async_test;

/// Items the macros expand to. Not part of the public API: names here may change in any
/// release.
#[doc(hidden)]
pub mod __private {
    pub use asyncio_macros::{gather_impl, spawn_impl, try_gather_impl};
    pub use asyncio_runtime::__private::*;
}

/// Schedules a future as a new task and returns its [`Task`] handle at once, without
/// awaiting it: Python's `asyncio.create_task(coro, name=...)`.
///
/// - `spawn!(future)`: the task is named `Task-N`.
/// - `spawn!(future, name = "worker")`: any string expression, e.g. `format!("worker-{i}")`.
///
/// The future must be `Send + 'static`, since under `flavor = "multi_thread"` a task may move
/// between threads; the guide's ["`Send`, and values that are not"](crate#send-and-values-that-are-not)
/// says what to do with an `Rc` or another `!Send` value. On the default flavor, the task starts when the spawner reaches an
/// `.await` that suspends. `spawn!` outside a running runtime panics, with a message naming
/// `#[async_main]`.
///
/// ```
/// # #[asyncio::async_main] async fn main() {
/// async fn work(x: u32) -> u32 {
///     x * 2
/// }
///
/// let task = asyncio::spawn!(work(21), name = "doubler");
/// assert_eq!(task.name(), "doubler");
/// assert_eq!(task.await, Ok(42));
/// # }
/// ```
///
/// Expands to `::asyncio::spawn(future)` or `::asyncio::spawn_named(future, name)` (the name
/// through `__private::task_name`, whose bound says "a task name is a string"), so that a
/// future that is not `Send + 'static` is reported against [`spawn()`], and `spawn!(work)` for
/// `spawn!(work())` gets the compiler's "is not a future" with "use parentheses to call this
/// function". Several futures are an error (use [`gather!`]), and so are unknown options.
#[macro_export]
macro_rules! spawn {
    ($($args:tt)*) => {
        $crate::__private::spawn_impl!([$crate] $($args)*)
    };
}

/// Runs futures concurrently and waits for all of them: Python's `asyncio.gather`.
///
/// Every argument, a future or an existing [`Task`], becomes a task at once, in argument
/// order (a task is not spawned again; the same task twice runs once). The macro returns a
/// future:
/// - `gather!(a, b, c).await` is `Result<(A, B, C), TaskError>`, the values in argument
///   order; the first failure is returned at once, and the other children keep running;
/// - `gather!(a, b, return_exceptions = true).await` is
///   `(Result<A, TaskError>, Result<B, TaskError>)`: every outcome;
/// - `gather!().await` is `Ok(())`.
///
/// Dropping the future before it completes cancels every child still running. Up to 16
/// futures; for more, or for a collection of futures of one type, use [`gather_all`], which
/// returns a `Vec`.
///
/// ```
/// # #[asyncio::async_main] async fn main() {
/// async fn square(x: u32) -> u32 {
///     asyncio::yield_now().await;
///     x * x
/// }
///
/// let three = asyncio::spawn!(square(3));
/// let (a, b) = asyncio::gather!(square(2), three).await.unwrap();
/// assert_eq!((a, b), (4, 9));
///
/// let doomed = asyncio::spawn!(asyncio::sleep(std::time::Duration::from_secs(100)));
/// doomed.cancel();
/// let (ok, cancelled) = asyncio::gather!(square(5), doomed, return_exceptions = true).await;
/// assert_eq!(ok, Ok(25));
/// assert!(cancelled.unwrap_err().is_cancelled());
///
/// let all = asyncio::gather_all((1..=4).map(square)).await.unwrap();
/// assert_eq!(all, [1, 4, 9, 16]);
/// # }
/// ```
///
/// Expands to `::asyncio::__private::gather((into_task(a), into_task(b), ...))`, plus
/// `.return_exceptions()` when asked.
#[macro_export]
macro_rules! gather {
    ($($args:tt)*) => {
        $crate::__private::gather_impl!([$crate] $($args)*)
    };
}

/// Runs futures that return `Result<T, E>` concurrently and stops them all at the first
/// failure: `gather!` for failures that are values (Python's `TaskGroup` rule applied to
/// `gather`).
///
/// Every argument, a future or an existing [`Task`], becomes a task at once, in argument order,
/// as with [`gather!`]. Every child returns a `Result` with the same error type `E`, which must
/// implement `From<TaskError>` (`Box<dyn Error + Send + Sync>` does). The macro returns a
/// future:
/// - `try_gather!(a, b, c).await` is `Result<(A, B, C), E>`: the `Ok` values in argument order;
/// - at the first failure, in completion order (an `Err`, or a child's panic or cancellation,
///   converted with `E::from`), every other child is cancelled, and the error is returned once
///   they have all stopped: their destructors and cleanup have run, no child outlives the call
///   (where `gather!` returns at once and lets them run on);
/// - `try_gather!().await` is `Ok(())`, with the error type taken from the context (e.g.
///   `let done: Result<(), MyError> = try_gather!().await;`): with no child, nothing names it;
/// - dropping the future before it completes cancels every child still running, as `gather!`.
///
/// Up to 16 futures; for more, or for a collection of futures of one type, use
/// [`try_gather_all`], which returns a `Vec`.
///
/// ```
/// # #[asyncio::async_main] async fn main() {
/// use std::time::Duration;
/// type Error = Box<dyn std::error::Error + Send + Sync>;
///
/// async fn fetch(page: u32) -> Result<String, Error> {
///     asyncio::sleep(Duration::from_millis(5)).await;
///     Ok(format!("page {page}"))
/// }
/// async fn refuse() -> Result<String, Error> {
///     Err("connection refused".into())
/// }
///
/// let (a, b) = asyncio::try_gather!(fetch(1), fetch(2)).await.unwrap();
/// assert_eq!((a.as_str(), b.as_str()), ("page 1", "page 2"));
///
/// let slow = asyncio::spawn!(async {
///     asyncio::sleep(Duration::from_secs(3600)).await;
///     Ok::<_, Error>(0)
/// });
/// let watched = asyncio::AnyTask::from(&slow);
/// let err = asyncio::try_gather!(refuse(), slow).await.unwrap_err();
/// assert_eq!(err.to_string(), "connection refused");
/// assert!(watched.cancelled()); // stopped before try_gather! returned
///
/// let pages = asyncio::try_gather_all((1..=3).map(fetch)).await.unwrap();
/// assert_eq!(pages, ["page 1", "page 2", "page 3"]);
/// # }
/// ```
///
/// Expands to `::asyncio::__private::try_gather((try_into_task(a), try_into_task(b), ...))`
/// (each through `::asyncio::__private`), thin wrappers of [`try_gather()`] whose bounds give
/// tailored errors: a child that does not return a `Result`, or an error type without
/// `From<TaskError>`, is reported as such. The macro takes no options.
#[macro_export]
macro_rules! try_gather {
    ($($args:tt)*) => {
        $crate::__private::try_gather_impl!([$crate] $($args)*)
    };
}

/// The README's examples, compiled and run as doctests so that it stays true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
