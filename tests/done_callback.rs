//! `Task::add_done_callback` (Python's `add_done_callback`): exactly once, after completion, on
//! the runtime and never inline in the caller, in the order added, panics contained, and those of
//! tasks ended by shutdown run before `run` returns. Names with `test_` port CPython's
//! test_futures.py / test_tasks.py methods.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use asyncio::{current_task, spawn, yield_now, AnyTask, RunConfig};
use common::{on_both_flavors, park, until, Flag, Log};

#[test]
fn test_callbacks_invoked_on_set_result() {
    // CPython: callbacks added before the result run in order, once the result is set.
    on_both_flavors(|| async {
        let log = Log::new();
        let task = spawn!(async {
            asyncio::sleep(Duration::from_millis(50)).await; // still running when the callbacks are added
            42
        });
        for n in [42, 17, 100] {
            let log = log.clone();
            task.add_done_callback(move |t| {
                assert!(t.done());
                log.push(n.to_string());
            });
        }
        assert!(log.lines().is_empty());
        assert_eq!(task.clone().await, Ok(42));
        until(|| log.lines().len() == 3).await;
        assert_eq!(log.lines(), ["42", "17", "100"]);
    });
}

#[test]
fn test_callbacks_invoked_on_set_exception() {
    on_both_flavors(|| async {
        let seen = Log::new();
        let task = spawn!(async {
            yield_now().await;
            panic!("boom")
        });
        let log = seen.clone();
        task.add_done_callback(move |t| {
            log.push(format!("panicked: {}", t.error().unwrap().is_panicked()))
        });
        let _ = task.await;
        until(|| !seen.lines().is_empty()).await;
        assert_eq!(seen.lines(), ["panicked: true"]);
    });
}

#[test]
fn a_callback_on_a_cancelled_task_sees_it_cancelled() {
    on_both_flavors(|| async {
        let seen = Log::new();
        let task = spawn!(park());
        let log = seen.clone();
        task.add_done_callback(move |t| log.push(format!("cancelled: {}", t.cancelled())));
        yield_now().await;
        task.cancel();
        let _ = task.await;
        until(|| !seen.lines().is_empty()).await;
        assert_eq!(seen.lines(), ["cancelled: true"]);
    });
}

#[test]
fn a_callback_added_to_a_finished_task_runs_soon_but_never_inline() {
    on_both_flavors(|| async {
        let task = spawn!(async { 1 });
        let _ = task.clone().await;
        thread_local! {
            static IN_ADD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        }
        let ran = Flag::new();
        let inline = Flag::new();
        let (flag, inline_flag) = (ran.clone(), inline.clone());
        IN_ADD.with(|c| c.set(true));
        task.add_done_callback(move |_| {
            if IN_ADD.with(std::cell::Cell::get) {
                inline_flag.set();
            }
            flag.set();
        });
        IN_ADD.with(|c| c.set(false));
        until(|| ran.get()).await;
        assert!(!inline.get(), "not inline in the caller");
    });
}

#[test]
fn a_callback_runs_outside_any_task_and_may_spawn_a_follow_up_task() {
    on_both_flavors(|| async {
        let log = Log::new();
        let first = spawn!(async { "first" });
        let follow_up_done = Flag::new();
        {
            let (log, follow_up_done) = (log.clone(), follow_up_done.clone());
            first.add_done_callback(move |_| {
                log.push(format!("in a task: {}", current_task().is_some()));
                let _ = spawn!(async move {
                    yield_now().await;
                    follow_up_done.set();
                });
            });
        }
        let _ = first.await;
        until(|| follow_up_done.get()).await;
        assert_eq!(log.lines(), ["in a task: false"]);
    });
}

#[test]
fn a_panicking_callback_is_contained_and_the_next_callbacks_still_run() {
    on_both_flavors(|| async {
        let ran = Flag::new();
        let task = spawn!(async {});
        task.add_done_callback(|_| panic!("callback"));
        let flag = ran.clone();
        task.add_done_callback(move |_| flag.set());
        let _ = task.await;
        until(|| ran.get()).await;
        assert_eq!(spawn!(async { 3 }).await, Ok(3));
    });
}

#[test]
fn callbacks_of_tasks_ended_by_shutdown_run_before_run_returns() {
    for config in [RunConfig::new(), common::multi_thread()] {
        let count = Arc::new(AtomicUsize::new(0));
        config.run({
            let count = count.clone();
            async move {
                for _ in 0..50 {
                    let count = count.clone();
                    spawn!(park()).add_done_callback(move |t| {
                        assert!(t.cancelled());
                        count.fetch_add(1, Ordering::SeqCst);
                    });
                }
                yield_now().await;
                // main returns: shutdown cancels the 50 tasks; their callbacks run before `run`
                // returns.
            }
        });
        assert_eq!(count.load(Ordering::SeqCst), 50);
    }
}

#[test]
fn a_callback_on_the_main_task_runs_before_run_returns() {
    let ran = Flag::new();
    asyncio::run({
        let ran = ran.clone();
        async move {
            current_task()
                .unwrap()
                .add_done_callback(move |_: &AnyTask| ran.set());
        }
    });
    assert!(ran.get());
}

#[test]
fn thousands_of_callbacks_each_run_exactly_once_on_multi_thread() {
    common::multi_thread().run(async {
        let count = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for i in 0..2_000u32 {
            let task = spawn!(async move {
                if i % 2 == 0 {
                    yield_now().await;
                }
                i
            });
            let count = count.clone();
            task.add_done_callback(move |_| {
                count.fetch_add(1, Ordering::SeqCst);
            });
            tasks.push(task);
        }
        for task in tasks {
            let _ = task.await;
        }
        until(|| count.load(Ordering::SeqCst) == 2_000).await;
        asyncio::sleep(Duration::from_millis(20)).await;
        assert_eq!(count.load(Ordering::SeqCst), 2_000);
    });
}

#[test]
fn the_callbacks_run_before_the_awaiters_of_the_task_resume() {
    on_both_flavors(|| async {
        let log = Log::new();
        let task = spawn!(async {
            asyncio::sleep(Duration::from_millis(50)).await; // still running when the callbacks are added
        });
        let log2 = log.clone();
        task.add_done_callback(move |_| log2.push("callback"));
        let awaiter = spawn!({
            let (log, task) = (log.clone(), task.clone());
            async move {
                let _ = task.await;
                log.push("awaiter resumed");
            }
        });
        let _ = awaiter.await;
        assert_eq!(log.lines(), ["callback", "awaiter resumed"]);
    });
}

#[test]
fn a_follow_up_spawned_into_a_task_group_by_a_callback_is_joined_by_the_group() {
    on_both_flavors(|| async {
        let parsed = Flag::new();
        asyncio::task_group(|tg| {
            let parsed = parsed.clone();
            async move {
                // Still running when its callback is added (on multi_thread a task that had
                // ended already would have its callback run "soon after", possibly after the
                // group finished, as in Python).
                let fetch = tg.spawn(asyncio::sleep(Duration::from_millis(50)));
                let tg = tg.clone();
                fetch.add_done_callback(move |_| {
                    tg.spawn(async move {
                        asyncio::sleep(Duration::from_millis(5)).await;
                        parsed.set();
                    });
                });
            }
        })
        .await
        .unwrap();
        assert!(parsed.get(), "the group joined the follow-up");
    });
}
