//! Running tasks: starting a runtime, running `main` as a task, and shutting down (Python's
//! `asyncio.run`).
//!
//! - `mod.rs`: [`run`] and [`RunConfig::run`], and what the threads of a runtime share;
//!   `config.rs`: [`RunConfig`]; `current.rs`: which runtime this thread serves.
//! - `scheduler.rs`: the run queue and the loop that drains it; `workers.rs`: the threads of a
//!   multi-thread runtime; `registry.rs`: every live task, for `all_tasks()` and shutdown.
//! - `cell.rs`: a spawned task (its core and body in one allocation); `main_task.rs`: the main
//!   task; `body.rs`: what drives a task's future, delivers its cancellation and contains its
//!   panics.
//! - `shutdown.rs`: cancelling and awaiting what is left when `main` ends.

pub(crate) mod body;
pub(crate) mod callbacks;
pub(crate) mod cell;
pub(crate) mod config;
pub(crate) mod ctrl_c;
pub(crate) mod current;
mod main_task;
pub(crate) mod registry;
pub(crate) mod runnable;
pub(crate) mod scheduler;
pub(crate) mod shared;
mod shutdown;
mod ticket;
mod unhandled;
mod workers;

use std::future::Future;
use std::panic::resume_unwind;
use std::sync::Arc;

use self::callbacks::PendingCallbacks;
use self::ctrl_c::CtrlC;
use self::current::RuntimeGuard;
use self::main_task::{CatchUnwind, MainCore, MainHarness};
use self::registry::Registry;
use self::scheduler::Scheduler;
use self::shutdown::shutdown;
use self::ticket::MainTicket;
use self::unhandled::PanickedTasks;
pub use self::unhandled::UnhandledPanic;
use self::workers::Workers;
use crate::backend;
use crate::blocking::BlockingPool;
use crate::error::TaskError;
use crate::handle::any::AnyTask;
use crate::task::erased::CoreOwner;
pub(crate) use config::RunConfig;
pub(crate) use current::with_runtime;
pub(crate) use shared::Shared;
use shared::Teardown;

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
            panicked: PanickedTasks::new(self.get_unhandled_panic()),
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
                backend::block_on(shared.scheduler.serve_main(program, ticket))
            }
            Some(pool) => {
                backend::block_on(program);
                pool.join();
            }
        }

        match output {
            Some(Ok(value)) => {
                shared.panicked.check();
                value
            }
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU8, Ordering};
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
            panicked: PanickedTasks::new(UnhandledPanic::Ignore),
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
