//! CAN-xx: cancelling tasks (asyncio-semantics.md), and the cancellation contract of API.md.

use crate::common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use asyncio::{catch_cancel, current_task, spawn, yield_now, Flavor, RunConfig, TaskError};
use common::{on_both_flavors, on_each_flavor, park, until, Finally, Flag, Log};

fn cancelled_message(outcome: Result<impl std::fmt::Debug, TaskError>) -> Option<String> {
    match outcome {
        Err(TaskError::Cancelled(c)) => c.message().map(str::to_owned),
        other => panic!("expected a cancellation, got {other:?}"),
    }
}

#[test]
fn can_01_cancel_before_first_step_never_runs_body() {
    RunConfig::new().run(async {
        let ran = Flag::new();
        let log = Log::new();
        let captured = Finally::new(&log, "captured argument dropped");
        let task = spawn!({
            let ran = ran.clone();
            async move {
                let _captured = captured;
                ran.set();
            }
        });
        assert!(task.cancel());
        assert!(
            !task.cancelled() && !task.done(),
            "a request, not yet delivered"
        );
        assert_eq!(cancelled_message(task.clone().await), None);
        assert!(task.cancelled() && task.done());
        assert!(!ran.get(), "the body never ran");
        assert_eq!(log.lines(), ["captured argument dropped"]);
        assert_eq!(
            current_task().unwrap().cancelling(),
            0,
            "the awaiter is not cancelled"
        );
    });
}

#[test]
fn can_02_cancel_started_task_is_delivered_at_its_await() {
    on_each_flavor(|flavor| async move {
        let log = Log::new();
        let started = Flag::new();
        let task = spawn!({
            let (log, started) = (log.clone(), started.clone());
            async move {
                let _finally = Finally::new(&log, "body finally");
                started.set();
                park().await;
                log.push("never");
            }
        });
        until(|| started.get()).await;
        assert!(task.cancel());
        if flavor == Flavor::CurrentThread {
            // On a pool, a worker may deliver it before the next line runs.
            assert!(
                !task.cancelled() && !task.done(),
                "a request, delivered later"
            );
        }
        assert_eq!(cancelled_message(task.clone().await), None);
        assert!(task.cancelled() && task.done());
        assert_eq!(log.lines(), ["body finally"]);
    });
}

#[test]
fn cancelling_a_task_parked_in_a_long_sleep_does_not_wait_for_its_timer() {
    on_both_flavors(|| async {
        let task = spawn!(asyncio::sleep(Duration::from_secs(10)));
        yield_now().await;
        let start = Instant::now();
        task.cancel();
        assert!(task.await.unwrap_err().is_cancelled());
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "cancel waited for the 10 s timer"
        );
    });
}

#[test]
fn can_03_cancel_on_a_done_task_returns_false_and_changes_nothing() {
    on_both_flavors(|| async {
        let finished = spawn!(async { 42 });
        assert_eq!(finished.clone().await, Ok(42));
        assert!(!finished.cancel());
        assert!(!finished.cancelled());
        assert_eq!(finished.result(), Ok(42));

        let cancelled = spawn!(park());
        cancelled.cancel();
        let _ = cancelled.clone().await;
        assert!(!cancelled.cancel());
        assert!(cancelled.cancelled());

        let failed = spawn!(async { panic!("x") });
        let _ = failed.clone().await;
        assert!(!failed.cancel());
        assert!(!failed.cancelled());
        assert!(failed.result().unwrap_err().is_panicked());
    });
}

#[test]
fn can_04_two_requests_deliver_one_cancellation_with_the_first_message() {
    // Single-threaded: on a pool the task may take "a" before "b" is even sent.
    RunConfig::new().run(async {
        let log = Log::new();
        let started = Flag::new();
        let task = spawn!({
            let (log, started) = (log.clone(), started.clone());
            async move {
                started.set();
                for _ in 0..2 {
                    match catch_cancel(asyncio::sleep(Duration::from_millis(50))).await {
                        Err(c) => log.push(format!("caught {:?}", c.message())),
                        Ok(()) => log.push("slept"),
                    }
                }
            }
        });
        until(|| started.get()).await;
        assert!(task.cancel_with("a"));
        assert!(task.cancel_with("b"));
        assert_eq!(task.cancelling(), 2);
        assert_eq!(task.clone().await, Ok(()));
        assert_eq!(
            log.lines(),
            ["caught Some(\"a\")", "slept"],
            "exactly one delivery"
        );

        let plain = spawn!(park());
        yield_now().await;
        plain.cancel_with("a");
        plain.cancel_with("b");
        assert_eq!(cancelled_message(plain.clone().await).as_deref(), Some("a"));
        assert!(!plain.cancel());
        assert_eq!(
            plain.cancelling(),
            2,
            "a request after the end is not counted"
        );
    });
}

