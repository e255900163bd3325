//! Thread-local context: which runtime this thread serves, which task is being polled, and the
//! cancellation that is dropping futures right now.

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use crate::id::TaskId;
use crate::runtime::Shared;
use crate::task::any::AnyTask;
use crate::task::core::ErasedCore;

thread_local! {
    static RUNTIME: RefCell<Option<Arc<Shared>>> = const { RefCell::new(None) };
    // A `Cell`, not a `RefCell`: it is swapped twice per poll, and a `Cell` swap has no borrow
    // flag to check.
    static CURRENT_TASK: Cell<Option<Arc<dyn ErasedCore>>> = const { Cell::new(None) };
    static DROP_SCOPES: RefCell<Vec<DropScope>> = const { RefCell::new(Vec::new()) };
    /// While [`capture_awaited_task`] runs: the tasks whose `TaskFuture` was made meanwhile.
    static CAPTURE: RefCell<Option<Vec<AnyTask>>> = const { RefCell::new(None) };
    /// `CAPTURE` is `Some`: the one check every `task.await` pays.
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `into_future` and tells which task the future awaits, when it is the future of exactly
/// one [`Task`](crate::Task) (`Task::into_future` reports itself through [`note_awaited_task`]).
/// `wait_for` uses it to cancel that task on timeout and keep awaiting its outcome (Python 3.12:
/// a task that catches the cancellation and returns, or fails, decides the result), instead of
/// dropping the future.
pub(crate) fn capture_awaited_task<R>(into_future: impl FnOnce() -> R) -> (R, Option<AnyTask>) {
    let outer = CAPTURE.with(|c| c.borrow_mut().replace(Vec::new()));
    CAPTURING.with(|c| c.set(true));
    struct Restore(Option<Option<Vec<AnyTask>>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(outer) = self.0.take() {
                CAPTURING.with(|c| c.set(outer.is_some()));
                CAPTURE.with(|c| *c.borrow_mut() = outer);
            }
        }
    }
    let mut restore = Restore(Some(outer));
    let future = into_future();
    let outer = restore.0.take().expect("restored once");
    CAPTURING.with(|c| c.set(outer.is_some()));
    let mut seen = CAPTURE.with(|c| std::mem::replace(&mut *c.borrow_mut(), outer));
    let task = match seen.as_mut() {
        Some(seen) if seen.len() == 1 => seen.pop(),
        _ => None,
    };
    (future, task)
}

/// Called by `Task::into_future`; see [`capture_awaited_task`].
pub(crate) fn note_awaited_task(task: impl FnOnce() -> AnyTask) {
    if !CAPTURING.with(Cell::get) {
        return;
    }
    CAPTURE.with(|c| {
        if let Some(seen) = c.borrow_mut().as_mut() {
            seen.push(task());
        }
    });
}

/// Marks this thread as serving `shared` until the guard is dropped.
pub(crate) struct RuntimeGuard(());

impl RuntimeGuard {
    /// Panics if the thread already serves a runtime: `run` cannot nest.
    pub(crate) fn enter(shared: Arc<Shared>) -> RuntimeGuard {
        RUNTIME.with(|rt| {
            let mut rt = rt.borrow_mut();
            assert!(
                rt.is_none(),
                "asyncio::run (or #[async_main] / #[async_test]) was called inside a running \
                 asyncio runtime: runtimes do not nest. Await the future, or spawn it with \
                 spawn!/asyncio::spawn, instead"
            );
            *rt = Some(shared);
        });
        RuntimeGuard(())
    }
}

impl Drop for RuntimeGuard {
    fn drop(&mut self) {
        let shared = RUNTIME.with(|rt| rt.borrow_mut().take());
        drop(shared);
    }
}

/// Runs `f` with this thread's runtime, or returns `None` outside any runtime.
pub(crate) fn with_runtime<R>(f: impl FnOnce(&Arc<Shared>) -> R) -> Option<R> {
    RUNTIME.with(|rt| rt.borrow().as_ref().map(f))
}

/// The task being polled on this thread, if any.
pub(crate) fn current_task() -> Option<AnyTask> {
    with_current(|task| task.cloned().map(AnyTask::from_core))
}

/// The id of the task being polled on this thread, if any.
pub(crate) fn current_task_id() -> Option<TaskId> {
    with_current(|task| task.map(|t| t.header().id()))
}

/// Runs `f` with the task being polled on this thread, putting it back afterwards.
fn with_current<R>(f: impl FnOnce(Option<&Arc<dyn ErasedCore>>) -> R) -> R {
    CURRENT_TASK.with(|c| {
        let task = c.take();
        let result = f(task.as_ref());
        c.set(task);
        result
    })
}

/// While alive, `task` is this thread's current task. The handle is moved in and out rather
/// than cloned, so entering costs no reference-count traffic.
pub(crate) struct CurrentTaskGuard<'a> {
    slot: &'a mut Option<Arc<dyn ErasedCore>>,
    previous: Option<Arc<dyn ErasedCore>>,
}

impl<'a> CurrentTaskGuard<'a> {
    pub(crate) fn enter(slot: &'a mut Option<Arc<dyn ErasedCore>>) -> Self {
        let task = slot.take();
        let previous = CURRENT_TASK.with(|c| c.replace(task));
        CurrentTaskGuard { slot, previous }
    }
}

impl Drop for CurrentTaskGuard<'_> {
    fn drop(&mut self) {
        let previous = self.previous.take();
        *self.slot = CURRENT_TASK.with(|c| c.replace(previous));
    }
}

/// A cancellation in progress: futures dropped inside it forward its message to the tasks they
/// were awaiting, and those tasks are collected so the canceller can wait for them to stop.
struct DropScope {
    message: Option<Arc<str>>,
    forwarded: Vec<AnyTask>,
}

/// Runs `drop_it` (which drops futures) as part of a cancellation with `message`; returns the
/// tasks that awaiting futures forwarded the cancellation to.
pub(crate) fn drop_forwarding(message: Option<Arc<str>>, drop_it: impl FnOnce()) -> Vec<AnyTask> {
    DROP_SCOPES.with(|s| {
        s.borrow_mut().push(DropScope {
            message,
            forwarded: Vec::new(),
        })
    });
    struct Pop;
    impl Drop for Pop {
        fn drop(&mut self) {
            // Reached on unwind too, so the stack never keeps a stale scope.
            DROP_SCOPES.with(|s| s.borrow_mut().pop());
        }
    }
    let pop = Pop;
    drop_it();
    let scope = DROP_SCOPES.with(|s| s.borrow_mut().pop());
    std::mem::forget(pop);
    scope.map(|s| s.forwarded).unwrap_or_default()
}

/// Called when a future that was awaiting `task` is dropped: cancels `task` with the message of
/// the cancellation in progress (none if the drop is not part of one), and records it.
pub(crate) fn forward_cancel(task: AnyTask) {
    let message = DROP_SCOPES.with(|s| s.borrow().last().map(|scope| scope.message.clone()));
    let cancelled = task.cancel_with_arc(message.clone().flatten());
    if cancelled && message.is_some() {
        DROP_SCOPES.with(|s| {
            if let Some(scope) = s.borrow_mut().last_mut() {
                scope.forwarded.push(task);
            }
        });
    }
}
