//! Starting a runtime, running `main` as a task, and shutting down (Python's `asyncio.run`).

pub(crate) mod body;
pub(crate) mod cell;
pub(crate) mod config;
pub(crate) mod registry;
pub(crate) mod scheduler;

use std::future::Future;
use std::panic::resume_unwind;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::thread::JoinHandle;

use atomic_waker::AtomicWaker;

use crate::backend;
use crate::blocking::BlockingPool;
use crate::cancel::all_ended::StopAll;
use crate::context::RuntimeGuard;
use crate::ctrl_c::{self, CtrlC};
use crate::done_callback::PendingCallbacks;
use crate::error::TaskError;
use crate::runtime::body::{CatchUnwind, MainCore, MainHarness};
use crate::runtime::config::RunConfig;
use crate::runtime::registry::Registry;
use crate::runtime::scheduler::{MainTicket, Scheduler};
use crate::task::any::AnyTask;
use crate::task::core::HasCore;

/// What the threads of one runtime share.
pub(crate) struct Shared {
    pub(crate) scheduler: Scheduler,
    pub(crate) registry: Registry,
    /// Where `to_thread` runs its functions; closed at teardown (see `to_thread`).
    pub(crate) blocking: BlockingPool,
    /// Done callbacks queued and not yet run, which shutdown waits for.
    pub(crate) callbacks: PendingCallbacks,
}

/// Ends a runtime, normally or while unwinding: whatever still runs is aborted (its future
/// dropped, its awaiters told it was cancelled) and the queue is emptied, so no task outlives
/// the runtime and the cycles between tasks and the runtime are broken.
struct Teardown(Arc<Shared>);

impl Drop for Teardown {
    fn drop(&mut self) {
        self.0.registry.abort_all();
        self.0.scheduler.close();
        self.0.blocking.close();
    }
}

/// Runs `main` as the main task of a new [`Flavor::CurrentThread`](crate::Flavor) runtime and
/// returns its output: Python's `asyncio.run(main())`.
///
/// When `main` ends (returns, panics or is cancelled), every task still running is cancelled
/// and awaited, so destructors and `catch_cancel` cleanup run, before `run` returns or re-raises
/// `main`'s panic (BG-04, BG-08). Tasks that are already scheduled get their first step first,
/// as in Python. `run` waits for stubborn tasks without a time limit (BG-05).
///
/// # Panics
/// Inside another running runtime (runtimes do not nest), and if the main task was cancelled
/// (Python's `asyncio.run` raises `CancelledError` then). A panic of `main` is re-raised after
/// shutdown.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// let answer = asyncio::run(async {
///     let task = asyncio::spawn(async { 21 * 2 });
///     task.await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// ```
pub fn run<F: Future>(main: F) -> F::Output {
    RunConfig::new().run(main)
}

impl RunConfig {
    /// Runs `main` on a runtime of this configuration. See [`run`](crate::run).
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// let n = asyncio::RunConfig::new()
    ///     .flavor(asyncio::Flavor::MultiThread)
    ///     .worker_threads(2)
    ///     .run(async { asyncio::all_tasks().len() });
    /// assert_eq!(n, 1); // just main
    /// ```
    pub fn run<F: Future>(self, main: F) -> F::Output {
        let workers = self.workers();
        let shared = Arc::new(Shared {
            scheduler: Scheduler::new(workers.is_none()),
            registry: Registry::new(workers.is_none()),
            blocking: BlockingPool::new(self.blocking_limit()),
            callbacks: PendingCallbacks::default(),
        });
        let _runtime = RuntimeGuard::enter(shared.clone());
        let _teardown = Teardown(shared.clone());
        let pool = workers.map(|n| Workers::start(&shared, n));

        let main_core = Arc::new(MainCore::new());
        let key = shared.registry.insert(main_core.clone());
        let ctrl_c = CtrlC::arm(self.get_signals(), AnyTask::from_core(main_core.clone()));
        let mut output = None;
        let main_task = MainHarness::new(main_core.clone(), key, async {
            output = Some(CatchUnwind::new(main).await);
        });
        let program = async {
            main_task.await;
            shutdown(&shared).await;
        };
        match pool {
            None => {
                let ticket = MainTicket::new({
                    let shared = shared.clone();
                    move |ticket| shared.scheduler.push(ticket)
                });
                backend::block_on(shared.scheduler.run_main(program, ticket))
            }
            Some(pool) => {
                backend::block_on(program);
                pool.stop();
            }
        }

        match output {
            Some(Ok(value)) => value,
            Some(Err(payload)) => resume_unwind(payload),
            None => {
                let outcome = main_core.core().take_outcome();
                if ctrl_c.as_ref().is_some_and(CtrlC::received)
                    && matches!(&outcome, Err(TaskError::Cancelled(c)) if c.message() == Some(ctrl_c::MESSAGE))
                {
                    // Python's asyncio.run raises KeyboardInterrupt: the process ends with 130,
                    // after the cleanups of shutdown.
                    ctrl_c::exit();
                }
                // Each error's Display starts with "task ...": the sentence names the main task
                // once, then says what happened to it.
                let reason = match outcome {
                    Err(TaskError::Cancelled(c)) => match c.message() {
                        Some(message) => format!("was cancelled: {message}"),
                        None => "was cancelled".to_owned(),
                    },
                    Err(e) => format!("failed: {e}"),
                    Ok(()) => "ended without output".to_owned(),
                };
                panic!("asyncio::run: the main task {reason}")
            }
        }
    }
}