#[test]
fn can_05_message_reaches_the_task_and_every_awaiter() {
    on_both_flavors(|| async {
        for message in [Some("shutting down"), Some("5"), None] {
            let inside = Log::new();
            let started = Flag::new();
            let task = spawn!({
                let (inside, started) = (inside.clone(), started.clone());
                async move {
                    started.set();
                    if let Err(c) = catch_cancel(park()).await {
                        inside.push(format!("{:?}", c.message()));
                        c.reraise::<()>().await;
                    }
                }
            });
            until(|| started.get()).await;
            match message {
                Some(m) => task.cancel_with(m),
                None => task.cancel(),
            };
            let first = cancelled_message(task.clone().await);
            let second = cancelled_message(task.clone().await);
            assert_eq!(first.as_deref(), message);
            assert_eq!(
                second, first,
                "every awaiter sees the message (divergence from 3.11)"
            );
            assert_eq!(inside.lines(), [format!("{message:?}")]);
            let result = task.result().unwrap_err();
            assert!(
                result.is_cancelled() && !result.is_panicked(),
                "a distinct variant"
            );
        }
    });
}

#[test]
fn can_06_task_catches_the_cancellation_and_returns_normally() {
    on_both_flavors(|| async {
        let started = Flag::new();
        let task = spawn!({
            let started = started.clone();
            async move {
                started.set();
                match catch_cancel(park()).await {
                    Ok(()) => "slept",
                    Err(_) => "partial",
                }
            }
        });
        until(|| started.get()).await;
        assert!(task.cancel());
        assert_eq!(task.clone().await, Ok("partial"));
        assert!(!task.cancelled());
        assert_eq!(task.result(), Ok("partial"));
        assert_eq!(task.cancelling(), 1);
    });
}

#[test]
fn can_07_catch_then_async_cleanup_then_reraise() {
    on_both_flavors(|| async {
        let log = Log::new();
        let started = Flag::new();
        let task = spawn!({
            let (log, started) = (log.clone(), started.clone());
            async move {
                let _finally = Finally::new(&log, "body: finally");
                started.set();
                if let Err(cancelled) = catch_cancel(park()).await {
                    log.push("body: caught; async cleanup");
                    asyncio::sleep(Duration::from_millis(10)).await;
                    log.push("body: cleanup done, re-raise");
                    cancelled.reraise::<()>().await;
                }
                log.push("never");
            }
        });
        until(|| started.get()).await;
        task.cancel();
        assert!(task.clone().await.unwrap_err().is_cancelled());
        assert!(task.cancelled());
        assert_eq!(
            log.lines(),
            [
                "body: caught; async cleanup",
                "body: cleanup done, re-raise",
                "body: finally"
            ]
        );
    });
}

#[test]
fn can_09_cancelling_an_awaiter_forwards_the_cancellation_to_the_awaited_task() {
    on_both_flavors(|| async {
        let log = Log::new();
        let (inner_started, outer_started) = (Flag::new(), Flag::new());
        let inner = spawn!({
            let (log, started) = (log.clone(), inner_started.clone());
            async move {
                started.set();
                if let Err(c) = catch_cancel(park()).await {
                    log.push(format!("inner: cancelled, message = {:?}", c.message()));
                    c.reraise::<()>().await;
                }
            }
        });
        let outer = spawn!({
            let (log, inner, started) = (log.clone(), inner.clone(), outer_started.clone());
            async move {
                started.set();
                match catch_cancel(inner).await {
                    Err(c) => {
                        log.push(format!("outer: cancelled, message = {:?}", c.message()));
                        c.reraise().await
                    }
                    Ok(result) => result,
                }
            }
        });
        until(|| inner_started.get() && outer_started.get()).await;
        assert!(outer.cancel_with("stop"));
        let _ = asyncio::wait([&outer]).await;
        assert!(inner.cancelled() && outer.cancelled());
        assert_eq!(inner.cancelling(), 1);
        assert_eq!(outer.cancelling(), 1);
        assert_eq!(cancelled_message(inner.result()).as_deref(), Some("stop"));
        assert_eq!(cancelled_message(outer.result()).as_deref(), Some("stop"));
        assert_eq!(
            log.lines(),
            [
                "inner: cancelled, message = Some(\"stop\")",
                "outer: cancelled, message = Some(\"stop\")"
            ],
            "the outer sees its cancellation only once the inner has stopped"
        );
    });
}

