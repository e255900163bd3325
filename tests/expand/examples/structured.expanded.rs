//! Structured concurrency with a deadline: a `task_group` inside a `timeout` scope.
//!
//! Python:
//!
//! ```python
//! async with asyncio.timeout(0.1):
//!     async with asyncio.TaskGroup() as tg:
//!         tg.create_task(download("c", 0.02))
//!         tg.create_task(download("slow", 10))
//! ```
//!
//! The group waits for every download; the deadline cancels whatever is still running, and
//! each cancelled download cleans up (its partial file) before `run` returns `TimeoutError`.
//!
//! Run it with `cargo run --example structured`.
use std::time::Duration;
/// Removes the partial file unless the download finished: runs when a cancelled download's
/// future is dropped at its await.
struct PartialFile {
    name: &'static str,
    complete: bool,
}
impl Drop for PartialFile {
    fn drop(&mut self) {
        if !self.complete {
            println!("  {}: cancelled, partial file removed", self.name);
        }
    }
}
async fn download(name: &'static str, millis: u64) -> u64 {
    let mut file = PartialFile {
        name,
        complete: false,
    };
    asyncio::sleep(Duration::from_millis(millis)).await;
    file.complete = true;
    println!("  {name}: downloaded");
    millis * 10
}
fn main() {
    #[allow(clippy::unused_async)]
    async fn main() {
        println!("round 1: every download fits in the deadline");
        let deadline = asyncio::timeout(Duration::from_secs(5));
        let outcome = deadline
            .run(
                asyncio::task_group(|tg| async move {
                    let a = tg.spawn(download("a", 20));
                    let b = tg.spawn(download("b", 60));
                    (a, b)
                }),
            )
            .await;
        if let Ok(Ok((a, b))) = outcome {
            println!(
                "sizes: {:?} {:?}; expired: {}", a.result(), b.result(), deadline
                .expired()
            );
        }
        println!("round 2: one download is too slow");
        let deadline = asyncio::timeout(Duration::from_millis(150));
        let outcome = deadline
            .run(
                asyncio::task_group(|tg| async move {
                    tg.spawn(download("c", 20));
                    tg.spawn(download("slow", 10_000));
                }),
            )
            .await;
        println!("outcome: {outcome:?}; expired: {}", deadline.expired());
    }
    ::asyncio::RunConfig::new().run(main())
}
