//! `as_completed`: CPython's `test_as_completed*` (Lib/test/test_asyncio/test_tasks.py, the
//! Python 3.13 async-iterator form) ported to the Rust API, on both flavors, and hostile cases.
//!
//! Not ported: `test_as_completed_reverse_wait` (the plain-iterator form, whose placeholders
//! resolve in completion order; ours yields the done tasks themselves) and
//! `test_as_completed_coroutine_without_loop` / `..._use_running_loop` (about wrapping bare
//! coroutines into tasks; ours takes tasks).

use crate::common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use asyncio::{
    as_completed, catch_cancel, spawn, wait_for, yield_now, Task, TaskError, TimeoutError,
};
use common::{on_both_flavors, park, until, Flag};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Python's `asyncio.sleep(delay, result)`.
fn sleep_then<T: Send + 'static>(delay: Duration, value: T) -> Task<T> {
    spawn(async move {
        asyncio::sleep(delay).await;
        value
    })
}

#[test]
fn test_as_completed() {
    on_both_flavors(|| async {
        let a = sleep_then(ms(10), "a");
        let b = sleep_then(ms(10), "b");
        let c = sleep_then(ms(150), "c");
        let mut done = as_completed([b, c, a]);
        let mut values = Vec::new();
        while let Some(task) = done.next().await {
            values.push(task.await.unwrap());
        }
        assert!(
            values[..2].contains(&"a") && values[..2].contains(&"b"),
            "{values:?}"
        );
        assert_eq!(values[2], "c");
    });
}

#[test]
fn test_as_completed_same_tasks_in_as_out() {
    on_both_flavors(|| async {
        let tasks: Vec<Task<u32>> = (0..4).map(|i| spawn(async move { i })).collect();
        let ids_in: HashSet<_> = tasks.iter().map(Task::id).collect();
        let mut done = as_completed(tasks);
        let mut ids_out = HashSet::new();
        while let Some(task) = done.next().await {
            ids_out.insert(task.id());
        }
        assert_eq!(ids_in, ids_out, "the original tasks come out");
    });
}

#[test]
fn test_as_completed_with_timeout() {
    // Python's `as_completed(fs, timeout=...)`: here a timeout around each `next()`.
    on_both_flavors(|| async {
        let a = sleep_then(ms(20), "a");
        let b = sleep_then(ms(2000), "b");
        let mut done = as_completed([a, b.clone()]);
        let first = wait_for(done.next(), ms(1000)).await.unwrap().unwrap();
        assert_eq!(first.await, Ok("a"));
        assert_eq!(
            wait_for(done.next(), ms(20)).await.unwrap_err(),
            TimeoutError
        );
        // The timeout cancelled only the waiting: b runs on and is yielded later.
        assert!(!b.done());
        b.cancel();
        let second = done.next().await.unwrap();
        assert!(second.await.unwrap_err().is_cancelled());
        assert!(done.next().await.is_none());
    });
}

#[test]
fn test_as_completed_with_unused_timeout() {
    on_both_flavors(|| async {
        let mut done = as_completed([sleep_then(ms(10), "a")]);
        while let Some(task) = wait_for(done.next(), ms(5000)).await.unwrap() {
            assert_eq!(task.await, Ok("a"));
        }
    });
}

#[test]
fn test_as_completed_resume_iterator() {
    on_both_flavors(|| async {
        let mut done = as_completed((0..4).map(|i| spawn(async move { i })));
        let mut collected = Vec::new();
        while let Some(task) = done.next().await {
            collected.push(task.await.unwrap());
            if collected.len() == 2 {
                break;
            }
        }
        assert_eq!(collected.len(), 2);
        // Resume the same iterator.
        while let Some(task) = done.next().await {
            collected.push(task.await.unwrap());
        }
        collected.sort_unstable();
        assert_eq!(collected, [0, 1, 2, 3]);
    });
}

