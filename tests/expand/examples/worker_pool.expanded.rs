//! A worker pool, the Python way: `asyncio.Queue` + N workers + `queue.join()` + cancel the
//! workers (the example of Python's `asyncio.Queue` documentation, line for line).
//!
//! Run it with `cargo run --example worker_pool`.
use std::time::{Duration, Instant};
use asyncio::Queue;
async fn worker(name: String, queue: Queue<u64>) {
    loop {
        let sleep_for = queue.get().await.expect("never shut down");
        asyncio::sleep(Duration::from_millis(sleep_for)).await;
        queue.task_done();
        println!("{name} has slept for {sleep_for} ms");
    }
}
fn main() {
    #[allow(clippy::unused_async)]
    async fn main() {
        let queue = Queue::new(0);
        let jobs = [500, 50, 150, 250, 450, 100, 400, 200];
        for sleep_for in jobs {
            queue.put_nowait(sleep_for).unwrap();
        }
        let workers: Vec<_> = (0..3)
            .map(|i| ::asyncio::spawn(worker(format!("worker-{i}"), queue.clone())))
            .collect();
        let started_at = Instant::now();
        queue.join().await;
        let total_slept_for = started_at.elapsed();
        for task in &workers {
            task.cancel();
        }
        asyncio::gather_all(workers).return_exceptions().await;
        let total: u64 = jobs.iter().sum();
        println!("====");
        println!(
            "3 workers slept in parallel for less than the total: {}", total_slept_for <
            Duration::from_millis(total)
        );
        println!("total expected sleep time: {total} ms");
    }
    ::asyncio::RunConfig::new().run(main())
}
