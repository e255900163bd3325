//! Seed question 1: how do I stop (cancel) a task?
//!
//! The Rust twin of Python's
//!
//! ```python
//! async def task_coroutine():
//!     print('executing the task')
//!     await asyncio.sleep(1)
//!
//! async def main():
//!     print('main coroutine started')
//!     task = asyncio.create_task(task_coroutine())
//!     await asyncio.sleep(0.1)
//!     was_cancelled = task.cancel()
//!     print(f'was canceled: {was_cancelled}')
//!     await asyncio.sleep(0.1)
//!     print(f'canceled: {task.cancelled()}')
//!     print('main coroutine done')
//!
//! asyncio.run(main())
//! ```
//!
//! Run it with `cargo run --example cancel_task`.

use std::time::Duration;

/// The task's body: it prints, then sleeps for a second. The cancellation will arrive while it
/// sleeps, and the sleep is where it is delivered.
async fn task_coroutine() {
    println!("executing the task");
    asyncio::sleep(Duration::from_secs(1)).await;
}

#[asyncio::async_main]
async fn main() {
    println!("main coroutine started");
    // Create the task: it is scheduled, and starts when main next suspends.
    let task = asyncio::spawn!(task_coroutine());
    // Suspend for a while: the task starts, prints, and parks in its one-second sleep.
    asyncio::sleep(Duration::from_millis(100)).await;
    // Request the cancellation: `true` because the task was not done yet.
    let was_cancelled = task.cancel();
    println!("was canceled: {was_cancelled}");
    // The request is delivered at the task's sleep; give the task a moment to stop.
    asyncio::sleep(Duration::from_millis(100)).await;
    println!("canceled: {}", task.cancelled());
    println!("main coroutine done");
}
