//! TMO-xx: wait_for and shield.

use crate::common;

use std::time::{Duration, Instant};

use asyncio::{catch_cancel, shield, spawn, wait_for, yield_now, TimeoutError};
use common::{on_both_flavors, park, Finally, Flag, Log};

#[test]
fn tmo_01_on_timeout_the_inner_task_is_cancelled_and_stopped_before_wait_for_returns() {
    on_both_flavors(|| async {
        let log = Log::new();
        // The task is running before the clock starts: on a loaded machine its first poll
        // could otherwise come after the 50 ms, and it would be cancelled before it started.
        let started = asyncio::Event::new();
        let t = spawn!({
            let (log, started) = (log.clone(), started.clone());
            async move {
                let _finally = Finally::new(&log, "inner: finally (before wait_for returns)");
                started.set();
                if let Err(c) = catch_cancel(park()).await {
                    log.push("inner: cancelled by wait_for");
                    asyncio::sleep(Duration::from_millis(20)).await; // slow cleanup is awaited
                    c.reraise::<()>().await;
                }
            }
        });
        started.wait().await;
        let start = Instant::now();
        let r = wait_for(t.clone(), Duration::from_millis(50)).await;
        assert_eq!(r, Err(TimeoutError));
        assert!(start.elapsed() >= Duration::from_millis(50));
        assert!(
            t.cancelled(),
            "cancelled and stopped when wait_for returned"
        );
        assert_eq!(
            log.lines(),
            [
                "inner: cancelled by wait_for",
                "inner: finally (before wait_for returns)"
            ]
        );
    });
}

#[test]
fn tmo_01_in_time_gives_the_value_and_a_zero_timeout_never_polls() {
    on_both_flavors(|| async {
        let in_time = wait_for(
            async {
                asyncio::sleep(Duration::from_millis(10)).await;
                "val"
            },
            Duration::from_secs(5),
        )
        .await;
        assert_eq!(in_time, Ok("val"));
        let ran = Flag::new();
        let r = wait_for(
            {
                let ran = ran.clone();
                async move { ran.set() }
            },
            Duration::ZERO,
        )
        .await;
        assert_eq!(r, Err(TimeoutError));
        assert!(!ran.get(), "the body never ran");
    });
}

#[test]
fn tmo_02_an_inner_task_that_swallows_the_cancel_gives_its_value() {
    // Python 3.11 (TMO-02) and 3.12 (wait_for on top of timeout()): the value, not TimeoutError.
    on_both_flavors(|| async {
        let t = spawn!(async {
            match catch_cancel(park()).await {
                Ok(()) => "slept",
                Err(_) => "swallowed",
            }
        });
        assert_eq!(
            wait_for(t.clone(), Duration::from_millis(10)).await,
            Ok(Ok("swallowed"))
        );
        assert!(!t.cancelled());
    });
}

// CPython's test_waitfor.py, for a zero timeout (Python 3.12; a negative timeout does not exist
// with `Duration`).

#[test]
fn test_wait_for_timeout_less_then_0_or_0() {
    on_both_flavors(|| async {
        let running = Flag::new();
        let stopped = Flag::new();
        let foo = spawn!({
            let (running, stopped) = (running.clone(), stopped.clone());
            async move {
                running.set();
                let _finally = scopeguard(stopped);
                asyncio::sleep(Duration::from_secs(10)).await;
                "done"
            }
        });
        common::until(|| running.get()).await;
        assert_eq!(
            wait_for(foo.clone(), Duration::ZERO).await,
            Err(TimeoutError)
        );
        assert!(foo.done());
        assert!(foo.cancelled(), "cancelled because of the timeout");
        assert!(stopped.get(), "its cleanup ran before wait_for returned");
    });
}

#[test]
fn test_wait_for_timeout_less_then_0_or_0_future_done() {
    on_both_flavors(|| async {
        let fut = spawn!(async { "done" });
        common::until(|| fut.done()).await;
        assert_eq!(wait_for(fut.clone(), Duration::ZERO).await, Ok(Ok("done")));
        assert!(fut.done());
    });
}

