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

#[asyncio::async_main]
async fn main() {
    println!("main coroutine started");

    // Create the task. `spawn!` returns its handle at once, without waiting for anything.
    let task = asyncio::spawn!(background("background", Duration::from_millis(10)));

    // Main keeps running: the task is scheduled, not started. Code that never suspends (no
    // `.await`, or only awaits that complete at once) keeps every other task waiting.
    println!("main: task created, done: {}", task.done());
    let busy: u64 = (1..=1_000).sum();
    println!("main: computed {busy} without suspending; the task has still not started");

    // `yield_now()` is Python's `await asyncio.sleep(0)`: suspend once, let the others run.
    asyncio::yield_now().await;
    // The task ran until its own first suspension (its sleep), then main came back.
    println!("main: back after one yield, doing other work");

    // Any await that suspends lets the task go on: here main sleeps longer than the task needs.
    asyncio::sleep(Duration::from_millis(200)).await;
    println!("main: the task is done: {}", task.done());

    // You do not have to keep the handle. Dropping it detaches the task, which runs on (in
    // Python you must keep a reference to the task, or it may be garbage collected).
    drop(asyncio::spawn!(background(
        "detached",
        Duration::from_millis(10)
    )));
    asyncio::sleep(Duration::from_millis(100)).await;

    // A background task still running when main returns is cancelled, and main's return
    // waits for it to stop, so its destructors (and any `catch_cancel` cleanup) run: the
    // same as `asyncio.run` cancelling the leftover tasks.
    asyncio::spawn!(async {
        let _cleanup = Cleanup("forgotten");
        println!("forgotten: started, sleeping for an hour");
        asyncio::sleep(Duration::from_secs(3600)).await;
        println!("forgotten: never printed");
    });
    asyncio::yield_now().await;
    println!("main coroutine done");
}