#[test]
fn test_as_completed_concurrent() {
    // The yielded tasks can be awaited together.
    on_both_flavors(|| async {
        let done = as_completed([sleep_then(ms(50), "a"), sleep_then(ms(50), "b")]);
        let tasks: Vec<Task<&str>> = futures_lite::StreamExt::collect(done).await;
        assert_eq!(tasks.len(), 2);
        let mut values = asyncio::gather_all(tasks).await.unwrap();
        values.sort_unstable();
        assert_eq!(values, ["a", "b"]);
    });
}

#[test]
fn test_as_completed_duplicate_coroutines() {
    // Python takes a set: the same task twice is yielded once.
    on_both_flavors(|| async {
        let ham = spawn(async { "ham" });
        let mut done = as_completed([ham.clone(), ham, spawn(async { "spam" })]);
        assert_eq!(done.len(), 2);
        let mut result = Vec::new();
        while let Some(task) = done.next().await {
            result.push(task.await.unwrap());
        }
        result.sort_unstable();
        assert_eq!(result, ["ham", "spam"]);
        // Any number of copies, anywhere: the first occurrence stays, in input order.
        let (a, b) = (spawn(async { 'a' }), spawn(async { 'b' }));
        let done = as_completed([b.clone(), a.clone(), a.clone(), b.clone(), a]);
        assert_eq!(done.len(), 2);
        let tasks: Vec<Task<char>> = futures_lite::StreamExt::collect(done).await;
        assert_eq!(tasks.len(), 2);
    });
}

#[test]
fn an_empty_input_ends_at_once() {
    on_both_flavors(|| async {
        let mut done = as_completed(Vec::<Task<()>>::new());
        assert!(done.is_empty());
        assert!(done.next().await.is_none());
        assert!(done.next().await.is_none(), "stays ended");
    });
}

#[test]
fn tasks_come_in_completion_order_and_done_ones_first_in_input_order() {
    on_both_flavors(|| async {
        let finished_late = spawn(async { 1 });
        let finished_early = spawn(async { 2 });
        until(|| finished_late.done() && finished_early.done()).await;
        let slow = sleep_then(ms(300), 3);
        let fast = sleep_then(ms(20), 4);
        let mut done = as_completed([
            slow.clone(),
            finished_late.clone(),
            fast.clone(),
            finished_early.clone(),
        ]);
        let mut order = Vec::new();
        while let Some(task) = done.next().await {
            assert!(task.done(), "yielded only when done");
            order.push(task.result().unwrap());
        }
        assert_eq!(order, [1, 2, 4, 3]);
    });
}

#[test]
fn panicked_and_cancelled_tasks_are_yielded_too() {
    on_both_flavors(|| async {
        let boom = spawn(async {
            asyncio::sleep(ms(10)).await;
            panic!("boom")
        });
        let parked = spawn(async {
            park().await;
            0
        });
        let release = Flag::new();
        let fine = spawn({
            let release = release.clone();
            async move {
                until(|| release.get()).await;
                7
            }
        });
        let mut done = as_completed([fine, parked.clone(), boom]);
        let first = done.next().await.unwrap();
        assert!(matches!(first.await, Err(TaskError::Panicked(p)) if p.message() == "boom"));
        parked.cancel_with("enough");
        let second = done.next().await.unwrap();
        assert_eq!(second.id(), parked.id());
        let error = second.await.unwrap_err();
        assert_eq!(error.to_string(), "task was cancelled: enough");
        release.set();
        assert_eq!(done.next().await.unwrap().await, Ok(7));
        assert!(done.next().await.is_none());
    });
}

#[test]
fn dropping_it_cancels_nothing() {
    on_both_flavors(|| async {
        let a = sleep_then(ms(20), "a");
        let b = sleep_then(ms(20), "b");
        let mut done = as_completed([a.clone(), b.clone()]);
        assert_eq!(
            wait_for(done.next(), ms(1)).await.unwrap_err(),
            TimeoutError
        );
        drop(done);
        assert_eq!(a.await, Ok("a"));
        assert_eq!(b.await, Ok("b"));
    });
}

