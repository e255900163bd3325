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

#[asyncio::async_main(flavor = "multi_thread", worker_threads = 4)]
async fn main() -> Result<(), asyncio::TaskError> {
    const CHUNK: u64 = 10_000;
    // One task per chunk. They run in parallel, one per worker thread.
    let chunks: Vec<_> = (0..8)
        .map(|i| {
            let range = i * CHUNK..(i + 1) * CHUNK;
            asyncio::spawn!(
                async move { count_primes(range) },
                name = format!("chunk-{i}")
            )
        })
        .collect();
    // The values come back in the order of the tasks, whichever finished first.
    let counts = asyncio::gather_all(chunks).await?;
    for (i, count) in counts.iter().enumerate() {
        let start = i as u64 * CHUNK;
        println!("primes in {start}..{}: {count}", start + CHUNK);
    }
    println!(
        "primes below {}: {}",
        8 * CHUNK,
        counts.iter().sum::<usize>()
    );
    Ok(())
}
