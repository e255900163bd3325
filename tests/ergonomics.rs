//! The everyday conveniences of issue #19: `task.wait_for(d)` with one `Result`, `wait` and
//! `as_completed` over tasks of different output types (`Task::any`), `all_tasks()` in spawn
//! order, and the `!Send` story of the current_thread flavor.

use crate::common;

use std::rc::Rc;
use std::time::{Duration, Instant};

use asyncio::{
    all_tasks, as_completed, catch_cancel, current_task, spawn, wait, wait_for, AnyTask,
    ReturnWhen, Task, TaskError, WaitForError,
};
use common::{on_both_flavors, park, until, Finally, Flag, Log};

async fn after(ms: u64) -> u64 {
    asyncio::sleep(Duration::from_millis(ms)).await;
    ms
}

// --- task.wait_for(d): wait_for with one Result -------------------------------------------

#[test]
fn task_wait_for_gives_the_value_when_the_task_ends_in_time() {
    on_both_flavors(|| async {
        let task = spawn!(after(5));
        let value: Result<u64, WaitForError> = task.wait_for(Duration::from_secs(10)).await;
        assert_eq!(value, Ok(5));
    });
}

#[test]
fn task_wait_for_on_timeout_cancels_the_task_and_returns_once_it_has_stopped() {
    on_both_flavors(|| async {
        let log = Log::new();
        let slow = spawn!({
            let log = log.clone();
            async move {
                let _finally = Finally::new(&log, "cleanup ran");
                park().await;
                "never"
            }
        });
        let started = Instant::now();
        let error = slow
            .clone()
            .wait_for(Duration::from_millis(20))
            .await
            .unwrap_err();
        assert_eq!(error, WaitForError::Timeout);
        assert!(error.is_timeout() && !error.is_cancelled() && !error.is_panicked());
        assert_eq!(error.to_string(), "deadline elapsed");
        // The task ended cancelled, and its cleanup ran before wait_for returned.
        assert!(slow.cancelled());
        assert_eq!(log.lines(), ["cleanup ran"]);
        assert!(started.elapsed() >= Duration::from_millis(20));
        assert!(started.elapsed() < Duration::from_secs(30), "not the hour");
    });
}

#[test]
fn task_wait_for_a_task_that_catches_the_timeout_cancellation_and_returns_gives_its_value() {
    // Python 3.12: the task's outcome decides; it declined the cancellation.
    on_both_flavors(|| async {
        let started = Flag::new();
        let stubborn = spawn!({
            let started = started.clone();
            async move {
                started.set();
                match catch_cancel(park()).await {
                    Ok(()) => "slept an hour",
                    Err(_cancelled) => {
                        asyncio::sleep(Duration::from_millis(1)).await; // async cleanup
                        "stopped early"
                    }
                }
            }
        });
        until(|| started.get()).await; // cancelled before its first step, it could not catch
        let outcome = stubborn.clone().wait_for(Duration::from_millis(10)).await;
        assert_eq!(outcome, Ok("stopped early"));
        assert!(!stubborn.cancelled());
    });
}

#[test]
fn task_wait_for_a_task_that_panics_gives_the_panic_in_time_or_while_being_cancelled() {
    on_both_flavors(|| async {
        let crash = spawn!(async {
            asyncio::yield_now().await;
            panic!("bad input")
        });
        match crash.wait_for(Duration::from_secs(10)).await {
            Err(WaitForError::Failed(TaskError::Panicked(p))) => {
                assert_eq!(p.message(), "bad input")
            }
            other => panic!("unexpected {other:?}"),
        }

        // Panicked in its cleanup, while cancelled for the timeout: the panic, not a timeout.
        let started = Flag::new();
        let fails_on_cancel = spawn!({
            let started = started.clone();
            async move {
                started.set();
                if catch_cancel(park()).await.is_err() {
                    panic!("cleanup failed");
                }
            }
        });
        until(|| started.get()).await;
        let error = fails_on_cancel
            .wait_for(Duration::from_millis(10))
            .await
            .unwrap_err();
        assert!(error.is_panicked(), "{error:?}");
        assert_eq!(error.to_string(), "task panicked: cleanup failed");
    });
}

#[test]
fn task_wait_for_a_task_cancelled_by_someone_else_is_a_task_error_not_a_timeout() {
    on_both_flavors(|| async {
        let task = spawn!(park());
        asyncio::yield_now().await;
        task.cancel_with("not needed");
        let error = task.wait_for(Duration::from_secs(10)).await.unwrap_err();
        assert!(error.is_cancelled() && !error.is_timeout());
        assert_eq!(error.to_string(), "task was cancelled: not needed");
        // `?` into a boxed error keeps the task's error as the source.
        let boxed: Box<dyn std::error::Error> = Box::new(error);
        assert!(boxed.source().unwrap().is::<TaskError>());
    });
}

