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
fn main() {
    #[allow(clippy::unused_async)]
    async fn main() {
        println!("main coroutine started");
        let task = ::asyncio::spawn(task_coroutine());
        asyncio::sleep(Duration::from_millis(100)).await;
        let was_cancelled = task.cancel();
        println!("was canceled: {was_cancelled}");
        asyncio::sleep(Duration::from_millis(100)).await;
        println!("canceled: {}", task.cancelled());
        println!("main coroutine done");
    }
    ::asyncio::RunConfig::new().run(main())
}
