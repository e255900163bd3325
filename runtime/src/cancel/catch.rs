//! `catch_cancel`: Python's `try: ... except CancelledError`.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::cancel::all_ended::StopAll;
use crate::context;
use crate::error::Cancelled;
use crate::task::any::AnyTask;

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
        task: None,
        level: 0,
        stopping: None,
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
        // The task this future is pending in, while it counts as a catching scope there.
        task: Option<AnyTask>,
        // Its depth among the catching scopes of the task.
        level: u32,
        stopping: Option<(StopAll, Cancelled)>,
    }

    impl<F> PinnedDrop for CatchCancel<F> {
        fn drop(this: Pin<&mut Self>) {
            if let Some(task) = this.project().task.take() {
                task.core().header().leave_catch();
            }
        }
    }
}

impl<F: Future> Future for CatchCancel<F> {
    type Output = Result<F::Output, Cancelled>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if let Some((stop, _)) = this.stopping.as_mut() {
            std::task::ready!(stop.poll_stopped(cx));
            let (_, cancelled) = this.stopping.take().expect("checked above");
            return Poll::Ready(Err(cancelled));
        }
        if this.task.is_none() && this.future.is_some() {
            if let Some(task) = context::current_task() {
                *this.level = task.core().header().enter_catch();
                *this.task = Some(task);
            }
        }
        // Innermost scope with a cancellation pending: it is raised at the current await, even
        // if what the future awaits has completed meanwhile (Python raises at that await too).
        let raise_now = this
            .task
            .as_ref()
            .is_some_and(|t| t.core().header().pending_for_innermost(*this.level));
        if !raise_now {
            let future = this
                .future
                .as_mut()
                .as_pin_mut()
                .expect("CatchCancel polled after completion");
            if let Poll::Ready(value) = future.poll(cx) {
                this.future.set(None);
                leave(this.task);
                return Poll::Ready(Ok(value));
            }
        }
        let Some(message) = this
            .task
            .as_ref()
            .and_then(|t| t.core().take_pending_cancel())
        else {
            return Poll::Pending;
        };
        leave(this.task);
        let future = &mut this.future;
        let forwarded = context::drop_forwarding(message.clone(), || future.set(None));
        let cancelled = Cancelled::new(message);
        let mut stop = StopAll::new(forwarded);
        if stop.poll_stopped(cx).is_ready() {
            return Poll::Ready(Err(cancelled));
        }
        *this.stopping = Some((stop, cancelled));
        Poll::Pending
    }
}

fn leave(task: &mut Option<AnyTask>) {
    if let Some(task) = task.take() {
        task.core().header().leave_catch();
    }
}
