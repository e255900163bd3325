//! No user code takes the runtime down (API.md, "Cancellation: the contract", rule 10): a panic in
//! a future's `Drop`, in the drop of a task's value or of a panic payload, in a waker or in a
//! `Clone` is contained; `run` and every worker survive, and every later task still runs.
//!
//! Each program runs on the default flavor and on a multi-thread runtime with ONE worker: a
//! worker killed by a panic would leave every later task hanging there.

use crate::common;

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use asyncio::{Flavor, RunConfig, Task, TaskError};

/// Panics when dropped.
struct PanicOnDrop(&'static str);

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("{}", self.0);
    }
}

/// Runs `program` on the default flavor and on a one-worker multi-thread runtime, each in a
/// thread of its own with a watchdog, so that a deadlock fails the test instead of hanging it.
fn on_both_flavors_one_worker<F, Fut>(program: F)
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()>,
{
    let program = Arc::new(program);
    for config in [
        RunConfig::new(),
        RunConfig::new()
            .flavor(Flavor::MultiThread)
            .worker_threads(1),
    ] {
        let program = program.clone();
        common::within(Duration::from_secs(60), config, move || program());
    }
}

/// After a contained panic: a new task still runs to its end, and the registry holds only main.
async fn the_runtime_still_works() {
    for _ in 0..3 {
        assert_eq!(asyncio::spawn(async { 7 }).await, Ok(7));
    }
    common::until(|| asyncio::all_tasks().len() == 1).await;
}

fn panicked_with(result: Result<impl std::fmt::Debug, TaskError>, message: &str) {
    match result {
        Err(TaskError::Panicked(p)) => assert_eq!(p.message(), message),
        other => panic!("expected a panic {message:?}, got {other:?}"),
    }
}

#[test]
fn a_detached_tasks_value_that_panics_when_dropped_ends_the_task_panicked() {
    on_both_flavors_one_worker(|| async {
        let task = asyncio::spawn(async {
            // Long enough for the handle to go first (detached before the end).
            asyncio::sleep(Duration::from_millis(50)).await;
            PanicOnDrop("value drop")
        });
        // Detached: no `Task` handle is left to read the value, so it is dropped at completion.
        let watcher = asyncio::AnyTask::from(task);
        let _ = watcher.clone().await;
        panicked_with(watcher.error().map_or(Ok(()), Err), "value drop");
        the_runtime_still_works().await;
    });
}

#[test]
fn the_repro_of_issue_13_runs_to_its_end() {
    // `run(async { let _ = spawn(async { PanicOnDrop }); sleep(ms(10)).await; })` panicked.
    on_both_flavors_one_worker(|| async {
        let _ = asyncio::spawn(async { PanicOnDrop("repro") });
        asyncio::sleep(Duration::from_millis(10)).await;
        the_runtime_still_works().await;
    });
}

#[test]
fn a_value_returned_under_a_pending_cancel_that_panics_when_dropped_ends_the_task_panicked() {
    // CAN-12: the value is dropped because the task ends cancelled; its drop panics.
    on_both_flavors_one_worker(|| async {
        let task = asyncio::spawn(async {
            asyncio::current_task().unwrap().cancel();
            PanicOnDrop("dropped under cancel")
        });
        panicked_with(task.await.map(std::mem::forget), "dropped under cancel");
        the_runtime_still_works().await;
    });
}

/// Ready at once; panics when dropped (after it returned `Ready`).
struct ReadyThenPanicOnDrop(#[allow(dead_code)] Option<PanicOnDrop>);

impl Future for ReadyThenPanicOnDrop {
    type Output = u8;
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<u8> {
        Poll::Ready(5)
    }
}

#[test]
fn a_future_that_panics_when_dropped_after_ready_ends_the_task_panicked() {
    on_both_flavors_one_worker(|| async {
        let task = asyncio::spawn(ReadyThenPanicOnDrop(Some(PanicOnDrop("future drop"))));
        panicked_with(task.await, "future drop");
        the_runtime_still_works().await;
    });
}

#[test]
fn a_panic_payload_that_panics_when_dropped_is_contained() {
    on_both_flavors_one_worker(|| async {
        let task = asyncio::spawn(async {
            std::panic::panic_any(PanicOnDrop("payload drop"));
        });
        // The payload is not a string: the message says so.
        panicked_with(task.await, "Box<dyn Any>");
        the_runtime_still_works().await;
    });
}

#[test]
fn a_task_group_body_that_panics_with_a_payload_that_panics_when_dropped_fails_the_group() {
    on_both_flavors_one_worker(|| async {
        let result = asyncio::task_group(|_tg| async {
            std::panic::panic_any(PanicOnDrop("body payload drop"));
        })
        .await;
        let errors = result.unwrap_err().into_errors();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].is_panicked());
        the_runtime_still_works().await;
    });
}

