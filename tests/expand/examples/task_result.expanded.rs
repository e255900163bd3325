//! Seed question 3: how do I get a task's return value?
//!
//! The Rust twin of Python's
//!
//! ```python
//! async def square(x):
//!     print(f'computing {x} squared')
//!     await asyncio.sleep(0.05)
//!     return x * x
//!
//! async def main():
//!     task = asyncio.create_task(square(7))
//!     try:
//!         task.result()                  # InvalidStateError: Result is not set.
//!     except asyncio.InvalidStateError as e:
//!         print(f'result() while pending: {e!r}')
//!     value = await task                 # 49
//!     again = await task                 # 49 again: the body does not run twice
//!     print(task.result())               # 49
//! ```
//!
//! In Rust, `task.await` gives `Result<T, TaskError>` and `task.result()` gives the same
//! without waiting: `Err(TaskError::InvalidState)` while the task runs. Both are values, so
//! there is nothing to `try`: match on them, or use `?`.
//!
//! Run it with `cargo run --example task_result`.
use std::time::Duration;
use asyncio::TaskError;
async fn square(x: u64) -> u64 {
    println!("computing {x} squared");
    asyncio::sleep(Duration::from_millis(50)).await;
    x * x
}
async fn square_root(x: i64) -> i64 {
    asyncio::yield_now().await;
    assert!(x >= 0, "no square root of {x}");
    x.isqrt()
}
fn main() -> Result<(), TaskError> {
    #[allow(clippy::unused_async)]
    async fn main() -> Result<(), TaskError> {
        let task = ::asyncio::spawn(square(7));
        println!("result() while pending: {:?}", task.result());
        let value = task.clone().await?;
        println!("awaited: {value}");
        let again = task.clone().await?;
        println!(
            "awaited again: {again} (no second \"computing\" line: the task ran once)"
        );
        println!("result() when finished: {:?}", task.result());
        let cancelled = ::asyncio::spawn(square(8));
        cancelled.cancel_with("no longer needed");
        println!("result() right after cancel: {:?}", cancelled.result());
        match cancelled.clone().await {
            Ok(value) => println!("unexpected value {value}"),
            Err(TaskError::Cancelled(c)) => {
                println!(
                    "awaiting the cancelled task: cancelled, message {:?}", c.message()
                );
            }
            Err(other) => println!("unexpected error: {other}"),
        }
        println!("result() when cancelled: {:?}", cancelled.result());
        if let Err(error) = cancelled.result() {
            println!("as a message: {error}");
        }
        let failing = ::asyncio::spawn(square_root(-4));
        match failing.clone().await {
            Err(TaskError::Panicked(p)) => {
                println!("the task panicked: {:?}", p.message())
            }
            other => println!("unexpected: {other:?}"),
        }
        println!("error() of the panicked task: {}", failing.error().is_some());
        println!("error() of the finished task: {:?}", task.error());
        let root = ::asyncio::spawn(square_root(49)).await?;
        println!("square root of 49: {root}");
        Ok(())
    }
    ::asyncio::RunConfig::new().run(main())
}
