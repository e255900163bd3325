//! The one module that talks to the async backend (async-std and the smol-family executor it
//! is built on). Everything else in the runtime goes through these few functions, so swapping
//! the backend means rewriting this file only.
//!
//! Why an `async_executor::Executor` per runtime instead of async-std's global pool: async-std's
//! pool is process-wide and sized once (`ASYNC_STD_THREAD_COUNT`), but `worker_threads = N` must
//! give *this* runtime N workers, and several runtimes of different sizes must coexist in one
//! process (tests run in parallel). async-std itself runs on `async-executor`; we create one
//! executor per runtime and drive it with async-std's `block_on`, which also drives async-std's
//! reactor and timers on that thread.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// The executor that runs one runtime's tasks.
pub(crate) type Executor = async_executor::Executor<'static>;

/// A boxed timer, for the few places that store one in a struct.
pub(crate) type Sleep = Pin<Box<dyn Future<Output = ()> + Send + Sync>>;

/// Creates an executor for a new runtime.
pub(crate) fn executor() -> Executor {
    async_executor::Executor::new()
}

/// Schedules `future` on `executor`; it runs to completion even though nobody holds its handle
/// (our own [`Task`](crate::Task) tracks completion).
pub(crate) fn spawn(executor: &Executor, future: impl Future<Output = ()> + Send + 'static) {
    executor.spawn(future).detach();
}

/// Blocks the current thread on `future`, running `executor`'s tasks on this thread meanwhile.
pub(crate) fn block_on_running<F: Future>(executor: &Executor, future: F) -> F::Output {
    async_std::task::block_on(executor.run(future))
}

/// Blocks the current thread on `future` without running any executor tasks here.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    async_std::task::block_on(future)
}

/// A timer that fires after `duration`.
pub(crate) fn sleep(duration: Duration) -> impl Future<Output = ()> + Send + Sync + 'static {
    async_std::task::sleep(duration)
}

/// A boxed [`sleep`].
pub(crate) fn sleep_boxed(duration: Duration) -> Sleep {
    Box::pin(sleep(duration))
}

/// Gives every other ready task a turn, then resumes (Python's `asyncio.sleep(0)`).
pub(crate) fn yield_now() -> impl Future<Output = ()> + Send + Sync + 'static {
    async_std::task::yield_now()
}

/// A one-shot stop signal for worker threads: `wait()` completes once the sender is dropped.
pub(crate) fn stop_signal() -> (StopSender, StopReceiver) {
    let (sender, receiver) = async_std::channel::bounded::<()>(1);
    (StopSender(sender), StopReceiver(receiver))
}

/// Dropping this wakes every [`StopReceiver`].
pub(crate) struct StopSender(#[allow(dead_code)] async_std::channel::Sender<()>);

/// Completes once its [`StopSender`] is dropped.
#[derive(Clone)]
pub(crate) struct StopReceiver(async_std::channel::Receiver<()>);

impl StopReceiver {
    pub(crate) async fn wait(self) {
        let _closed = self.0.recv().await;
    }
}
