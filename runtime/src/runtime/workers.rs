//! The worker threads of a multi-thread runtime: each runs the scheduler's loop until `run`
//! tells them to quit.

use std::sync::Arc;
use std::task::Poll;
use std::thread::JoinHandle;

use atomic_waker::AtomicWaker;

use super::current::RuntimeGuard;
use super::shared::Shared;
use crate::backend;
use crate::sync::{AtomicBool, Ordering};

/// The worker threads of a multi-thread runtime.
pub(super) struct Workers {
    quit: Arc<Quit>,
    threads: Vec<JoinHandle<()>>,
}

/// Tells the workers to quit once `main` and shutdown are over. One waker slot per worker,
/// replaced rather than added to on every poll of the worker's run loop: memory stays flat
/// however often a worker wakes up.
struct Quit {
    requested: AtomicBool,
    wakers: Vec<AtomicWaker>,
}

impl Quit {
    fn new(workers: usize) -> Self {
        Quit {
            requested: AtomicBool::new(false),
            wakers: (0..workers).map(|_| AtomicWaker::new()).collect(),
        }
    }

    fn request(&self) {
        self.requested.store(true, Ordering::Release);
        for waker in &self.wakers {
            waker.wake();
        }
    }

    /// Ready once [`request`](Self::request) was called; `worker` is the caller's index.
    async fn requested(&self, worker: usize) {
        std::future::poll_fn(|cx| {
            if self.requested.load(Ordering::Acquire) {
                return Poll::Ready(());
            }
            self.wakers[worker].register(cx.waker());
            // Registered, then checked again: a `request` in between is not missed.
            if self.requested.load(Ordering::Acquire) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
    }
}

impl Workers {
    pub(super) fn start(shared: &Arc<Shared>, n: usize) -> Self {
        let quit = Arc::new(Quit::new(n));
        let threads = (0..n)
            .map(|i| {
                let shared = shared.clone();
                let quit = quit.clone();
                std::thread::Builder::new()
                    .name(format!("asyncio-worker-{i}"))
                    .spawn(move || {
                        let _runtime = RuntimeGuard::enter(shared.clone());
                        backend::block_on(shared.scheduler.serve(quit.requested(i)));
                    })
                    .expect("failed to start an asyncio worker thread")
            })
            .collect();
        Workers { quit, threads }
    }

    /// Tells the workers to quit and joins them (see `Drop`).
    pub(super) fn join(self) {
        drop(self);
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        // Reached without `join()` only while `run` unwinds. Join the threads before the
        // runtime's teardown (dropped after this): teardown must not complete a task that a
        // worker is polling, or remove its registry slot twice.
        self.quit.request();
        for thread in std::mem::take(&mut self.threads) {
            let _ = thread.join();
        }
    }
}
