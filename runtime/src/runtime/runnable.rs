//! What the run queue holds: a spawned task's cell, a done-callback job, or the main task's
//! ticket.

use std::sync::Arc;

/// Something the run queue can run: a spawned task's cell.
pub(crate) trait Runnable: Send + Sync {
    /// Polls the task once; it was taken from the queue. Contains the task's panics itself.
    fn run(self: Arc<Self>);
}