/// Cancels every task still running and waits for all of them, including tasks spawned while
/// shutting down, and for the done callbacks of the tasks that ended (which may spawn more).
async fn shutdown(shared: &Shared) {
    // Like Python's loop, let tasks that are already scheduled take their step first (BG-04).
    crate::time::YieldNow::new().await;
    loop {
        let live = shared.registry.live();
        if live.is_empty() {
            shared.callbacks.idle().await;
            if shared.registry.live().is_empty() {
                return;
            }
            continue;
        }
        for task in &live {
            let _ = task.cancel();
        }
        let mut stop = StopAll::new(live);
        (&mut stop).await;
        for task in stop.into_tasks() {
            if let Some(TaskError::Panicked(p)) = task.error() {
                eprintln!(
                    "asyncio: {} ended with a panic during shutdown: {}",
                    task.name(),
                    p.message()
                );
            }
        }
    }
}

/// The worker threads of a multi-thread runtime.
struct Workers {
    stop: Arc<Stop>,
    threads: Vec<JoinHandle<()>>,
}

/// Tells the workers to return once `main` and shutdown are over. One waker slot per worker,
/// replaced rather than added to on every poll of the worker's run loop: memory stays flat
/// however often a worker wakes up.
struct Stop {
    stopped: AtomicBool,
    wakers: Vec<AtomicWaker>,
}

impl Stop {
    fn new(workers: usize) -> Self {
        Stop {
            stopped: AtomicBool::new(false),
            wakers: (0..workers).map(|_| AtomicWaker::new()).collect(),
        }
    }

    fn stop(&self) {
        self.stopped.store(true, Ordering::Release);
        for waker in &self.wakers {
            waker.wake();
        }
    }

    /// Ready once [`stop`](Self::stop) was called; `worker` is the caller's index.
    async fn stopped(&self, worker: usize) {
        std::future::poll_fn(|cx| {
            if self.stopped.load(Ordering::Acquire) {
                return Poll::Ready(());
            }
            self.wakers[worker].register(cx.waker());
            // Registered, then checked again: a `stop` in between is not missed.
            if self.stopped.load(Ordering::Acquire) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
    }
}

impl Workers {
    fn start(shared: &Arc<Shared>, n: usize) -> Self {
        let stop = Arc::new(Stop::new(n));
        let threads = (0..n)
            .map(|i| {
                let shared = shared.clone();
                let stop = stop.clone();
                std::thread::Builder::new()
                    .name(format!("asyncio-worker-{i}"))
                    .spawn(move || {
                        let _runtime = RuntimeGuard::enter(shared.clone());
                        backend::block_on(shared.scheduler.run(stop.stopped(i)));
                    })
                    .expect("failed to start an asyncio worker thread")
            })
            .collect();
        Workers { stop, threads }
    }

    /// Stops and joins the workers (see `Drop`).
    fn stop(self) {
        drop(self);
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        // Reached without `stop()` only while `run` unwinds. Join the threads before the
        // runtime's teardown (dropped after this): teardown must not complete a task that a
        // worker is polling, or remove its registry slot twice.
        self.stop.stop();
        for thread in std::mem::take(&mut self.threads) {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicU8;
    use std::time::Duration;

    use super::*;

    /// When `run` unwinds, the workers are dropped before the runtime's teardown: the drop must
    /// wait for a poll in progress, or teardown would complete a task a worker is polling.
    #[test]
    fn dropping_the_workers_waits_for_a_poll_in_progress() {
        let shared = Arc::new(Shared {
            scheduler: Scheduler::new(false),
            registry: Registry::new(false),
            blocking: BlockingPool::new(1),
            callbacks: PendingCallbacks::default(),
        });
        let _runtime = RuntimeGuard::enter(shared.clone());
        let teardown = Teardown(shared.clone());
        let workers = Workers::start(&shared, 1);
        // 0: not started, 1: being polled, 2: poll returned.
        let progress = Arc::new(AtomicU8::new(0));
        let task = crate::spawn({
            let progress = progress.clone();
            async move {
                progress.store(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(200));
                progress.store(2, Ordering::SeqCst);
            }
        });
        while progress.load(Ordering::SeqCst) == 0 {
            std::thread::yield_now();
        }
        drop(workers);
        assert_eq!(
            progress.load(Ordering::SeqCst),
            2,
            "the worker was not joined"
        );
        drop(teardown);
        assert_eq!(task.result(), Ok(()));
    }
}