#[test]
fn a_task_group_body_that_panics_when_dropped_after_ready_fails_the_group() {
    on_both_flavors_one_worker(|| async {
        let result =
            asyncio::task_group(|_tg| ReadyThenPanicOnDrop(Some(PanicOnDrop("body drop")))).await;
        let errors = result.unwrap_err().into_errors();
        assert_eq!(errors.len(), 1);
        panicked_with(Err::<(), _>(errors[0].clone()), "body drop");
        the_runtime_still_works().await;
    });
}

/// A waker that panics when woken, and counts the attempts.
struct PanickingWaker(AtomicUsize);

impl Wake for PanickingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
        panic!("waker");
    }
}

#[test]
fn a_waker_that_panics_when_the_task_ends_is_contained_and_the_other_awaiters_are_woken() {
    on_both_flavors_one_worker(|| async {
        let task = asyncio::spawn(async {
            asyncio::sleep(Duration::from_millis(50)).await;
            11
        });
        // A foreign executor polls an awaiting future with a waker that panics, then keeps it.
        let waker_state = Arc::new(PanickingWaker(AtomicUsize::new(0)));
        let waker = Waker::from(waker_state.clone());
        let mut foreign = Box::pin(task.clone().into_future());
        assert!(foreign
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending());
        // An ordinary awaiter, registered after it.
        let other = asyncio::spawn({
            let task = task.clone();
            async move { task.await }
        });
        assert_eq!(other.await, Ok(Ok(11)));
        assert_eq!(waker_state.0.load(Ordering::SeqCst), 1);
        assert_eq!(task.clone().await, Ok(11));
        drop(foreign);
        the_runtime_still_works().await;
    });
}

/// A value whose `Clone` uses its own task (cancel, done, name): it must not find the task's
/// lock held.
#[derive(Debug)]
struct Nosy(Arc<OnceLock<Task<Nosy>>>);

impl Clone for Nosy {
    fn clone(&self) -> Self {
        if let Some(task) = self.0.get() {
            assert!(task.done());
            assert!(!task.cancel()); // takes the task's lock
            assert!(task.error().is_none()); // likewise
        }
        Nosy(self.0.clone())
    }
}

#[test]
fn a_clone_that_uses_its_own_task_does_not_deadlock_in_result_or_await() {
    on_both_flavors_one_worker(|| async {
        let cell = Arc::new(OnceLock::new());
        let task = asyncio::spawn({
            let cell = cell.clone();
            async move { Nosy(cell) }
        });
        cell.set(task.clone()).unwrap();
        let second = task.clone();
        asyncio::yield_now().await;
        common::until(|| task.done()).await;
        assert!(task.result().is_ok()); // a clone, outside the lock
        assert!(second.clone().await.is_ok()); // a clone for a second awaiter
        assert!(task.clone().await.is_ok());
        the_runtime_still_works().await;
    });
}

#[test]
fn a_clone_that_panics_in_result_leaves_the_task_readable() {
    #[derive(Debug)]
    struct CloneOnce(Arc<AtomicUsize>);
    impl Clone for CloneOnce {
        fn clone(&self) -> Self {
            if self.0.fetch_add(1, Ordering::SeqCst) == 0 {
                panic!("first clone");
            }
            CloneOnce(self.0.clone())
        }
    }
    on_both_flavors_one_worker(|| async {
        let task = asyncio::spawn(async { CloneOnce(Arc::new(AtomicUsize::new(0))) });
        let _second = task.clone();
        common::until(|| task.done()).await;
        let first = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| task.result()));
        assert!(first.is_err());
        assert!(task.result().is_ok());
        assert!(task.clone().await.is_ok());
        the_runtime_still_works().await;
    });
}

#[test]
fn dropping_the_last_handle_of_a_value_that_panics_when_dropped_is_contained() {
    on_both_flavors_one_worker(|| async {
        let task = asyncio::spawn(async { PanicOnDrop("last handle") });
        common::until(|| task.done()).await;
        // The value goes with the last handle; the task has its outcome, so the panic is
        // reported on stderr, not raised here.
        drop(task);
        the_runtime_still_works().await;
    });
}
