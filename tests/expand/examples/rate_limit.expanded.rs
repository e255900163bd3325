//! A crawler limited by a `Semaphore`: every page is fetched in its own task, but at most two
//! requests are in flight at once (Python's `async with sem:` around the request).
//!
//! The "web" is simulated (fixed latencies, every event at least 100 ms from the next), so the
//! output is the same on every run. Waiting tasks get the permits in the order they asked for
//! them (FIFO), as in Python.
//!
//! Run it with `cargo run --example rate_limit`.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use asyncio::Semaphore;
const PAGES: &[(&str, u64)] = &[
    ("/", 150),
    ("/blog", 350),
    ("/docs", 100),
    ("/about", 350),
    ("/blog/1", 150),
    ("/docs/api", 250),
];
const LIMIT: usize = 2;
async fn fetch(
    url: &str,
    latency_ms: u64,
    limit: Semaphore,
    in_flight: Arc<AtomicUsize>,
) -> usize {
    let _permit = limit.acquire().await;
    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    println!("GET {url:<10} ({now} in flight)");
    asyncio::sleep(Duration::from_millis(latency_ms)).await;
    in_flight.fetch_sub(1, Ordering::SeqCst);
    println!("    {url:<10} done, {} bytes", latency_ms * 4);
    now
}
fn main() {
    #[allow(clippy::unused_async)]
    async fn main() {
        let limit = Semaphore::new(LIMIT);
        let in_flight = Arc::new(AtomicUsize::new(0));
        let fetches = PAGES
            .iter()
            .map(|&(url, ms)| fetch(url, ms, limit.clone(), in_flight.clone()));
        let peaks = asyncio::gather_all(fetches).await.unwrap();
        println!(
            "fetched {} pages, never more than {} at once", peaks.len(), peaks.iter()
            .max().unwrap()
        );
    }
    ::asyncio::RunConfig::new().run(main())
}
