//! The future the executor actually runs for a task: it drives the user's future, delivers
//! cancellation at suspension points, contains panics, and records the outcome.

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::context::{self, CurrentTaskGuard};
use crate::core::{Core, ErasedCore};
use crate::error::{Cancelled, Panicked, TaskError};
use crate::registry::RegistryKey;
use crate::stop::StopAll;

pin_project! {
    /// Drives one task's future.
    ///
    /// Cancellation is delivered here: when a cancel is pending, the future is dropped in place
    /// (its destructors are the task's `finally`) instead of being polled, unless a `catch_cancel`
    /// inside the task is waiting to take it. Tasks that the dropped future was awaiting are
    /// cancelled too (forwarding), and the task ends only after they have stopped, like Python's
    /// `await inner` which raises in the outer task only once the inner one is done.
    pub(crate) struct Harness<F: Future> {
        core: Arc<Core<F::Output>>,
        // This task, type-erased; lent to the thread-local "current task" during each poll.
        this: Option<Arc<dyn ErasedCore>>,
        registration: Option<RegistryKey>,
        #[pin]
        future: Option<F>,
        // Boxed: rarely used, and it would otherwise make every task bigger.
        stopping: Option<Box<(StopAll, Option<Arc<str>>)>>,
        finished: bool,
    }

    impl<F: Future> PinnedDrop for Harness<F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if !*this.finished {
                // The executor is dropping an unfinished task (runtime teardown): its awaiters
                // must not wait forever.
                this.core.complete(Err(TaskError::Cancelled(Cancelled::new(None))));
                unregister(this.registration);
            }
        }
    }
}

impl<F> Harness<F>
where
    F: Future,
    F::Output: Send + 'static,
{
    pub(crate) fn new(
        core: Arc<Core<F::Output>>,
        registration: Option<RegistryKey>,
        future: F,
    ) -> Self {
        let this: Arc<dyn ErasedCore> = core.clone();
        Harness {
            core,
            this: Some(this),
            registration,
            future: Some(future),
            stopping: None,
            finished: false,
        }
    }
}

fn unregister(registration: &mut Option<RegistryKey>) {
    if let Some(key) = registration.take() {
        let _ = context::with_runtime(|rt| rt.registry.remove(key));
    }
}

/// Turns a panic payload into a [`TaskError`].
pub(crate) fn panicked(payload: &(dyn Any + Send)) -> TaskError {
    TaskError::Panicked(Panicked::from_payload(payload))
}

impl<F> Future for Harness<F>
where
    F: Future,
    F::Output: Send + 'static,
{
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.project();
        if *this.finished {
            return Poll::Ready(());
        }
        let core: &Core<F::Output> = this.core;
        let header = core.header();

        if let Some(stopping) = this.stopping.as_mut() {
            let (stop, message) = &mut **stopping;
            if stop.poll_stopped(cx).is_pending() {
                return Poll::Pending;
            }
            let message = message.take();
            *this.stopping = None;
            return finish(
                this.finished,
                this.registration,
                core,
                Err(TaskError::Cancelled(Cancelled::new(message))),
            );
        }

        header.register_waker(cx.waker());
        let deliver_now = header.cancel_pending() && header.catch_depth() == 0;
        if !deliver_now {
            let polled = {
                let _current = CurrentTaskGuard::enter(this.this);
                let future = this
                    .future
                    .as_mut()
                    .as_pin_mut()
                    .expect("polled after completion");
                catch_unwind(AssertUnwindSafe(|| future.poll(cx)))
            };
            match polled {
                Ok(Poll::Ready(value)) => {
                    this.future.set(None);
                    return finish(this.finished, this.registration, core, Ok(value));
                }
                Err(payload) => {
                    let error = panicked(&*payload);
                    drop(payload);
                    let _ = catch_unwind(AssertUnwindSafe(|| this.future.set(None)));
                    return finish(this.finished, this.registration, core, Err(error));
                }
                Ok(Poll::Pending) => {
                    if !header.cancel_pending() {
                        return Poll::Pending;
                    }
                }
            }
        }

        // Deliver the pending cancellation: drop the future at its suspension point.
        let message = core.take_pending_cancel().flatten();
        let mut drop_panic = None;
        let forwarded = {
            let _current = CurrentTaskGuard::enter(this.this);
            let future = &mut this.future;
            context::drop_forwarding(message.clone(), || {
                if let Err(payload) = catch_unwind(AssertUnwindSafe(|| future.set(None))) {
                    drop_panic = Some(panicked(&*payload));
                }
            })
        };
        if let Some(error) = drop_panic {
            // A destructor panicked while being cancelled: that panic is the outcome (BG-05).
            return finish(this.finished, this.registration, core, Err(error));
        }
        if forwarded.is_empty() {
            return finish(
                this.finished,
                this.registration,
                core,
                Err(TaskError::Cancelled(Cancelled::new(message))),
            );
        }
        let mut stop = StopAll::new(forwarded);
        if stop.poll_stopped(cx).is_ready() {
            return finish(
                this.finished,
                this.registration,
                core,
                Err(TaskError::Cancelled(Cancelled::new(message))),
            );
        }
        *this.stopping = Some(Box::new((stop, message)));
        Poll::Pending
    }
}

fn finish<T>(
    finished: &mut bool,
    registration: &mut Option<RegistryKey>,
    core: &Core<T>,
    outcome: Result<T, TaskError>,
) -> Poll<()> {
    *finished = true;
    core.complete(outcome);
    unregister(registration);
    Poll::Ready(())
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