#[test]
fn a_consumer_cancelled_while_waiting_in_next_loses_nothing() {
    on_both_flavors(|| async {
        let release = Flag::new();
        let gate = {
            let release = release.clone();
            spawn(async move {
                until(|| release.get()).await;
                "gated"
            })
        };
        let done = as_completed([gate]);
        let waiting = Flag::new();
        // The consumer is cancelled while it waits in next(); it catches the cancellation,
        // keeps the iterator and hands it back.
        let consumer = spawn({
            let waiting = waiting.clone();
            async move {
                let mut done = done;
                waiting.set();
                let first = catch_cancel(done.next()).await;
                (first.is_err(), done)
            }
        });
        until(|| waiting.get()).await;
        yield_now().await;
        assert!(consumer.cancel());
        let (was_cancelled, mut done) = consumer.await.unwrap();
        assert!(was_cancelled);
        assert_eq!(done.len(), 1, "nothing was taken");
        release.set();
        let task = done.next().await.expect("a later next() still yields it");
        assert_eq!(task.await, Ok("gated"));
        assert!(done.next().await.is_none());
    });
}

#[test]
fn a_next_dropped_after_the_task_ended_keeps_the_task_for_the_next_call() {
    // The completion is queued before next() is polled again; dropping that next() without
    // polling it loses nothing either.
    on_both_flavors(|| async {
        let mut done = as_completed([spawn(async { 5 })]);
        yield_now().await;
        drop(done.next());
        assert_eq!(done.next().await.unwrap().await, Ok(5));
    });
}

#[test]
fn the_stream_form_yields_the_same_tasks() {
    on_both_flavors(|| async {
        let done = as_completed([sleep_then(ms(300), 1), sleep_then(ms(5), 2)]);
        assert_eq!(futures_lite::Stream::size_hint(&done), (2, Some(2)));
        let tasks: Vec<Task<i32>> = futures_lite::StreamExt::collect(done).await;
        let values: Vec<i32> = tasks.into_iter().map(|t| t.result().unwrap()).collect();
        assert_eq!(values, [2, 1]);
    });
}

#[test]
fn many_tasks_racing_on_multi_thread_are_each_yielded_exactly_once() {
    for round in 0..5 {
        common::multi_thread().run(async move {
            let n = 2_000;
            let started = Arc::new(AtomicUsize::new(0));
            let tasks: Vec<Task<usize>> = (0..n)
                .map(|i| {
                    let started = started.clone();
                    spawn(async move {
                        started.fetch_add(1, Ordering::Relaxed);
                        for _ in 0..(i + round) % 4 {
                            yield_now().await;
                        }
                        if i % 499 == 0 {
                            panic!("task {i}");
                        }
                        i
                    })
                })
                .collect();
            // Some end while the listeners are being registered.
            yield_now().await;
            let ids: Vec<_> = tasks.iter().map(Task::id).collect();
            let mut done = as_completed(tasks);
            let mut seen = HashSet::new();
            while let Some(task) = done.next().await {
                assert!(task.done());
                assert!(seen.insert(task.id()), "yielded twice");
            }
            assert_eq!(seen.len(), n);
            assert!(ids.iter().all(|id| seen.contains(id)));
            assert_eq!(started.load(Ordering::Relaxed), n);
        });
    }
}

#[test]
fn as_completed_is_send_so_it_can_move_into_a_task() {
    on_both_flavors(|| async {
        let done = as_completed([spawn(async { 1 }), spawn(async { 2 })]);
        let sum = spawn(async move {
            let mut done = done;
            let mut sum = 0;
            while let Some(task) = done.next().await {
                sum += task.await.unwrap();
            }
            sum
        });
        assert_eq!(sum.await, Ok(3));
    });
}
