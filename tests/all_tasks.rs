//! ALL-xx: all_tasks(), current_task() and wait().

use crate::common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use asyncio::{all_tasks, current_task, spawn, wait, yield_now, AnyTask, ReturnWhen, RunConfig};
use common::{on_both_flavors, park, until};

fn names(tasks: &HashSet<AnyTask>) -> Vec<String> {
    let mut names: Vec<String> = tasks.iter().map(AnyTask::name).collect();
    names.sort();
    names
}

#[test]
fn all_01_all_tasks_holds_the_current_and_unstarted_tasks_not_finished_ones() {
    RunConfig::new().run(async {
        let main = current_task().unwrap().name();
        let _quick = spawn!(async { 1 }, name = "quick");
        let slow = spawn!(park(), name = "slow");
        let mut expected = vec![main.clone(), "quick".to_owned(), "slow".to_owned()];
        expected.sort();
        assert_eq!(names(&all_tasks()), expected);
        yield_now().await;
        let mut expected = vec![main.clone(), "slow".to_owned()];
        expected.sort();
        assert_eq!(
            names(&all_tasks()),
            expected,
            "finished tasks leave at once"
        );
        slow.cancel();
        yield_now().await;
        assert_eq!(names(&all_tasks()), [main]);
    });
    assert!(all_tasks().is_empty(), "no runtime, no tasks");
}

#[test]
fn all_01_each_runtime_sees_only_its_own_tasks() {
    let other = std::thread::spawn(|| {
        RunConfig::new().run(async {
            let _t = spawn!(park(), name = "other-runtime");
            asyncio::sleep(Duration::from_millis(50)).await;
            names(&all_tasks())
        })
    });
    let mine = RunConfig::new().run(async {
        let _t = spawn!(park(), name = "this-runtime");
        asyncio::sleep(Duration::from_millis(50)).await;
        names(&all_tasks())
    });
    let other = other.join().unwrap();
    assert!(
        mine.contains(&"this-runtime".to_owned()) && !mine.contains(&"other-runtime".to_owned())
    );
    assert!(
        other.contains(&"other-runtime".to_owned()) && !other.contains(&"this-runtime".to_owned())
    );
}

#[test]
fn all_02_current_task() {
    on_both_flavors(|| async {
        let me = current_task().unwrap();
        assert!(me.name().starts_with("Task-"));
        assert!(all_tasks().contains(&me));
        // The child returns its own handle, not its completion.
        #[allow(clippy::async_yields_async)]
        let child = spawn!(async { current_task().unwrap() });
        let child_id = child.id();
        let seen = child.await.unwrap();
        assert_eq!(seen.id(), child_id, "a child sees itself");
        assert_eq!(current_task().unwrap(), me, "main is still current");
    });
    assert!(current_task().is_none());
}

async fn bg(i: u32, delay_ms: u64) -> u32 {
    asyncio::sleep(Duration::from_millis(delay_ms)).await;
    assert!(i != 1, "bg1 failed");
    i
}

#[test]
fn all_03_wait_for_all_background_tasks() {
    on_both_flavors(|| async {
        for (i, d) in [(0, 30), (1, 10), (2, 20)] {
            drop(spawn!(bg(i, d), name = format!("bg{i}")));
        }
        let mut others = all_tasks();
        others.remove(&current_task().unwrap());
        let (done, pending) = wait(others).await;
        assert_eq!((done.len(), pending.len()), (3, 0));
        let mut outcomes: Vec<(String, bool)> = done
            .iter()
            .map(|t| (t.name(), t.error().is_some()))
            .collect();
        outcomes.sort();
        assert_eq!(
            outcomes,
            [
                ("bg0".to_owned(), false),
                ("bg1".to_owned(), true),
                ("bg2".to_owned(), false)
            ],
            "wait did not raise; the failure stays in bg1"
        );
        assert_eq!(all_tasks(), HashSet::from([current_task().unwrap()]));
    });
}

async fn s(delay_ms: u64, fail: bool) -> u64 {
    asyncio::sleep(Duration::from_millis(delay_ms)).await;
    assert!(!fail, "failing after {delay_ms} ms");
    delay_ms
}

