//! The runtime of the [`asyncio`](https://docs.rs/asyncio) crate: Python asyncio's task model
//! on async-std. Use it through `asyncio`, which re-exports everything here together with the
//! macros.
//!
//! The model, in one paragraph: [`spawn`] creates a [`Task`] that starts when its spawner next
//! suspends; [`Task::cancel`] is a *request*, delivered at the task's next suspension point by
//! dropping its future there (destructors are the `finally`); awaiting a task forwards the
//! awaiter's cancellation to it, [`shield`] does not, [`wait`] never cancels; [`catch_cancel`]
//! is `except CancelledError`; and [`run`] cancels and awaits every remaining task when `main`
//! ends.
//!
//! The case ids these docs cite (CAN-04, TMO-06, ...) are behaviours of Python's asyncio,
//! listed with ours and the tests that pin them in
//! [`docs/asyncio-cases.md`](https://example.invalid/asyncio/blob/main/docs/asyncio-cases.md).
//!
//! ```
//! # use asyncio_runtime as asyncio;
//! use std::time::Duration;
//! asyncio::run(async {
//!     let task = asyncio::spawn(async {
//!         asyncio::sleep(Duration::from_secs(10)).await;
//!     });
//!     asyncio::yield_now().await; // let it start
//!     assert!(task.cancel()); // a request...
//!     assert!(task.clone().await.unwrap_err().is_cancelled()); // ...delivered at its sleep
//! });
//! ```

mod as_completed;
mod backend;
mod blocking;
mod cancel;
mod contain;
mod context;
mod coordination;
mod done_callback;
mod error;
mod gather;
mod handle;
mod id;
pub mod io;
pub mod net;
mod runtime;
mod spawn;
mod sync;
mod task;
mod task_group;
mod time;
mod timeout;
mod to_thread;
mod try_gather;
mod wait;
mod watch;

/// The name of the backend this build runs on: `"async-std"` (the default) or `"smol"` (with
/// the `smol` cargo feature).
///
/// ```
/// # use asyncio_runtime as asyncio;
/// assert!(["async-std", "smol"].contains(&asyncio::backend_name()));
/// ```
pub fn backend_name() -> &'static str {
    backend::NAME
}

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use crate::as_completed::{as_completed, AsCompleted, CompletedHandle};
pub use crate::cancel::catch::{catch_cancel, CatchCancel};
pub use crate::coordination::{
    Barrier, BoundedSemaphore, BrokenBarrierError, Condition, ConditionGuard, Event, LifoQueue,
    Lock, LockGuard, PriorityQueue, Queue, QueueShutDown, Semaphore, SemaphoreGuard, TryGetError,
    TryPutError, ValueError,
};
pub use crate::error::{Cancelled, Panicked, TaskError, TimeoutError};
pub use crate::gather::{
    gather, gather_all, Gather, GatherAll, GatherAllSettled, GatherSettled, GatherTuple,
};
pub use crate::handle::any::AnyTask;
pub use crate::handle::shield::shield;
pub use crate::handle::task::{Task, TaskFuture};
pub use crate::id::TaskId;
pub use crate::runtime::config::{Flavor, RunConfig};
pub use crate::runtime::run;
pub use crate::runtime::UnhandledPanic;
pub use crate::spawn::{all_tasks, current_task, spawn, spawn_named, IntoTask};
pub use crate::task_group::{
    task_group, TaskGroup, TaskGroupClosed, TaskGroupError, TaskGroupFailure,
};
pub use crate::time::{sleep, yield_now};
pub use crate::timeout::wait_for::{wait_for, WaitForError};
pub use crate::timeout::{timeout, timeout_at, Timeout};
pub use crate::to_thread::to_thread;
pub use crate::try_gather::{try_gather, try_gather_all, TryGather, TryGatherAll, TryGatherTuple};
pub use crate::wait::{wait, ReturnWhen, Wait, Waitable};