#[test]
fn can_10_inner_swallows_a_forwarded_cancel_and_the_outer_still_ends_cancelled() {
    // Documented divergence: CPython 3.11 loses the outer's cancellation here; we deliver it.
    on_both_flavors(|| async {
        let started = Flag::new();
        let inner = spawn!({
            let started = started.clone();
            async move {
                started.set();
                match catch_cancel(park()).await {
                    Ok(()) => 0,
                    Err(_) => 7,
                }
            }
        });
        let outer = spawn!({
            let inner = inner.clone();
            async move { inner.await.map(|v| v * 2) }
        });
        until(|| started.get()).await;
        asyncio::sleep(Duration::from_millis(5)).await; // the outer is awaiting (or will be)
        assert!(outer.cancel());
        assert!(outer.clone().await.unwrap_err().is_cancelled());
        assert!(outer.cancelled());
        assert_eq!(inner.await, Ok(7), "the inner swallowed its cancellation");
    });
}

#[test]
fn can_11_a_task_that_cancels_itself_stops_at_its_next_suspending_await() {
    on_both_flavors(|| async {
        let log = Log::new();
        let task = spawn!({
            let log = log.clone();
            async move {
                let me = current_task().unwrap();
                log.push(format!(
                    "self cancel() -> {} | cancelled(): {}",
                    me.cancel(),
                    me.cancelled()
                ));
                log.push("sync code after cancel() still runs");
                match catch_cancel(yield_now()).await {
                    Ok(()) => log.push("never printed"),
                    Err(c) => {
                        log.push("cancelled at next await");
                        c.reraise::<()>().await;
                    }
                }
            }
        });
        assert!(task.clone().await.unwrap_err().is_cancelled());
        assert!(task.cancelled());
        assert_eq!(
            log.lines(),
            [
                "self cancel() -> true | cancelled(): false",
                "sync code after cancel() still runs",
                "cancelled at next await"
            ]
        );
    });
}

#[test]
fn can_11_without_catching_the_body_stops_at_the_await() {
    on_both_flavors(|| async {
        let log = Log::new();
        let task = spawn!({
            let log = log.clone();
            async move {
                current_task().unwrap().cancel();
                log.push("still running");
                yield_now().await;
                log.push("never");
            }
        });
        assert!(task.await.unwrap_err().is_cancelled());
        assert_eq!(log.lines(), ["still running"]);
    });
}

#[test]
fn can_12_a_value_returned_under_a_pending_cancel_is_discarded() {
    on_both_flavors(|| async {
        let log = Log::new();
        let task = spawn!({
            let log = log.clone();
            async move {
                current_task().unwrap().cancel();
                Finally::new(&log, "value dropped")
            }
        });
        let any = asyncio::AnyTask::from(&task);
        let outcome = task.await;
        assert_eq!(cancelled_message(outcome.map(|_| ())), None);
        assert!(any.cancelled());
        assert_eq!(log.lines(), ["value dropped"]);
    });
}

#[test]
fn can_13_a_pending_cancel_is_forwarded_to_the_next_task_awaited() {
    on_both_flavors(|| async {
        let nested_message = Log::new();
        let coro = spawn!({
            let nested_message = nested_message.clone();
            async move {
                let nested = spawn!({
                    let log = nested_message.clone();
                    async move {
                        if let Err(c) = catch_cancel(park()).await {
                            log.push(format!("{:?}", c.message()));
                            c.reraise::<()>().await;
                        }
                    }
                });
                yield_now().await;
                current_task().unwrap().cancel_with("m");
                let _ = nested.clone().await;
                unreachable!("the await is where the pending cancel is delivered");
            }
        });
        let outcome = coro.clone().await;
        assert_eq!(cancelled_message(outcome).as_deref(), Some("m"));
        assert!(coro.cancelled());
        assert_eq!(nested_message.lines(), ["Some(\"m\")"]);
    });
}

