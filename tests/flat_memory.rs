//! Memory stays flat for the life of a runtime: what a runtime allocates while it runs does not
//! grow with the number of tasks it has run or of times its workers woke up. Measured with a
//! counting global allocator inside ONE runtime (a leak that shutdown frees would not show
//! between runtimes), so this file holds a single test.
//!
//! Found by an outside suite: each multi-thread worker pushed a clone of its waker on every
//! wake-up and freed them only at shutdown (+16 B per wake-up).

use std::time::Duration;

use asyncio::{spawn, Flavor, RunConfig};

#[path = "common/counting.rs"]
mod counting;

/// Work that wakes the workers up once per task: main (on the caller's thread under
/// multi_thread) spawns one task and awaits it, so a sleeping worker is woken for each.
async fn wake_ups(n: usize) {
    for i in 0..n {
        assert_eq!(spawn!(async move { i }).await, Ok(i));
        if i % 1024 == 0 {
            // Timers as well: a worker parked in the reactor wakes up for them.
            asyncio::sleep(Duration::from_micros(1)).await;
        }
    }
}

#[test]
fn memory_is_flat_over_many_tasks_and_worker_wake_ups_on_both_flavors() {
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
            wake_ups(20_000).await; // warm up: queues and slabs reach their size
            let before = counting::live_bytes();
            wake_ups(50_000).await;
            let grown = counting::live_bytes() - before;
            // 50,000 wake-ups at 16 B each would be 800 KB; buffers that legitimately keep a
            // larger capacity after a busier moment are a few KB.
            assert!(
                grown < 128 * 1024,
                "{flavor:?}: {grown} bytes more allocated after 50,000 more tasks and wake-ups"
            );
        });
    }
}
