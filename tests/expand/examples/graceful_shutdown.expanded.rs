//! Graceful shutdown: workers that clean up when they are cancelled.
//!
//! Two workers take jobs from a shared queue. After a while a shutdown "signal" arrives (here a
//! timer; in a server, Ctrl-C), and main cancels the workers with a message. Each worker catches
//! the cancellation with `catch_cancel` (Python's `except CancelledError:`), puts its unfinished
//! job back, and then either
//! - returns a summary: the cancellation is swallowed, the task ends normally (worker 1), or
//! - does async cleanup and re-raises: the task ends cancelled (worker 2).
//!
//! A final save is `shield`ed, so the cancellation of the task that waits for it does not
//! interrupt it; and a task nobody remembered is cancelled (and cleaned up) when main returns.
//!
//! The timings are spaced widely (every event at least 100 ms from the next), so the output is
//! the same on every run.
//!
//! Run it with `cargo run --example graceful_shutdown`.
use std::time::{Duration, Instant};
use asyncio::{Queue, TaskError};
/// The jobs not taken yet (Python's `asyncio.Queue`; a clone is the same queue).
type Jobs = Queue<u32>;
fn take(queue: &Jobs) -> Option<u32> {
    queue.get_nowait().ok()
}
/// A worker: takes jobs until the queue is empty or it is cancelled. Returns how many jobs it
/// finished.
async fn worker(id: u32, queue: Jobs, job_time: Duration, reraise: bool) -> u32 {
    let mut finished = 0;
    let mut deadline = Instant::now();
    while let Some(job) = take(&queue) {
        println!("worker {id}: started job {job}");
        deadline += job_time;
        let job_done = asyncio::sleep(
            deadline.saturating_duration_since(Instant::now()),
        );
        match asyncio::catch_cancel(job_done).await {
            Ok(()) => {
                println!("worker {id}: finished job {job}");
                finished += 1;
            }
            Err(cancelled) => {
                println!("worker {id}: cancelled during job {job} ({cancelled})");
                queue.put_nowait(job).expect("unbounded");
                if reraise {
                    asyncio::sleep(Duration::from_millis(10)).await;
                    println!("worker {id}: flushed its buffers, re-raising");
                    return cancelled.reraise().await;
                }
                println!("worker {id}: returning a summary instead");
                break;
            }
        }
    }
    finished
}
/// Writes the state somewhere: must not be interrupted halfway.
async fn save_state(queue: Jobs) -> usize {
    asyncio::sleep(Duration::from_millis(100)).await;
    let left = queue.qsize();
    println!("save: wrote {left} unfinished jobs to disk");
    left
}
/// Prints when dropped: a destructor is the `finally` of a task.
struct Cleanup(&'static str);
impl Drop for Cleanup {
    fn drop(&mut self) {
        println!("{}: cleanup ran", self.0);
    }
}
fn main() -> Result<(), TaskError> {
    #[allow(clippy::unused_async)]
    async fn main() -> Result<(), TaskError> {
        let queue = Jobs::new(0);
        for job in 1..=10 {
            queue.put_nowait(job).expect("unbounded");
        }
        let w1 = ::asyncio::spawn_named(
            worker(1, queue.clone(), Duration::from_millis(200), false),
            ::asyncio::__private::task_name("worker-1"),
        );
        let w2 = ::asyncio::spawn_named(
            worker(2, queue.clone(), Duration::from_millis(300), true),
            ::asyncio::__private::task_name("worker-2"),
        );
        ::asyncio::spawn(async {
            let _cleanup = Cleanup("metrics reporter");
            loop {
                asyncio::sleep(Duration::from_secs(1)).await;
            }
        });
        asyncio::sleep(Duration::from_millis(500)).await;
        println!("main: shutdown requested");
        for worker in [&w1, &w2] {
            worker.cancel_with("shutdown");
        }
        let (r1, r2) = ::asyncio::__private::gather((
                ::asyncio::__private::into_task(w1.clone()),
                ::asyncio::__private::into_task(w2.clone()),
            ))
            .return_exceptions()
            .await;
        for (worker, result) in [(&w1, r1), (&w2, r2)] {
            let outcome = match result {
                Ok(jobs) => format!("Ok({jobs} jobs done)"),
                Err(error) => format!("Err({error})"),
            };
            println!(
                "main: {} -> {outcome}, cancelled: {}", worker.name(), worker.cancelled()
            );
        }
        let save = ::asyncio::spawn_named(
            save_state(queue.clone()),
            ::asyncio::__private::task_name("save"),
        );
        let left = asyncio::shield(save).await?;
        println!("main: {left} jobs left for next time");
        println!("main: bye");
        Ok(())
    }
    ::asyncio::RunConfig::new().run(main())
}
