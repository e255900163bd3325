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
    // Each job ends `job_time` after the previous one, on a fixed schedule, so that a slow
    // machine does not shift the later jobs (and the output stays the same on every run).
    let mut deadline = Instant::now();
    while let Some(job) = take(&queue) {
        println!("worker {id}: started job {job}");
        deadline += job_time;
        let job_done = asyncio::sleep(deadline.saturating_duration_since(Instant::now()));
        // Everything that may be interrupted goes inside `catch_cancel`. If this task is
        // cancelled while the job is pending, the job future is dropped at its current await
        // and `catch_cancel` returns `Err(Cancelled)`: the task itself keeps running.
        match asyncio::catch_cancel(job_done).await {
            Ok(()) => {
                println!("worker {id}: finished job {job}");
                finished += 1;
            }
            Err(cancelled) => {
                println!("worker {id}: cancelled during job {job} ({cancelled})");
                queue.put_nowait(job).expect("unbounded"); // someone else can do it later
                if reraise {
                    // Async cleanup is allowed here: the cancellation was consumed.
                    asyncio::sleep(Duration::from_millis(10)).await;
                    println!("worker {id}: flushed its buffers, re-raising");
                    // Python's bare `raise`: the task ends cancelled, with the same message.
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

#[asyncio::async_main]
async fn main() -> Result<(), TaskError> {
    let queue = Jobs::new(0); // unbounded
    for job in 1..=10 {
        queue.put_nowait(job).expect("unbounded");
    }

    // Worker 1 takes 200 ms per job, worker 2 300 ms.
    let w1 = asyncio::spawn!(
        worker(1, queue.clone(), Duration::from_millis(200), false),
        name = "worker-1"
    );
    let w2 = asyncio::spawn!(
        worker(2, queue.clone(), Duration::from_millis(300), true),
        name = "worker-2"
    );
    // A task we forget about: it is still running when main returns.
    asyncio::spawn!(async {
        let _cleanup = Cleanup("metrics reporter");
        loop {
            asyncio::sleep(Duration::from_secs(1)).await;
        }
    });

    // The shutdown signal, 500 ms in: worker 1 is halfway through its third job, worker 2
    // through its second.
    asyncio::sleep(Duration::from_millis(500)).await;
    println!("main: shutdown requested");

    // Cancel every worker, with a message. `cancel_with` is only a request: it returns at once.
    for worker in [&w1, &w2] {
        worker.cancel_with("shutdown");
    }
    // Wait for both to stop, and collect each outcome (never failing on the first).
    let (r1, r2) = asyncio::gather!(w1.clone(), w2.clone(), return_exceptions = true).await;
    for (worker, result) in [(&w1, r1), (&w2, r2)] {
        let outcome = match result {
            Ok(jobs) => format!("Ok({jobs} jobs done)"),
            Err(error) => format!("Err({error})"),
        };
        println!(
            "main: {} -> {outcome}, cancelled: {}",
            worker.name(),
            worker.cancelled()
        );
    }

    // Save the state in a task, and wait for it through `shield`: if main itself were
    // cancelled now, that would not reach the save, which would run to the end.
    let save = asyncio::spawn!(save_state(queue.clone()), name = "save");
    let left = asyncio::shield(save).await?;
    println!("main: {left} jobs left for next time");

    // Returning from main cancels the tasks still running (the metrics reporter) and waits
    // for them, so their cleanup runs before the program exits.
    println!("main: bye");
    Ok(())
}
