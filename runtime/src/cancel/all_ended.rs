//! Waiting for a set of tasks to stop, without forwarding anything to them.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::task::any::AnyTask;

/// Waits until every task in the set has ended. Walks the set with a cursor and keeps a waker
/// registered on the first unfinished task only, so waiting for N tasks costs O(N) in all.
pub(crate) struct StopAll {
    tasks: Vec<AnyTask>,
    cursor: usize,
    key: Option<usize>,
}

impl StopAll {
    pub(crate) fn new(tasks: Vec<AnyTask>) -> Self {
        StopAll {
            tasks,
            cursor: 0,
            key: None,
        }
    }

    pub(crate) fn poll_stopped(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        while let Some(task) = self.tasks.get(self.cursor) {
            if task.core().poll_done(cx, &mut self.key).is_pending() {
                return Poll::Pending;
            }
            self.key = None;
            self.cursor += 1;
        }
        Poll::Ready(())
    }

    pub(crate) fn into_tasks(mut self) -> Vec<AnyTask> {
        self.deregister();
        std::mem::take(&mut self.tasks)
    }

    fn deregister(&mut self) {
        if let (Some(key), Some(task)) = (self.key.take(), self.tasks.get(self.cursor)) {
            task.core().remove_waiter(key);
        }
    }
}

impl Future for StopAll {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.poll_stopped(cx)
    }
}

impl Drop for StopAll {
    fn drop(&mut self) {
        self.deregister();
    }
}
