//! What a task has produced so far, in the core's slot: the outcome (or, while running, the
//! pending request's message), how a value is shared between handles, and the reads that finish
//! outside the lock.

use std::sync::{Arc, PoisonError};

use super::waiters::Waiters;
use crate::error::TaskError;
use crate::sync::Mutex;
use crate::task::request::Request;

/// What the task has produced so far. The pending cancellation request shares the space of the
/// outcome: it only exists while the task runs.
pub(super) enum Outcome<T> {
    Running {
        pending: Request,
    },
    Done(Result<T, TaskError>),
    /// A value read by more than one handle: each reader takes a reference under the slot's
    /// lock and clones the value after releasing it, since a `Clone` is user code and may use
    /// the task (`cancel()`, `result()`), which takes that lock.
    Shared(Arc<SharedValue<T>>),
    /// The value was moved out by the last handle, or dropped when no handle was left
    /// (`VALUE_GONE`).
    Taken,
}

/// A task's value once a second handle reads it (see [`Outcome::Shared`]). The mutex serialises
/// the clones: a `Task<T>` is `Sync` for `T: Send`, so two threads must not read `&T` at once.
pub(super) struct SharedValue<T> {
    value: Mutex<T>,
}

thread_local! {
    /// The [`SharedValue`] being cloned on this thread (its address; 0: none), to turn a
    /// `Clone` that reads its own task's value again into a clear panic instead of a deadlock.
    static CLONING: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl<T> SharedValue<T> {
    pub(super) fn new(value: T) -> Arc<Self> {
        Arc::new(SharedValue {
            value: Mutex::new(value),
        })
    }

    /// Clones the value; runs the user's `Clone` with no lock of the task held.
    pub(super) fn clone_with(&self, clone: fn(&T) -> T) -> T {
        let address = self as *const Self as usize;
        let previous = CLONING.with(|c| c.replace(address));
        struct Restore(usize);
        impl Drop for Restore {
            fn drop(&mut self) {
                CLONING.with(|c| c.set(self.0));
            }
        }
        let _restore = Restore(previous);
        // (Not under loom, whose model threads share one OS thread and so its thread-locals.)
        assert!(
            cfg!(asyncio_loom) || previous != address,
            "the Clone of a task's value read that same task's value (Task::result or await \
             inside its own Clone)"
        );
        let value = self.value.lock().unwrap_or_else(PoisonError::into_inner);
        clone(&value)
    }

    pub(super) fn into_value(this: Arc<Self>, clone: fn(&T) -> T) -> T {
        match Arc::try_unwrap(this) {
            Ok(shared) => shared
                .value
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner),
            // Another handle is cloning it right now (it was the last but one).
            Err(this) => this.clone_with(clone),
        }
    }
}

/// What a reader does once the slot's lock is released.
pub(super) enum Read<T> {
    Ready(Result<T, TaskError>),
    Clone(Arc<SharedValue<T>>, fn(&T) -> T),
    CloneLast(Arc<SharedValue<T>>, fn(&T) -> T),
}

impl<T> Read<T> {
    /// Finishes the read outside the slot's lock (a clone runs user code).
    #[inline]
    pub(super) fn finish(self) -> Result<T, TaskError> {
        match self {
            Read::Ready(result) => result,
            Read::Clone(shared, clone) => Ok(shared.clone_with(clone)),
            Read::CloneLast(shared, clone) => Ok(SharedValue::into_value(shared, clone)),
        }
    }
}

pub(super) struct Slot<T> {
    pub(super) outcome: Outcome<T>,
    pub(super) waiters: Waiters,
    pub(super) cloner: Option<fn(&T) -> T>,
}

impl<T> Slot<T> {
    /// The error of an ended task (`None` for a value, or while running).
    pub(super) fn error(&self) -> Option<TaskError> {
        match &self.outcome {
            Outcome::Done(Err(e)) => Some(e.clone()),
            _ => None,
        }
    }

    /// Takes the pending request's message out of a running task's outcome (there may be none
    /// left: a completion under a pending cancel takes it).
    pub(super) fn take_pending(&mut self) -> Request {
        match &mut self.outcome {
            Outcome::Running { pending } => std::mem::take(pending),
            _ => Request::default(),
        }
    }
}
