//! Waiting for a set of tasks to end, without forwarding anything to them: what a delivery
//! waits for (the tasks it forwarded to) and what shutdown waits for (every task it cancelled).
//!
//! One of three ways of waiting for many tasks, each for a reason: this one needs no allocation
//! per task and no count (a cursor over the set, one waker registered at a time); `watch.rs`
//! counts ends as they happen, in any order, for gather and wait, which must react to the first
//! failure or the first end; a task group's state (`task_group/`) also tracks children that
//! join while it waits.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use crate::task::erased::ErasedCore;

/// Waits until every task in the set has ended. Walks the set with a cursor and keeps a waker
/// registered on the first unfinished task only, so waiting for N tasks costs O(N) in all.
pub(crate) struct AllEnded {
    tasks: Vec<Arc<dyn ErasedCore>>,
    cursor: usize,
    key: Option<usize>,
}

impl AllEnded {
    #[inline]
    pub(crate) fn new(tasks: Vec<Arc<dyn ErasedCore>>) -> Self {
        AllEnded {
            tasks,
            cursor: 0,
            key: None,
        }
    }

    #[inline]
    pub(crate) fn poll_ended(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        while let Some(task) = self.tasks.get(self.cursor) {
            if task.poll_end(cx, &mut self.key).is_pending() {
                return Poll::Pending;
            }
            self.key = None;
            self.cursor += 1;
        }
        Poll::Ready(())
    }

    /// The set, once waited for.
    pub(crate) fn into_tasks(mut self) -> Vec<Arc<dyn ErasedCore>> {
        self.deregister();
        std::mem::take(&mut self.tasks)
    }

    fn deregister(&mut self) {
        if let (Some(key), Some(task)) = (self.key.take(), self.tasks.get(self.cursor)) {
            task.remove_waiter(key);
        }
    }
}

impl Future for AllEnded {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.poll_ended(cx)
    }
}

impl Drop for AllEnded {
    fn drop(&mut self) {
        self.deregister();
    }
}
