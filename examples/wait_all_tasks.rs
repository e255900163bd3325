//! Seed question 5: how do I wait for all background tasks?
//!
//! The Rust twin of Python's
//!
//! ```python
//! async def work(i):
//!     await asyncio.sleep(i * 0.05)
//!     print(f'task {i} done')
//!     return i * 10
//!
//! async def main():
//!     for i in range(1, 6):
//!         asyncio.create_task(work(i), name=f'worker-{i}')
//!     all_tasks = asyncio.all_tasks()
//!     all_tasks.remove(asyncio.current_task())   # do not wait for ourselves
//!     done, pending = await asyncio.wait(all_tasks)
//! ```
//!
//! then the same with the handles kept: a `TaskGroup` (Python's `async with
//! asyncio.TaskGroup() as tg:`), `gather!` and `gather_all` (Python's `asyncio.gather`).
//!
//! Run it with `cargo run --example wait_all_tasks`.

use std::time::Duration;

async fn work(i: u64) -> u64 {
    asyncio::sleep(Duration::from_millis(50 * i)).await;
    println!("  task {i} done");
    i * 10
}

#[asyncio::async_main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. Tasks whose handles we did not keep: find them with `all_tasks()`.
    println!("all_tasks() and wait():");
    for i in 1..=5 {
        // The handle is dropped at once: the task is detached and runs on.
        asyncio::spawn!(work(i), name = format!("worker-{i}"));
    }
    // Every task that is not done yet, main included (Python's `all_tasks()`)...
    let mut all = asyncio::all_tasks();
    // ...minus main itself: a task that waits for itself would wait forever.
    all.remove(&asyncio::current_task().expect("main runs as a task"));
    println!("  waiting for {} background tasks", all.len());
    // `wait` returns when all are done, as `(done, pending)` sets. It never cancels anything,
    // and it does not return the values: tasks keep their own outcome.
    let (done, pending) = asyncio::wait(all).await;
    let mut names: Vec<String> = done.iter().map(|task| task.name()).collect();
    names.sort(); // sets have no order
    println!("  done: {names:?}, pending: {}", pending.len());

    // 2. A task group: every task spawned into it is awaited before the scope returns, and
    //    if one fails, the others are cancelled (see examples/task_group.rs).
    println!("task_group:");
    let tasks =
        asyncio::task_group(
            |tg| async move { (1..=3).map(|i| tg.spawn(work(i))).collect::<Vec<_>>() },
        )
        .await?;
    // All are done here, so `result()` has every value.
    let values: Vec<u64> = tasks.iter().map(|t| t.result()).collect::<Result<_, _>>()?;
    println!("  values: {values:?}");

    // 3. `gather!` runs a fixed set of futures as tasks and returns their values, in argument
    //    order (not in the order they finished).
    println!("gather!:");
    let (c, a, b) = asyncio::gather!(work(3), work(1), work(2)).await?;
    println!("  values: {:?}", (c, a, b));

    // 4. `gather_all` does the same for any number of futures, or of task handles we kept.
    println!("gather_all:");
    let handles: Vec<_> = (1..=4).rev().map(|i| asyncio::spawn!(work(i))).collect();
    let values = asyncio::gather_all(handles).await?;
    println!("  values: {values:?}");
    Ok(())
}
