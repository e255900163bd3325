//! `add_done_callback`: Python's `Task.add_done_callback`. A callback runs exactly once, after
//! its task has ended, on the runtime (a job in the run queue, like Python's `call_soon`):
//! never inline in the caller of `add_done_callback`, even for a task that has ended already.
//! The callbacks of one task run in the order they were added (the task keeps them in one
//! waiter, `task/waiters.rs`), and before the task's awaiters, gathers, waits and task group
//! are told it has ended (`Waiters::notify`). A panic in one is contained and reported on stderr.
//! Shutdown
//! waits for the callbacks of the tasks it ended, so they run before `run` returns.

use std::sync::{Arc, Mutex, PoisonError};

use crate::contain;
use crate::handle::any::AnyTask;
use crate::handle::task::Task;
use crate::runtime::runnable::Runnable;
use crate::runtime::Shared;
use crate::task::waiters::{DoneCallback, ScheduleCallbacks};

impl<T> Task<T> {
    /// Runs `f` once the task has ended, with the task (Python's
    /// `task.add_done_callback(fn)`): exactly once, after completion, on the runtime — soon
    /// after, if the task has ended already, never inline in the caller (Python's `call_soon`).
    /// The callbacks of a task run in the order they were added, outside any task
    /// ([`current_task`](crate::current_task) is `None` there, and they may spawn tasks); those
    /// of tasks ended by shutdown run before `run` returns. A panic in `f` is contained and
    /// reported on stderr.
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use std::sync::{Arc, Mutex};
    /// asyncio::run(async {
    ///     let log = Arc::new(Mutex::new(Vec::new()));
    ///     let task = asyncio::spawn(async { 6 * 7 });
    ///     for n in 1..=2 {
    ///         let log = log.clone();
    ///         task.add_done_callback(move |t| log.lock().unwrap().push(format!("{} done ({n})", t.name())));
    ///     }
    ///     assert_eq!(task.clone().await, Ok(42));
    ///     asyncio::yield_now().await; // the callbacks run soon after the end, in order
    ///     let name = task.name();
    ///     assert_eq!(*log.lock().unwrap(), [format!("{name} done (1)"), format!("{name} done (2)")]);
    /// });
    /// ```
    pub fn add_done_callback(&self, f: impl FnOnce(&AnyTask) + Send + 'static)
    where
        T: Send + 'static,
    {
        crate::done_callback::add_done_callback(&self.to_any(), f);
    }
}

impl AnyTask {
    /// Runs `f` once the task has ended, with the task (Python's `add_done_callback`): exactly
    /// once, after completion, on the runtime — soon after, if the task has ended already, never
    /// inline in the caller. The callbacks of a task run in the order they were added; those of
    /// tasks ended by shutdown run before `run` returns. A panic in `f` is contained and
    /// reported on stderr. See [`Task::add_done_callback`].
    ///
    /// ```
    /// # use asyncio_runtime as asyncio;
    /// use std::sync::{Arc, Mutex};
    /// asyncio::run(async {
    ///     let seen = Arc::new(Mutex::new(Vec::new()));
    ///     let any = asyncio::AnyTask::from(asyncio::spawn(async {}));
    ///     let log = seen.clone();
    ///     any.add_done_callback(move |task| log.lock().unwrap().push(task.done()));
    ///     let _ = any.clone().await;
    ///     asyncio::yield_now().await; // the callback runs soon after the end
    ///     assert_eq!(*seen.lock().unwrap(), [true]);
    /// });
    /// ```
    pub fn add_done_callback(&self, f: impl FnOnce(&AnyTask) + Send + 'static) {
        crate::done_callback::add_done_callback(self, f);
    }
}

/// See [`Task::add_done_callback`](crate::Task::add_done_callback).
fn add_done_callback(task: &AnyTask, f: impl FnOnce(&AnyTask) + Send + 'static) {
    let me = task.clone();
    let callback: DoneCallback = Box::new(move || {
        if let Err(panicked) = contain::catch(|| f(&me)) {
            contain::report(&me.name(), "a done callback", &panicked);
        }
    });
    let shared = crate::runtime::with_runtime(Arc::clone);
    let mut when_done = || -> ScheduleCallbacks {
        let shared = shared.clone();
        Box::new(move |callbacks, then| schedule(shared.as_ref(), callbacks, then))
    };
    if let Err(callback) = task.core().add_done_callback(callback, &mut when_done) {
        schedule(shared.as_ref(), vec![callback], Box::new(|| {}));
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
