//! A task's future is pinned: once polled, it stays at the same address until it is dropped —
//! through yields, wake-ups from other threads, cancellation, and the end of the runtime. The
//! runtime pins it in place inside the task (`runtime/src/runtime/cell.rs`, its one `unsafe`); these
//! futures check their own address on every poll and in their destructor.

use crate::common;

use std::cell::Cell;
use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use asyncio::spawn;
use common::on_both_flavors;

/// Yields `polls` times (each time woken from another thread, or right away), then is ready;
/// panics if it is ever polled or dropped at an address other than the one of its first poll.
/// `!Unpin`, so only a runtime that pins it may poll it; its state is in `Cell`s, so it is
/// updated through `&Self` without `unsafe`.
struct StaysPut {
    address: Cell<Option<usize>>,
    polls: Cell<usize>,
    from_other_thread: bool,
    checks: Arc<AtomicUsize>,
    _pinned: PhantomPinned,
}

impl StaysPut {
    fn new(polls: usize, from_other_thread: bool, checks: Arc<AtomicUsize>) -> Self {
        StaysPut {
            address: Cell::new(None),
            polls: Cell::new(polls),
            from_other_thread,
            checks,
            _pinned: PhantomPinned,
        }
    }

    fn check(&self) {
        let here = self as *const Self as usize;
        match self.address.get() {
            None => self.address.set(Some(here)),
            Some(first) => {
                assert_eq!(first, here, "a pinned future moved");
                self.checks.fetch_add(1, Ordering::SeqCst);
            }
        }
    }
}

impl Future for StaysPut {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.check();
        let left = self.polls.get();
        if left == 0 {
            return Poll::Ready(());
        }
        self.polls.set(left - 1);
        if self.from_other_thread {
            let waker = cx.waker().clone();
            std::thread::spawn(move || waker.wake());
        } else {
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

impl Drop for StaysPut {
    fn drop(&mut self) {
        if self.address.get().is_some() {
            self.check();
        }
    }
}

#[test]
fn a_task_future_never_moves_between_polls_or_before_its_drop() {
    on_both_flavors(|| async {
        let checks = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..200)
            .map(|i| spawn!(StaysPut::new(1 + i % 5, i % 4 == 0, checks.clone())))
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        // Every task was polled again (and dropped) at its first address: 2..=6 polls + drop.
        assert!(checks.load(Ordering::SeqCst) >= 200 * 2);
    });
}

#[test]
fn a_cancelled_or_abandoned_task_future_is_dropped_where_it_was_polled() {
    let checks = Arc::new(AtomicUsize::new(0));
    on_both_flavors(|| {
        let checks = checks.clone();
        async move {
            let parked: Vec<_> = (0..100)
                .map(|_| {
                    let checks = checks.clone();
                    spawn!(async move {
                        // Kept alive across the park, so cancellation drops it.
                        let mut stays = std::pin::pin!(StaysPut::new(2, false, checks));
                        stays.as_mut().await;
                        asyncio::sleep(Duration::from_secs(3600)).await;
                    })
                })
                .collect();
            asyncio::sleep(Duration::from_millis(20)).await;
            for task in parked.iter().step_by(2) {
                task.cancel();
            }
            // The other half is cancelled by the runtime's shutdown.
            drop(parked);
        }
    });
    // Each of the 200 tasks: two re-polls of `StaysPut`, then its drop at the same address.
    assert_eq!(checks.load(Ordering::SeqCst), 2 * 100 * 3);
}
