//! The run queue of one runtime and the loop that drains it, on every thread that runs tasks.
//!
//! Our own instead of `async-executor`'s: a task here is one [`TaskCell`](crate::runtime::cell::TaskCell)
//! (our `Core`, the scheduling state and the future in one allocation), so the queue holds the
//! cell itself. With `async-executor` every task was two allocations (its task plus our `Core`),
//! and it kept a second registry of its own (a `Mutex<Slab<Waker>>` of active tasks, locked
//! twice per task) beside ours (the measurements: docs/performance.md, "What changed before").
//!
//! One global FIFO queue (`concurrent-queue`, from the smol family): tasks start in the order
//! they were spawned, as in Python. Runners that find it empty register their waker as sleepers
//! and return `Pending` to the backend's `block_on`, which parks the thread and drives the
//! reactor; a push wakes one sleeper. At most one woken sleeper is on its way at a time
//! (`notified`), and a runner that finds more work than it can do wakes the next one, as
//! `async-executor` does, so a burst of spawns costs one wake-up, not one per task.
//!
//! A current-thread runtime has one runner, and almost every push comes from that runner's own
//! thread (spawns, and tasks waking each other). Those go to a thread-local FIFO instead: no
//! atomics, no fence, no sleeper check (the `ConcurrentQueue` push and pop saved per spawn + await).
//! Pushes from other threads (timers, `std` threads)
//! still use the shared queue; the runner takes from both, and from the shared queue at least
//! every [`LOCAL_STREAK`] tasks, so neither starves.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, PoisonError};
use std::task::{Context, Poll, Waker};

use concurrent_queue::ConcurrentQueue;
use pin_project_lite::pin_project;

use super::runnable::Runnable;
use super::ticket::MainTicket;
use crate::contain;
use crate::sync::{fence, AtomicBool, AtomicU64, AtomicUsize, Mutex, MutexGuard, Ordering};

/// Tasks a runner takes from the queue before it yields to the backend (reactor, timers) and
/// polls its own future again.
const BUDGET: usize = 128;

/// Tasks a current-thread runner takes from its local queue before it looks at the shared one.
const LOCAL_STREAK: usize = 32;

/// How long a runner runs tasks before it yields to the backend's `block_on` so that it polls the
/// reactor (a non-blocking poll), even with budget left: less than the first nap (50 µs) of
/// async-io's standby thread. That thread takes the reactor over whenever a nap passes without a
/// poll; the reactor then runs there, and readiness reaches the runner from another thread, two
/// context switches at a time (issue #20). Polled this often, the reactor stays on the runner's
/// thread, and the standby thread's naps grow to 10 ms. Only checked every [`SLICE_CHECK`] tasks,
/// from the [`SLICE_CHECK`]th on, and only in a batch that took a task from the shared queue
/// (see `serve_batch`): a short batch, or one of tasks that only wake each other, reads no clock.
const SLICE: std::time::Duration = std::time::Duration::from_micros(40);

/// Tasks between two looks at the clock in a batch; see [`SLICE`].
const SLICE_CHECK: usize = 8;

thread_local! {
    /// The address of the single-runner scheduler whose runner is being polled on this thread
    /// (0: none). Only compared, never dereferenced.
    static RUNNING_HERE: Cell<usize> = const { Cell::new(0) };
    /// That runner's local queue.
    static LOCAL_QUEUE: RefCell<VecDeque<Arc<dyn Runnable>>> = const { RefCell::new(VecDeque::new()) };
}

fn pop_local() -> Option<Arc<dyn Runnable>> {
    LOCAL_QUEUE.with(|queue| queue.borrow_mut().pop_front())
}

/// One runtime's queue of tasks ready to run, and the runners waiting for work.
pub(crate) struct Scheduler {
    /// One runner (a current-thread runtime): its own pushes use the thread-local queue.
    single_runner: bool,
    queue: ConcurrentQueue<Arc<dyn Runnable>>,
    /// Runners waiting for work, by runner id.
    sleepers: Mutex<Vec<(u64, Waker)>>,
    /// `sleepers.len()`, readable without the lock on every push.
    sleeping: AtomicUsize,
    /// A sleeper has been woken and has not checked in yet.
    notified: AtomicBool,
    next_runner: AtomicU64,
}

impl Scheduler {
    pub(crate) fn new(single_runner: bool) -> Self {
        Scheduler {
            single_runner,
            queue: ConcurrentQueue::unbounded(),
            sleepers: Mutex::new(Vec::new()),
            sleeping: AtomicUsize::new(0),
            notified: AtomicBool::new(false),
            next_runner: AtomicU64::new(0),
        }
    }

    /// Queues a task that is ready to run.
    pub(crate) fn push(&self, task: Arc<dyn Runnable>) {
        if self.single_runner && RUNNING_HERE.with(Cell::get) == self.address() {
            LOCAL_QUEUE.with(|queue| queue.borrow_mut().push_back(task));
            return;
        }
        // Closed only after the runtime has ended: the task is dropped, which breaks the
        // cell → runtime → queue → cell cycle.
        if self.queue.push(task).is_ok() {
            self.notify();
        }
    }

