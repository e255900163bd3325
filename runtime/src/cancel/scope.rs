//! Catching scopes: the places in a task where a cancellation can be delivered. The task's body
//! is the outermost (level 0); each `catch_cancel`, timeout or task group pending inside the task
//! is one more level. A pending request belongs to the innermost scope: it is delivered at that
//! scope's current await, and the scopes around it see nothing unless it lets the cancellation
//! through.

use std::sync::Arc;

use crate::context;
use crate::task::erased::ErasedCore;
use crate::task::header::Header;
use crate::task::request::Request;

/// A request is pending in the task of `header` and the scope at `level` is the innermost, so
/// the request belongs at that scope's current await, without polling further.
#[inline]
pub(crate) fn pending_at(header: &Header, level: u32) -> bool {
    header.cancel_pending() && header.catch_depth() == level
}

/// One catching scope inside the task that polls it; entered on its first poll, left when it
/// ends or is dropped.
#[derive(Default)]
pub(crate) struct CatchScope {
    /// The task this scope is pending in; `None` before it is entered, and outside a task.
    task: Option<Arc<dyn ErasedCore>>,
    /// Its depth among the task's catching scopes.
    level: u32,
    entered: bool,
}

impl CatchScope {
    /// Becomes a catching scope in the current task, if any; on the first call only. `true`
    /// if this call entered a task's scope.
    pub(crate) fn enter(&mut self) -> bool {
        if std::mem::replace(&mut self.entered, true) {
            return false;
        }
        let Some(task) = context::current() else {
            return false;
        };
        self.level = task.header().enter_catch();
        self.task = Some(task);
        true
    }

    /// The task this scope is pending in.
    pub(crate) fn task(&self) -> Option<&Arc<dyn ErasedCore>> {
        self.task.as_ref()
    }

    /// A request is pending and this is the innermost scope: see [`pending_at`].
    pub(crate) fn pending_here(&self) -> bool {
        self.task
            .as_ref()
            .is_some_and(|t| pending_at(t.header(), self.level))
    }

    /// Takes the task's pending request, if there is one.
    pub(crate) fn take(&self) -> Option<Request> {
        let request = self.task.as_ref().and_then(|t| t.take_request());
        if request.is_some() {
            context::note_request_taken();
        }
        request
    }

    /// Leaves the scope (once; dropping it leaves too).
    pub(crate) fn leave(&mut self) {
        if let Some(task) = self.task.take() {
            task.header().leave_catch();
        }
    }
}

impl Drop for CatchScope {
    fn drop(&mut self) {
        self.leave();
    }
}
