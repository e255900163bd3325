//! Task groups under multi_thread races, found by an outside suite: a child adopted after the
//! failure's snapshot of the children was never cancelled (the group waited forever), and the
//! failure's request to cancel the task running the scope could arrive after the body had
//! returned (the task ended cancelled instead of getting `Err(TaskGroupError)`).

mod common;

use std::time::Duration;

use asyncio::{spawn, task_group, yield_now};
use common::{multi_thread, park, within};

fn quiet_panics() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let expected = info
            .payload()
            .downcast_ref::<&str>()
            .is_some_and(|m| m.starts_with("boom"));
        if !expected {
            report(info);
        }
    }));
}

#[test]
fn a_child_spawned_while_the_group_fails_is_cancelled_too() {
    quiet_panics();
    within(Duration::from_secs(120), multi_thread(), || async {
        for _ in 0..200 {
            let result = task_group(|tg| async move {
                // On one worker: spawn children that only end when cancelled, as fast as the
                // group takes them, until it refuses.
                let spawner = tg.clone();
                tg.spawn(async move { while spawner.try_spawn(park()).is_ok() {} });
                // On the other: fail the group.
                tg.spawn(async {
                    yield_now().await;
                    panic!("boom");
                });
                park().await;
            })
            .await;
            assert_eq!(result.unwrap_err().errors().len(), 1);
        }
    });
}

#[test]
fn a_failure_while_the_body_returns_gives_the_task_group_error_not_a_cancellation() {
    quiet_panics();
    within(Duration::from_secs(120), multi_thread(), || async {
        for _ in 0..20 {
            let owner = spawn!(async {
                task_group(|tg| async move {
                    for _ in 0..5_000 {
                        tg.spawn(park());
                    }
                    tg.spawn(async {
                        yield_now().await;
                        panic!("boom");
                    });
                    // Returns as soon as the group refuses children: the failure is then
                    // cancelling the 5,000 siblings, and asks to cancel this task only after.
                    while tg.try_spawn(async {}).is_ok() {
                        std::hint::spin_loop();
                    }
                })
                .await
            });
            let outcome = owner.await;
            assert!(
                matches!(&outcome, Ok(Err(e)) if e.errors().len() == 1),
                "the task running the group must get Err(TaskGroupError), got {outcome:?}"
            );
        }
    });
}
