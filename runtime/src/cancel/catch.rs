//! `catch_cancel`: Python's `try: ... except CancelledError`.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use super::deliver::Delivery;
use super::scope::CatchScope;
use crate::error::Cancelled;

/// Runs `future` (any [`IntoFuture`], e.g. a [`Task`](crate::Task)), catching a cancellation of the current task that arrives while it is pending:
/// Python's `try: await fut` / `except CancelledError:`.
///
/// If the task is cancelled while `future` is pending, `future` is dropped (forwarding the
/// cancellation to any task it was awaiting, and waiting for those to stop) and `catch_cancel`
/// returns `Err(Cancelled)`. The request is then consumed: the task goes on running, may await
/// again (async cleanup, CAN-07), return a value (then it is not cancelled, CAN-06), or cancel
/// itself again. A request pending when the task resumes is raised at the current await, even
/// if what `future` awaits has completed meanwhile (as in Python). If `future` completes in a
/// poll during which a request arrives, its output is returned and the request stays pending,
/// delivered at the task's next suspension point.
///
/// Outside a task, it simply awaits `future`.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use std::time::Duration;
/// asyncio::run(async {
///     let task = asyncio::spawn(async {
///         match asyncio::catch_cancel(asyncio::sleep(Duration::from_secs(10))).await {
///             Ok(()) => "slept",
///             Err(_cancelled) => "partial", // swallow the cancellation (CAN-06)
///         }
///     });
///     asyncio::yield_now().await;
///     task.cancel();
///     assert_eq!(task.clone().await, Ok("partial"));
///     assert!(!task.cancelled());
/// });
/// ```
pub fn catch_cancel<F: IntoFuture>(future: F) -> CatchCancel<F::IntoFuture> {
    CatchCancel {
        future: Some(future.into_future()),
        scope: CatchScope::default(),
        delivery: None,
    }
}

pin_project! {
    /// The future returned by [`catch_cancel`].
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// asyncio::run(async {
    ///     let caught: asyncio::CatchCancel<_> = asyncio::catch_cancel(async { 5 });
    ///     assert_eq!(caught.await, Ok(5));
    /// });
    /// ```
    pub struct CatchCancel<F> {
        #[pin]
        future: Option<F>,
        // A catching scope of the task this future is pending in.
        scope: CatchScope,
        // The cancellation being delivered, once taken.
        delivery: Option<Delivery>,
    }
}

impl<F: Future> Future for CatchCancel<F> {
    type Output = Result<F::Output, Cancelled>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if let Some(delivery) = this.delivery.as_mut() {
            return delivery.poll_delivered(cx).map(Err);
        }
        this.scope.enter();
        // Innermost scope with a cancellation pending: it is raised at the current await, even
        // if what the future awaits has completed meanwhile (Python raises at that await too).
        if !this.scope.pending_here() {
            let future = this
                .future
                .as_mut()
                .as_pin_mut()
                .expect("CatchCancel polled after completion");
            if let Poll::Ready(value) = future.poll(cx) {
                this.future.set(None);
                this.scope.leave();
                return Poll::Ready(Ok(value));
            }
        }
        let Some(request) = this.scope.take() else {
            return Poll::Pending;
        };
        this.scope.leave();
        let future = &mut this.future;
        let delivery = this
            .delivery
            .insert(Delivery::start(request, || future.set(None)));
        delivery.poll_delivered(cx).map(Err)
    }
}
