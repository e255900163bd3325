//! `try_gather!` and `try_gather_all`: failures that are values (issue 15 item 5; API.md
//! "Failures that are values"). The first failure cancels every other child and returns only
//! once they have stopped.

use crate::common;

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use asyncio::{spawn, try_gather, try_gather_all, yield_now, AnyTask, TaskError};
use common::{on_both_flavors, park, until, Finally, Flag, Log};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// An error of the user's own, converted from the runtime's failures.
#[derive(Debug, PartialEq)]
enum AppError {
    Refused(&'static str),
    Task(TaskError),
}

impl From<TaskError> for AppError {
    fn from(error: TaskError) -> Self {
        AppError::Task(error)
    }
}

/// Sleeps `ms`, then returns `value`; logs "`name` stopped" when its future is dropped or ends
/// (the guard is made with the future, so this holds also for a child cancelled before its
/// first step).
fn step<E>(
    log: Log,
    name: &'static str,
    ms: u64,
    value: u32,
) -> impl Future<Output = Result<u32, E>> {
    let cleanup = Finally::new(&log, format!("{name} stopped"));
    async move {
        let _cleanup = cleanup;
        asyncio::sleep(Duration::from_millis(ms)).await;
        Ok(value)
    }
}

/// Panics after one step.
async fn boom<E>(message: &'static str) -> Result<u32, E> {
    yield_now().await;
    panic!("{message}")
}

#[test]
fn all_ok_gives_the_values_in_argument_order() {
    on_both_flavors(|| async {
        let log = Log::new();
        let existing = spawn!(step::<AppError>(log.clone(), "c", 5, 3));
        let r = try_gather!(
            step::<AppError>(log.clone(), "a", 30, 1),
            step(log.clone(), "b", 1, 2),
            existing
        )
        .await;
        assert_eq!(r, Ok((1, 2, 3)));
    });
}

#[test]
fn the_first_err_returns_only_after_the_others_have_stopped() {
    on_both_flavors(|| async {
        let log = Log::new();
        let refuse = {
            let log = log.clone();
            async move {
                asyncio::sleep(Duration::from_millis(5)).await;
                log.push("refused");
                Err::<u32, _>(AppError::Refused("refused"))
            }
        };
        let r = try_gather!(
            step(log.clone(), "slow", 3_600_000, 1),
            refuse,
            step(log.clone(), "slower", 3_600_000, 2)
        )
        .await;
        assert_eq!(r, Err(AppError::Refused("refused")));
        // Their cleanup ran before try_gather! returned: nothing is logged after this point.
        let mut lines = log.lines();
        assert_eq!(lines[0], "refused");
        lines[1..].sort();
        assert_eq!(lines[1..], ["slow stopped", "slower stopped"]);
    });
}

#[test]
fn the_issue_example_returns_at_once_with_err_and_slow_cancelled() {
    on_both_flavors(|| async {
        let slow = spawn!(async {
            asyncio::sleep(Duration::from_secs(3600)).await;
            Ok::<_, BoxError>("slow")
        });
        let watched = AnyTask::from(&slow);
        let started = Instant::now();
        let r = try_gather!(async { Err::<(), BoxError>("refused".into()) }, slow).await;
        assert_eq!(r.unwrap_err().to_string(), "refused");
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(watched.cancelled(), "slow was stopped before the return");
    });
}

#[test]
fn a_panic_is_converted_with_from_task_error() {
    on_both_flavors(|| async {
        let log = Log::new();
        let r = try_gather!(
            boom::<AppError>("bad input"),
            step(log.clone(), "other", 3_600_000, 1)
        )
        .await;
        let Err(AppError::Task(TaskError::Panicked(p))) = r else {
            panic!("{r:?}")
        };
        assert_eq!(p.message(), "bad input");
        assert_eq!(log.lines(), ["other stopped"]);
    });
}

#[test]
fn a_cancelled_child_is_a_failure_converted_with_from_task_error() {
    on_both_flavors(|| async {
        let log = Log::new();
        let doomed = spawn!(step::<AppError>(log.clone(), "doomed", 3_600_000, 1));
        let other = spawn!(step(log.clone(), "other", 3_600_000, 2));
        let watched = AnyTask::from(&other);
        doomed.cancel_with("not needed");
        let r = try_gather!(doomed, other).await;
        let Err(AppError::Task(TaskError::Cancelled(c))) = r else {
            panic!("{r:?}")
        };
        assert_eq!(c.message(), Some("not needed"));
        assert!(watched.cancelled(), "the other child was stopped");
    });
}

#[test]
fn an_existing_task_is_cancelled_like_the_other_children_on_failure() {
    on_both_flavors(|| async {
        let log = Log::new();
        let existing = spawn!(step::<AppError>(log.clone(), "existing", 3_600_000, 1));
        let watched = AnyTask::from(&existing);
        yield_now().await; // it has started
        let r = try_gather!(existing, async { Err::<u32, _>(AppError::Refused("no")) }).await;
        assert_eq!(r, Err(AppError::Refused("no")));
        assert!(watched.cancelled());
        assert_eq!(log.lines(), ["existing stopped"]);
    });
}

#[test]
fn no_children_is_ok_unit() {
    on_both_flavors(|| async {
        let r: Result<(), AppError> = try_gather!().await;
        assert_eq!(r, Ok(()));
        let all: Result<Vec<u32>, AppError> =
            try_gather_all(Vec::<asyncio::Task<Result<u32, AppError>>>::new()).await;
        assert_eq!(all, Ok(vec![]));
    });
}

#[test]
fn dropping_the_future_cancels_every_child() {
    on_both_flavors(|| async {
        let log = Log::new();
        let existing = spawn!(step::<AppError>(log.clone(), "existing", 3_600_000, 1));
        let watched = AnyTask::from(&existing);
        let awaiting = spawn!({
            let log = log.clone();
            async move {
                let _ = try_gather!(step(log.clone(), "spawned", 3_600_000, 2), existing).await;
                log.push("not reached: the awaiter is cancelled first");
            }
        });
        until(|| asyncio::all_tasks().len() >= 4).await;
        awaiting.cancel_with("give up");
        assert!(awaiting.clone().await.unwrap_err().is_cancelled());
        let Err(TaskError::Cancelled(c)) = watched.clone().await else {
            panic!("the existing task was not cancelled")
        };
        assert_eq!(
            c.message(),
            Some("give up"),
            "the awaiter's message is forwarded"
        );
        until(|| log.lines().len() == 2).await;
        let mut lines = log.lines();
        lines.sort();
        assert_eq!(lines, ["existing stopped", "spawned stopped"]);
    });
}

#[test]
fn a_boxed_error_type_works() {
    async fn parse(text: &'static str) -> Result<u32, BoxError> {
        yield_now().await;
        Ok(text.parse::<u32>()?)
    }
    async fn fetch() -> Result<String, BoxError> {
        Ok("page".to_owned())
    }
    on_both_flavors(|| async {
        let (n, page) = try_gather!(parse("42"), fetch()).await.unwrap();
        assert_eq!((n, page.as_str()), (42, "page"));
        let err = try_gather!(parse("x"), fetch()).await.unwrap_err();
        assert!(err.downcast_ref::<std::num::ParseIntError>().is_some());
        // A panic becomes a `Box<dyn Error>` too, through `From<TaskError>`.
        let err = try_gather!(fetch(), boom("boom")).await.unwrap_err();
        assert!(err.downcast_ref::<TaskError>().unwrap().is_panicked());
    });
}

#[test]
fn try_gather_all_keeps_input_order_and_stops_at_the_first_failure() {
    on_both_flavors(|| async {
        let log = Log::new();
        let delays = [30, 1, 15];
        let ok = try_gather_all(
            delays.map(|ms| step::<AppError>(log.clone(), "ok", ms, u32::try_from(ms).unwrap())),
        )
        .await;
        assert_eq!(ok, Ok(vec![30, 1, 15]));

        let log = Log::new();
        let children = (0..5).map(|i| {
            if i == 3 {
                spawn!(async {
                    yield_now().await;
                    Err(AppError::Refused("three"))
                })
            } else {
                spawn!(step(log.clone(), "sibling", 3_600_000, i))
            }
        });
        let r = try_gather_all(children).await;
        assert_eq!(r, Err(AppError::Refused("three")));
        assert_eq!(log.lines(), ["sibling stopped"; 4]);
    });
}

/// Counts the drops of the futures that hold one.
struct Count(Arc<AtomicUsize>);

impl Drop for Count {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn multi_thread_race_one_failure_among_many_stops_all_others() {
    let config = common::multi_thread().worker_threads(4);
    for round in 0..20 {
        config.run(async move {
            let stopped = Arc::new(AtomicUsize::new(0));
            let children: Vec<_> = (0..200u32)
                .map(|i| {
                    // Made outside the future: counted when the future is dropped, also if
                    // the child is cancelled before its first step.
                    let count = Count(stopped.clone());
                    spawn!(async move {
                        if i == (round * 7) % 200 {
                            yield_now().await;
                            drop(count);
                            return Err(AppError::Refused("one"));
                        }
                        if i % 2 == 0 {
                            park().await;
                        } else {
                            // Busy children that are still running when the failure comes.
                            for _ in 0..(i % 13) {
                                yield_now().await;
                            }
                            park().await;
                        }
                        drop(count);
                        Ok(i)
                    })
                })
                .collect();
            let watched: Vec<AnyTask> = children.iter().map(AnyTask::from).collect();
            let r = try_gather_all(children).await;
            assert_eq!(r, Err(AppError::Refused("one")));
            assert_eq!(
                stopped.load(Ordering::SeqCst),
                200,
                "every child had stopped"
            );
            assert!(watched.iter().all(AnyTask::done));
            assert_eq!(watched.iter().filter(|t| t.cancelled()).count(), 199);
        });
    }
}

// --- Task groups: `spawn_fallible` -------------------------------------------------------------

use asyncio::{catch_cancel, task_group, TaskGroupFailure};

#[test]
fn spawn_fallible_ok_values_are_the_tasks_values() {
    on_both_flavors(|| async {
        let (a, b) = task_group(|tg| async move {
            let a = tg.spawn_fallible(async { Ok::<_, std::io::Error>(1) });
            let b = tg.spawn_fallible(async {
                yield_now().await;
                Ok::<_, BoxError>("two")
            });
            (a, b)
        })
        .await
        .unwrap();
        assert_eq!((a.result(), b.result()), (Ok(1), Ok("two")));
    });
}

#[test]
fn spawn_fallible_err_cancels_the_siblings_and_the_body_and_is_downcastable() {
    on_both_flavors(|| async {
        let log = Log::new();
        let err = task_group(|tg| {
            let log = log.clone();
            async move {
                let _body = Finally::new(&log, "body stopped");
                tg.spawn(step::<()>(log.clone(), "sibling", 3_600_000, 1));
                let failing = tg.spawn_fallible(async {
                    asyncio::sleep(Duration::from_millis(5)).await;
                    Err::<u32, _>(std::io::Error::new(
                        std::io::ErrorKind::ConnectionRefused,
                        "refused",
                    ))
                });
                let _ = failing.await;
                park().await;
                log.push("not reached: the body is cancelled");
            }
        })
        .await
        .unwrap_err();
        let mut lines = log.lines();
        lines.sort();
        assert_eq!(lines, ["body stopped", "sibling stopped"]);
        assert_eq!(err.failures().len(), 1);
        assert!(err.errors().is_empty(), "an Err is not a panic");
        let TaskGroupFailure::Err(error) = &err.failures()[0] else {
            panic!("{err:?}")
        };
        let io = error
            .downcast_ref::<std::io::Error>()
            .expect("the user's error");
        assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused);
        assert_eq!(
            err.to_string(),
            "unhandled errors in a TaskGroup (1 sub-exception)"
        );
        let source = std::error::Error::source(&err).unwrap();
        assert_eq!(source.to_string(), "refused");
    });
}

#[test]
fn a_failed_fallible_child_ends_cancelled_with_a_message_naming_the_error() {
    on_both_flavors(|| async {
        let handle = std::sync::Arc::new(std::sync::Mutex::new(None));
        let slot = handle.clone();
        let _ = task_group(|tg| async move {
            let child = tg.spawn_fallible(async { Err::<u8, BoxError>("refused".into()) });
            *slot.lock().unwrap() = Some(AnyTask::from(&child));
        })
        .await
        .unwrap_err();
        let child = handle.lock().unwrap().take().unwrap();
        let Err(TaskError::Cancelled(c)) = child.await else {
            panic!("the failed child did not end cancelled")
        };
        assert_eq!(
            c.message(),
            Some("returned an error, handed to the task group: refused")
        );
    });
}

#[test]
fn mixed_panics_and_errs_are_reported_in_completion_order() {
    on_both_flavors(|| async {
        // An Err first; then a sibling that catches the cancellation and panics in its cleanup.
        // (The failing child waits until the sibling is inside `catch_cancel`.)
        let err = task_group(|tg| async move {
            let started = Flag::new();
            let set = started.clone();
            tg.spawn(async move {
                set.set();
                if catch_cancel(park()).await.is_err() {
                    panic!("cleanup failed");
                }
            });
            tg.spawn_fallible(async move {
                until(|| started.get()).await;
                Err::<(), BoxError>("refused".into())
            });
        })
        .await
        .unwrap_err();
        let kinds: Vec<String> = err.failures().iter().map(ToString::to_string).collect();
        assert_eq!(kinds, ["refused", "task panicked: cleanup failed"]);
        assert_eq!(err.errors().len(), 1);
        assert_eq!(
            err.to_string(),
            "unhandled errors in a TaskGroup (2 sub-exceptions)"
        );

        // A panic first; then a fallible sibling that catches the cancellation and returns Err.
        let err = task_group(|tg| async move {
            let started = Flag::new();
            let set = started.clone();
            tg.spawn_fallible(async move {
                set.set();
                catch_cancel(park()).await.ok();
                Err::<(), BoxError>("cleanup refused".into())
            });
            tg.spawn(async move {
                until(|| started.get()).await;
                panic!("boom");
            });
        })
        .await
        .unwrap_err();
        let kinds: Vec<String> = err.failures().iter().map(ToString::to_string).collect();
        assert_eq!(kinds, ["task panicked: boom", "cleanup refused"]);
        assert!(matches!(err.failures()[0], TaskGroupFailure::Panicked(_)));
        assert!(matches!(err.failures()[1], TaskGroupFailure::Err(_)));
    });
}

#[test]
fn a_task_group_error_with_user_errors_equals_its_clones_only() {
    asyncio::run(async {
        let fail = || {
            task_group(|tg| async move {
                tg.spawn_fallible(async { Err::<(), BoxError>("refused".into()) });
            })
        };
        let first = fail().await.unwrap_err();
        let second = fail().await.unwrap_err();
        assert_eq!(first.clone(), first, "a clone shares the errors");
        assert_ne!(first, second, "different errors, even with the same text");
        // Panics alone compare by value, as before.
        let panic = || task_group(|_tg| async { panic!("same") });
        assert_eq!(panic().await.unwrap_err(), panic().await.unwrap_err());
    });
}
