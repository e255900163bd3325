//! `to_thread`: CPython's Lib/test/test_asyncio/test_threads.py ported to the Rust API (names
//! after the CPython methods), on both flavors, and hostile cases: panics, cancellation while
//! the function runs or waits in the queue, the per-runtime bound, shutdown.
//!
//! Not ported: `test_to_thread_contextvars` (Rust has no context variables; a closure captures
//! what it needs, see `test_to_thread_args_kwargs`).

use crate::common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use asyncio::{spawn, to_thread, yield_now, Flavor, RunConfig, TaskError};
use common::{on_both_flavors, panic_message, until, Flag, Log};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Both flavors, with a blocking pool of `n` threads.
fn with_blocking_threads(n: usize) -> [RunConfig; 2] {
    [
        RunConfig::new().blocking_threads(n),
        common::multi_thread().blocking_threads(n),
    ]
}

#[test]
fn test_to_thread() {
    on_both_flavors(|| async {
        let numbers = [40, 2];
        let result = to_thread(move || numbers.iter().sum::<i32>()).await;
        assert_eq!(result, Ok(42));
    });
}

#[test]
fn test_to_thread_exception() {
    on_both_flavors(|| async {
        let error = to_thread(|| -> u8 { panic!("test") }).await.unwrap_err();
        let TaskError::Panicked(panicked) = error else {
            panic!("expected a panic, got {error:?}")
        };
        assert_eq!(panicked.message(), "test");
        // Neither the runtime nor the pool is affected.
        assert_eq!(to_thread(|| 1).await, Ok(1));
    });
}

