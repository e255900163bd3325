//! The multi_thread flavor: each runtime really gets `worker_threads` workers of its own.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use asyncio::{gather_all, spawn, Flavor, RunConfig};

/// Spawns `n` tasks that each block their thread until all `n` are running at once. Only
/// possible with at least `n` workers; returns how many met, and on which threads.
fn rendezvous(workers: usize, n: usize) -> (usize, HashSet<String>) {
    RunConfig::new()
        .flavor(Flavor::MultiThread)
        .worker_threads(workers)
        .run(async move {
            let arrived = Arc::new(AtomicUsize::new(0));
            let threads = Arc::new(Mutex::new(HashSet::new()));
            let tasks = (0..n).map(|_| {
                let (arrived, threads) = (arrived.clone(), threads.clone());
                spawn!(async move {
                    threads
                        .lock()
                        .unwrap()
                        .insert(std::thread::current().name().unwrap_or("?").to_owned());
                    arrived.fetch_add(1, Ordering::SeqCst);
                    let deadline = Instant::now() + Duration::from_millis(500);
                    while arrived.load(Ordering::SeqCst) < n && Instant::now() < deadline {
                        std::thread::sleep(Duration::from_millis(1)); // blocks the worker on purpose
                    }
                    arrived.load(Ordering::SeqCst) >= n
                })
            });
            let met = gather_all(tasks.collect::<Vec<_>>())
                .await
                .unwrap()
                .into_iter()
                .filter(|m| *m)
                .count();
            let threads = threads.lock().unwrap().clone();
            (met, threads)
        })
}

#[test]
fn worker_threads_gives_this_runtime_exactly_that_many_workers() {
    let (met, threads) = rendezvous(3, 3);
    assert_eq!(met, 3, "three tasks blocked at once: three workers");
    assert_eq!(threads.len(), 3);
    assert!(
        threads.iter().all(|t| t.starts_with("asyncio-worker-")),
        "{threads:?}"
    );

    let (met, threads) = rendezvous(1, 2);
    assert!(met < 2, "one worker cannot hold two blocked tasks at once");
    assert_eq!(threads.len(), 1);
}

#[test]
fn runtimes_of_different_sizes_coexist_in_one_process() {
    let small = std::thread::spawn(|| rendezvous(1, 1));
    let big = std::thread::spawn(|| rendezvous(4, 4));
    let (met_small, threads_small) = small.join().unwrap();
    let (met_big, threads_big) = big.join().unwrap();
    assert_eq!((met_small, threads_small.len()), (1, 1));
    assert_eq!((met_big, threads_big.len()), (4, 4));
}

#[test]
fn main_stays_on_the_calling_thread_and_needs_no_send() {
    let caller = std::thread::current().id();
    let not_send = std::rc::Rc::new(5);
    let value = RunConfig::new()
        .flavor(Flavor::MultiThread)
        .run(async move {
            assert_eq!(std::thread::current().id(), caller);
            asyncio::yield_now().await;
            *not_send
        });
    assert_eq!(value, 5);
}

#[test]
#[should_panic(expected = "only valid with Flavor::MultiThread")]
fn worker_threads_on_current_thread_is_refused() {
    RunConfig::new().worker_threads(2).run(async {});
}

#[test]
#[should_panic(expected = "at least 1")]
fn zero_worker_threads_is_refused() {
    RunConfig::new()
        .flavor(Flavor::MultiThread)
        .worker_threads(0)
        .run(async {});
}
