//! A task's memory is released as soon as nothing refers to it: once it has ended and its last
//! handle is gone, its output (kept for awaiters) is dropped. A task that keeps a reference to
//! itself (its own waker, its queue entry) would leak, and its output would never be dropped.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use asyncio::spawn;
use common::on_both_flavors;

/// An output that counts its drops.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

const N: usize = 1_000;

#[test]
fn an_ended_task_whose_handles_are_gone_is_freed_while_the_runtime_runs() {
    on_both_flavors(|| async {
        let drops = Arc::new(AtomicUsize::new(0));
        // Ended with a value nobody took: the value lives in the task until it is freed.
        let tasks: Vec<_> = (0..N)
            .map(|_| {
                let drops = drops.clone();
                spawn!(async move {
                    // Parked once, so the task has registered its own waker.
                    asyncio::sleep(Duration::from_millis(1)).await;
                    Counted(drops)
                })
            })
            .collect();
        asyncio::wait(&tasks).await;
        assert!(tasks.iter().all(|t| t.done()));
        assert_eq!(
            drops.load(Ordering::SeqCst),
            0,
            "outputs are kept for awaiters"
        );
        drop(tasks);
        assert_eq!(
            drops.load(Ordering::SeqCst),
            N,
            "every output is dropped with the last handle of its task"
        );
    });
}

#[test]
fn a_cancelled_or_detached_task_is_freed_by_the_end_of_the_runtime() {
    let drops = Arc::new(AtomicUsize::new(0));
    on_both_flavors(|| {
        let drops = drops.clone();
        async move {
            for i in 0..N {
                let held = Counted(drops.clone());
                let task = spawn!(async move {
                    let _held = held;
                    if i % 2 == 0 {
                        std::future::pending::<()>().await;
                    }
                    asyncio::yield_now().await;
                });
                if i % 3 == 0 {
                    task.cancel();
                }
                // Detached: the runtime's shutdown cancels or finishes it.
            }
        }
    });
    assert_eq!(drops.load(Ordering::SeqCst), 2 * N);
}

#[test]
fn a_handle_that_outlives_its_runtime_keeps_only_its_own_task() {
    let drops = Arc::new(AtomicUsize::new(0));
    let task = asyncio::run({
        let drops = drops.clone();
        async move { spawn!(async move { Counted(drops) }) }
    });
    assert!(task.done());
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    drop(task);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}