#[test]
fn all_05_first_completed_and_first_exception() {
    on_both_flavors(|| async {
        let ts: Vec<_> = [500, 10, 300]
            .map(|d| spawn!(s(d, false), name = format!("s{d}")))
            .into();
        let (done, pending) = wait(&ts).return_when(ReturnWhen::FirstCompleted).await;
        assert_eq!(done.iter().map(|t| t.name()).collect::<Vec<_>>(), ["s10"]);
        assert_eq!(pending.len(), 2);
        assert!(pending.iter().all(|t| !t.done()), "pending untouched");

        let ts = [
            spawn!(s(10, false)),
            spawn!(s(20, true)),
            spawn!(s(500, false)),
        ];
        let (done, pending) = wait(&ts).return_when(ReturnWhen::FirstException).await;
        assert_eq!((done.len(), pending.len()), (2, 1));
        assert_eq!(done.iter().filter(|t| t.error().is_some()).count(), 1);

        let ts = [spawn!(s(10, false)), spawn!(s(20, false))];
        let (done, pending) = wait(&ts).return_when(ReturnWhen::FirstException).await;
        assert_eq!((done.len(), pending.len()), (2, 0));

        let mut rest = all_tasks();
        rest.remove(&current_task().unwrap());
        let _ = wait(rest).await;
    });
}

#[test]
fn all_05_a_cancelled_task_is_not_an_exception() {
    on_both_flavors(|| async {
        let cancelled = spawn!(park());
        let slow = spawn!(s(30, false));
        cancelled.cancel();
        let both: [AnyTask; 2] = [cancelled.into(), slow.into()];
        let (done, pending) = wait(both).return_when(ReturnWhen::FirstException).await;
        assert_eq!((done.len(), pending.len()), (2, 0), "ran to all-completed");
    });
}

#[test]
fn all_06_wait_with_a_timeout_returns_the_partition_and_cancels_nothing() {
    on_both_flavors(|| async {
        let ts = [spawn!(s(10, false)), spawn!(s(300, false))];
        let start = Instant::now();
        let (done, pending) = wait(ts.clone()).timeout(Duration::from_millis(100)).await;
        assert!(start.elapsed() >= Duration::from_millis(100));
        assert_eq!((done.len(), pending.len()), (1, 1));
        let p = pending.into_iter().next().unwrap();
        assert!(!p.cancelled());
        assert_eq!(p.await, Ok(300), "still completes");
    });
}

#[test]
fn all_07_empty_input_returns_at_once_and_duplicates_collapse() {
    on_both_flavors(|| async {
        let (done, pending) = wait(Vec::<AnyTask>::new()).await;
        assert!(
            done.is_empty() && pending.is_empty(),
            "divergence: Python raises ValueError"
        );
        let t = spawn!(async { 1 });
        let (done, _) = wait([&t, &t]).await;
        assert_eq!(done.len(), 1);
        // Out of spawn order, repeated apart, one still running: each task counted once.
        let u = spawn!(async { 2 });
        let slow = spawn!(async {
            asyncio::sleep(Duration::from_secs(10)).await;
            3
        });
        let (done, pending) = wait([&u, &slow, &t, &u, &slow])
            .timeout(Duration::from_millis(20))
            .await;
        assert_eq!((done.len(), pending.len()), (2, 1));
        assert!(pending.contains(&&slow));
        slow.cancel();
    });
}

#[test]
fn all_08_cancelling_the_waiter_does_not_cancel_the_waited_tasks() {
    on_both_flavors(|| async {
        let ts = [spawn!(s(50, false)), spawn!(s(50, false))];
        let waiter = spawn!({
            let ts = ts.clone();
            async move { wait(ts).await.0.len() }
        });
        asyncio::sleep(Duration::from_millis(10)).await;
        waiter.cancel();
        assert!(waiter.clone().await.unwrap_err().is_cancelled());
        assert!(ts.iter().all(|t| !t.cancelled()));
        assert_eq!(
            asyncio::gather_all(ts).await,
            Ok(vec![50, 50]),
            "they finish normally"
        );
    });
}

#[test]
fn seed_question_5_wait_for_all_background_tasks() {
    on_both_flavors(|| async {
        let finished = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        for i in 0..20u64 {
            let finished = finished.clone();
            drop(spawn!(async move {
                asyncio::sleep(Duration::from_millis(i % 5)).await;
                finished.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }));
        }
        yield_now().await;
        let mut all = all_tasks();
        all.remove(&current_task().unwrap());
        let _ = wait(all).await;
        assert_eq!(finished.load(std::sync::atomic::Ordering::SeqCst), 20);
        until(|| all_tasks().len() == 1).await;
    });
}
