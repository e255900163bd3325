//! Shutdown: when `main` ends, every task still running is cancelled and awaited, and the done
//! callbacks of the tasks that ended run, before `run` returns.

use super::shared::Shared;
use crate::cancel::all_ended::AllEnded;
use crate::cancel::{self, Request};
use crate::error::TaskError;

/// Cancels every task still running and waits for all of them, including tasks spawned while
/// shutting down, and for the done callbacks of the tasks that ended (which may spawn more).
pub(super) async fn shutdown(shared: &Shared) {
    // Like Python's loop, let tasks that are already scheduled take their step first (BG-04).
    crate::time::YieldNow::new().await;
    loop {
        let live = shared.registry.live();
        if live.is_empty() {
            shared.callbacks.idle().await;
            if shared.registry.live().is_empty() {
                return;
            }
            continue;
        }
        for task in &live {
            let _ = cancel::request(task, Request::default());
        }
        let mut ended = AllEnded::new(live);
        (&mut ended).await;
        for task in ended.into_tasks() {
            if let Some(TaskError::Panicked(p)) = task.peek_error() {
                eprintln!(
                    "asyncio: {} ended with a panic during shutdown: {}",
                    task.header().name(),
                    p.message()
                );
            }
        }
    }
}
