//! No task memory is leaked: after tasks have ended and their handles are gone, the bytes the
//! process has allocated are back where they were. A task that kept a reference to itself (its
//! own waker, a queue entry) would keep its whole allocation alive. Measured with a counting
//! global allocator, so this file holds a single test (tests in one binary share it).

use std::time::{Duration, Instant};

use asyncio::{spawn, yield_now, Flavor, RunConfig};

#[path = "common/counting.rs"]
mod counting;

const N: usize = 5_000;

/// Tasks that yield (woken by their own waker), that are cancelled while parked (woken by the
/// cancel), that panic, and that nobody awaits.
async fn round() {
    let mut tasks = Vec::with_capacity(N);
    for i in 0..N {
        tasks.push(spawn!(async move {
            match i % 4 {
                0 => yield_now().await,
                1 => std::future::pending::<()>().await,
                2 => panic!("task {i} panics"),
                _ => {}
            }
            vec![i; 4]
        }));
    }
    yield_now().await;
    for task in tasks.iter().skip(1).step_by(4) {
        task.cancel();
    }
    for (i, task) in tasks.into_iter().enumerate() {
        if i % 8 == 3 {
            drop(task); // detached
        } else {
            let _ = task.await;
        }
    }
    settle().await;
}

/// Waits until every task but main has ended (the detached ones run on the workers, which a
/// loaded machine may delay), then a little longer for the workers to let go of the last ones.
async fn settle() {
    let deadline = Instant::now() + Duration::from_secs(10);
    while asyncio::all_tasks().len() > 1 {
        assert!(Instant::now() < deadline, "tasks did not end within 10 s");
        asyncio::sleep(Duration::from_millis(1)).await;
    }
    asyncio::sleep(Duration::from_millis(20)).await;
}

#[test]
fn ended_tasks_leave_no_memory_behind_on_either_flavor() {
    // The panicking tasks are expected; anything else is reported.
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let expected = info
            .payload()
            .downcast_ref::<String>()
            .is_some_and(|m| m.ends_with(" panics"));
        if !expected {
            report(info);
        }
    }));
    let flavors = [
        (Flavor::CurrentThread, RunConfig::new()),
        (
            Flavor::MultiThread,
            RunConfig::new()
                .flavor(Flavor::MultiThread)
                .worker_threads(2),
        ),
    ];
    for (flavor, config) in flavors {
        config.run(async {
            // Warm up: the registry's and the queue's capacity grow once and are kept.
            round().await;
            round().await;
            let before = counting::live_bytes();
            for _ in 0..3 {
                round().await;
            }
            let grown = counting::live_bytes() - before;
            // A leaked task is ~200 B, so a leak per task would be ~3 MB here (a deliberate one
            // measured 3.48 MB). The slack covers buffers that legitimately grow in a later
            // round: on two workers, how many tasks are alive at once varies with the machine's
            // load, and the registry's slabs keep the capacity of the highest count (up to
            // ~55 KB seen under load).
            assert!(
                grown < 256 * 1024,
                "{flavor:?}: {grown} bytes still allocated after 3 x {N} tasks ended"
            );
        });
    }
}