#[test]
fn test_wait_for_waits_for_task_cancellation_w_timeout_0() {
    on_both_flavors(|| async {
        let task_done = Flag::new();
        let inner = spawn!({
            let task_done = task_done.clone();
            async move {
                let _finally = scopeguard(task_done);
                if let Err(c) = catch_cancel(asyncio::sleep(Duration::from_secs(10))).await {
                    asyncio::sleep(Duration::from_millis(10)).await;
                    c.reraise::<()>().await;
                }
            }
        });
        asyncio::sleep(Duration::from_millis(10)).await;
        assert_eq!(wait_for(inner, Duration::ZERO).await, Err(TimeoutError));
        assert!(task_done.get());
    });
}

#[test]
fn test_wait_for_reraises_exception_during_cancellation() {
    // Python: the exception raised while the inner task is cancelled propagates, not
    // TimeoutError. Here it is the task's outcome, handed back.
    on_both_flavors(|| async {
        let foo = spawn!(async {
            let _ = catch_cancel(asyncio::sleep(Duration::from_millis(200))).await;
            panic!("FooException");
        });
        match wait_for(foo, Duration::from_millis(10)).await {
            Ok(Err(asyncio::TaskError::Panicked(p))) => assert_eq!(p.message(), "FooException"),
            other => panic!("expected the inner task's panic, got {other:?}"),
        }
    });
}

#[test]
fn wait_for_a_task_with_zero_timeout_that_catches_the_cancel_gives_its_value() {
    on_both_flavors(|| async {
        let started = Flag::new();
        let t = spawn!({
            let started = started.clone();
            async move {
                started.set();
                match catch_cancel(park()).await {
                    Ok(()) => 1,
                    Err(_) => 2,
                }
            }
        });
        common::until(|| started.get()).await;
        assert_eq!(wait_for(t, Duration::ZERO).await, Ok(Ok(2)));
    });
}

/// Sets the flag when dropped (Python's `finally: task_done = True`).
fn scopeguard(flag: Flag) -> impl Drop {
    struct Set(Flag);
    impl Drop for Set {
        fn drop(&mut self) {
            self.0.set();
        }
    }
    Set(flag)
}

#[test]
fn tmo_03_cancelling_the_task_inside_wait_for_cancels_the_inner_task() {
    on_both_flavors(|| async {
        let inner = spawn!(park());
        let started = Flag::new();
        let waiter = spawn!({
            let (inner, started) = (inner.clone(), started.clone());
            async move {
                started.set();
                wait_for(inner, Duration::from_secs(5)).await
            }
        });
        common::until(|| started.get()).await;
        waiter.cancel();
        assert!(waiter.clone().await.unwrap_err().is_cancelled());
        assert!(inner.cancelled());
    });
}

async fn important(log: Log) -> &'static str {
    asyncio::sleep(Duration::from_millis(50)).await;
    log.push("important: completed");
    "saved"
}

#[test]
fn tmo_06_shield_protects_the_inner_task_from_the_callers_cancellation() {
    on_both_flavors(|| async {
        let log = Log::new();
        let t = spawn!(important(log.clone()));
        let caller = spawn!(shield(t.clone()));
        asyncio::sleep(Duration::from_millis(10)).await;
        caller.cancel();
        assert!(caller.clone().await.unwrap_err().is_cancelled());
        assert!(caller.cancelled() && !t.cancelled() && !t.done());
        assert_eq!(t.await, Ok("saved"));

        let t2 = spawn!(important(log.clone()));
        assert_eq!(
            wait_for(shield(t2.clone()), Duration::from_millis(10)).await,
            Err(TimeoutError)
        );
        assert!(!t2.cancelled());
        assert_eq!(t2.await, Ok("saved"));
        assert_eq!(
            log.lines(),
            ["important: completed", "important: completed"]
        );
    });
}

#[test]
fn tmo_07_shield_of_a_task_cancelled_directly_and_of_a_finished_task() {
    on_both_flavors(|| async {
        let t = spawn!(park());
        let sh = spawn!(shield(t.clone()));
        yield_now().await;
        t.cancel();
        assert!(sh.await.unwrap().unwrap_err().is_cancelled());
        let d = spawn!(async { 5 });
        let _ = d.clone().await;
        assert_eq!(shield(d).await, Ok(5));
    });
}
