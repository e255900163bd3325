//! A group's shared state: its children, its failures, and who waits for them.
//!
//! Not `AllEnded` or `Watch` (see `cancel/all_ended.rs`): the set of children grows while the
//! group waits (a child may spawn a sibling), and a failure must be seen as it happens.

use super::error::TaskGroupClosed;
use super::error::TaskGroupFailure;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use atomic_waker::AtomicWaker;

use crate::cancel::forward;
use crate::cancel::own::request_on;
use crate::error::TaskError;
use crate::handle::any::AnyTask;
use crate::sync::{AtomicBool, Ordering};
use crate::task::state::Ended;
use crate::task::waiters::{CompletionListener, Listen};

#[derive(Default)]
pub(super) struct GroupState {
    pub(super) inner: Mutex<GroupInner>,
    /// Woken when a child ends in a way the scope cares about (failure, or the last one).
    pub(super) waker: AtomicWaker,
    pub(super) failed: AtomicBool,
}

#[derive(Default)]
pub(super) struct GroupInner {
    pub(super) children: Vec<AnyTask>,
    pub(super) live: usize,
    pub(super) failures: Vec<TaskGroupFailure>,
    pub(super) closed: bool,
    pub(super) body_running: bool,
    pub(super) owner: Option<AnyTask>,
    pub(super) owner_requested: Arc<AtomicBool>,
}

impl GroupState {
    pub(super) fn lock(&self) -> MutexGuard<'_, GroupInner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn check_open(&self, inner: &GroupInner) -> Result<(), TaskGroupClosed> {
        if inner.closed {
            Err(TaskGroupClosed::Finished)
        } else if self.failed.load(Ordering::Acquire) {
            Err(TaskGroupClosed::ShuttingDown)
        } else {
            Ok(())
        }
    }

    /// Listens for the end of child `index` (counted in `live` already).
    pub(super) fn listen(self: &Arc<Self>, index: usize) {
        let child = self.lock().children[index].clone();
        let listener: Arc<dyn CompletionListener> = self.clone();
        match child.core().listen(listener, index) {
            Listen::Registered(_) => {}
            Listen::AlreadyEnded(ended) => self.completed(index, ended),
        }
    }

    /// Records a failure; the first one cancels the other children and the body.
    pub(super) fn fail(&self, failure: TaskGroupFailure) {
        let to_cancel = {
            let mut inner = self.lock();
            inner.failures.push(failure);
            if self.failed.swap(true, Ordering::AcqRel) {
                return;
            }
            // Under the lock: the body's end takes it to clear `body_running` and then withdraws
            // a request of ours, so it either sees this request or we see the body has ended.
            // (Sent after the siblings' cancels, a body that returned meanwhile withdrew
            // nothing, and the task running the scope ended cancelled.)
            if inner.body_running {
                request_on(
                    inner.owner.as_ref().map(AnyTask::core),
                    &inner.owner_requested,
                );
            }
            inner
                .children
                .iter()
                .filter(|c| !c.done())
                .cloned()
                .collect::<Vec<_>>()
        };
        for child in to_cancel {
            let _ = child.cancel();
        }
        self.waker.wake();
    }
}

impl CompletionListener for GroupState {
    fn completed(&self, index: usize, ended: Ended) {
        let (error, last) = {
            let mut inner = self.lock();
            inner.live -= 1;
            let panic = (ended == Ended::Panicked)
                .then(|| inner.children[index].error())
                .flatten();
            (panic, inner.live == 0)
        };
        if let Some(TaskError::Panicked(panic)) = error {
            self.fail(TaskGroupFailure::Panicked(panic));
        }
        if last {
            self.waker.wake();
        }
    }
}

/// Cancels the children of a scope that is dropped before it finished (no orphans).
pub(super) struct CloseOnDrop(pub(super) Arc<GroupState>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        let children = {
            let mut inner = self.0.lock();
            if inner.closed {
                return;
            }
            inner.closed = true;
            inner.children.clone()
        };
        for child in children.into_iter().filter(|c| !c.done()) {
            forward::forward(child.core().clone());
        }
    }
}