#[test]
fn task_wait_for_with_a_zero_duration() {
    on_both_flavors(|| async {
        // A finished task: its value, at once.
        let done = spawn!(async { 8 });
        until(|| done.done()).await;
        assert_eq!(done.wait_for(Duration::ZERO).await, Ok(8));

        // An unfinished one: cancelled and awaited, then a timeout.
        let running = spawn!(park());
        let error = running.clone().wait_for(Duration::ZERO).await.unwrap_err();
        assert_eq!(error, WaitForError::Timeout);
        assert!(running.cancelled());

        // One that catches the cancellation and returns: its value (once it has started: a task
        // cancelled before its first step never runs its body).
        let started = Flag::new();
        let catches = spawn!({
            let started = started.clone();
            async move {
                started.set();
                match catch_cancel(park()).await {
                    Ok(()) => 0,
                    Err(_) => 1,
                }
            }
        });
        until(|| started.get()).await;
        assert_eq!(catches.wait_for(Duration::ZERO).await, Ok(1));
    });
}

#[test]
fn task_wait_for_with_duration_max_never_expires() {
    on_both_flavors(|| async {
        let task = spawn!(after(10));
        assert_eq!(task.wait_for(Duration::MAX).await, Ok(10));
    });
}

#[test]
fn task_wait_for_agrees_with_nested_wait_for_in_every_case() {
    // The flat form is the nested one merged: same outcome, case by case. On the one-thread
    // flavor, where each task starts at the same point of each run (the first suspension of
    // wait_for), so that both forms see the same interleaving.
    fn flatten<T>(
        nested: Result<Result<T, TaskError>, asyncio::TimeoutError>,
    ) -> Result<T, WaitForError> {
        nested
            .map_err(WaitForError::from)?
            .map_err(WaitForError::from)
    }
    type Case = fn() -> Task<u32>;
    let cases: [(&str, Case, u64); 4] = [
        ("in time", || spawn!(async { 1 }), 1000),
        (
            "timeout",
            || {
                spawn!(async {
                    park().await;
                    2
                })
            },
            10,
        ),
        (
            "caught",
            || spawn!(async { catch_cancel(park()).await.map_or(3, |()| 0) }),
            10,
        ),
        ("panic", || spawn!(async { panic!("4") }), 1000),
    ];
    asyncio::run(async move {
        for (name, make, ms) in cases {
            let d = Duration::from_millis(ms);
            let nested = flatten(wait_for(make(), d).await);
            let flat = make().wait_for(d).await;
            assert_eq!(flat, nested, "{name}");
        }
    });
}

#[test]
fn cancelling_the_task_inside_task_wait_for_cancels_the_awaited_task() {
    // TMO-03, through the flat form.
    on_both_flavors(|| async {
        let inner = spawn!(park(), name = "inner");
        let started = Flag::new();
        let outer = spawn!({
            let (inner, started) = (inner.clone(), started.clone());
            async move {
                started.set();
                inner.wait_for(Duration::from_secs(3600)).await
            }
        });
        until(|| started.get()).await;
        outer.cancel_with("user left");
        assert!(outer.clone().await.unwrap_err().is_cancelled());
        let asyncio::TaskError::Cancelled(c) = inner.result().unwrap_err() else {
            panic!("inner not cancelled")
        };
        assert_eq!(c.message(), Some("user left"));
    });
}

#[test]
fn wait_for_error_is_an_error_that_crosses_threads_and_converts_from_both_errors() {
    fn error_type<E: std::error::Error + Clone + Eq + Send + Sync + 'static>() {}
    error_type::<WaitForError>();
    assert_eq!(
        WaitForError::from(asyncio::TimeoutError),
        WaitForError::Timeout
    );
    assert_eq!(
        WaitForError::from(TaskError::InvalidState),
        WaitForError::Failed(TaskError::InvalidState)
    );
    assert_eq!(
        WaitForError::Failed(TaskError::InvalidState).to_string(),
        TaskError::InvalidState.to_string()
    );
    assert!(std::error::Error::source(&WaitForError::Timeout).is_none());
}

#[test]
fn the_task_wait_for_future_is_send_so_it_can_be_spawned() {
    fn assert_send<F: std::future::Future + Send>(f: F) -> F {
        f
    }
    asyncio::run(async {
        let task = spawn!(async { 1 });
        let waiting = spawn!(assert_send(task.wait_for(Duration::from_secs(1))));
        assert_eq!(waiting.await, Ok(Ok(1)));
    });
}

// --- wait / as_completed over tasks of different output types ---------------------------

