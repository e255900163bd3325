//! GAT-xx: gather, through the runtime functions (`gather!` expands to these).

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use asyncio::{catch_cancel, current_task, gather, gather_all, spawn, yield_now, TaskError};
use common::{on_both_flavors, park, until, Log};

async fn s(delay_ms: u64, v: &'static str, log: Log) -> &'static str {
    asyncio::sleep(Duration::from_millis(delay_ms)).await;
    log.push(format!("completed {v}"));
    v
}

#[test]
fn gat_01_results_come_in_argument_order() {
    on_both_flavors(|| async {
        let log = Log::new();
        let r = gather!(
            spawn!(s(60, "a", log.clone())),
            spawn!(s(10, "b", log.clone())),
            spawn!(s(35, "c", log.clone()))
        )
        .await;
        assert_eq!(r, Ok(("a", "b", "c")));
        assert_eq!(log.lines(), ["completed b", "completed c", "completed a"]);
        let r = gather_all([
            s(60, "a", log.clone()),
            s(10, "b", log.clone()),
            s(35, "c", log.clone()),
        ])
        .await;
        assert_eq!(r, Ok(vec!["a", "b", "c"]));
    });
}

#[test]
fn gat_02_the_first_failure_returns_at_once_and_siblings_keep_running() {
    on_both_flavors(|| async {
        let log = Log::new();
        let release = common::Flag::new();
        let a = spawn!({
            let (log, release) = (log.clone(), release.clone());
            async move {
                until(|| release.get()).await;
                log.push("completed a");
                "a"
            }
        });
        let bad = spawn!(async {
            asyncio::sleep(Duration::from_millis(10)).await;
            panic!("bad");
        });
        let r = gather!(a.clone(), bad, spawn!(s(40, "c", log.clone()))).await;
        let TaskError::Panicked(p) = r.unwrap_err() else {
            panic!()
        };
        assert_eq!(p.message(), "bad");
        assert!(!a.done(), "returned at once");
        release.set();
        assert_eq!(a.clone().await, Ok("a"), "the sibling was not cancelled");
        until(|| log.contains("completed c")).await;
    });
}

#[test]
fn gat_03_return_exceptions_puts_errors_in_place_of_results() {
    on_both_flavors(|| async {
        let ok = |v| {
            spawn!(async move {
                asyncio::sleep(Duration::from_millis(10)).await;
                v
            })
        };
        let (a, b, c, d) = gather!(
            ok(1),
            spawn!(async { panic!("bad") }),
            ok(3),
            spawn!(async {
                current_task().unwrap().cancel_with("self");
                yield_now().await;
            })
        )
        .return_exceptions()
        .await;
        assert_eq!(a, Ok(1));
        assert!(b.unwrap_err().is_panicked());
        assert_eq!(c, Ok(3));
        let TaskError::Cancelled(c) = d.unwrap_err() else {
            panic!()
        };
        assert_eq!(c.message(), Some("self"), "divergence: the message is kept");

        let all = gather_all([spawn!(async { 1 }), spawn!(async { panic!() })])
            .return_exceptions()
            .await;
        assert_eq!(all[0], Ok(1));
        assert!(all[1].as_ref().unwrap_err().is_panicked());
    });
}

fn cancellable(
    name: &'static str,
    log: &Log,
) -> impl std::future::Future<Output = ()> + Send + 'static + use<> {
    let log = log.clone();
    async move {
        if let Err(c) = catch_cancel(park()).await {
            log.push(format!("{name} cancelled, message = {:?}", c.message()));
            c.reraise::<()>().await;
        }
    }
}

