//! Forwarding: a future that was awaiting a task and is dropped as part of a cancellation
//! cancels that task too, with the same message, and the canceller learns which tasks it
//! forwarded to so that it can wait for them (`deliver.rs`).
//!
//! The cancellation in progress is a thread-local stack of scopes, pushed around the drop of the
//! cancelled future: the awaiting futures (`TaskFuture`, an awaited `AnyTask`, gather) find it in
//! their `Drop` through [`forward`].

use std::cell::RefCell;
use std::sync::Arc;

use crate::task::erased::ErasedCore;
use crate::task::request::Request;

thread_local! {
    static DROP_SCOPES: RefCell<Vec<DropScope>> = const { RefCell::new(Vec::new()) };
}

/// A cancellation in progress: futures dropped inside it forward its request to the tasks they
/// were awaiting, and those tasks are collected so the canceller can wait for them to end.
struct DropScope {
    request: Request,
    forwarded: Vec<Arc<dyn ErasedCore>>,
}

/// Runs `drop_it` (which drops futures) as part of a cancellation `request`; returns the tasks
/// that awaiting futures forwarded it to.
pub(crate) fn drop_forwarding(
    request: &Request,
    drop_it: impl FnOnce(),
) -> Vec<Arc<dyn ErasedCore>> {
    DROP_SCOPES.with(|s| {
        s.borrow_mut().push(DropScope {
            request: request.clone(),
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

/// Called when a future that was awaiting `task` is dropped before the task ended: cancels
/// `task` with the request of the cancellation in progress (a plain request if the drop is not
/// part of one: CAN-09, CAN-13), and records it in that cancellation.
pub(crate) fn forward(task: Arc<dyn ErasedCore>) {
    let in_progress = DROP_SCOPES.with(|s| s.borrow().last().map(|scope| scope.request.clone()));
    let part_of_one = in_progress.is_some();
    let cancelled = super::request(&task, in_progress.unwrap_or_default());
    if cancelled && part_of_one {
        DROP_SCOPES.with(|s| {
            if let Some(scope) = s.borrow_mut().last_mut() {
                scope.forwarded.push(task);
            }
        });
    }
}
