//! Blocking work beside a ticker: `to_thread` keeps the event loop running.
//!
//! A ticker task wakes up every 10 ms and measures the longest gap between two ticks. Beside it:
//! 1. a blocking call (`std::thread::sleep` for 600 ms, standing for `std::fs`, a synchronous
//!    database driver, ...) on `asyncio::to_thread`: the ticker keeps ticking;
//! 2. a CPU-bound job (counting primes) on `to_thread`: the same;
//! 3. a `to_thread` job cancelled while it runs: the awaiter stops waiting at once, with
//!    `TaskError::Cancelled`, while the thread finishes the call (it cannot be interrupted) and
//!    drops the value, as in Python;
//! 4. the mistake: the same blocking call made directly in a task. On the default flavor every
//!    task shares one thread, so the ticker stops for the whole call.
//!
//! The timings are checked with wide margins (a gap under 300 ms counts as "kept ticking", where
//! the blocked ticker waits at least 600 ms; the cancelled job is given up after 50 ms of a
//! 600 ms call), so the output is the same on a busy machine. It
//! uses no backend-specific API, so it prints the same on both backends.
//!
//! Run it with `cargo run --example blocking_work`.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
const TICK: Duration = Duration::from_millis(10);
const BLOCKING_CALL: Duration = Duration::from_millis(600);
/// Ticks every [`TICK`] until `stop` is set; returns the longest gap between two ticks.
async fn ticker(stop: Arc<AtomicBool>) -> Duration {
    let mut longest_gap = Duration::ZERO;
    let mut last = Instant::now();
    while !stop.load(Ordering::SeqCst) {
        asyncio::sleep(TICK).await;
        longest_gap = longest_gap.max(last.elapsed());
        last = Instant::now();
    }
    longest_gap
}
/// Runs `work` (which returns what to print) beside a fresh ticker, then reports on the ticker.
async fn beside_a_ticker<F>(title: &str, work: F) -> Result<(), asyncio::TaskError>
where
    F: std::future::Future<Output = Result<String, asyncio::TaskError>>,
{
    println!("{title}");
    let stop = Arc::new(AtomicBool::new(false));
    let ticker = ::asyncio::spawn_named(
        ticker(stop.clone()),
        ::asyncio::__private::task_name("ticker"),
    );
    asyncio::yield_now().await;
    println!("  result: {}", work. await ?);
    stop.store(true, Ordering::SeqCst);
    let longest_gap = ticker.await?;
    let kept_ticking = longest_gap < Duration::from_millis(300);
    println!("  ticker kept ticking: {}", yes_no(kept_ticking));
    if !kept_ticking {
        let stalled = longest_gap >= BLOCKING_CALL;
        println!("  ticker stalled for the whole blocking call: {}", yes_no(stalled));
    }
    Ok(())
}
fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
/// A blocking call: holds its thread for [`BLOCKING_CALL`].
fn write_report() -> String {
    std::thread::sleep(BLOCKING_CALL);
    "report written".to_owned()
}
/// CPU-bound work with no `.await` inside: counts the primes below `n` the slow way.
fn count_primes(n: u64) -> usize {
    (2..n).filter(|&k| (2..).take_while(|d| d * d <= k).all(|d| k % d != 0)).count()
}
fn main() -> Result<(), asyncio::TaskError> {
    #[allow(clippy::unused_async)]
    async fn main() -> Result<(), asyncio::TaskError> {
        beside_a_ticker(
                "1. a blocking call on to_thread",
                async { asyncio::to_thread(write_report).await },
            )
            .await?;
        beside_a_ticker(
                "2. CPU-bound work on to_thread",
                async {
                    let primes = asyncio::to_thread(|| count_primes(100_000)).await?;
                    Ok(format!("{primes} primes below 100000"))
                },
            )
            .await?;
        println!("3. a to_thread job cancelled while it runs");
        let started = Instant::now();
        let job = asyncio::to_thread(write_report);
        asyncio::sleep(Duration::from_millis(50)).await;
        job.cancel_with("not needed any more");
        println!("  outcome: {}", job. await .unwrap_err());
        let waited_less = started.elapsed() < BLOCKING_CALL;
        println!("  stopped waiting before the call ended: {}", yes_no(waited_less));
        beside_a_ticker(
                "4. the same blocking call inline, in the task",
                async { Ok(write_report()) },
            )
            .await?;
        Ok(())
    }
    ::asyncio::RunConfig::new().run(main())
}
