//! The count of done-callback jobs queued and not yet run, which shutdown waits for (the jobs:
//! `done_callback.rs`).

use std::task::Poll;

use atomic_waker::AtomicWaker;

use crate::sync::{AtomicUsize, Ordering};

/// A runtime's count of callback jobs queued and not yet run, for shutdown.
#[derive(Default)]
pub(crate) struct PendingCallbacks {
    pending: AtomicUsize,
    idle: AtomicWaker,
}

impl PendingCallbacks {
    /// Ready once no callback job is queued.
    pub(crate) async fn idle(&self) {
        std::future::poll_fn(|cx| {
            if self.pending.load(Ordering::Acquire) == 0 {
                return Poll::Ready(());
            }
            self.idle.register(cx.waker());
            if self.pending.load(Ordering::Acquire) == 0 {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
    }

    pub(crate) fn add(&self) {
        self.pending.fetch_add(1, Ordering::AcqRel);
    }

    pub(crate) fn done(&self) {
        if self.pending.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.idle.wake();
        }
    }
}
