//! Scopes that cancel their own task and catch only that cancellation: the machinery behind
//! [`Timeout`](crate::Timeout) and [`task_group`](crate::task_group), as Python's
//! `asyncio.timeout()` and `TaskGroup` cancel their parent task and use `uncancel()` to tell
//! their own cancellation from one that came from outside.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::context;
use crate::task::any::AnyTask;

/// What the scope decides after its inner future returned `Pending`.
pub(crate) enum Verdict {
    /// Nothing to do: no cancellation pending, or one from outside that must propagate.
    Continue,
    /// The scope's own cancellation arrived: drop the inner future and end the scope, with the
    /// message (none for the scopes here) of the delivered request.
    Ours,
}

/// The scope's link to the task it runs in.
#[derive(Default)]
pub(crate) struct OwnCancel {
    task: Option<AnyTask>,
    entered: bool,
    level: u32,
    /// The task's `cancelling()` when the scope was entered: requests up to that count are not
    /// the scope's business (Python 3.12, gh-102780: a cancellation caught before the scope was
    /// entered must not turn the scope's own timeout or failure into a cancellation).
    cancelling_at_entry: usize,
    /// A request was pending (not yet delivered) when the scope was entered: it is not ours to
    /// withdraw.
    pending_at_entry: bool,
    /// Set once the scope has asked for its task to be cancelled (from any thread).
    requested: Arc<AtomicBool>,
}

impl OwnCancel {
    /// On the first poll: find the task and become a catching scope in it.
    pub(crate) fn enter(&mut self) {
        if !self.entered {
            self.entered = true;
            self.task = context::current_task();
            if let Some(task) = &self.task {
                let header = task.core().header();
                self.level = header.enter_catch();
                self.cancelling_at_entry = header.cancelling();
                self.pending_at_entry = header.cancel_pending();
            }
        }
    }

    /// The task this scope runs in (`None` outside a task).
    pub(crate) fn task(&self) -> Option<&AnyTask> {
        self.task.as_ref()
    }

    /// A flag another thread can set through [`request_on`].
    pub(crate) fn requested_flag(&self) -> Arc<AtomicBool> {
        self.requested.clone()
    }

    /// Asks for this scope's task to be cancelled (once).
    pub(crate) fn request(&self) {
        request_on(self.task.as_ref(), &self.requested);
    }

    pub(crate) fn was_requested(&self) -> bool {
        self.requested.load(Ordering::Acquire)
    }

    /// Before polling the inner future: a cancellation is pending and no catching scope is
    /// nested inside this one, so it belongs at the block's current await. The caller then
    /// calls [`after_pending`](Self::after_pending) without polling the block.
    pub(crate) fn pending_here(&self) -> bool {
        self.task
            .as_ref()
            .is_some_and(|t| t.core().header().pending_for_innermost(self.level))
    }

    /// After the inner future returned `Pending` (or instead of polling it, see
    /// [`pending_here`](Self::pending_here)): is a pending cancellation the scope's own?
    /// An outside request that arrived too is re-requested so that it propagates (Python 3.12:
    /// `uncancel()` did not go back to the count the scope was entered with).
    pub(crate) fn after_pending(&mut self) -> Verdict {
        if !self.was_requested() {
            return Verdict::Continue;
        }
        let Some(task) = &self.task else {
            // Outside a task nobody else can cancel us: the request is ours by definition.
            return Verdict::Ours;
        };
        let core = task.core();
        if !core.header().cancel_pending() {
            return Verdict::Continue;
        }
        let Some(message) = core.take_pending_cancel() else {
            return Verdict::Continue;
        };
        if task.uncancel() <= self.cancelling_at_entry {
            self.requested.store(false, Ordering::Release);
            Verdict::Ours
        } else {
            // Someone else cancelled the task as well: let that cancellation through.
            let _ = task.reraise(message);
            self.requested.store(false, Ordering::Release);
            Verdict::Continue
        }
    }

    /// When the inner future completed: withdraw a request of ours that was never delivered.
    pub(crate) fn withdraw(&mut self) {
        if !self.was_requested() {
            return;
        }
        self.requested.store(false, Ordering::Release);
        if let Some(task) = &self.task {
            let others = task.uncancel();
            if others <= self.cancelling_at_entry && !self.pending_at_entry {
                let _ = task.core().take_pending_cancel();
            }
        }
    }

    /// Leaves the catching scope.
    pub(crate) fn leave(&mut self) {
        if let Some(task) = self.task.take() {
            task.core().header().leave_catch();
        }
    }
}

impl Drop for OwnCancel {
    fn drop(&mut self) {
        self.leave();
    }
}

/// Cancels `task` on behalf of a scope, once.
pub(crate) fn request_on(task: Option<&AnyTask>, requested: &AtomicBool) {
    if requested.swap(true, Ordering::AcqRel) {
        return;
    }
    if let Some(task) = task {
        let _ = task.cancel();
    }
}