    /// Wakes one sleeping runner, unless one is already on its way.
    fn notify(&self) {
        // Pairs with the fence in `Serving::sleep`: either the sleeper sees the pushed task, or we
        // see the sleeper.
        fence(Ordering::SeqCst);
        if self.sleeping.load(Ordering::Relaxed) == 0 || self.notified.swap(true, Ordering::AcqRel)
        {
            return;
        }
        let woken = {
            let mut sleepers = self.sleepers();
            let woken = sleepers.pop();
            self.sleeping.store(sleepers.len(), Ordering::Relaxed);
            woken
        };
        match woken {
            Some((_, waker)) => waker.wake(),
            None => self.notified.store(false, Ordering::Release),
        }
    }

    fn address(&self) -> usize {
        self as *const Self as usize
    }

    fn sleepers(&self) -> MutexGuard<'_, Vec<(u64, Waker)>> {
        self.sleepers.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A future that runs this queue's tasks on the current thread until `main` is ready.
    /// `main` is polled first on every poll.
    pub(crate) fn serve<F: Future>(&self, main: F) -> Serving<'_, F> {
        Serving {
            scheduler: self,
            main,
            ticket: None,
            id: self.next_runner.fetch_add(1, Ordering::Relaxed),
            asleep: false,
        }
    }

    /// Like [`run`](Self::run), but `main` waits its turn in the queue: it is polled when
    /// `ticket` comes up (see [`MainTicket`]), with the ticket as its waker.
    pub(crate) fn serve_main<F: Future>(&self, main: F, ticket: Arc<MainTicket>) -> Serving<'_, F> {
        let waker = Waker::from(ticket.clone());
        Serving {
            scheduler: self,
            main,
            ticket: Some((ticket, waker)),
            id: self.next_runner.fetch_add(1, Ordering::Relaxed),
            asleep: false,
        }
    }

    /// Stops accepting tasks and drops the queued ones; for the end of a runtime.
    pub(crate) fn close(&self) {
        self.queue.close();
        while let Ok(task) = self.queue.pop() {
            drop(task);
        }
    }
}

pin_project! {
    /// Runs queued tasks on the current thread while polling `main`; see [`Scheduler::run`].
    pub(crate) struct Serving<'a, F> {
        scheduler: &'a Scheduler,
        #[pin]
        main: F,
        // `Some` for `serve_main`: main's ticket and the waker made of it.
        ticket: Option<(Arc<MainTicket>, Waker)>,
        id: u64,
        // Registered among the sleepers (or woken from there and not checked in yet).
        asleep: bool,
    }

    impl<F> PinnedDrop for Serving<'_, F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if *this.asleep {
                wake_up(this.scheduler, *this.id);
            }
            if this.scheduler.single_runner {
                // The runtime is over: its tasks must not stay in this thread's queue. Popped
                // one at a time, as dropping a task can push another.
                while let Some(task) = pop_local() {
                    drop(task);
                }
            }
        }
    }
}

/// Takes runner `id` off the sleepers; if it was the one woken, the next push may wake another.
fn wake_up(scheduler: &Scheduler, id: u64) {
    let mut sleepers = scheduler.sleepers();
    match sleepers.iter().position(|(sleeper, _)| *sleeper == id) {
        Some(index) => {
            drop(sleepers.swap_remove(index));
            scheduler.sleeping.store(sleepers.len(), Ordering::Relaxed);
        }
        None => scheduler.notified.store(false, Ordering::Release),
    }
}

/// Marks this thread as running `scheduler`'s single runner while alive.
struct RunningHere(usize);

impl RunningHere {
    fn enter(scheduler: &Scheduler) -> Option<RunningHere> {
        scheduler
            .single_runner
            .then(|| RunningHere(RUNNING_HERE.with(|here| here.replace(scheduler.address()))))
    }
}

impl Drop for RunningHere {
    fn drop(&mut self) {
        RUNNING_HERE.with(|here| here.set(self.0));
    }
}

impl Scheduler {
    /// The next task for a runner that has taken `streak` local tasks in a row.
    fn next(&self, streak: &mut usize) -> Option<Arc<dyn Runnable>> {
        if self.single_runner && *streak < LOCAL_STREAK {
            if let Some(task) = pop_local() {
                *streak += 1;
                return Some(task);
            }
        }
        *streak = 0;
        match self.queue.pop() {
            Ok(task) => {
                if !self.single_runner && !self.queue.is_empty() {
                    // More than this runner can start right now: let a sleeper help.
                    self.notify();
                }
                Some(task)
            }
            Err(_) if self.single_runner => {
                // A local task after all: the first of a new streak.
                let task = pop_local();
                *streak = usize::from(task.is_some());
                task
            }
            Err(_) => None,
        }
    }
}

