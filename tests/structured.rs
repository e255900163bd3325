//! TG-xx and TMO-04/05: task groups and timeout scopes.

use crate::common;

use std::future::Future;
use std::time::{Duration, Instant};

use asyncio::{
    catch_cancel, current_task, spawn, task_group, timeout, TaskGroupClosed, TimeoutError,
};
use common::{on_both_flavors, park, Finally, Log};

async fn w(delay_ms: u64, v: &'static str, log: Log) -> &'static str {
    asyncio::sleep(Duration::from_millis(delay_ms)).await;
    log.push(format!("finished {v}"));
    v
}

#[test]
fn tg_01_the_group_awaits_every_child_at_block_exit() {
    on_both_flavors(|| async {
        let log = Log::new();
        let (a, b) = task_group(|tg| {
            let log = log.clone();
            async move {
                let a = tg.spawn(w(30, "a", log.clone()));
                let b = tg.spawn(w(10, "b", log.clone()));
                log.push("end of body");
                (a, b)
            }
        })
        .await
        .unwrap();
        assert!(a.done() && b.done());
        assert_eq!((a.result(), b.result()), (Ok("a"), Ok("b")));
        assert_eq!(log.lines(), ["end of body", "finished b", "finished a"]);
    });
}

/// The log without the "started" lines.
fn events(log: &Log) -> Vec<String> {
    let mut lines: Vec<String> = log
        .lines()
        .into_iter()
        .filter(|l| !l.ends_with(": started"))
        .collect();
    lines.sort();
    lines
}

fn sibling(
    name: &'static str,
    log: &Log,
) -> impl std::future::Future<Output = ()> + Send + 'static + use<> {
    let log = log.clone();
    async move {
        log.push(format!("{name}: started"));
        if let Err(c) = catch_cancel(park()).await {
            log.push(format!("{name}: cancelled by the group"));
            c.reraise::<()>().await;
        }
    }
}

#[test]
fn tg_02_the_first_failure_cancels_the_siblings_and_the_body() {
    on_both_flavors(|| async {
        let log = Log::new();
        let mut siblings = Vec::new();
        let err = task_group(|tg| {
            let log = log.clone();
            let siblings = &mut siblings;
            async move {
                siblings.push(tg.spawn(sibling("s1", &log)));
                siblings.push(tg.spawn(sibling("s2", &log)));
                tg.spawn({
                    let log = log.clone();
                    async move {
                        common::until(|| {
                            log.contains("s1: started") && log.contains("s2: started")
                        })
                        .await;
                        panic!("boom");
                    }
                });
                let _finally = Finally::new(&log, "body: finally");
                park().await;
                log.push("never");
            }
        })
        .await
        .unwrap_err();
        assert_eq!(err.errors().len(), 1);
        let asyncio::TaskError::Panicked(p) = &err.errors()[0] else {
            panic!()
        };
        assert_eq!(p.message(), "boom");
        assert!(siblings.iter().all(asyncio::Task::cancelled));
        assert_eq!(
            events(&log),
            [
                "body: finally",
                "s1: cancelled by the group",
                "s2: cancelled by the group"
            ]
        );
        assert_eq!(
            current_task().unwrap().cancelling(),
            0,
            "the parent's count is back to 0"
        );
        assert_eq!(
            err.to_string(),
            "unhandled errors in a TaskGroup (1 sub-exception)"
        );
    });
}

#[test]
fn tg_02_the_body_sees_the_group_cancellation_as_a_catchable_cancellation() {
    on_both_flavors(|| async {
        let log = Log::new();
        let err = task_group(|tg| {
            let log = log.clone();
            async move {
                tg.spawn(async { panic!("child failed") });
                if let Err(c) = catch_cancel(park()).await {
                    log.push(format!(
                        "body caught, cancelling() = {}",
                        current_task().unwrap().cancelling()
                    ));
                    c.reraise::<()>().await;
                }
            }
        })
        .await
        .unwrap_err();
        assert_eq!(err.errors().len(), 1);
        assert_eq!(log.lines(), ["body caught, cancelling() = 1"]);
        assert_eq!(current_task().unwrap().cancelling(), 0);
    });
}

#[test]
fn tg_03_every_failure_is_reported_including_one_raised_while_cancelled() {
    on_both_flavors(|| async {
        let err = task_group(|tg| async move {
            tg.spawn(async {
                asyncio::sleep(Duration::from_millis(10)).await;
                panic!("v");
            });
            tg.spawn(async {
                asyncio::sleep(Duration::from_millis(30)).await;
                panic!("t");
            });
            tg.spawn(async {
                if catch_cancel(park()).await.is_err() {
                    panic!("failed during cancellation");
                }
            });
        })
        .await
        .unwrap_err();
        let messages: Vec<String> = err
            .errors()
            .iter()
            .map(|e| match e {
                asyncio::TaskError::Panicked(p) => p.message().to_owned(),
                other => panic!("{other}"),
            })
            .collect();
        // "t" was cancelled while sleeping (not a failure); the cancelled child failed in cleanup.
        assert_eq!(messages, ["v", "failed during cancellation"]);
    });
}