#[test]
fn can_14_cancelling_and_uncancel_counters() {
    RunConfig::new().run(async {
        let log = Log::new();
        let task = spawn!({
            let log = log.clone();
            async move {
                let me = current_task().unwrap();
                for round in 0..2 {
                    if catch_cancel(park()).await.is_err() {
                        let before = me.cancelling();
                        log.push(format!(
                            "round {round}: cancelling() = {before}; uncancel() -> {}",
                            me.uncancel()
                        ));
                    }
                }
                "survived"
            }
        });
        yield_now().await;
        assert_eq!(task.cancelling(), 0);
        task.cancel();
        yield_now().await;
        task.cancel();
        task.cancel();
        yield_now().await;
        assert_eq!(task.clone().await, Ok("survived"));
        assert_eq!(task.cancelling(), 1);
        assert_eq!(
            log.lines(),
            [
                "round 0: cancelling() = 1; uncancel() -> 0",
                "round 1: cancelling() = 2; uncancel() -> 1"
            ]
        );
        assert_eq!(current_task().unwrap().uncancel(), 0, "never below 0");
    });
}

#[test]
fn contract_destructors_run_when_a_cancellation_is_delivered() {
    on_both_flavors(|| async {
        let log = Log::new();
        let held = Arc::new(());
        let started = Flag::new();
        let task = spawn!({
            let (log, held, started) = (log.clone(), held.clone(), started.clone());
            async move {
                let _held = held;
                let _finally = Finally::new(&log, "finally");
                started.set();
                park().await;
            }
        });
        until(|| started.get()).await;
        task.cancel();
        let _ = task.await;
        until(|| Arc::strong_count(&held) == 1).await;
        assert_eq!(log.lines(), ["finally"]);
    });
}

#[test]
fn contract_dropping_a_handle_that_is_not_awaited_detaches() {
    on_both_flavors(|| async {
        let finished = Flag::new();
        drop(spawn!({
            let finished = finished.clone();
            async move {
                asyncio::sleep(Duration::from_millis(5)).await;
                finished.set();
            }
        }));
        until(|| finished.get()).await;
    });
}

#[test]
fn contract_dropping_an_await_in_progress_cancels_the_awaited_task() {
    on_both_flavors(|| async {
        let task = spawn!(park());
        let timed_out = asyncio::wait_for(task.clone(), Duration::from_millis(5)).await;
        assert!(timed_out.is_err());
        assert!(
            task.cancelled(),
            "dropping the await forwarded a cancellation"
        );
    });
}

#[test]
fn catch_cancel_outside_a_task_just_awaits() {
    let value = asyncio::run(async {
        std::thread::spawn(|| futures_lite_block_on(catch_cancel(async { 5 })))
            .join()
            .unwrap()
    });
    assert_eq!(value, Ok(5));
}

fn futures_lite_block_on<F: std::future::Future>(future: F) -> F::Output {
    // A minimal executor for a future that is ready at once.
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => panic!("not ready"),
    }
}

#[test]
fn a_cancellation_is_raised_at_the_await_even_if_what_it_awaits_has_completed_meanwhile() {
    // Python raises CancelledError at the suspended `await` when the task resumes, even if the
    // awaited thing finished in the same loop iteration. Single-threaded for a fixed order:
    // `child` completes (waking `task`), then `canceller` cancels `task`, then `task` resumes.
    RunConfig::new().run(async {
        let child = spawn!(async {
            yield_now().await;
            1
        });
        let task = spawn!({
            let child = child.clone();
            async move {
                match catch_cancel(child).await {
                    Ok(_) => "ran past the await",
                    Err(_) => "caught at the await",
                }
            }
        });
        let canceller = spawn!({
            let task = task.clone();
            async move {
                yield_now().await;
                task.cancel()
            }
        });
        assert_eq!(canceller.await, Ok(true));
        assert_eq!(task.await, Ok("caught at the await"));
        assert_eq!(child.await, Ok(1), "the child itself completed");
    });
}
