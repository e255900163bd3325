//! `RunConfig::unhandled_panic` and `#[async_test]`'s default: a task that panicked when nobody
//! retrieved its error fails the run (`Fail`), and only then.

use crate::common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use asyncio::{gather, spawn, task_group, wait, Flavor, RunConfig, UnhandledPanic};
use common::{multi_thread, panic_message};

fn failing(flavor: Flavor) -> RunConfig {
    let config = match flavor {
        Flavor::CurrentThread => RunConfig::new(),
        Flavor::MultiThread => multi_thread(),
    };
    config.signals(false).unhandled_panic(UnhandledPanic::Fail)
}

/// The message `run` panicked with, or `None` if it returned.
fn run_outcome(
    config: RunConfig,
    program: impl std::future::Future<Output = ()>,
) -> Option<String> {
    catch_unwind(AssertUnwindSafe(|| config.run(program)))
        .err()
        .map(|payload| panic_message(&*payload))
}

const FLAVORS: [Flavor; 2] = [Flavor::CurrentThread, Flavor::MultiThread];

#[test]
fn a_detached_task_that_panicked_fails_the_run_and_is_named() {
    for flavor in FLAVORS {
        let message = run_outcome(failing(flavor), async {
            drop(asyncio::spawn_named(
                async { panic!("lost assertion") },
                "worker",
            ));
            asyncio::sleep(Duration::from_millis(20)).await;
        })
        .expect("the run must fail");
        assert!(message.contains("nobody retrieved"), "{message}");
        assert!(
            message.contains("worker panicked: lost assertion"),
            "{message}"
        );
    }
}

#[test]
fn a_handle_kept_but_never_read_fails_the_run_too() {
    for flavor in FLAVORS {
        let message = run_outcome(failing(flavor), async {
            let task = spawn(async { panic!("never looked at") });
            let _ = wait([task.clone()]).await; // waiting is not reading
            assert!(task.done());
        });
        assert!(message.is_some_and(|m| m.contains("never looked at")));
    }
}

#[test]
fn a_panic_that_is_awaited_gathered_or_asked_for_is_retrieved() {
    for flavor in FLAVORS {
        let outcome = run_outcome(failing(flavor), async {
            assert!(spawn(async { panic!("awaited") }).await.is_err());
            let (a,) = gather((spawn(async { panic!("gathered") }),))
                .return_exceptions()
                .await;
            assert!(a.is_err());
            assert!(gather((spawn(async { panic!("gathered, failing") }),))
                .await
                .is_err());
            let asked = spawn(async { panic!("asked") });
            let _ = wait([asked.clone()]).await;
            assert!(asked.error().unwrap().is_panicked());
            let result = spawn(async { panic!("result") });
            let _ = wait([result.clone()]).await;
            assert!(result.result().is_err());
        });
        assert_eq!(outcome, None);
    }
}

#[test]
fn a_task_group_retrieves_its_childrens_panics() {
    for flavor in FLAVORS {
        let outcome = run_outcome(failing(flavor), async {
            let result = task_group(|tg| async move {
                tg.spawn(async { panic!("in the group") });
            })
            .await;
            assert_eq!(result.unwrap_err().errors().len(), 1);
        });
        assert_eq!(outcome, None);
    }
}

#[test]
fn ignore_is_the_default_of_run() {
    assert_eq!(
        RunConfig::new().get_unhandled_panic(),
        UnhandledPanic::Ignore
    );
    for flavor in FLAVORS {
        let config = failing(flavor).unhandled_panic(UnhandledPanic::Ignore);
        let outcome = run_outcome(config, async {
            drop(spawn(async { panic!("ignored") }));
            asyncio::sleep(Duration::from_millis(20)).await;
        });
        assert_eq!(outcome, None);
    }
}

#[test]
fn a_panic_of_main_itself_is_raised_as_it_is() {
    let message = run_outcome(failing(Flavor::CurrentThread), async {
        drop(spawn(async { panic!("detached") }));
        asyncio::sleep(Duration::from_millis(20)).await;
        panic!("main's own");
    });
    assert_eq!(message.as_deref(), Some("main's own"));
}

#[asyncio::async_test]
#[should_panic(expected = "nobody retrieved the error")]
async fn an_async_test_fails_when_a_detached_task_panicked() {
    drop(spawn(async {
        assert_eq!(1 + 1, 3, "a failed assertion in a task")
    }));
    asyncio::sleep(Duration::from_millis(20)).await;
}

#[asyncio::async_test(unhandled_panic = "ignore")]
async fn an_async_test_can_opt_out() {
    drop(spawn(async { panic!("expected here") }));
    asyncio::sleep(Duration::from_millis(20)).await;
}

#[asyncio::async_test(flavor = "multi_thread", worker_threads = 2)]
#[should_panic(expected = "nobody retrieved the error")]
async fn an_async_test_on_the_thread_pool_fails_too() {
    drop(spawn(async { panic!("on a worker") }));
    asyncio::sleep(Duration::from_millis(20)).await;
}