#[test]
fn tg_04_a_panic_in_the_body_cancels_the_children_and_joins_the_error_list() {
    on_both_flavors(|| async {
        let log = Log::new();
        let err = task_group(|tg| {
            let log = log.clone();
            async move {
                let started = common::Flag::new();
                let child = sibling("child", &log);
                tg.spawn({
                    let started = started.clone();
                    async move {
                        started.set();
                        child.await;
                    }
                });
                common::until(|| started.get()).await;
                panic!("division by zero");
            }
        })
        .await
        .unwrap_err();
        assert_eq!(events(&log), ["child: cancelled by the group"]);
        assert_eq!(err.errors().len(), 1);
        assert!(err.errors()[0].to_string().contains("division by zero"));
    });
}

#[test]
fn tg_06_cancelling_the_owner_cancels_the_children_and_propagates_as_a_cancellation() {
    on_both_flavors(|| async {
        let log = Log::new();
        let parent = spawn!({
            let log = log.clone();
            async move {
                task_group(|tg| async move {
                    tg.spawn(sibling("child1", &log));
                    tg.spawn(sibling("child2", &log));
                })
                .await
            }
        });
        common::until(|| log.contains("child1: started") && log.contains("child2: started")).await;
        parent.cancel();
        let outcome = parent.clone().await;
        assert!(
            outcome.unwrap_err().is_cancelled(),
            "a cancellation, not a group error"
        );
        assert!(parent.cancelled());
        assert_eq!(
            events(&log),
            [
                "child1: cancelled by the group",
                "child2: cancelled by the group"
            ]
        );
    });
}

#[test]
fn a_cancelled_child_is_not_a_failure_and_spawning_after_the_end_is_an_error() {
    on_both_flavors(|| async {
        let tg = task_group(|tg| async move {
            let child = tg.spawn(park());
            child.cancel();
            tg
        })
        .await
        .unwrap();
        assert_eq!(
            tg.try_spawn(async {}).unwrap_err(),
            TaskGroupClosed::Finished
        );
        let payload =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(tg.spawn(async {}))))
                .unwrap_err();
        assert!(common::panic_message(&*payload).contains("finished"));
    });
}

#[test]
fn dropping_an_unfinished_group_cancels_its_children() {
    on_both_flavors(|| async {
        let log = Log::new();
        let mut group = Box::pin(task_group(|tg| {
            let log = log.clone();
            async move {
                tg.spawn(sibling("orphan?", &log));
                park().await;
            }
        }));
        // Drive the scope until its child runs, then drop it unfinished.
        std::future::poll_fn(|cx| {
            let _ = group.as_mut().poll(cx);
            if log.contains("orphan?: started") {
                std::task::Poll::Ready(())
            } else {
                cx.waker().wake_by_ref();
                std::task::Poll::Pending
            }
        })
        .await;
        drop(group);
        common::until(|| log.contains("orphan?: cancelled by the group")).await;
    });
}

#[test]
fn children_can_spawn_siblings_while_the_group_joins() {
    on_both_flavors(|| async {
        let r = task_group(|tg| async move {
            let inner = tg.clone();
            drop(tg.spawn(async move {
                asyncio::sleep(Duration::from_millis(5)).await;
                inner.spawn(async { asyncio::sleep(Duration::from_millis(5)).await })
            }));
        })
        .await;
        assert_eq!(r, Ok(()));
    });
}

#[test]
fn tmo_04_timeout_scope_expiry_is_a_cancellation_inside_and_a_timeout_error_outside() {
    on_both_flavors(|| async {
        let me = current_task().unwrap();
        let log = Log::new();
        let cm = timeout(Duration::from_millis(50));
        let r = cm
            .run(async {
                if let Err(c) = catch_cancel(park()).await {
                    log.push(format!(
                        "inside: cancelled, cancelling() = {}",
                        me.cancelling()
                    ));
                    c.reraise::<()>().await;
                }
            })
            .await;
        assert_eq!(r, Err(TimeoutError));
        assert!(cm.expired());
        assert_eq!(me.cancelling(), 0);
        assert_eq!(log.lines(), ["inside: cancelled, cancelling() = 1"]);

        let start = Instant::now();
        assert_eq!(
            timeout(None)
                .run(asyncio::sleep(Duration::from_millis(10)))
                .await,
            Ok(())
        );
        assert!(start.elapsed() >= Duration::from_millis(10));
        asyncio::yield_now().await; // no stray cancellation left behind
    });
}