#[test]
fn test_to_thread_once() {
    on_both_flavors(|| async {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        to_thread(move || {
            counted.fetch_add(1, Ordering::SeqCst);
        })
        .await
        .unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn test_to_thread_concurrent() {
    on_both_flavors(|| async {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let tasks = (0..10).map(|_| {
            let calls = calls.clone();
            to_thread(move || calls.lock().unwrap().push(1))
        });
        asyncio::gather_all(tasks.collect::<Vec<_>>())
            .await
            .unwrap();
        assert_eq!(calls.lock().unwrap().iter().sum::<i32>(), 10);
    });
}

#[test]
fn test_to_thread_args_kwargs() {
    // Python passes arguments through; a Rust closure captures them.
    on_both_flavors(|| async {
        let (text, something) = ("test".to_owned(), true);
        let result = to_thread(move || format!("{text} something={something}")).await;
        assert_eq!(result.unwrap(), "test something=true");
    });
}

#[test]
fn the_task_is_a_normal_task() {
    on_both_flavors(|| async {
        let release = Flag::new();
        let task = {
            let release = release.clone();
            to_thread(move || {
                while !release.get() {
                    std::thread::sleep(ms(1));
                }
                "value"
            })
        };
        assert!(asyncio::all_tasks().contains(&asyncio::AnyTask::from(&task)));
        assert!(!task.done());
        assert_eq!(task.result(), Err(TaskError::InvalidState));
        release.set();
        assert_eq!(task.clone().await, Ok("value"));
        assert_eq!(task.clone().await, Ok("value"), "awaitable many times");
        assert_eq!(task.result(), Ok("value"));
    });
}

#[test]
fn a_blocking_sleep_in_to_thread_does_not_delay_other_tasks() {
    on_both_flavors(|| async {
        let log = Log::new();
        let blocking = {
            let log = log.clone();
            to_thread(move || {
                std::thread::sleep(ms(800));
                log.push("blocking job done");
            })
        };
        let ticker = {
            let log = log.clone();
            spawn(async move {
                for _ in 0..5 {
                    asyncio::sleep(ms(5)).await;
                }
                log.push("ticker done");
            })
        };
        let started = Instant::now();
        ticker.await.unwrap();
        let ticker_took = started.elapsed();
        blocking.await.unwrap();
        assert_eq!(log.lines(), ["ticker done", "blocking job done"]);
        assert!(ticker_took < ms(600), "the ticker waited {ticker_took:?}");
    });
}

#[test]
fn cancel_while_running_ends_the_task_at_once_and_the_thread_finishes() {
    struct DropFlag(Arc<AtomicBool>);
    impl Drop for DropFlag {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    on_both_flavors(|| async {
        let (release, wait_for_release) = mpsc::channel::<()>();
        let running = Flag::new();
        let finished = Flag::new();
        let value_dropped = Arc::new(AtomicBool::new(false));
        let task = {
            let (running, finished, value_dropped) =
                (running.clone(), finished.clone(), value_dropped.clone());
            to_thread(move || {
                running.set();
                let _ = wait_for_release.recv();
                finished.set();
                DropFlag(value_dropped)
            })
        };
        until(|| running.get()).await;
        assert!(task.cancel_with("no longer needed"));
        let error = asyncio::wait_for(task, Duration::from_secs(5))
            .await
            .expect("the awaiter stops waiting at once")
            .err()
            .unwrap();
        assert_eq!(error.to_string(), "task was cancelled: no longer needed");
        assert!(!finished.get(), "the thread is still running the function");
        release.send(()).unwrap();
        until(|| value_dropped.load(Ordering::SeqCst)).await;
        assert!(finished.get());
    });
}

#[test]
fn a_job_cancelled_while_queued_never_runs() {
    for config in with_blocking_threads(1) {
        config.run(async {
            let (release, wait_for_release) = mpsc::channel::<()>();
            let running = Flag::new();
            let first = {
                let running = running.clone();
                to_thread(move || {
                    running.set();
                    let _ = wait_for_release.recv();
                })
            };
            until(|| running.get()).await;
            let ran = Flag::new();
            let queued = {
                let ran = ran.clone();
                to_thread(move || ran.set())
            };
            yield_now().await; // its task has handed the job to the pool
            queued.cancel();
            assert!(queued.clone().await.unwrap_err().is_cancelled());
            release.send(()).unwrap();
            first.await.unwrap();
            // The pool's one thread is free again and has passed the cancelled job by.
            to_thread(|| ()).await.unwrap();
            assert!(!ran.get());
        });
    }
}

#[test]
fn blocking_threads_1_runs_three_jobs_one_after_another_in_order() {
    for config in with_blocking_threads(1) {
        config.run(async {
            let running = Arc::new(AtomicUsize::new(0));
            let most = Arc::new(AtomicUsize::new(0));
            let log = Log::new();
            let jobs: Vec<_> = (0..3)
                .map(|i| {
                    let (running, most, log) = (running.clone(), most.clone(), log.clone());
                    to_thread(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(ms(20));
                        log.push(format!("job {i}"));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                })
                .collect();
            asyncio::gather_all(jobs).await.unwrap();
            assert_eq!(most.load(Ordering::SeqCst), 1, "never two at once");
            if config.get_flavor() == Flavor::CurrentThread {
                // Tasks start in FIFO order, so the jobs are queued in that order.
                assert_eq!(log.lines(), ["job 0", "job 1", "job 2"]);
            } else {
                assert_eq!(log.lines().len(), 3);
            }
        });
    }
}

#[test]
fn the_bound_lets_that_many_jobs_run_at_once() {
    for config in with_blocking_threads(3) {
        config.run(async {
            // Three jobs meet at a barrier: they can only pass it if all three run at once.
            let barrier = Arc::new(Barrier::new(3));
            let jobs: Vec<_> = (0..3)
                .map(|_| {
                    let barrier = barrier.clone();
                    to_thread(move || {
                        barrier.wait();
                    })
                })
                .collect();
            asyncio::wait_for(asyncio::gather_all(jobs), Duration::from_secs(10))
                .await
                .expect("three threads ran together")
                .unwrap();
        });
    }
}

#[test]
fn each_runtime_has_its_own_bound() {
    // Two runtimes at once in one process, bounds 1 and 4: each holds to its own.
    let most_seen = |limit: usize| {
        std::thread::spawn(move || {
            RunConfig::new().blocking_threads(limit).run(async move {
                let running = Arc::new(AtomicUsize::new(0));
                let most = Arc::new(AtomicUsize::new(0));
                let jobs: Vec<_> = (0..8)
                    .map(|_| {
                        let (running, most) = (running.clone(), most.clone());
                        to_thread(move || {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            std::thread::sleep(ms(30));
                            running.fetch_sub(1, Ordering::SeqCst);
                        })
                    })
                    .collect();
                asyncio::gather_all(jobs).await.unwrap();
                most.load(Ordering::SeqCst)
            })
        })
    };
    let (one, four) = (most_seen(1), most_seen(4));
    assert_eq!(one.join().unwrap(), 1);
    let four = four.join().unwrap();
    assert!((2..=4).contains(&four), "{four}");
}

#[test]
#[should_panic(expected = "blocking_threads must be at least 1")]
fn blocking_threads_0_panics_when_configured() {
    let _ = RunConfig::new().blocking_threads(0);
}

#[test]
fn the_default_bound_is_pythons_min_32_cpus_plus_4() {
    assert_eq!(RunConfig::new().get_blocking_threads(), None);
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    let expected = (cpus + 4).min(32);
    // With the default bound, `expected` jobs can meet at a barrier.
    RunConfig::new().run(async move {
        let barrier = Arc::new(Barrier::new(expected));
        let jobs: Vec<_> = (0..expected)
            .map(|_| {
                let barrier = barrier.clone();
                to_thread(move || {
                    barrier.wait();
                })
            })
            .collect();
        asyncio::wait_for(asyncio::gather_all(jobs), Duration::from_secs(10))
            .await
            .expect("that many threads ran together")
            .unwrap();
    });
}

#[test]
fn the_function_runs_outside_the_runtime() {
    on_both_flavors(|| async {
        let seen = to_thread(|| {
            (
                asyncio::current_task().is_none(),
                std::thread::current().name().map(str::to_owned),
            )
        })
        .await
        .unwrap();
        assert_eq!(seen, (true, Some("asyncio-blocking".to_owned())));
        let error = to_thread(|| drop(spawn(async {}))).await.unwrap_err();
        assert!(
            error.to_string().contains("#[asyncio::async_main]"),
            "{error}"
        );
    });
}

#[test]
fn to_thread_without_a_runtime_panics_naming_async_main() {
    let payload = std::panic::catch_unwind(|| drop(to_thread(|| ()))).unwrap_err();
    let message = panic_message(&*payload);
    assert!(message.contains("#[asyncio::async_main]"), "{message}");
}

#[test]
fn run_does_not_wait_for_a_running_job_at_shutdown() {
    for config in with_blocking_threads(2) {
        let (release, wait_for_release) = mpsc::channel::<()>();
        let (finished, job_finished) = mpsc::channel::<()>();
        let started = Instant::now();
        // A watchdog turns a hang of `run` into a slow failure rather than a stuck test.
        let watchdog = {
            let release = release.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(20));
                let _ = release.send(());
            })
        };
        config.run(async move {
            let running = Flag::new();
            let _detached = {
                let running = running.clone();
                to_thread(move || {
                    running.set();
                    let _ = wait_for_release.recv();
                    let _ = finished.send(());
                })
            };
            until(|| running.get()).await;
            // main returns without awaiting it: shutdown cancels the task.
        });
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(10),
            "run waited {took:?} for the job"
        );
        // The function is still running on its thread; it finishes when released.
        release.send(()).unwrap();
        job_finished
            .recv_timeout(Duration::from_secs(10))
            .expect("the detached job finishes on its thread");
        drop(watchdog);
    }
}

#[test]
fn jobs_queued_at_shutdown_never_run() {
    for config in with_blocking_threads(1) {
        let ran = Arc::new(AtomicBool::new(false));
        let (release, wait_for_release) = mpsc::channel::<()>();
        let ran_in_run = ran.clone();
        config.run(async move {
            let running = Flag::new();
            let _busy = {
                let running = running.clone();
                to_thread(move || {
                    running.set();
                    let _ = wait_for_release.recv();
                })
            };
            until(|| running.get()).await;
            let _queued = to_thread(move || ran_in_run.store(true, Ordering::SeqCst));
            yield_now().await;
        });
        release.send(()).unwrap();
        std::thread::sleep(ms(50));
        assert!(!ran.load(Ordering::SeqCst));
    }
}