#[test]
fn gat_04_and_06_cancelling_the_task_awaiting_gather_cancels_every_child_with_its_message() {
    on_both_flavors(|| async {
        for settled in [false, true] {
            let log = Log::new();
            let a = spawn!(cancellable("a", &log));
            let b = spawn!(cancellable("b", &log));
            let started = common::Flag::new();
            let parent = spawn!({
                let (a, b, started) = (a.clone(), b.clone(), started.clone());
                async move {
                    started.set();
                    if settled {
                        let _ = gather!(a, b).return_exceptions().await;
                    } else {
                        let _ = gather!(a, b).await;
                    }
                }
            });
            until(|| started.get()).await;
            asyncio::sleep(Duration::from_millis(10)).await; // a and b parked
            parent.cancel_with("stop");
            let TaskError::Cancelled(c) = parent.clone().await.unwrap_err() else {
                panic!()
            };
            assert_eq!(c.message(), Some("stop"));
            assert!(
                a.cancelled() && b.cancelled(),
                "children stopped before the parent ended"
            );
            let mut lines = log.lines();
            lines.sort();
            assert_eq!(
                lines,
                [
                    "a cancelled, message = Some(\"stop\")",
                    "b cancelled, message = Some(\"stop\")"
                ]
            );
        }
    });
}

#[test]
fn gat_04_dropping_an_unawaited_gather_cancels_its_children() {
    on_both_flavors(|| async {
        let log = Log::new();
        let a = spawn!(cancellable("a", &log));
        let g = gather_all([a.clone()]);
        yield_now().await;
        drop(g);
        let _ = a.clone().await;
        assert!(a.cancelled());
    });
}

#[test]
fn gat_05_one_child_cancelled_directly_fails_the_gather_but_not_the_sibling() {
    on_both_flavors(|| async {
        let log = Log::new();
        let a = spawn!(s(60, "a", log.clone()));
        let victim = spawn!(park());
        let g = gather!(a.clone(), victim.clone());
        let canceller = spawn!({
            let victim = victim.clone();
            async move {
                asyncio::sleep(Duration::from_millis(10)).await;
                victim.cancel();
            }
        });
        assert!(g.await.unwrap_err().is_cancelled());
        assert_eq!(
            current_task().unwrap().cancelling(),
            0,
            "the awaiter is not cancelled"
        );
        assert_eq!(a.await, Ok("a"), "sibling not cancelled");
        let _ = canceller.await;
    });
}

#[test]
fn gat_07_empty_gather_and_the_same_task_twice() {
    on_both_flavors(|| async {
        assert_eq!(gather!().await, Ok(()));
        assert_eq!(gather!().return_exceptions().await, ());
        assert_eq!(
            gather_all(Vec::<asyncio::Task<u8>>::new()).await,
            Ok(vec![])
        );
        let runs = Arc::new(AtomicUsize::new(0));
        let c = |runs: Arc<AtomicUsize>| async move {
            let mine = runs.fetch_add(1, Ordering::SeqCst) + 1;
            yield_now().await;
            mine
        };
        let t = spawn!(c(runs.clone()));
        assert_eq!(gather!(t.clone(), t).await, Ok((1, 1)));
        assert_eq!(runs.load(Ordering::SeqCst), 1, "the body ran once");
        assert_eq!(
            gather!(spawn!(c(runs.clone())), spawn!(c(runs.clone())))
                .await
                .map(|(a, b)| a + b),
            Ok(5)
        );
    });
}

#[test]
fn gat_08_gather_is_eager_children_run_without_being_awaited() {
    on_both_flavors(|| async {
        let release = common::Flag::new();
        let child = |v: u8| {
            let release = release.clone();
            async move {
                until(|| release.get()).await;
                v
            }
        };
        let g = gather!(child(1), child(2));
        let children: Vec<_> = asyncio::all_tasks()
            .into_iter()
            .filter(|t| *t != current_task().unwrap())
            .collect();
        assert_eq!(
            children.len(),
            2,
            "two children were spawned; the gather is not a task"
        );
        release.set();
        until(|| children.iter().all(asyncio::AnyTask::done)).await;
        assert_eq!(
            g.await,
            Ok((1, 2)),
            "done without being awaited; the results wait"
        );
    });
}

#[test]
fn gather_all_mixes_futures_and_existing_tasks() {
    on_both_flavors(|| async {
        let existing = spawn!(async { 10 });
        let r = gather_all(vec![existing.clone()]).await;
        assert_eq!(r, Ok(vec![10]));
        assert_eq!(existing.await, Ok(10));
    });
}
