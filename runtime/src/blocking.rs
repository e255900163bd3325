//! The pool of blocking threads of one runtime: where [`to_thread`](crate::to_thread) runs its
//! functions (Python's default `ThreadPoolExecutor`).
//!
//! Why a pool of our own rather than the backend's: async-std's `spawn_blocking` and smol's
//! `blocking` crate share one process-wide pool, sized once per process (from the
//! `BLOCKING_MAX_THREADS` environment variable, default 500). `RunConfig::blocking_threads(n)`
//! must bound *this* runtime's jobs, and several runtimes with different bounds may run in one
//! process (tests do), so neither fits. What is needed is small: a queue, a condition
//! variable, and threads started on demand up to the bound, which leave after a while idle.
//! Plain `std` threads: nothing here touches the async backend.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// A job: the function and what reports its outcome.
pub(crate) type Job = Box<dyn FnOnce() + Send>;

/// How long an idle thread waits for a new job before it leaves.
const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// A handle to the pool; clones share it.
#[derive(Clone)]
pub(crate) struct BlockingPool {
    inner: Arc<Inner>,
}

struct Inner {
    /// At most this many threads run jobs at once; further jobs wait in the queue.
    limit: usize,
    state: Mutex<State>,
    /// Signalled when a job is queued or the pool closes.
    available: Condvar,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Job>,
    /// Threads alive (running a job or idle).
    threads: usize,
    /// Threads waiting for a job.
    idle: usize,
    /// No more jobs: the runtime has ended.
    closed: bool,
}

impl BlockingPool {
    /// A pool of at most `limit` threads (`limit > 0`); no thread starts before the first job.
    pub(crate) fn new(limit: usize) -> Self {
        debug_assert!(limit > 0, "checked by RunConfig::blocking_threads");
        BlockingPool {
            inner: Arc::new(Inner {
                limit,
                state: Mutex::new(State::default()),
                available: Condvar::new(),
            }),
        }
    }

    /// Queues `job`, starting a thread for it if none is idle and the bound allows; `Err` gives
    /// the job back if the pool is closed.
    pub(crate) fn submit(&self, job: Job) -> Result<(), Job> {
        let mut state = self.inner.lock();
        if state.closed {
            return Err(job);
        }
        state.queue.push_back(job);
        let start_thread = state.queue.len() > state.idle && state.threads < self.inner.limit;
        if start_thread {
            state.threads += 1;
        }
        drop(state);
        self.inner.available.notify_one();
        if start_thread {
            let inner = self.inner.clone();
            let started = std::thread::Builder::new()
                .name("asyncio-blocking".to_owned())
                .spawn(move || inner.work());
            if let Err(error) = started {
                self.inner.lock().threads -= 1;
                panic!("asyncio::to_thread: failed to start a blocking thread: {error}");
            }
        }
        Ok(())
    }

    /// The runtime has ended: refuse new jobs, drop the queued ones (their tasks were cancelled
    /// by shutdown), and let idle threads leave. Jobs already running finish on their threads,
    /// which then leave; nobody waits for them.
    pub(crate) fn close(&self) {
        let queued = {
            let mut state = self.inner.lock();
            state.closed = true;
            std::mem::take(&mut state.queue)
        };
        self.inner.available.notify_all();
        // Outside the lock: dropping a job drops the user's function.
        if catch_unwind(AssertUnwindSafe(|| drop(queued))).is_err() {
            eprintln!("asyncio: a to_thread function panicked while being dropped at shutdown");
        }
    }

    /// The bound, for tests of the configuration.
    #[cfg(test)]
    pub(crate) fn limit(&self) -> usize {
        self.inner.limit
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Jobs run outside the lock, so a poisoned lock can only come from a bug here; the
        // state is still consistent between statements.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A thread of the pool: runs queued jobs until the pool closes or it has been idle for
    /// [`KEEP_ALIVE`].
    fn work(&self) {
        let mut state = self.lock();
        loop {
            if let Some(job) = state.queue.pop_front() {
                drop(state);
                // The job catches the function's panic itself; this is the last resort (a
                // panic while dropping a value), so that the thread count stays right.
                if catch_unwind(AssertUnwindSafe(job)).is_err() {
                    eprintln!("asyncio: a to_thread job panicked outside its function");
                }
                state = self.lock();
                continue;
            }
            if state.closed {
                break;
            }
            state.idle += 1;
            let (guard, waited) = self
                .available
                .wait_timeout(state, KEEP_ALIVE)
                .unwrap_or_else(PoisonError::into_inner);
            state = guard;
            state.idle -= 1;
            if waited.timed_out() && state.queue.is_empty() {
                break;
            }
        }
        state.threads -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;

    #[test]
    fn jobs_beyond_the_limit_queue_and_all_run() {
        let pool = BlockingPool::new(2);
        assert_eq!(pool.limit(), 2);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let (done, finished) = mpsc::channel();
        for _ in 0..6 {
            let (running, most, done) = (running.clone(), most.clone(), done.clone());
            let job: Job = Box::new(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(20));
                running.fetch_sub(1, Ordering::SeqCst);
                done.send(()).unwrap();
            });
            assert!(pool.submit(job).is_ok());
        }
        for _ in 0..6 {
            finished.recv_timeout(Duration::from_secs(10)).unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
        assert!(pool.inner.lock().threads <= 2);
        pool.close();
    }

    #[test]
    fn a_closed_pool_refuses_jobs_and_drops_the_queued_ones() {
        let pool = BlockingPool::new(1);
        let (release, blocked) = mpsc::channel::<()>();
        let (started, has_started) = mpsc::channel();
        assert!(pool
            .submit(Box::new(move || {
                started.send(()).unwrap();
                let _ = blocked.recv();
            }))
            .is_ok());
        has_started.recv_timeout(Duration::from_secs(10)).unwrap();
        let ran = Arc::new(AtomicUsize::new(0));
        let queued = ran.clone();
        assert!(pool
            .submit(Box::new(move || {
                queued.fetch_add(1, Ordering::SeqCst);
            }))
            .is_ok());
        pool.close();
        assert!(pool.submit(Box::new(|| {})).is_err());
        release.send(()).unwrap();
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(
            ran.load(Ordering::SeqCst),
            0,
            "a queued job is dropped by close"
        );
    }
}
