//! `shield`: await a task without forwarding cancellation to it.

use crate::error::TaskError;
use crate::handle::task::Task;

/// Awaits `task` without forwarding the awaiter's cancellation to it (Python's
/// `asyncio.shield`, TMO-06): if the awaiting task is cancelled, it stops, and `task` runs on.
/// If `task` itself is cancelled, the shield returns `Err(Cancelled)` (TMO-07).
///
/// ```
/// # use asyncio_runtime as asyncio;
/// use std::time::Duration;
/// asyncio::run(async {
///     let important = asyncio::spawn(async {
///         asyncio::sleep(Duration::from_millis(20)).await;
///         "saved"
///     });
///     let waiter = asyncio::spawn(asyncio::shield(important.clone()));
///     asyncio::sleep(Duration::from_millis(1)).await;
///     waiter.cancel();
///     assert!(waiter.await.unwrap_err().is_cancelled());
///     assert_eq!(important.await, Ok("saved")); // not cancelled
/// });
/// ```
pub async fn shield<T: Send + 'static>(task: Task<T>) -> Result<T, TaskError> {
    task.into_future_shielded().await
}
