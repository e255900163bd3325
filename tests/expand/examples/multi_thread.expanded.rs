//! The `multi_thread` flavor: CPU-bound tasks on a pool of worker threads.
//!
//! The default flavor runs every task on one thread, like Python's event loop: perfect for
//! waiting on many things at once, useless for computing several things at once. With
//! `flavor = "multi_thread"` the tasks run on a pool of `worker_threads` threads owned by this
//! runtime, and everything else stays the same: `spawn!`, `gather!`, cancellation, shutdown.
//! Only the start-order promises of the default flavor are gone, so print from `main`, after
//! gathering, when the output must be in order.
//!
//! Run it with `cargo run --example multi_thread`.
/// Counts the primes in `range` the slow way: a CPU-bound job with no `.await` inside.
fn count_primes(range: std::ops::Range<u64>) -> usize {
    range
        .filter(|&n| n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0))
        .count()
}
fn main() -> Result<(), asyncio::TaskError> {
    #[allow(clippy::unused_async)]
    async fn main() -> Result<(), asyncio::TaskError> {
        const CHUNK: u64 = 10_000;
        let chunks: Vec<_> = (0..8)
            .map(|i| {
                let range = i * CHUNK..(i + 1) * CHUNK;
                ::asyncio::spawn_named(
                    async move { count_primes(range) },
                    ::asyncio::__private::task_name(format!("chunk-{i}")),
                )
            })
            .collect();
        let counts = asyncio::gather_all(chunks).await?;
        for (i, count) in counts.iter().enumerate() {
            let start = i as u64 * CHUNK;
            println!("primes in {start}..{}: {count}", start + CHUNK);
        }
        println!("primes below {}: {}", 8 * CHUNK, counts.iter().sum:: < usize > ());
        Ok(())
    }
    ::asyncio::RunConfig::new()
        .flavor(::asyncio::Flavor::MultiThread)
        .worker_threads(4)
        .run(main())
}
