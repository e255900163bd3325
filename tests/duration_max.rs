//! Every API that takes a `Duration` treats a deadline past what `Instant` can hold as "never"
//! (`Duration::MAX` panicked with "overflow when adding duration to instant").

use crate::common;

use std::time::Duration;

use asyncio::{spawn, timeout, wait, wait_for, TaskError};
use common::on_both_flavors;

#[test]
fn a_timeout_of_duration_max_never_expires() {
    on_both_flavors(|| async {
        let cm = timeout(Duration::MAX);
        assert_eq!(cm.when(), None);
        assert_eq!(cm.run(async { 5 }).await, Ok(5));
        assert!(!cm.expired());
    });
}

#[test]
fn wait_for_with_duration_max_waits_for_the_value() {
    on_both_flavors(|| async {
        let r = wait_for(
            async {
                asyncio::sleep(Duration::from_millis(5)).await;
                "done"
            },
            Duration::MAX,
        )
        .await;
        assert_eq!(r, Ok("done"));
    });
}

#[test]
fn sleep_of_duration_max_is_cancellable() {
    on_both_flavors(|| async {
        let sleeper = spawn!(asyncio::sleep(Duration::MAX));
        asyncio::yield_now().await;
        assert!(!sleeper.done());
        sleeper.cancel();
        assert!(matches!(sleeper.await, Err(TaskError::Cancelled(_))));
    });
}

#[test]
fn wait_with_a_timeout_of_duration_max_waits_for_all() {
    on_both_flavors(|| async {
        let t = spawn!(asyncio::sleep(Duration::from_millis(5)));
        let (done, pending) = wait([t]).timeout(Duration::MAX).await;
        assert_eq!((done.len(), pending.len()), (1, 0));
    });
}

#[test]
fn a_timeout_rescheduled_far_in_the_future_does_not_panic() {
    on_both_flavors(|| async {
        let cm = timeout(Duration::from_millis(1));
        let r = cm
            .run(async {
                cm.reschedule(None);
                asyncio::sleep(Duration::from_millis(5)).await;
                1
            })
            .await;
        assert_eq!(r, Ok(1));
    });
}
