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
fn main() -> Result<(), Box<dyn std::error::Error>> {
    #[allow(clippy::unused_async)]
    async fn main() -> Result<(), Box<dyn std::error::Error>> {
        println!("all_tasks() and wait():");
        for i in 1..=5 {
            ::asyncio::spawn_named(
                work(i),
                ::asyncio::__private::task_name(format!("worker-{i}")),
            );
        }
        let mut all = asyncio::all_tasks();
        all.remove(&asyncio::current_task().expect("main runs as a task"));
        println!("  waiting for {} background tasks", all.len());
        let (done, pending) = asyncio::wait(all).await;
        let mut names: Vec<String> = done.iter().map(|task| task.name()).collect();
        names.sort();
        println!("  done: {names:?}, pending: {}", pending.len());
        println!("task_group:");
        let tasks = asyncio::task_group(|tg| async move {
                (1..=3).map(|i| tg.spawn(work(i))).collect::<Vec<_>>()
            })
            .await?;
        let values: Vec<u64> = tasks
            .iter()
            .map(|t| t.result())
            .collect::<Result<_, _>>()?;
        println!("  values: {values:?}");
        println!("gather!:");
        let (c, a, b) = ::asyncio::__private::gather((
                ::asyncio::__private::into_task(work(3)),
                ::asyncio::__private::into_task(work(1)),
                ::asyncio::__private::into_task(work(2)),
            ))
            .await?;
        println!("  values: {:?}", (c, a, b));
        println!("gather_all:");
        let handles: Vec<_> = (1..=4).rev().map(|i| ::asyncio::spawn(work(i))).collect();
        let values = asyncio::gather_all(handles).await?;
        println!("  values: {values:?}");
        Ok(())
    }
    ::asyncio::RunConfig::new().run(main())
}
