//! Cancellation, the crate's central idea, from request to completion.
//!
//! 1. **Request** ([`request`], [`reraise`]): `Task::cancel` records a [`Request`] in the task's
//!    core (the `CANCEL_PENDING` bit and the message, `task/state.rs`), counts it for
//!    `cancelling()` (a re-raise is not counted), and wakes the task, so that a task parked in a
//!    long sleep still gets it.
//! 2. **Deliver**: the next time the task is polled, the request is delivered at its current
//!    suspension point, by the innermost *catching scope* that is pending there
//!    ([`scope::CatchScope`]): the task's body itself (level 0, `runtime/body.rs`), a
//!    [`catch_cancel`](crate::catch_cancel) (`catch.rs`), or a scope that cancels its own task
//!    — a [`Timeout`](crate::Timeout) or a task group (`own.rs`), which takes only its own
//!    request and lets an outside one through. Delivering means dropping the future in place:
//!    its destructors are the `finally` ([`deliver::Delivery`]).
//! 3. **Forward** (`forward.rs`): a future that was awaiting a task and is dropped by a
//!    delivery cancels that task too, with the same message (Python's `await inner` cancels
//!    `inner`); [`shield`](crate::shield) awaits without forwarding.
//! 4. **Complete**: the delivery waits until every task it forwarded to has ended
//!    (`all_ended.rs`: Python raises in the outer task only once the inner one is done), then
//!    the scope ends: the body completes the task `Cancelled`, `catch_cancel` returns
//!    `Err(Cancelled)`, a timeout returns `Err(TimeoutError)`. A caught cancellation can be
//!    raised again ([`Cancelled::reraise`](crate::Cancelled::reraise), below).
//!
//! Races between a request and a poll on another thread are in the table of
//! `task/state.rs`; how the body tells a request that arrived during a poll from one a scope
//! had the chance to see is in `runtime/body.rs`.

pub(crate) mod all_ended;
pub(crate) mod catch;
pub(crate) mod deliver;
pub(crate) mod forward;
pub(crate) mod own;
pub(crate) mod scope;

use std::sync::Arc;

use crate::context;
use crate::error::Cancelled;
use crate::task::erased::ErasedCore;
pub(crate) use crate::task::request::Request;

/// Requests cancellation of `task` and wakes it (Python's `cancel()`); `false` iff it has
/// ended.
pub(crate) fn request<C: ErasedCore + ?Sized>(task: &Arc<C>, request: Request) -> bool {
    wake_if(task, task.request(request))
}

/// Makes a delivered cancellation pending again in `task`, without counting a new request
/// (Python's bare `raise` in an `except CancelledError` block); `false` iff it has ended.
pub(crate) fn reraise<C: ErasedCore + ?Sized>(task: &Arc<C>, request: Request) -> bool {
    wake_if(task, task.reraise(request))
}

/// Wakes `task` if its request was `accepted`, so that a task parked in a long sleep gets it.
fn wake_if<C: ErasedCore + ?Sized>(task: &Arc<C>, accepted: bool) -> bool {
    if accepted {
        task.clone().wake_for_cancel();
    }
    accepted
}

impl Cancelled {
    /// Re-raises this cancellation in the current task (Python's bare `raise` in an
    /// `except CancelledError` block): the task stops at this await and ends cancelled with the
    /// same message. An enclosing [`catch_cancel`](crate::catch_cancel) catches it again.
    ///
    /// Never completes, so it fits any return type: `return cancelled.reraise().await;`.
    ///
    /// # Panics
    /// Outside a task.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use std::time::Duration;
    /// asyncio::run(async {
    ///     let task = asyncio::spawn(async {
    ///         match asyncio::catch_cancel(asyncio::sleep(Duration::from_secs(10))).await {
    ///             Ok(()) => "slept",
    ///             Err(cancelled) => {
    ///                 asyncio::sleep(Duration::from_millis(1)).await; // async cleanup (CAN-07)
    ///                 cancelled.reraise().await
    ///             }
    ///         }
    ///     });
    ///     asyncio::yield_now().await;
    ///     task.cancel_with("bye");
    ///     let asyncio::TaskError::Cancelled(c) = task.await.unwrap_err() else { unreachable!() };
    ///     assert_eq!(c.message(), Some("bye"));
    /// });
    /// ```
    pub async fn reraise<T>(self) -> T {
        let task = context::current().expect("Cancelled::reraise called outside a task");
        // Re-raising is not a new request: Python's cancelling() count stays as it is.
        let _ = reraise(&task, Request::new(self.into_message()));
        std::future::pending().await
    }
}
