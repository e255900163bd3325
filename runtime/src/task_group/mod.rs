//! `task_group`: structured concurrency, Python's `asyncio.TaskGroup`.
//!
//! Why a closure scope (`task_group(|tg| async move { ... }).await`) rather than a handle with
//! `spawn` and `join` like tokio's `JoinSet`: Python's TaskGroup must be able to cancel the
//! *body* of the `async with` block when a child fails (TG-02), and must join every child even
//! when the body leaves early. A scope owns the body's future, so it can do both, and cannot be
//! forgotten: children never outlive the scope (dropping it cancels them), as in trio/anyio
//! nurseries. `JoinSet` leaves failure policy to the caller and aborts children on drop without
//! waiting for them; here a failure cancels the siblings and the body, every failure is
//! reported together, and the scope returns only when every child has stopped.

mod error;
mod handle;
mod state;

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::sync::Arc;
use std::task::Poll;

use crate::cancel::own::{OwnCancel, Verdict};
use crate::cancel::{forward, Request};
use crate::contain;
use crate::error::Panicked;
use crate::handle::any::AnyTask;
pub use error::{TaskGroupClosed, TaskGroupError, TaskGroupFailure};
pub use handle::TaskGroup;
use state::{CloseOnDrop, GroupState};

/// Runs `body` with a [`TaskGroup`] and returns once the body and every child have ended:
/// Python's `async with asyncio.TaskGroup() as tg:`.
///
/// - Children are spawned with [`TaskGroup::spawn`]; the scope waits for all of them, also
///   those spawned by other children while it is waiting (TG-01).
/// - The first child failure (a panic, or the `Err` of a child spawned with
///   [`TaskGroup::spawn_fallible`]) cancels every other child and the body, which sees an
///   ordinary cancellation at its current await; then the scope returns
///   `Err(TaskGroupError)` with every failure, in completion order (TG-02, TG-03). A panic of
///   the body joins that list (TG-04). A cancelled child is not a failure.
/// - If the task running the scope is cancelled, the children are cancelled, waited for, and the
///   cancellation propagates (TG-06). Dropping an unfinished scope cancels its children.
///
/// # Why a scope, and how it compares
/// A closure scope rather than a handle with `spawn`/`join`: the group must be able to cancel
/// the *body* when a child fails, and to join every child even when the body leaves early; a
/// scope owns the body's future, so it can do both, and it cannot be forgotten. Like trio and
/// anyio nurseries, children never outlive the scope. Compared with tokio's `JoinSet`: a
/// `JoinSet` leaves the failure policy to the caller and, when dropped, aborts its tasks without
/// waiting for them; `task_group` cancels siblings and body on the first failure, reports every
/// failure together, and returns only once every child has stopped. Compared with Python's
/// `TaskGroup`: the same rules; the `ExceptionGroup` is a [`TaskGroupError`], and a body that
/// returns normally gives `Ok(value)`.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use std::time::Duration;
/// asyncio::run(async {
///     let (a, b) = asyncio::task_group(|tg| async move {
///         let a = tg.spawn(async { asyncio::sleep(Duration::from_millis(3)).await; "a" });
///         let b = tg.spawn(async { "b" });
///         (a, b)
///     })
///     .await
///     .unwrap();
///     // Both children are done when the scope returns.
///     assert_eq!((a.result(), b.result()), (Ok("a"), Ok("b")));
/// });
/// ```
pub async fn task_group<F, Fut>(body: F) -> Result<Fut::Output, TaskGroupError>
where
    F: FnOnce(TaskGroup) -> Fut,
    Fut: Future,
{
    let group = TaskGroup {
        state: Arc::new(GroupState::default()),
    };
    let _close_on_drop = CloseOnDrop(group.state.clone());
    let mut body = pin!(Some(body(group.clone())));
    let mut scope = OwnCancel::default();
    let mut output = None;
    let mut entered = false;

    // Phase 1: the body, which the group cancels if a child fails.
    std::future::poll_fn(|cx| {
        if !entered {
            entered = true;
            scope.enter();
            let mut inner = group.state.lock();
            inner.owner = scope.task().cloned().map(AnyTask::from_core);
            inner.owner_requested = scope.requested_flag();
            inner.body_running = true;
        }
        group.state.waker.register(cx.waker());
        let Some(future) = body.as_mut().as_pin_mut() else {
            return Poll::Ready(());
        };
        let polled = if scope.pending_here() {
            Ok(Poll::Pending) // raised at the body's current await, without polling it
        } else {
            catch_unwind(AssertUnwindSafe(|| future.poll(cx)))
        };
        match polled {
            Ok(Poll::Ready(value)) => {
                // The body's destructor is user code: a panic there is a failure of the body.
                match contain::catch(|| body.as_mut().set(None)) {
                    Ok(()) => output = Some(value),
                    Err(panic) => {
                        if let Err(second) = contain::drop_caught(value) {
                            contain::report("", "a task group body's value", &second);
                        }
                        group.state.lock().body_running = false;
                        group.state.fail(TaskGroupFailure::Panicked(panic));
                    }
                }
                Poll::Ready(())
            }
            Err(payload) => {
                let error = TaskGroupFailure::Panicked(Panicked::from_payload(&*payload));
                contain::drop_payload(payload);
                if let Err(second) = contain::catch(|| body.as_mut().set(None)) {
                    contain::report("", "a task group body's destructor", &second);
                }
                // The body has ended: its failure cancels the children, not the task running it
                // (Python's TaskGroup cancels its parent only for a child's failure).
                group.state.lock().body_running = false;
                group.state.fail(error);
                Poll::Ready(())
            }
            Ok(Poll::Pending) => match scope.after_pending() {
                Verdict::Continue => Poll::Pending,
                Verdict::Ours => {
                    // The tasks the body was awaiting are cancelled too; children among them
                    // are joined below.
                    let _ =
                        forward::drop_forwarding(&Request::default(), || body.as_mut().set(None));
                    Poll::Ready(())
                }
            },
        }
    })
    .await;
    // From here on a failure no longer cancels this task; withdraw a request that raced in.
    group.state.lock().body_running = false;
    scope.withdraw();
    scope.leave();

    // Phase 2: join every child.
    std::future::poll_fn(|cx| {
        group.state.waker.register(cx.waker());
        if group.state.lock().live == 0 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;

    let failures = {
        let mut inner = group.state.lock();
        inner.closed = true;
        std::mem::take(&mut inner.failures)
    };
    match output {
        Some(value) if failures.is_empty() => Ok(value),
        _ => Err(TaskGroupError::new(failures)),
    }
}
