//! What runs a task's future: it drives the user's future, delivers cancellation at suspension
//! points, contains panics, and records the outcome in the task's `Core`. A spawned task keeps
//! its [`Body`] in its cell (`cell.rs`); the main task in its harness (`main_task.rs`).

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::cancel::deliver::Delivery;
use crate::cancel::scope;
use crate::contain;
use crate::context::{self, CurrentTaskGuard};
use crate::error::{Cancelled, Panicked, TaskError};
use crate::task::core::Core;
use crate::task::erased::ErasedCore;

pin_project! {
    /// Drives one task's future: the part of a task that a spawned task keeps in its
    /// [`TaskCell`](crate::runtime::cell::TaskCell) and the main task in its harness.
    ///
    /// Cancellation is delivered here: when a cancel is pending, the future is dropped in place
    /// (its destructors are the task's `finally`) instead of being polled, unless a `catch_cancel`
    /// inside the task is waiting to take it. Tasks that the dropped future was awaiting are
    /// cancelled too (forwarding), and the task ends only after they have stopped, like Python's
    /// `await inner` which raises in the outer task only once the inner one is done.
    pub(crate) struct Body<F: Future> {
        #[pin]
        future: Option<F>,
        // The cancellation being delivered, while the tasks it was forwarded to end. Boxed:
        // rarely used, and it would otherwise make every task bigger.
        delivery: Option<Box<Delivery>>,
        // No `finished` flag: the body has finished exactly when its `Core` is complete (only
        // the body, or its owner's teardown, completes it).
    }
}

impl<F> Body<F>
where
    F: Future,
    F::Output: Send + 'static,
{
    pub(crate) fn new(future: F) -> Self {
        Body {
            future: Some(future),
            delivery: None,
        }
    }

    /// Ends an unfinished task at runtime teardown: drops its future (containing a panic) and
    /// completes `core` as cancelled, so no awaiter waits forever. `false` if it had ended.
    pub(crate) fn abandon(self: Pin<&mut Self>, core: &Core<F::Output>) -> bool {
        let mut this = self.project();
        if core.header().is_done() {
            return false;
        }
        *this.delivery = None;
        let future = &mut this.future;
        if let Err(panic) = contain::catch(|| future.set(None)) {
            contain::report(&core.header().name(), "the future's destructor", &panic);
        }
        core.complete(Err(TaskError::Cancelled(Cancelled::new(None))));
        true
    }

    /// Polls the task once on behalf of `core`; `Ready` once `core` is complete. `this` is the
    /// task, type-erased, lent to the thread-local "current task" while its future runs.
    pub(crate) fn poll(
        self: Pin<&mut Self>,
        core: &Core<F::Output>,
        this: &mut Option<Arc<dyn ErasedCore>>,
        cx: &mut Context<'_>,
    ) -> Poll<()> {
        let mut body = self.project();
        if core.header().is_done() {
            return Poll::Ready(());
        }
        let header = core.header();

        if let Some(delivery) = body.delivery.as_mut() {
            let cancelled = std::task::ready!(delivery.poll_delivered(cx));
            *body.delivery = None;
            return finish(core, Err(TaskError::Cancelled(cancelled)));
        }

        // The body is the task's outermost catching scope (level 0).
        let deliver_now = scope::pending_at(header, 0);
        if !deliver_now {
            // Read in this order: a request counts itself before it sets the pending bit (both
            // under the task's lock), so a count that includes a request whose bit we did not
            // see yet is caught by `pending_before` (found by a multi-thread test: the count
            // alone let such a request through the task group scope that owned it).
            let requests_before = header.cancelling_acquire();
            let pending_before = header.cancel_pending();
            // Read only when it can matter (a request already pending), so the common poll
            // does not touch it.
            let taken_before = if pending_before {
                context::requests_taken()
            } else {
                0
            };
            // The future is dropped as soon as it is `Ready`, inside the same catch: its
            // destructor is user code, and a panic there is the task's outcome. `value` lives out
            // here so that such a panic does not drop it while unwinding.
            let mut value = None;
            let polled = {
                let _current = CurrentTaskGuard::enter(this);
                let mut future = body.future.as_mut();
                catch_unwind(AssertUnwindSafe(|| {
                    let polling = future
                        .as_mut()
                        .as_pin_mut()
                        .expect("polled after completion");
                    match polling.poll(cx) {
                        Poll::Ready(output) => {
                            value = Some(output);
                            future.set(None);
                            Poll::Ready(())
                        }
                        Poll::Pending => Poll::Pending,
                    }
                }))
            };
            match polled {
                Ok(Poll::Ready(())) => {
                    let value = value.expect("set when the future was ready");
                    return finish(core, Ok(value));
                }
                Err(payload) => {
                    let error = panicked(&*payload);
                    contain::drop_payload(payload);
                    match value.take() {
                        // The future's destructor panicked after it was ready: the value goes
                        // (its own destructor contained as well). The failed assignment left
                        // the slot empty.
                        Some(value) => {
                            if let Err(second) = contain::drop_caught(value) {
                                contain::report(&header.name(), "the value's destructor", &second);
                            }
                        }
                        // The poll panicked: drop the future, containing its destructor.
                        None => {
                            let future = &mut body.future;
                            if let Err(second) = contain::catch(|| future.set(None)) {
                                contain::report(&header.name(), "the future's destructor", &second);
                            }
                        }
                    }
                    return finish(core, Err(error));
                }
                Ok(Poll::Pending) => {
                    if !header.cancel_pending() {
                        return Poll::Pending;
                    }
                    // A request that arrived during this poll, after the catching scopes inside
                    // the task had looked, is not dropped through them: the request's wake
                    // polls the task again, and the scopes see it then (a `catch_cancel`
                    // takes it, CAN-07). One that was pending while they looked (pending
                    // before the poll, and no new request since), and that no scope took, is
                    // delivered now. "No scope took it" is checked apart from the count: a
                    // scope may take the request, `uncancel()`, and a new request arrive from
                    // another thread before the poll ends, leaving the count where it was (a
                    // task group that ended on its own cancellation, and the next group's
                    // failure, in one poll of a multi_thread task: tests/task_group_races.rs).
                    let arrived_during_poll = !pending_before
                        || header.cancelling_acquire() != requests_before
                        || context::requests_taken() != taken_before;
                    if header.catch_depth() > 0 && arrived_during_poll {
                        return Poll::Pending;
                    }
                }
            }
        }

        // Deliver the pending cancellation: drop the future at its suspension point.
        let request = core.take_request().unwrap_or_default();
        let mut drop_panic = None;
        let mut delivery = {
            let _current = CurrentTaskGuard::enter(this);
            let future = &mut body.future;
            Delivery::start(request, || {
                if let Err(panic) = contain::catch(|| future.set(None)) {
                    drop_panic = Some(TaskError::Panicked(panic));
                }
            })
        };
        if let Some(error) = drop_panic {
            // A destructor panicked while being cancelled: that panic is the outcome (BG-05).
            return finish(core, Err(error));
        }
        if let Poll::Ready(cancelled) = delivery.poll_delivered(cx) {
            return finish(core, Err(TaskError::Cancelled(cancelled)));
        }
        *body.delivery = Some(Box::new(delivery));
        Poll::Pending
    }
}

fn finish<T>(core: &Core<T>, outcome: Result<T, TaskError>) -> Poll<()> {
    core.complete(outcome);
    Poll::Ready(())
}

/// Turns a panic payload into a [`TaskError`].
pub(crate) fn panicked(payload: &(dyn Any + Send)) -> TaskError {
    TaskError::Panicked(Panicked::from_payload(payload))
}
