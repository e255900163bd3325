//! Seed question 2: how do I wait for a task?
//!
//! The Rust twin of Python's
//!
//! ```python
//! async def task_coroutine():
//!     print('task is running')
//!     await asyncio.sleep(0.1)
//!     print('task is done')
//!
//! async def main():
//!     print('main coroutine started')
//!     task = asyncio.create_task(task_coroutine())
//!     await task
//!     print(f'main: the task is done: {task.done()}')
//!     value = await asyncio.create_task(answer())
//!     print(f'main: spawned and awaited in one line: {value}')
//!     print('main coroutine done')
//!
//! asyncio.run(main())
//! ```
//!
//! Run it with `cargo run --example wait_task`.
use std::time::Duration;
/// A task body that takes a while: it suspends in `sleep`, and other tasks (here: `main`) wait.
async fn task_coroutine() {
    println!("task is running");
    asyncio::sleep(Duration::from_millis(100)).await;
    println!("task is done");
}
/// A task body that produces a value.
async fn answer() -> u32 {
    asyncio::sleep(Duration::from_millis(10)).await;
    42
}
fn main() -> Result<(), asyncio::TaskError> {
    #[allow(clippy::unused_async)]
    async fn main() -> Result<(), asyncio::TaskError> {
        println!("main coroutine started");
        let task = ::asyncio::spawn(task_coroutine());
        task.clone().await?;
        println!("main: the task is done: {}", task.done());
        let value = ::asyncio::spawn(answer()).await?;
        println!("main: spawned and awaited in one line: {value}");
        let direct = answer().await;
        println!("main: awaited the future directly: {direct}");
        println!("main coroutine done");
        Ok(())
    }
    ::asyncio::RunConfig::new().run(main())
}
