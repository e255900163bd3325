//! `add_done_callback`: Python's `Task.add_done_callback`. A callback runs exactly once, after
//! its task has ended, on the runtime (a job in the run queue, like Python's `call_soon`):
//! never inline in the caller of `add_done_callback`, even for a task that has ended already.
//! The callbacks of one task run in the order they were added (the task keeps them in one
//! waiter, `core::DoneCallbacks`), and before the task's awaiters, gathers, waits and task group
//! are told it has ended (`core::Waiters::notify`). A panic in one is contained and reported on stderr. Shutdown
//! waits for the callbacks of the tasks it ended, so they run before `run` returns.

use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;

use atomic_waker::AtomicWaker;

use crate::contain;
use crate::context;
use crate::runtime::scheduler::Runnable;
use crate::runtime::Shared;
use crate::sync::{AtomicUsize, Ordering};
use crate::task::any::AnyTask;
use crate::task::core::{DoneCallback, ScheduleCallbacks};

/// A runtime's count of callback jobs queued and not yet run, for shutdown.
#[derive(Default)]
pub(crate) struct PendingCallbacks {
    pending: AtomicUsize,
    idle: AtomicWaker,
}

impl PendingCallbacks {
    /// Ready once no callback job is queued.
    pub(crate) async fn idle(&self) {
        std::future::poll_fn(|cx| {
            if self.pending.load(Ordering::Acquire) == 0 {
                return Poll::Ready(());
            }
            self.idle.register(cx.waker());
            if self.pending.load(Ordering::Acquire) == 0 {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
    }

    fn add(&self) {
        self.pending.fetch_add(1, Ordering::AcqRel);
    }

    fn done(&self) {
        if self.pending.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.idle.wake();
        }
    }
}

/// The callbacks of one task, and then the telling of its other waiters, as a job of the run
/// queue.
struct CallbackJob {
    work: Mutex<Option<(Vec<DoneCallback>, DoneCallback)>>,
    shared: Arc<Shared>,
}

impl Runnable for CallbackJob {
    fn run(self: Arc<Self>) {
        let work = self
            .work
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some((callbacks, then)) = work {
            run_all(callbacks, then);
        }
        self.shared.callbacks.done();
    }
}

/// Each callback contains its own panic (see `add_done_callback`); `then` is ours.
fn run_all(callbacks: Vec<DoneCallback>, then: DoneCallback) {
    for callback in callbacks {
        callback();
    }
    then();
}

/// Queues `callbacks` (then `then`) on `shared`'s run queue; without a runtime (the task's has
/// ended), runs them at once.
fn schedule(shared: Option<&Arc<Shared>>, callbacks: Vec<DoneCallback>, then: DoneCallback) {
    match shared {
        Some(shared) => {
            shared.callbacks.add();
            shared.scheduler.push(Arc::new(CallbackJob {
                work: Mutex::new(Some((callbacks, then))),
                shared: shared.clone(),
            }));
        }
        None => run_all(callbacks, then),
    }
}

/// See [`Task::add_done_callback`](crate::Task::add_done_callback).
pub(crate) fn add_done_callback(task: &AnyTask, f: impl FnOnce(&AnyTask) + Send + 'static) {
    let me = task.clone();
    let callback: DoneCallback = Box::new(move || {
        if let Err(panicked) = contain::catch(|| f(&me)) {
            contain::report(&me.name(), "a done callback", &panicked);
        }
    });
    let shared = context::with_runtime(Arc::clone);
    let mut when_done = || -> ScheduleCallbacks {
        let shared = shared.clone();
        Box::new(move |callbacks, then| schedule(shared.as_ref(), callbacks, then))
    };
    if let Err(callback) = task.core().add_done_callback(callback, &mut when_done) {
        schedule(shared.as_ref(), vec![callback], Box::new(|| {}));
    }
}