#[test]
fn tmo_05_an_outside_cancel_inside_a_timeout_scope_propagates_as_a_cancellation() {
    on_both_flavors(|| async {
        let guarded = spawn!(async { timeout(Duration::from_secs(5)).run(park()).await });
        asyncio::sleep(Duration::from_millis(10)).await;
        guarded.cancel();
        let outcome = guarded.clone().await;
        assert!(outcome.unwrap_err().is_cancelled(), "not a TimeoutError");
        assert!(guarded.cancelled());
    });
}

#[test]
fn timeout_scope_can_be_rescheduled_while_running() {
    on_both_flavors(|| async {
        let cm = timeout(Duration::from_secs(60));
        let start = Instant::now();
        let r = cm
            .run(async {
                cm.reschedule(Some(Instant::now() + Duration::from_millis(20)));
                park().await;
            })
            .await;
        assert_eq!(r, Err(TimeoutError));
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the new deadline was used"
        );
        assert!(cm.when().is_some());
    });
}

#[test]
fn a_block_that_completes_in_time_leaves_no_cancellation_behind() {
    on_both_flavors(|| async {
        let cm = timeout(Duration::from_secs(5));
        assert_eq!(cm.run(async { 3 }).await, Ok(3));
        asyncio::sleep(Duration::from_millis(2)).await;
        assert_eq!(current_task().unwrap().cancelling(), 0);
        assert!(!cm.expired());
    });
}

// Python 3.12 (gh-102780): scopes compare `cancelling()` with the count they were entered
// with, so a cancellation caught *before* the scope does not turn the scope's own failure or
// timeout into a cancellation of the task (API.md rule 9).

#[test]
fn test_taskgroup_18() {
    // CPython: the task running the group is cancelled; the body catches it and fails instead
    // ("this isn't a good idea, but we have to support this weird case"): ExceptionGroup.
    on_both_flavors(|| async {
        let num = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let runner = spawn!({
            let num = num.clone();
            task_group(|_tg| async move {
                if catch_cancel(asyncio::sleep(Duration::from_secs(10)))
                    .await
                    .is_err()
                {
                    num.fetch_add(10, std::sync::atomic::Ordering::SeqCst);
                    panic!("MyExc");
                }
            })
        });
        asyncio::sleep(Duration::from_millis(100)).await;
        assert!(!runner.done());
        runner.cancel();
        let errors = runner.await.unwrap().unwrap_err().into_errors();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].is_panicked());
        assert_eq!(num.load(std::sync::atomic::Ordering::SeqCst), 10);
    });
}

#[test]
fn a_task_that_caught_a_cancel_gets_the_task_group_error_of_a_later_group() {
    on_both_flavors(|| async {
        let runner = spawn!(async {
            current_task().unwrap().cancel();
            assert!(catch_cancel(asyncio::sleep(Duration::from_secs(1)))
                .await
                .is_err());
            assert_eq!(current_task().unwrap().cancelling(), 1);
            task_group(|tg| async move {
                tg.spawn(async { panic!("child") });
                park().await;
            })
            .await
        });
        let errors = runner.await.unwrap().unwrap_err().into_errors();
        assert_eq!(errors.len(), 1);
    });
}

#[test]
fn test_timeout_after_cancellation() {
    on_both_flavors(|| async {
        current_task().unwrap().cancel();
        assert!(catch_cancel(asyncio::sleep(Duration::from_secs(1)))
            .await
            .is_err());
        // "finally": cleanup under a zero timeout times out, it is not a cancellation.
        let r = timeout(Duration::ZERO)
            .run(asyncio::sleep(Duration::from_secs(1)))
            .await;
        assert_eq!(r, Err(TimeoutError));
        assert_eq!(current_task().unwrap().cancelling(), 1);
    });
}

#[test]
fn test_cancel_in_timeout_after_cancellation() {
    on_both_flavors(|| async {
        let runner = spawn!(async {
            current_task().unwrap().cancel();
            assert!(catch_cancel(asyncio::sleep(Duration::from_secs(1)))
                .await
                .is_err());
            let _ = timeout(Duration::from_secs(1))
                .run(async {
                    current_task().unwrap().cancel();
                    asyncio::sleep(Duration::from_secs(2)).await;
                })
                .await;
            unreachable!("the cancellation inside the scope propagates");
        });
        assert!(runner.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn task_group_children_can_be_named() {
    on_both_flavors(|| async {
        let (named, unnamed) = task_group(|tg| async move {
            let named = tg.spawn_named(async { 1 }, "fetch-1");
            let late = tg.try_spawn_named(async { 2 }, "fetch-2").unwrap();
            assert_eq!(late.name(), "fetch-2");
            (named, tg.spawn(async { 3 }))
        })
        .await
        .unwrap();
        assert_eq!(named.name(), "fetch-1");
        assert!(unnamed.name().starts_with("Task-"));
        assert_eq!(named.result(), Ok(1));
    });
}
