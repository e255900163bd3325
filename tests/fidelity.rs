//! CPython's own test_asyncio methods that found a difference (API.md rule 9): the main task is
//! a task like any other and waits in the same FIFO queue.

use crate::common;

use asyncio::{spawn, yield_now};

#[test]
fn test_cancel_yield() {
    // On the default flavor, where the order is Python's: one `yield_now()` in main lets the
    // spawned task take exactly one step, so the cancel finds it suspended in its first yield.
    asyncio::run(async {
        let t = spawn!(async {
            yield_now().await;
            yield_now().await;
            12
        });
        yield_now().await; // start coro
        assert!(t.cancel());
        assert!(t.clone().await.unwrap_err().is_cancelled());
        assert!(t.done());
        assert!(t.cancelled());
        assert!(!t.cancel());
    });
}

#[test]
fn each_ready_task_takes_one_step_per_yield_of_main() {
    let log = common::Log::new();
    asyncio::run({
        let log = log.clone();
        async move {
            for name in ["a", "b"] {
                let log = log.clone();
                let _ = spawn!(async move {
                    for step in 0..3 {
                        log.push(format!("{name}{step}"));
                        yield_now().await;
                    }
                });
            }
            for round in 0..3 {
                log.push(format!("main{round}"));
                yield_now().await;
            }
        }
    });
    assert_eq!(
        log.lines(),
        ["main0", "a0", "b0", "main1", "a1", "b1", "main2", "a2", "b2"]
    );
}

#[test]
fn main_woken_by_a_task_takes_its_turn_after_the_tasks_already_queued() {
    let log = common::Log::new();
    asyncio::run({
        let log = log.clone();
        async move {
            let first = spawn!({
                let log = log.clone();
                async move { log.push("first") }
            });
            let _second = spawn!({
                let log = log.clone();
                async move { log.push("second") }
            });
            first.await.unwrap(); // woken by `first`'s end, queued behind `second`
            log.push("main");
        }
    });
    assert_eq!(log.lines(), ["first", "second", "main"]);
}
