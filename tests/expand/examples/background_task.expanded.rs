//! Seed question 4: how do I run a task in the background?
//!
//! The Rust twin of Python's
//!
//! ```python
//! async def background():
//!     print('background: started')
//!     await asyncio.sleep(0.01)
//!     print('background: finished')
//!
//! async def main():
//!     task = asyncio.create_task(background())
//!     print('main: task created, not started yet')
//!     await asyncio.sleep(0)              # suspend: now the task starts
//!     print('main: back, doing other work')
//!     await asyncio.sleep(0.2)
//! ```
//!
//! Spawning is all it takes: a task runs by itself, whether or not anyone awaits it. Like
//! Python's event loop (the default `current_thread` flavor), a new task does not start at
//! once: it starts when the task that spawned it suspends at an `.await`.
//!
//! Run it with `cargo run --example background_task`.
use std::time::Duration;
async fn background(name: &str, work: Duration) {
    println!("{name}: started");
    asyncio::sleep(work).await;
    println!("{name}: finished");
}
/// Prints when dropped: a task's destructors are its `finally` block.
struct Cleanup(&'static str);
impl Drop for Cleanup {
    fn drop(&mut self) {
        println!("{}: cleanup ran", self.0);
    }
}
fn main() {
    #[allow(clippy::unused_async)]
    async fn main() {
        println!("main coroutine started");
        let task = ::asyncio::spawn(background("background", Duration::from_millis(10)));
        println!("main: task created, done: {}", task.done());
        let busy: u64 = (1..=1_000).sum();
        println!(
            "main: computed {busy} without suspending; the task has still not started"
        );
        asyncio::yield_now().await;
        println!("main: back after one yield, doing other work");
        asyncio::sleep(Duration::from_millis(200)).await;
        println!("main: the task is done: {}", task.done());
        drop(::asyncio::spawn(background("detached", Duration::from_millis(10))));
        asyncio::sleep(Duration::from_millis(100)).await;
        ::asyncio::spawn(async {
            let _cleanup = Cleanup("forgotten");
            println!("forgotten: started, sleeping for an hour");
            asyncio::sleep(Duration::from_secs(3600)).await;
            println!("forgotten: never printed");
        });
        asyncio::yield_now().await;
        println!("main coroutine done");
    }
    ::asyncio::RunConfig::new().run(main())
}
