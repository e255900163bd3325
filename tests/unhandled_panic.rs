//! `RunConfig::unhandled_panic` and `#[async_test]`'s default: a task that panicked when nobody
//! retrieved its error fails the run (`Fail`), and only then.

use crate::common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use asyncio::{gather, spawn, task_group, wait, yield_now, Flavor, RunConfig, UnhandledPanic};
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

// Hostile cases (issue 19). `UnhandledPanic` has two modes, `Fail` and `Ignore`.

const MODES: [UnhandledPanic; 2] = [UnhandledPanic::Fail, UnhandledPanic::Ignore];

fn config(flavor: Flavor, mode: UnhandledPanic) -> RunConfig {
    failing(flavor).unhandled_panic(mode)
}

#[test]
fn a_panic_inside_a_done_callback_is_contained_and_is_not_a_tasks_panic() {
    // Documented: a callback's panic is contained and reported; the task's outcome stands. The
    // callback is not a task, so `Fail` has nothing to report: `run` returns.
    for flavor in FLAVORS {
        for mode in MODES {
            let outcome = run_outcome(config(flavor, mode), async {
                // On a task that returned a value, and on one whose panic the callback reads
                // before panicking itself (reading it retrieves it).
                let fine = spawn(async { 7 });
                fine.add_done_callback(|_| panic!("in a callback"));
                let failed = spawn(async { panic!("read by the callback") });
                failed.add_done_callback(|task| {
                    assert!(task.error().is_some_and(|e| e.is_panicked()));
                    panic!("in a callback, after reading");
                });
                drop(failed);
                assert_eq!(fine.clone().await, Ok(7));
                asyncio::sleep(Duration::from_millis(20)).await;
                assert_eq!(fine.result(), Ok(7));
            });
            assert_eq!(outcome, None, "{flavor:?} {mode:?}");
        }
    }
}

/// Owns the handle of a task that panicked; drops it (unread) when dropped.
struct DropsHandle(Option<asyncio::Task<()>>);

impl Drop for DropsHandle {
    fn drop(&mut self) {
        drop(self.0.take());
    }
}

#[test]
fn a_panicked_tasks_handle_dropped_in_another_tasks_drop_at_shutdown() {
    for flavor in FLAVORS {
        for mode in MODES {
            let outcome = run_outcome(config(flavor, mode), async {
                let panicked = asyncio::spawn_named(async { panic!("held, never read") }, "held");
                let _ = wait([panicked.clone()]).await;
                let holder = DropsHandle(Some(panicked));
                // A task parked forever, holding the handle: shutdown cancels it, dropping its
                // future, whose `Drop` drops the unread handle.
                drop(spawn(async move {
                    let _holder = holder;
                    std::future::pending::<()>().await;
                }));
                yield_now().await;
            });
            match mode {
                UnhandledPanic::Fail => {
                    let message = outcome.expect("an unread panic fails the run");
                    assert!(
                        message.contains("held panicked: held, never read"),
                        "{message}"
                    );
                }
                _ => assert_eq!(outcome, None, "{flavor:?}"),
            }
        }
    }
}

#[test]
fn a_handle_read_inside_a_drop_at_shutdown_retrieves_the_panic() {
    struct ReadsHandle(asyncio::Task<()>);
    impl Drop for ReadsHandle {
        fn drop(&mut self) {
            assert!(self.0.error().is_some_and(|e| e.is_panicked()));
        }
    }
    for flavor in FLAVORS {
        let outcome = run_outcome(failing(flavor), async {
            let panicked = spawn(async { panic!("read in a Drop") });
            let _ = wait([panicked.clone()]).await;
            let reader = ReadsHandle(panicked);
            drop(spawn(async move {
                let _reader = reader;
                std::future::pending::<()>().await;
            }));
            yield_now().await;
        });
        assert_eq!(outcome, None, "{flavor:?}");
    }
}

/// Found by this test (issue 19): shutdown waited for the racer with a wait that counted as
/// reading its panic, so a `Fail` run passed. Waiting for the end (`Core::poll_end`) no longer
/// reads the outcome.
#[test]
fn on_multi_thread_a_detached_panic_racing_the_end_of_run_fails_it_iff_it_happened() {
    // main returns at once: the detached task may run (and panic) on a worker before shutdown,
    // or be cancelled before its first step (then it never panics). Either way, `Fail` fails
    // the run exactly when the panic happened, and `Ignore` never does; nothing hangs.
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    for i in 0..300 {
        let mode = MODES[i % 2];
        let ran = Arc::new(AtomicBool::new(false));
        let flag = ran.clone();
        let outcome = run_outcome(config(Flavor::MultiThread, mode), async move {
            drop(asyncio::spawn_named(
                async move {
                    flag.store(true, Ordering::SeqCst);
                    panic!("racing the end");
                },
                "racer",
            ));
        });
        let panicked = ran.load(Ordering::SeqCst);
        match (mode, panicked) {
            (UnhandledPanic::Fail, true) => {
                let message = outcome.expect("the panic happened: the run fails");
                assert!(
                    message.contains("racer panicked: racing the end"),
                    "{message}"
                );
            }
            _ => assert_eq!(
                outcome, None,
                "iteration {i}: {mode:?}, panicked: {panicked}"
            ),
        }
    }
}
