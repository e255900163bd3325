//! What the threads of one runtime share, and how it ends.

use std::sync::Arc;

use super::callbacks::PendingCallbacks;
use super::registry::Registry;
use super::scheduler::Scheduler;
use super::unhandled::PanickedTasks;
use crate::blocking::BlockingPool;

/// What the threads of one runtime share.
pub(crate) struct Shared {
    pub(crate) scheduler: Scheduler,
    pub(crate) registry: Registry,
    /// Where `to_thread` runs its functions; closed at teardown (see `to_thread`).
    pub(crate) blocking: BlockingPool,
    /// Done callbacks queued and not yet run, which shutdown waits for.
    pub(crate) callbacks: PendingCallbacks,
    /// The tasks that ended by a panic, while `run` watches for panics nobody retrieved.
    pub(crate) panicked: PanickedTasks,
}

/// Ends a runtime, normally or while unwinding: whatever still runs is aborted (its future
/// dropped, its awaiters told it was cancelled) and the queue is emptied, so no task outlives
/// the runtime and the cycles between tasks and the runtime are broken.
pub(super) struct Teardown(pub(super) Arc<Shared>);

impl Drop for Teardown {
    fn drop(&mut self) {
        self.0.registry.abort_all();
        self.0.scheduler.close();
        self.0.blocking.close();
    }
}
