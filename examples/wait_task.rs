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

// `main` returns `Result<(), TaskError>`, so the `?` after an `.await` of a task reads like
// Python's `await task`: a cancelled or panicked task becomes main's error.
#[asyncio::async_main]
async fn main() -> Result<(), asyncio::TaskError> {
    println!("main coroutine started");

    // Create the task. It is scheduled, not started: it starts when main suspends.
    let task = asyncio::spawn!(task_coroutine());

    // Wait for it. `task.await` suspends main until the task has ended, and gives
    // `Result<(), TaskError>`: `Ok` with the task's return value, or why there is none.
    // Awaiting consumes this handle; clone it first to keep asking the task questions.
    task.clone().await?;
    println!("main: the task is done: {}", task.done());

    // Create a task and wait for it in one line: Python's
    // `value = await asyncio.create_task(answer())`.
    let value = asyncio::spawn!(answer()).await?;
    println!("main: spawned and awaited in one line: {value}");

    // Awaiting the coroutine itself, without `spawn!`, runs it inside main (no new task),
    // exactly as Python's `await answer()` does.
    let direct = answer().await;
    println!("main: awaited the future directly: {direct}");

    // To wait at most some time, see examples/timeouts.rs (`wait_for`); for many tasks at once,
    // examples/wait_all_tasks.rs.
    println!("main coroutine done");
    Ok(())
}