impl<F: Future> Future for Serving<'_, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let scheduler = *this.scheduler;
        let _here = RunningHere::enter(scheduler);
        if *this.asleep {
            *this.asleep = false;
            wake_up(scheduler, *this.id);
        }
        let mut main = this.main;
        if this.ticket.is_none() {
            if let Poll::Ready(output) = main.as_mut().poll(cx) {
                return Poll::Ready(output);
            }
        }
        let ticket = this.ticket.as_ref();
        let (asleep, id) = (this.asleep, *this.id);
        // The last resort against a bug of ours: the tasks' own code is contained in their polls
        // (`Body::poll`), and a panic that gets through a task's `run` anyway ends that task
        // (`TaskCell::run`'s unwind guard); here the runner reports it and goes on, so no worker,
        // nor `run` itself, dies of it. One catch per batch of up to BUDGET tasks, not one per
        // task (~45 instructions a task, callgrind).
        let batch = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            serve_batch(scheduler, main.as_mut(), ticket, asleep, id, cx)
        }));
        match batch {
            Ok(poll) => poll,
            Err(payload) => {
                let panicked = crate::error::Panicked::from_payload(&*payload);
                contain::drop_payload(payload);
                contain::report("", "the runtime, while running a task,", &panicked);
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }
}

/// Runs up to [`BUDGET`] tasks (and `main`, when it has a ticket and its turn comes); see
/// [`Serving::poll`].
fn serve_batch<F: Future>(
    scheduler: &Scheduler,
    mut main: Pin<&mut F>,
    ticket: Option<&(Arc<MainTicket>, Waker)>,
    asleep: &mut bool,
    id: u64,
    cx: &mut Context<'_>,
) -> Poll<F::Output> {
    let mut ran = 0;
    let mut streak = 0;
    // When this batch reached its first SLICE_CHECK tasks.
    let mut slice_start = None;
    // Whether the slice applies: once a task came from the shared queue (always, with several
    // runners). A current-thread runner's tasks come from there when something outside its polls
    // woke them: the reactor (I/O, timers) or another thread. Batches of tasks that only wake
    // each other (the local queue) read no clock, and run their whole budget.
    let mut sliced = false;
    while ran < BUDGET {
        if sliced && ran % SLICE_CHECK == 0 {
            let now = std::time::Instant::now();
            match slice_start {
                None => slice_start = Some(now),
                Some(start) if now.duration_since(start) >= SLICE => break,
                Some(_) => {}
            }
        }
        if let Some((ticket, waker)) = ticket {
            // Only this runner sets `due` (popping the ticket): a plain load first.
            if ticket.due.load(Ordering::Relaxed) {
                ticket.due.store(false, Ordering::Relaxed);
                // A wake from here on queues the ticket again.
                ticket.queued.store(false, Ordering::Release);
                ran += 1;
                if let Poll::Ready(output) = main.as_mut().poll(&mut Context::from_waker(waker)) {
                    return Poll::Ready(output);
                }
                continue;
            }
        }
        match scheduler.next(&mut streak) {
            Some(task) => {
                // `next` counts local tasks in `streak`, and resets it for a shared one.
                sliced |= streak == 0;
                ran += 1;
                task.run();
            }
            None => {
                // Register as a sleeper, then look again: a push that did not see us has made
                // its task visible by now.
                {
                    let mut sleepers = scheduler.sleepers();
                    match sleepers.iter_mut().find(|(sleeper, _)| *sleeper == id) {
                        Some((_, waker)) => waker.clone_from(cx.waker()),
                        None => sleepers.push((id, cx.waker().clone())),
                    }
                    scheduler.sleeping.store(sleepers.len(), Ordering::Relaxed);
                }
                *asleep = true;
                fence(Ordering::SeqCst);
                // The local queue is empty here (`next` returned `None`) and only this thread
                // fills it.
                if scheduler.queue.is_empty() {
                    return Poll::Pending;
                }
                *asleep = false;
                wake_up(scheduler, id);
            }
        }
    }
    // Budget or slice spent: let the backend poll its reactor, then come back.
    cx.waker().wake_by_ref();
    Poll::Pending
}

#[cfg(all(test, asyncio_loom))]
#[path = "scheduler_loom.rs"]
mod loom_models;

#[cfg(all(test, not(asyncio_loom)))]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    /// A runnable with a bug: it panics.
    struct Buggy;

    impl Runnable for Buggy {
        fn run(self: Arc<Self>) {
            panic!("a bug of ours");
        }
    }

    struct Counted(AtomicUsize);

    impl Runnable for Counted {
        fn run(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn a_panic_that_escapes_a_task_is_reported_and_the_runner_goes_on() {
        let scheduler = Scheduler::new(false);
        let counted = Arc::new(Counted(AtomicUsize::new(0)));
        scheduler.push(Arc::new(Buggy));
        scheduler.push(counted.clone());
        scheduler.push(Arc::new(Buggy));
        scheduler.push(counted.clone());
        let done = std::future::poll_fn(|cx| {
            if counted.0.load(Ordering::SeqCst) == 2 {
                Poll::Ready(())
            } else {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        });
        crate::backend::block_on(scheduler.serve(done));
        scheduler.close();
    }
}
