//! What runs a task's future: it drives the user's future, delivers cancellation at suspension
//! points, contains panics, and records the outcome in the task's `Core`. A spawned task keeps
//! its [`Body`] in its cell (`cell.rs`); the main task is a [`MainHarness`] that `run` blocks on.

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::contain;
use crate::context::{self, CurrentTaskGuard};
use atomic_waker::AtomicWaker;

use crate::cancel::all_ended::StopAll;
use crate::error::{Cancelled, Panicked, TaskError};
use crate::runtime::registry::RegistryKey;
use crate::task::core::{Core, ErasedCore, HasCore};

pin_project! {
    /// Drives one task's future: the part of a task that a spawned task keeps in its
    /// [`TaskCell`](crate::runtime::cell::TaskCell) and the main task in a [`MainHarness`].
    ///
    /// Cancellation is delivered here: when a cancel is pending, the future is dropped in place
    /// (its destructors are the task's `finally`) instead of being polled, unless a `catch_cancel`
    /// inside the task is waiting to take it. Tasks that the dropped future was awaiting are
    /// cancelled too (forwarding), and the task ends only after they have stopped, like Python's
    /// `await inner` which raises in the outer task only once the inner one is done.
    pub(crate) struct Body<F: Future> {
        #[pin]
        future: Option<F>,
        // Boxed: rarely used, and it would otherwise make every task bigger.
        stopping: Option<Box<(StopAll, Option<Arc<str>>)>>,
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
            stopping: None,
        }
    }

    /// Ends an unfinished task at runtime teardown: drops its future (containing a panic) and
    /// completes `core` as cancelled, so no awaiter waits forever. `false` if it had ended.
    pub(crate) fn abandon(self: Pin<&mut Self>, core: &Core<F::Output>) -> bool {
        let mut this = self.project();
        if core.header().is_done() {
            return false;
        }
        *this.stopping = None;
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

        if let Some(stopping) = body.stopping.as_mut() {
            let (stop, message) = &mut **stopping;
            if stop.poll_stopped(cx).is_pending() {
                return Poll::Pending;
            }
            let message = message.take();
            *body.stopping = None;
            return finish(core, Err(TaskError::Cancelled(Cancelled::new(message))));
        }

        let deliver_now = header.cancel_pending() && header.catch_depth() == 0;
        if !deliver_now {
            // Read in this order: a request counts itself before it sets the pending bit (both
            // under the task's lock), so a count that includes a request whose bit we did not
            // see yet is caught by `pending_before` (found by a multi-thread test: the count
            // alone let such a request through the task group scope that owned it).
            let requests_before = header.cancelling_acquire();
            let pending_before = header.cancel_pending();
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
                    // delivered now.
                    let arrived_during_poll =
                        !pending_before || header.cancelling_acquire() != requests_before;
                    if header.catch_depth() > 0 && arrived_during_poll {
                        return Poll::Pending;
                    }
                }
            }
        }

        // Deliver the pending cancellation: drop the future at its suspension point.
        let message = core.take_pending_cancel().flatten();
        let mut drop_panic = None;
        let forwarded = {
            let _current = CurrentTaskGuard::enter(this);
            let future = &mut body.future;
            context::drop_forwarding(message.clone(), || {
                if let Err(panic) = contain::catch(|| future.set(None)) {
                    drop_panic = Some(TaskError::Panicked(panic));
                }
            })
        };
        if let Some(error) = drop_panic {
            // A destructor panicked while being cancelled: that panic is the outcome (BG-05).
            return finish(core, Err(error));
        }
        if forwarded.is_empty() {
            return finish(core, Err(TaskError::Cancelled(Cancelled::new(message))));
        }
        let mut stop = StopAll::new(forwarded);
        if stop.poll_stopped(cx).is_ready() {
            return finish(core, Err(TaskError::Cancelled(Cancelled::new(message))));
        }
        *body.stopping = Some(Box::new((stop, message)));
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

/// The main task's state: its `Core`, and the waker of `run` that polls it, which a `cancel()`
/// wakes.
pub(crate) struct MainCore {
    core: Core<()>,
    waker: AtomicWaker,
}

impl MainCore {
    pub(crate) fn new() -> Self {
        MainCore {
            core: Core::new(None),
            waker: AtomicWaker::new(),
        }
    }
}

impl HasCore for MainCore {
    type Output = ();

    fn core(&self) -> &Core<()> {
        &self.core
    }

    fn wake_for_cancel(this: Arc<Self>) {
        this.waker.wake();
    }
}

pin_project! {
    /// The main task: `run` blocks on it rather than spawning it, as its future need not be
    /// `Send` or `'static`.
    pub(crate) struct MainHarness<F: Future<Output = ()>> {
        core: Arc<MainCore>,
        this: Option<Arc<dyn ErasedCore>>,
        registration: Option<RegistryKey>,
        #[pin]
        body: Body<F>,
    }

    impl<F: Future<Output = ()>> PinnedDrop for MainHarness<F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if !this.core.core.header().is_done() {
                // Dropped unfinished (a panic unwinding through `run`): its awaiters must not
                // wait forever.
                this.core.core.complete(Err(TaskError::Cancelled(Cancelled::new(None))));
                unregister(this.registration);
            }
        }
    }
}

impl<F: Future<Output = ()>> MainHarness<F> {
    pub(crate) fn new(core: Arc<MainCore>, registration: RegistryKey, future: F) -> Self {
        let this: Arc<dyn ErasedCore> = core.clone();
        MainHarness {
            core,
            this: Some(this),
            registration: Some(registration),
            body: Body::new(future),
        }
    }
}

fn unregister(registration: &mut Option<RegistryKey>) {
    if let Some(key) = registration.take() {
        let _ = context::with_runtime(|rt| rt.registry.remove(key));
    }
}

impl<F: Future<Output = ()>> Future for MainHarness<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        this.core.waker.register(cx.waker());
        std::task::ready!(this.body.poll(&this.core.core, this.this, cx));
        unregister(this.registration);
        Poll::Ready(())
    }
}

pin_project! {
    /// Catches a panic of the inner future, keeping the payload (for `run`, which re-raises
    /// `main`'s panic after shutdown).
    pub(crate) struct CatchUnwind<F> {
        #[pin]
        future: F,
    }
}

impl<F> CatchUnwind<F> {
    pub(crate) fn new(future: F) -> Self {
        CatchUnwind { future }
    }
}

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let future = self.project().future;
        match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}
