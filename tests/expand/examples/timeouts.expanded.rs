//! Timeouts: `wait_for`, the `timeout` scope, `wait(..).timeout(..)`, and `shield`.
//!
//! Four ways to stop waiting, and what each does to the work that was being waited for:
//!
//! | Rust                                   | Python                                  | on timeout                         |
//! |----------------------------------------|-----------------------------------------|------------------------------------|
//! | `wait_for(fut, d).await`               | `await asyncio.wait_for(fut, d)`        | cancels `fut`, waits for it to stop |
//! | `timeout(d).run(block).await`          | `async with asyncio.timeout(d):`        | cancels the block (same task)      |
//! | `wait(tasks).timeout(d).await`         | `await asyncio.wait(tasks, timeout=d)`  | cancels nothing                    |
//! | `wait_for(shield(task), d).await`      | `await wait_for(shield(task), d)`       | the task runs on                   |
//!
//! Run it with `cargo run --example timeouts`.
use std::time::Duration;
use asyncio::TimeoutError;
/// Prints when dropped: shows that the cancelled work really stopped, and when.
struct Connection(&'static str);
impl Drop for Connection {
    fn drop(&mut self) {
        println!("  {}: connection closed", self.0);
    }
}
/// A simulated request that takes `latency`.
async fn request(name: &'static str, latency: Duration) -> String {
    let _connection = Connection(name);
    asyncio::sleep(latency).await;
    format!("{name}: response")
}
const FAST: Duration = Duration::from_millis(10);
const SLOW: Duration = Duration::from_secs(60);
const LIMIT: Duration = Duration::from_millis(200);
fn main() -> Result<(), Box<dyn std::error::Error>> {
    #[allow(clippy::unused_async)]
    async fn main() -> Result<(), Box<dyn std::error::Error>> {
        println!("wait_for, in time:");
        let response = asyncio::wait_for(request("fast", FAST), LIMIT).await?;
        println!("  got {response:?}");
        println!("wait_for, too slow:");
        let slow = ::asyncio::spawn(request("slow", SLOW));
        match asyncio::wait_for(slow.clone(), LIMIT).await {
            Ok(response) => println!("  got {response:?}"),
            Err(TimeoutError) => {
                println!("  timed out; the task was cancelled: {}", slow.cancelled())
            }
        }
        println!("timeout scope:");
        let deadline = asyncio::timeout(LIMIT);
        let outcome = deadline
            .run(async {
                let first = request("step 1", FAST).await;
                println!("  {first}");
                let second = request("step 2", FAST).await;
                println!("  {second}");
                let third = request("step 3", SLOW).await;
                println!("  {third}");
            })
            .await;
        println!("  outcome: {outcome:?}, expired: {}", deadline.expired());
        println!("wait with a timeout:");
        let quick = ::asyncio::spawn(request("quick", FAST));
        let sluggish = ::asyncio::spawn(request("sluggish", SLOW));
        let (done, pending) = asyncio::wait([&quick, &sluggish]).timeout(LIMIT).await;
        println!("  done: {}, pending: {}", done.len(), pending.len());
        println!("  sluggish still running: {}", ! sluggish.done());
        sluggish.cancel();
        let _ = sluggish.clone().await;
        println!("  sluggish cancelled: {}", sluggish.cancelled());
        println!("shield:");
        let save = ::asyncio::spawn(request("save", LIMIT * 2));
        let waited = asyncio::wait_for(asyncio::shield(save.clone()), LIMIT).await;
        println!("  waited: {waited:?}; the save was cancelled: {}", save.cancelled());
        let saved = save.await?;
        println!("  the save finished anyway: {saved:?}");
        Ok(())
    }
    ::asyncio::RunConfig::new().run(main())
}
