//! Watching a set of tasks end, without a waker per task: what `gather` and `wait` share.

use crate::sync::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Waker;

use atomic_waker::AtomicWaker;

use crate::task::erased::ErasedCore;
use crate::task::state::Ended;
use crate::task::waiters::{CompletionListener, Listen};

/// When the watcher wants to be woken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Until {
    /// Every task has ended.
    AllEnded,
    /// Any task has ended.
    FirstEnded,
    /// A task was cancelled or panicked (gather), or else all have ended.
    FirstFailure,
    /// A task panicked (wait's `FirstException`), or else all have ended.
    FirstPanic,
}

const NONE: usize = usize::MAX;

/// Counts the completions of a set of tasks, remembers the first failure in completion order,
/// and wakes its waiter only when its condition may hold. Registered as one completion listener
/// on every task, so watching N tasks costs O(N) in all, whatever order they end in.
pub(crate) struct Watch {
    total: usize,
    until: Until,
    ended: AtomicUsize,
    first_failure: AtomicUsize,
    panicked: AtomicBool,
    waker: AtomicWaker,
}

impl Watch {
    /// Starts watching `tasks`: a listener on each (its key in the returned list), or counted at
    /// once if it has already ended.
    pub(crate) fn start<'a>(
        tasks: impl ExactSizeIterator<Item = &'a dyn ErasedCore>,
        until: Until,
        waker: &Waker,
    ) -> (Arc<Watch>, Vec<Option<usize>>) {
        let watch = Arc::new(Watch {
            total: tasks.len(),
            until,
            ended: AtomicUsize::new(0),
            first_failure: AtomicUsize::new(NONE),
            panicked: AtomicBool::new(false),
            waker: AtomicWaker::new(),
        });
        watch.waker.register(waker);
        let listener: Arc<dyn CompletionListener> = watch.clone();
        let keys = tasks
            .enumerate()
            .map(|(index, task)| match task.listen(listener.clone(), index) {
                Listen::Registered(key) => Some(key),
                Listen::AlreadyEnded(ended) => {
                    watch.completed(index, ended);
                    None
                }
            })
            .collect();
        (watch, keys)
    }

    /// Re-registers the waiter's waker (before checking the condition, so no wake-up is lost).
    pub(crate) fn register(&self, waker: &Waker) {
        self.waker.register(waker);
    }

    /// How many tasks have ended so far.
    pub(crate) fn ended(&self) -> usize {
        self.ended.load(Ordering::Acquire)
    }

    /// The index of the first task that was cancelled or panicked, if any.
    pub(crate) fn first_failure(&self) -> Option<usize> {
        Some(self.first_failure.load(Ordering::Acquire)).filter(|&i| i != NONE)
    }

    /// Whether the condition holds.
    pub(crate) fn satisfied(&self) -> bool {
        let all = self.ended() == self.total;
        match self.until {
            Until::AllEnded => all,
            Until::FirstEnded => all || self.ended() > 0,
            Until::FirstFailure => all || self.first_failure().is_some(),
            Until::FirstPanic => all || self.panicked.load(Ordering::Acquire),
        }
    }
}

impl CompletionListener for Watch {
    fn completed(&self, index: usize, ended: Ended) {
        if ended != Ended::Value {
            let _ = self.first_failure.compare_exchange(
                NONE,
                index,
                Ordering::AcqRel,
                Ordering::Acquire,
            );
        }
        if ended == Ended::Panicked {
            self.panicked.store(true, Ordering::Release);
        }
        self.ended.fetch_add(1, Ordering::AcqRel);
        if self.satisfied() {
            self.waker.wake();
        }
    }
}

/// Removes the listeners of a watch that are still registered.
pub(crate) fn stop_watching<'a>(
    keys: &mut [Option<usize>],
    tasks: impl Iterator<Item = &'a dyn ErasedCore>,
) {
    for (key, task) in keys.iter_mut().zip(tasks) {
        if let Some(key) = key.take() {
            if !task.header().is_done() {
                task.remove_waiter(key);
            }
        }
    }
}
