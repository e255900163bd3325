//! `to_thread`: run a blocking function on the runtime's pool of blocking threads, as a task
//! (Python's `asyncio.to_thread`).
//!
//! The task is an ordinary spawned task whose future hands the function to the pool and then
//! awaits a one-shot slot that the pool's thread fills. Cancelling it is therefore an ordinary
//! cancellation: the future (and the slot's receiving end) is dropped, the task ends cancelled
//! at once, and the thread, which cannot be interrupted, runs the function to its end and drops
//! the value. A job whose task is gone before a thread picks it up is skipped, as Python's
//! executor cancels a future that has not started.

use crate::sync::{AtomicBool, Ordering};
use std::future::{poll_fn, Future};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;

use atomic_waker::AtomicWaker;

use crate::handle::task::Task;
use crate::spawn::spawn;

/// Runs the blocking function `f` on a thread of the runtime's blocking pool and returns its
/// [`Task`] at once (Python's `asyncio.to_thread`). The event loop keeps running meanwhile.
///
/// Use it for anything that holds its thread: a blocking call (`std::fs`, `std::net`, a
/// database driver, `std::thread::sleep`) or CPU-bound work. Inside a task, such a call stops
/// every other task that shares the thread until it returns (on the default flavor: every task
/// of the program).
///
/// - The pool is the runtime's own, bounded by
///   [`RunConfig::blocking_threads`](crate::RunConfig::blocking_threads) (default: Python's
///   `min(32, CPUs + 4)`); further jobs queue, in order. Threads start on demand and leave
///   after 10 s without work.
/// - The task is like any other: awaitable (and, for `T: Clone`, awaitable many times), in
///   `all_tasks()`, cancellable. `f` is handed to the pool when the task first
///   runs, so a task cancelled before that (or while its job waits in the queue) never runs `f`.
///   Once `f` runs, a cancel stops the awaiters waiting and ends the task cancelled at once,
///   while the thread runs `f` to its end (a thread cannot be interrupted; Python does the same)
///   and drops its value.
/// - A panic in `f` ends the task with [`TaskError::Panicked`](crate::TaskError::Panicked).
/// - `f` runs outside the runtime: `spawn!` and the like panic there (as Python's
///   `get_running_loop()` raises in the function of `to_thread`). Send results back through the
///   task's value, or through a channel such as `std::sync::mpsc`.
/// - When `run` ends, shutdown cancels the task like every other one; queued jobs are dropped
///   without running, and `run` does **not** wait for a function that is still running: it goes
///   on in its thread, which leaves when the function returns, and the value is dropped.
///   (Divergence: Python's `asyncio.run` joins the default executor's threads, since 3.12 for
///   at most 5 minutes; a blocking call that never returns would hold `run` that long. To wait
///   for a job, await its task before `main` returns.)
///
/// # Panics
/// When no runtime is running on this thread, naming `#[asyncio::async_main]`.
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use std::time::Duration;
/// asyncio::run(async {
///     let slow = asyncio::to_thread(|| {
///         std::thread::sleep(Duration::from_millis(50)); // blocks its own thread only
///         6 * 7
///     });
///     let ticker = asyncio::spawn(async {
///         let mut ticks = 0;
///         for _ in 0..3 {
///             asyncio::sleep(Duration::from_millis(1)).await;
///             ticks += 1;
///         }
///         ticks
///     });
///     assert_eq!(ticker.await, Ok(3)); // the loop kept running meanwhile
///     assert_eq!(slow.await, Ok(42));
/// });
/// ```
#[track_caller]
pub fn to_thread<F, T>(f: F) -> Task<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let Some(pool) = crate::runtime::with_runtime(|rt| rt.blocking.clone()) else {
        panic!(
            "asyncio::to_thread needs a running asyncio runtime on this thread: start one with \
             #[asyncio::async_main] on main, #[asyncio::async_test] on a test, or \
             asyncio::run(...)"
        )
    };
    spawn(async move {
        let (sender, receiver) = one_shot();
        let job = Box::new(move || {
            if sender.receiver_gone() {
                return; // the task was cancelled while the job was queued
            }
            sender.send(catch_unwind(AssertUnwindSafe(f)));
        });
        if pool.submit(job).is_err() {
            panic!("asyncio::to_thread: the runtime has ended; no new blocking jobs are run");
        }
        match receiver.recv().await {
            Some(Ok(value)) => value,
            // The panic of `f`, re-raised in the task: it ends `Panicked` with its message.
            Some(Err(payload)) => resume_unwind(payload),
            None => panic!("asyncio::to_thread: the job was dropped before it ran"),
        }
    })
}

/// The slot between the pool's thread and the task.
struct Slot<T> {
    value: Mutex<Option<T>>,
    sender_gone: AtomicBool,
    receiver_gone: AtomicBool,
    waker: AtomicWaker,
}

struct Sender<T>(Arc<Slot<T>>);
struct Receiver<T>(Arc<Slot<T>>);

fn one_shot<T>() -> (Sender<T>, Receiver<T>) {
    let slot = Arc::new(Slot {
        value: Mutex::new(None),
        sender_gone: AtomicBool::new(false),
        receiver_gone: AtomicBool::new(false),
        waker: AtomicWaker::new(),
    });
    (Sender(slot.clone()), Receiver(slot))
}

impl<T> Sender<T> {
    fn receiver_gone(&self) -> bool {
        self.0.receiver_gone.load(Ordering::Acquire)
    }

    /// Stores the value; the receiver is woken when the sender goes, just after.
    fn send(self, value: T) {
        *self.0.value.lock().unwrap_or_else(PoisonError::into_inner) = Some(value);
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.0.sender_gone.store(true, Ordering::Release);
        self.0.waker.wake();
    }
}

impl<T> Receiver<T> {
    /// The value, or `None` if the sender went without sending.
    fn recv(&self) -> impl Future<Output = Option<T>> + '_ {
        poll_fn(|cx| {
            self.0.waker.register(cx.waker());
            // Read `sender_gone` before the value: the value is stored before the flag is set.
            let gone = self.0.sender_gone.load(Ordering::Acquire);
            let value = self
                .0
                .value
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            match value {
                Some(value) => Poll::Ready(Some(value)),
                None if gone => Poll::Ready(None),
                None => Poll::Pending,
            }
        })
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.0.receiver_gone.store(true, Ordering::Release);
    }
}
