//! Starting a runtime, running `main` as a task, and shutting down (Python's `asyncio.run`).

use std::future::Future;
use std::panic::resume_unwind;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Poll, Waker};
use std::thread::JoinHandle;

use crate::backend;
use crate::blocking::BlockingPool;
use crate::config::RunConfig;
use crate::context::RuntimeGuard;
use crate::core::HasCore;
use crate::error::TaskError;
use crate::harness::{CatchUnwind, MainCore, MainHarness};
use crate::registry::Registry;
use crate::scheduler::Scheduler;
use crate::stop::StopAll;

/// What the threads of one runtime share.
pub(crate) struct Shared {
    pub(crate) scheduler: Scheduler,
    pub(crate) registry: Registry,
    /// Where `to_thread` runs its functions; closed at teardown (see `to_thread`).
    pub(crate) blocking: BlockingPool,
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
        });
        let _runtime = RuntimeGuard::enter(shared.clone());
        let _teardown = Teardown(shared.clone());
        let pool = workers.map(|n| Workers::start(&shared, n));

        let main_core = Arc::new(MainCore::new());
        let key = shared.registry.insert(main_core.clone());
        let mut output = None;
        let main_task = MainHarness::new(main_core.clone(), key, async {
            output = Some(CatchUnwind::new(main).await);
        });
        let program = async {
            main_task.await;
            shutdown(&shared).await;
        };
        match pool {
            None => backend::block_on(shared.scheduler.run(program)),
            Some(pool) => {
                backend::block_on(program);
                pool.stop();
            }
        }

        match output {
            Some(Ok(value)) => value,
            Some(Err(payload)) => resume_unwind(payload),
            None => {
                // Each error's Display starts with "task ...": the sentence names the main task
                // once, then says what happened to it.
                let reason = match main_core.core().take_outcome() {
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
/// shutting down.
async fn shutdown(shared: &Shared) {
    // Like Python's loop, let tasks that are already scheduled take their step first (BG-04).
    crate::time::YieldNow::new().await;
    loop {
        let live = shared.registry.live();
        if live.is_empty() {
            return;
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

/// Tells the workers to return once `main` and shutdown are over.
#[derive(Default)]
struct Stop {
    stopped: AtomicBool,
    wakers: Mutex<Vec<Waker>>,
}

impl Stop {
    fn stop(&self) {
        self.stopped.store(true, Ordering::Release);
        for waker in self
            .wakers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain(..)
        {
            waker.wake();
        }
    }

    async fn stopped(&self) {
        std::future::poll_fn(|cx| {
            let mut wakers = self.wakers.lock().unwrap_or_else(PoisonError::into_inner);
            if self.stopped.load(Ordering::Acquire) {
                return Poll::Ready(());
            }
            wakers.push(cx.waker().clone());
            Poll::Pending
        })
        .await;
    }
}

impl Workers {
    fn start(shared: &Arc<Shared>, n: usize) -> Self {
        let stop = Arc::new(Stop::default());
        let threads = (0..n)
            .map(|i| {
                let shared = shared.clone();
                let stop = stop.clone();
                std::thread::Builder::new()
                    .name(format!("asyncio-worker-{i}"))
                    .spawn(move || {
                        let _runtime = RuntimeGuard::enter(shared.clone());
                        backend::block_on(shared.scheduler.run(stop.stopped()));
                    })
                    .expect("failed to start an asyncio worker thread")
            })
            .collect();
        Workers { stop, threads }
    }

    fn stop(mut self) {
        self.stop.stop();
        for thread in std::mem::take(&mut self.threads) {
            let _ = thread.join();
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        // Reached without `stop()` only while unwinding: let the threads end on their own.
        self.stop.stop();
    }
}
