//! WAIT-xx and RES-xx: awaiting tasks and reading their results.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use asyncio::{spawn, yield_now, AnyTask, RunConfig, TaskError};
use common::{on_both_flavors, park, until, Flag};

async fn work(x: u32) -> u32 {
    asyncio::sleep(Duration::from_millis(10)).await;
    x * 2
}

#[test]
fn wait_01_await_a_task_spawn_and_await_in_one_line_and_a_plain_future() {
    on_both_flavors(|| async {
        let task = spawn!(work(21));
        assert_eq!(task.await, Ok(42));
        assert_eq!(spawn!(work(5)).await, Ok(10));
        assert_eq!(work(1).await, 2);
    });
}

#[test]
fn wait_02_the_same_task_awaited_many_times_runs_once_and_gives_the_same_value() {
    on_both_flavors(|| async {
        let runs = Arc::new(AtomicUsize::new(0));
        let task = spawn!({
            let runs = runs.clone();
            async move {
                runs.fetch_add(1, Ordering::SeqCst);
                asyncio::sleep(Duration::from_millis(10)).await;
                Arc::new("object")
            }
        });
        let waiter = |t: asyncio::Task<Arc<&'static str>>| spawn!(async move { t.await });
        let (a, b) = (waiter(task.clone()), waiter(task.clone()));
        let a = a.await.unwrap().unwrap();
        let b = b.await.unwrap().unwrap();
        let c = task.clone().await.unwrap();
        let d = task.clone().await.unwrap();
        let e = task.result().unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 1, "the body runs once");
        for other in [&b, &c, &d, &e] {
            assert!(Arc::ptr_eq(&a, other), "every await gives the same object");
        }
    });
}

#[test]
fn wait_02_a_non_clone_value_is_moved_to_the_single_awaiter() {
    on_both_flavors(|| async {
        struct NotClone(u8);
        let task = spawn!(async { NotClone(9) });
        assert_eq!(task.await.map(|v| v.0), Ok(9));
    });
}

#[test]
fn wait_04_awaiters_see_the_message_when_the_task_is_cancelled_by_someone_else() {
    on_both_flavors(|| async {
        let child = spawn!(park());
        let catcher = spawn!({
            let child = child.clone();
            async move {
                match child.await {
                    Err(TaskError::Cancelled(c)) => format!("handled {:?}", c.message()),
                    other => format!("unexpected {other:?}"),
                }
            }
        });
        let plain = spawn!({
            let child = child.clone();
            async move { child.await }
        });
        asyncio::sleep(Duration::from_millis(5)).await;
        child.cancel_with("bye");
        assert_eq!(
            catcher.clone().await,
            Ok("handled Some(\"bye\")".to_owned())
        );
        assert!(!catcher.cancelled());
        assert_eq!(catcher.cancelling(), 0);
        // Divergence: Rust hands the cancellation to the awaiter as a value; `plain` did not
        // propagate it as its own cancellation, and it was never cancelled itself.
        let TaskError::Cancelled(c) = plain.clone().await.unwrap().unwrap_err() else {
            panic!()
        };
        assert_eq!(c.message(), Some("bye"));
        assert_eq!(plain.cancelling(), 0);
        // A later await still carries the message (divergence: Python loses it).
        let TaskError::Cancelled(later) = child.await.unwrap_err() else {
            panic!()
        };
        assert_eq!(later.message(), Some("bye"));
    });
}

#[test]
fn wait_05_every_await_of_a_panicked_task_gets_the_same_panic() {
    on_both_flavors(|| async {
        let task = spawn!(async {
            yield_now().await;
            panic!("bad");
        });
        let first = task.clone().await.unwrap_err();
        let second = task.clone().await.unwrap_err();
        assert_eq!(first, second);
        let TaskError::Panicked(p) = first else {
            panic!("expected a panic")
        };
        assert_eq!(p.message(), "bad");
        assert!(!task.cancelled());
        assert_eq!(task.error(), Some(second));
    });
}

#[test]
fn res_01_result_on_a_pending_task_is_invalid_state() {
    on_both_flavors(|| async {
        let task = spawn!(park());
        assert_eq!(task.result(), Err(TaskError::InvalidState));
        assert_eq!(task.error(), None);
        assert!(TaskError::InvalidState.to_string().contains("not done"));
        task.cancel();
    });
}

#[test]
fn res_02_result_on_a_cancelled_task_gives_the_message_every_time() {
    on_both_flavors(|| async {
        let task = spawn!(park());
        yield_now().await;
        task.cancel_with("why");
        let _ = task.clone().await;
        for _ in 0..3 {
            let TaskError::Cancelled(c) = task.result().unwrap_err() else {
                panic!()
            };
            assert_eq!(c.message(), Some("why"));
        }
        assert!(task.error().unwrap().is_cancelled());
    });
}

#[test]
fn res_03_result_and_error_of_a_failed_and_of_a_successful_task() {
    on_both_flavors(|| async {
        let failed = spawn!(async { panic!("k") });
        let ok = spawn!(async {});
        until(|| failed.done() && ok.done()).await;
        let error = failed.error().unwrap();
        assert_eq!(failed.result().unwrap_err(), error);
        assert_eq!(ok.error(), None);
        assert_eq!(ok.result(), Ok(()));
    });
}

#[test]
fn err_01_a_task_awaiting_itself_gets_an_error_not_a_deadlock() {
    on_both_flavors(|| async {
        let task = spawn!(async {
            let me = asyncio::current_task().unwrap();
            me.await
        });
        assert_eq!(task.await, Ok(Err(TaskError::InvalidState)));
    });
}

type SelfHandle = asyncio::Task<Result<(), TaskError>>;

#[test]
fn err_01_a_task_awaiting_its_own_typed_handle_gets_an_error() {
    RunConfig::new().run(async {
        let slot: Arc<std::sync::Mutex<Option<SelfHandle>>> = Arc::default();
        let ready = Flag::new();
        let task = spawn!({
            let (slot, ready) = (slot.clone(), ready.clone());
            async move {
                until(|| ready.get()).await;
                let me = slot.lock().unwrap().take().unwrap();
                me.await.map(|_| ())
            }
        });
        *slot.lock().unwrap() = Some(task.clone());
        ready.set();
        assert_eq!(task.await, Ok(Err(TaskError::InvalidState)));
    });
}

#[test]
fn any_task_awaits_like_a_task() {
    on_both_flavors(|| async {
        let task = AnyTask::from(spawn!(async { panic!("p") }));
        assert!(task.clone().await.unwrap_err().is_panicked());
        assert!(task.done());
    });
}
