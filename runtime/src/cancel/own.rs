//! Scopes that cancel their own task and catch only that cancellation: the machinery behind
//! [`Timeout`](crate::Timeout) and [`task_group`](crate::task_group), as Python's
//! `asyncio.timeout()` and `TaskGroup` cancel their parent task and use `uncancel()` to tell
//! their own cancellation from one that came from outside.

use std::sync::Arc;

use super::scope::CatchScope;
use crate::sync::{AtomicBool, Ordering};
use crate::task::erased::ErasedCore;
use crate::task::request::Request;

/// What the scope decides after its inner future returned `Pending`.
pub(crate) enum Verdict {
    /// Nothing to do: no cancellation pending, or one from outside that must propagate.
    Continue,
    /// The scope's own cancellation arrived: drop the inner future and end the scope.
    Ours,
}

/// A catching scope that may cancel its own task.
#[derive(Default)]
pub(crate) struct OwnCancel {
    scope: CatchScope,
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
        if !self.scope.enter() {
            return;
        }
        if let Some(task) = self.scope.task() {
            let header = task.header();
            self.cancelling_at_entry = header.cancelling();
            self.pending_at_entry = header.cancel_pending();
        }
    }

    /// The task this scope runs in (`None` outside a task).
    pub(crate) fn task(&self) -> Option<&Arc<dyn ErasedCore>> {
        self.scope.task()
    }

    /// A flag another thread can set through [`request_on`].
    pub(crate) fn requested_flag(&self) -> Arc<AtomicBool> {
        self.requested.clone()
    }

    /// Asks for this scope's task to be cancelled (once).
    pub(crate) fn request(&self) {
        request_on(self.task(), &self.requested);
    }

    pub(crate) fn was_requested(&self) -> bool {
        self.requested.load(Ordering::Acquire)
    }

    /// Before polling the inner future: a cancellation belongs at the block's current await (see
    /// [`CatchScope::pending_here`]). The caller then calls
    /// [`after_pending`](Self::after_pending) without polling the block.
    pub(crate) fn pending_here(&self) -> bool {
        self.scope.pending_here()
    }

    /// After the inner future returned `Pending` (or instead of polling it, see
    /// [`pending_here`](Self::pending_here)): is a pending cancellation the scope's own?
    /// An outside request that arrived too is re-raised so that it propagates (Python 3.12:
    /// `uncancel()` did not go back to the count the scope was entered with).
    pub(crate) fn after_pending(&mut self) -> Verdict {
        if !self.was_requested() {
            return Verdict::Continue;
        }
        let Some(task) = self.scope.task() else {
            // Outside a task nobody else can cancel us: the request is ours by definition.
            return Verdict::Ours;
        };
        if !task.header().cancel_pending() {
            return Verdict::Continue;
        }
        let Some(request) = self.scope.take() else {
            return Verdict::Continue;
        };
        let verdict = if task.header().uncancel() <= self.cancelling_at_entry {
            Verdict::Ours
        } else {
            // Someone else cancelled the task as well: let that cancellation through.
            let _ = super::reraise(task, request);
            Verdict::Continue
        };
        self.requested.store(false, Ordering::Release);
        verdict
    }

    /// When the inner future completed: withdraw a request of ours that was never delivered.
    pub(crate) fn withdraw(&mut self) {
        if !self.was_requested() {
            return;
        }
        self.requested.store(false, Ordering::Release);
        if let Some(task) = self.scope.task() {
            let others = task.header().uncancel();
            if others <= self.cancelling_at_entry && !self.pending_at_entry {
                let _ = self.scope.take();
            }
        }
    }

    /// Leaves the catching scope.
    pub(crate) fn leave(&mut self) {
        self.scope.leave();
    }
}

/// Cancels `task` on behalf of a scope, once.
pub(crate) fn request_on(task: Option<&Arc<dyn ErasedCore>>, requested: &AtomicBool) {
    if requested.swap(true, Ordering::AcqRel) {
        return;
    }
    if let Some(task) = task {
        let _ = super::request(task, Request::default());
    }
}
