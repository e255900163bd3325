//! Thread-local context: which task is being polled on this thread, and which task a future
//! being made awaits (for `wait_for`). Knows tasks only by their erased core; the runtime this
//! thread serves is in `runtime/current.rs`, the cancellation that is dropping futures right now
//! in `cancel/forward.rs`.

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use crate::id::TaskId;
use crate::task::erased::ErasedCore;

thread_local! {
    // A `Cell`, not a `RefCell`: it is swapped twice per poll, and a `Cell` swap has no borrow
    // flag to check.
    static CURRENT_TASK: Cell<Option<Arc<dyn ErasedCore>>> = const { Cell::new(None) };
    /// While [`capture_awaited_task`] runs: the tasks whose `TaskFuture` was made meanwhile.
    static CAPTURE: RefCell<Option<Vec<Arc<dyn ErasedCore>>>> = const { RefCell::new(None) };
    /// `CAPTURE` is `Some`: the one check every `task.await` pays.
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
    /// How many pending cancellations catching scopes have taken on this thread (wrapping).
    static TAKEN: Cell<u32> = const { Cell::new(0) };
}

/// A catching scope took its task's pending cancellation (scopes run inside their task's poll,
/// so on the thread polling it). The body compares [`requests_taken`] across a poll: a request
/// pending after the poll is not the one that was pending before it if a scope took that one
/// meanwhile, even when `cancelling()` is back where it was (an `uncancel()` and a new request).
pub(crate) fn note_request_taken() {
    TAKEN.with(|t| t.set(t.get().wrapping_add(1)));
}

/// See [`note_request_taken`].
pub(crate) fn requests_taken() -> u32 {
    TAKEN.with(Cell::get)
}

/// Runs `into_future` and tells which task the future awaits, when it is the future of exactly
/// one [`Task`](crate::Task) (`Task::into_future` reports itself through [`note_awaited_task`]).
/// `wait_for` uses it to cancel that task on timeout and keep awaiting its outcome (Python 3.12:
/// a task that catches the cancellation and returns, or fails, decides the result), instead of
/// dropping the future.
pub(crate) fn capture_awaited_task<R>(
    into_future: impl FnOnce() -> R,
) -> (R, Option<Arc<dyn ErasedCore>>) {
    let outer = CAPTURE.with(|c| c.borrow_mut().replace(Vec::new()));
    CAPTURING.with(|c| c.set(true));
    type Outer = Option<Vec<Arc<dyn ErasedCore>>>;
    struct Restore(Option<Outer>);
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
pub(crate) fn note_awaited_task(task: impl FnOnce() -> Arc<dyn ErasedCore>) {
    if !CAPTURING.with(Cell::get) {
        return;
    }
    CAPTURE.with(|c| {
        if let Some(seen) = c.borrow_mut().as_mut() {
            seen.push(task());
        }
    });
}

/// The task being polled on this thread, if any.
pub(crate) fn current() -> Option<Arc<dyn ErasedCore>> {
    with_current(|task| task.cloned())
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
