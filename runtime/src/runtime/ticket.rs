//! The main task's ticket in the run queue of a current-thread runtime.

use std::sync::Arc;

use super::runnable::Runnable;
use crate::sync::{AtomicBool, Ordering};

/// The main task's place in the run queue of a current-thread runtime (API.md rule 9): `main`
/// is not a cell (its future need not be `Send` or `'static`), so the queue holds this ticket
/// instead, and the runner polls `main` when the ticket comes up, in FIFO order with the tasks.
/// One `yield_now()` in `main` thus lets each ready task take exactly one step, as in Python
/// (CPython's `test_cancel_yield`). The ticket is `main`'s waker.
pub(crate) struct MainTicket {
    /// In the queue, or popped and `main` not polled yet: a wake does not queue it again.
    pub(super) queued: AtomicBool,
    /// Popped: poll `main` now.
    pub(super) due: AtomicBool,
    push: Box<dyn Fn(Arc<dyn Runnable>) + Send + Sync>,
}

impl MainTicket {
    /// A ticket that is due at once (`main` runs first); `push` queues it on its scheduler.
    pub(crate) fn new(push: impl Fn(Arc<dyn Runnable>) + Send + Sync + 'static) -> Arc<Self> {
        Arc::new(MainTicket {
            queued: AtomicBool::new(true),
            due: AtomicBool::new(true),
            push: Box::new(push),
        })
    }
}

impl Runnable for MainTicket {
    fn run(self: Arc<Self>) {
        self.due.store(true, Ordering::Release);
    }
}

impl std::task::Wake for MainTicket {
    fn wake(self: Arc<Self>) {
        if !self.queued.swap(true, Ordering::AcqRel) {
            (self.push)(self.clone());
        }
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.queued.swap(true, Ordering::AcqRel) {
            (self.push)(self.clone());
        }
    }
}