#[test]
fn wait_over_tasks_of_different_output_types_needs_no_annotation() {
    on_both_flavors(|| async {
        let count = spawn!(async { 3u8 });
        let page = spawn!(async {
            asyncio::sleep(Duration::from_millis(5)).await;
            String::from("<html>")
        });
        let stuck = spawn!(park());
        let (done, pending) = wait([count.any(), page.any(), stuck.any()])
            .timeout(Duration::from_secs(2))
            .await;
        assert_eq!((done.len(), pending.len()), (2, 1));
        assert!(done.contains(&count.any()) && done.contains(&page.any()));
        assert!(pending.contains(&stuck.any()));
        // The typed handles still give the values.
        assert_eq!(count.result(), Ok(3));
        assert_eq!(page.result().as_deref(), Ok("<html>"));

        let (done, _) = wait([page.any(), stuck.any()])
            .return_when(ReturnWhen::FirstCompleted)
            .await;
        assert!(done.iter().all(|t| *t == page));
        stuck.cancel();
    });
}

#[test]
fn as_completed_over_tasks_of_different_output_types_yields_them_in_completion_order() {
    on_both_flavors(|| async {
        let slow_number = spawn!(async {
            asyncio::sleep(Duration::from_millis(400)).await;
            7u64
        });
        let text = spawn!(async {
            asyncio::sleep(Duration::from_millis(50)).await;
            "text"
        });
        let crash = spawn!(async { panic!("crash") });
        let mut finished = as_completed([slow_number.any(), text.any(), crash.any()]);
        let mut order = Vec::new();
        while let Some(task) = finished.next().await {
            assert!(task.done());
            if task == slow_number {
                assert_eq!(slow_number.result(), Ok(7));
                order.push("number");
            } else if task == text {
                assert_eq!(task.clone().await, Ok(())); // an AnyTask awaits to ()
                order.push("text");
            } else {
                assert!(task == crash && task.error().unwrap().is_panicked());
                order.push("crash");
            }
        }
        assert_eq!(order, ["crash", "text", "number"]);
    });
}

#[test]
fn as_completed_over_erased_tasks_is_also_a_stream() {
    use futures_lite::StreamExt;
    asyncio::run(async {
        let a = spawn!(after(10));
        let b = spawn!(async { 'b' });
        let names: Vec<AnyTask> = as_completed([a.any(), b.any()]).collect().await;
        assert!(names[0] == b && names[1] == a);
    });
}

// --- all_tasks() in spawn order -------------------------------------------------------------

#[test]
fn sorting_all_tasks_lists_them_in_spawn_order() {
    on_both_flavors(|| async {
        let main = current_task().unwrap();
        let spawned: Vec<Task<()>> = (0..20)
            .map(|i| spawn!(park(), name = format!("worker-{i}")))
            .collect();
        let mut all: Vec<AnyTask> = all_tasks().into_iter().collect();
        all.sort();
        let mut expected = vec![main];
        expected.extend(spawned.iter().map(Task::any));
        assert_eq!(all, expected);
        let names: Vec<String> = all[1..].iter().map(AnyTask::name).collect();
        let wanted: Vec<String> = (0..20).map(|i| format!("worker-{i}")).collect();
        assert_eq!(names, wanted);
        // Typed handles sort the same way.
        let mut reversed: Vec<Task<()>> = spawned.iter().rev().cloned().collect();
        reversed.sort();
        assert!(reversed == spawned);
        for task in &spawned {
            task.cancel();
        }
    });
}

#[test]
fn tasks_spawned_from_several_threads_sort_by_their_ids() {
    common::multi_thread().run(async {
        let spawners: Vec<Task<Vec<Task<()>>>> = (0..4)
            .map(|_| spawn!(async { (0..50).map(|_| spawn!(park())).collect() }))
            .collect();
        let mut children: Vec<Task<()>> = Vec::new();
        for spawner in spawners {
            children.extend(spawner.await.unwrap());
        }
        let mut erased: Vec<AnyTask> = children.iter().map(Task::any).collect();
        erased.sort();
        assert!(erased.windows(2).all(|w| w[0].id() < w[1].id()));
        for task in &children {
            task.cancel();
        }
    });
}

// --- !Send values on the current_thread flavor ----------------------------------------------

#[test]
fn not_send_values_live_in_main_or_between_the_awaits_of_a_task() {
    let flag = Flag::new();
    let seen = flag.clone();
    asyncio::run(async move {
        // main's future need not be Send: an Rc may live across its awaits.
        let shared = Rc::new(std::cell::RefCell::new(Vec::new()));
        let worker = spawn!(async {
            // Inside a task, an Rc between two awaits is fine.
            let total = {
                let local = Rc::new(21);
                *local * 2
            };
            asyncio::yield_now().await;
            total
        });
        let total = worker.await.unwrap();
        shared.borrow_mut().push(total); // no RefCell borrow held across an await
        asyncio::yield_now().await;
        assert_eq!(*shared.borrow(), [42]);

        // A future that holds an Rc across awaits: run it on a runtime of its own, on a thread
        // of the blocking pool; only the closure that builds it has to be Send.
        let local = asyncio::to_thread(|| {
            asyncio::run(async {
                let rc = Rc::new(5);
                asyncio::yield_now().await;
                *rc + 1
            })
        });
        assert_eq!(local.await, Ok(6));
        seen.set();
    });
    assert!(flag.get());
}
